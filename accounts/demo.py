"""Demo members and the demo editor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from core.urls import absolute_url

EDITOR_USERNAME = "editor"
EDITOR_PASSWORD = "crossover-editor"
MEMBER_PASSWORD = "crossover-demo"
# The demo editor's TOTP secret: public, so for development only. `manage.py
# totp_code editor` prints the current code (and refuses to run with DEBUG off).
EDITOR_TOTP_SECRET = "CROSSOVERDEMOEDITORDEVONLY234567"

# (username, display name, bio); each joined on a different day (JOINED_DAYS_BEFORE).
DEMO_MEMBERS = [
    ("blinkforever", "Blink Forever", "BLACKPINK in your area since 2016. APT. on repeat."),
    ("army_jay", "Jay", "ARMY. Will defend Best of Me with my life."),
    ("carat_mingyu", "Mingyu's left ear", "SEVENTEEN right here. 5, 4, 3 supremacy."),
    ("stay4life", "Stay", "Stray Kids stan. Lose My Breath changed everything."),
    ("popfan_lena", "Lena", "Berlin. I came for Bruno Mars, stayed for Rosé."),
    ("hallyu_hana", "Hana", "Seoul ↔ São Paulo. Crossovers are my whole personality."),
    ("wondergirls_og", "OG Wonderful", "I remember Like Money. Respect your elders."),
    ("edm_marco", "Marco", "Here for the Steve Aoki remixes."),
    ("zayn_and_jisoo", "Eyes Closed Club", "Jisoo solo era is the best era."),
    ("lightstick_lu", "Lu", "Collecting lightsticks and hot takes."),
    ("kpop_dad_tom", "Tom", "My daughter got me into this. Now I rank collabs."),
    ("chartwatcher", "Chart Watcher", "Billboard numbers, all day."),
]
# Days before the demo's start (demo_start()) each member joined: a community that grew
# over a year, not twelve sign-ups in one second. Earliest first, like DEMO_MEMBERS, so
# the members who vote most (collabs.demo) had been around longest.
JOINED_DAYS_BEFORE = [402, 377, 351, 318, 290, 244, 213, 187, 165, 141, 126, 111]


def demo_start():
    """When the demo community "is": the moment the demo editor was created (the first
    demo_data run). Fixed once made, so later runs place everything at the same times."""
    joined = User.objects.filter(username=EDITOR_USERNAME).values_list("date_joined", flat=True)
    return joined.first() or timezone.now()


def ensure_member(username: str, *, password: str, display_name: str = "", bio: str = "") -> User:
    email = f"{username}@example.com"
    user = User.objects.filter(username=username).first()
    if user is None:
        # Demo addresses are not real: no notification mail for them.
        user = User.objects.create_user(
            username=username,
            email=email,
            password=password,
            display_name=display_name,
            bio=bio,
            email_notifications=False,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load(*, log: Callable[[str], None]) -> str:
    editor = ensure_member(EDITOR_USERNAME, password=EDITOR_PASSWORD, display_name="Crossover Desk")
    start = demo_start()
    for (username, display_name, bio), days in zip(DEMO_MEMBERS, JOINED_DAYS_BEFORE, strict=True):
        member = ensure_member(
            username, password=MEMBER_PASSWORD, display_name=display_name, bio=bio
        )
        # A few hours apart within the day too, so no two share a clock time.
        joined = start - timedelta(days=days, hours=(days * 7) % 13)
        if member.date_joined != joined:
            User.objects.filter(pk=member.pk).update(date_joined=joined)
    if not editor.is_staff:
        editor.is_staff = True
        editor.save(update_fields=["is_staff"])
    editor.groups.add(Group.objects.get_or_create(name="Editors")[0])
    # /admin/ needs two-factor authentication (accounts/middleware.py).
    if not Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(editor, EDITOR_TOTP_SECRET)
    log(f"Members: {len(DEMO_MEMBERS)} demo members and the editor.")
    return (
        f"Editor login: {EDITOR_USERNAME} / {EDITOR_PASSWORD} at {absolute_url('/admin/')}\n"
        f"  then the code from `.venv/bin/python manage.py totp_code {EDITOR_USERNAME}` "
        f"(or add the TOTP secret {EDITOR_TOTP_SECRET} to an authenticator app)\n"
        f"Demo members ({', '.join(u for u, _, _ in DEMO_MEMBERS[:3])}, …) use the password "
        f"{MEMBER_PASSWORD}"
    )
