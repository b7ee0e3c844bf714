"""Display names: the usernames' character rules, and no imitating a member or staff.

Issue 12, item 6: "editor", a right-to-left override that displays as "editor", and a
newline were accepted; the newline made the notification email task raise, so everyone
notified of that member's comments silently got nothing.
"""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def edit(client, display_name: str):
    return client.post(
        reverse("accounts:profile_edit"),
        {"display_name": display_name, "bio": "", "email_notifications": "on"},
    )


def refused(response, member, phrase: str) -> None:
    assert response.status_code == 422
    assert phrase in html.unescape(response.text)
    assert "<form" in response.text
    old = member.display_name
    member.refresh_from_db()
    assert member.display_name == old


@pytest.mark.parametrize(
    ("display_name", "phrase"),
    [
        ("Rosie\nFan", "U+000A"),
        ("Rosie\r\nFan", "U+000D"),
        ("\u202erotide", "RIGHT-TO-LEFT OVERRIDE"),  # shows as "editor"
        ("Rosie\u200bFan", "ZERO WIDTH SPACE"),
        ("Rosie\u2067Fan", "RIGHT-TO-LEFT ISOLATE"),
        ("Rosie\x00Fan", "Null characters are not allowed"),
        ("\u3164", "FILLER"),  # Hangul filler: a letter, shown as nothing
    ],
)
def test_invisible_and_control_characters_are_refused(member_client, member, display_name, phrase):
    refused(edit(member_client, display_name), member, phrase)


@pytest.mark.parametrize("display_name", ["editor", "Editor", "ｅｄｉｔｏｒ", "еditor", "Admin"])
def test_reserved_names_are_refused(member_client, member, display_name):
    refused(edit(member_client, display_name), member, "kept for the site and its staff")


@pytest.mark.parametrize(
    "display_name", ["idol_fan", "IDOL_FAN", "ıdol_fan", "i\u0307dol_fan", "İDOL_FAN"]
)
def test_another_members_username_is_refused(member_client, member, display_name):
    MemberFactory(username="idol_fan")
    refused(edit(member_client, display_name), member, "looks like another member's username")


@pytest.mark.parametrize(
    "display_name",
    [
        "Crossover Desk",
        "crossover desk",
        "Crοssover Desk",
        "Crossover  Desk",  # HTML shows a run of spaces as one
        "Crossover \u3000Desk",
    ],
)
def test_a_staff_members_display_name_is_refused(member_client, member, editor, display_name):
    editor.display_name = "Crossover Desk"
    editor.save()
    refused(edit(member_client, display_name), member, "looks like a staff member's")


def test_ordinary_names_and_ones_own_username_are_fine(member_client, member):
    for display_name in ("Rosie Fan", "로제 💖", "Ｒｏｓｉｅ", member.username.upper(), ""):
        response = edit(member_client, display_name)
        assert response.status_code == 302, display_name
    member.refresh_from_db()
    assert member.display_name == ""
    edit(member_client, "  Ｒｏｓｉｅ  ")
    member.refresh_from_db()
    assert member.display_name == "Rosie"  # canonical: NFKC, trimmed


def test_the_admin_applies_the_same_rules(admin_client, member):
    data = {
        "username": member.username,
        "email": member.email,
        "display_name": "Rosie\nFan",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "is_active": "on",
    }
    response = admin_client.post(reverse("admin:accounts_user_change", args=[member.pk]), data)
    assert response.status_code == 200
    assert "U+000A" in html.unescape(response.text)
