"""What pages need to know about the member viewing them, in one query per request.

The header's unread-notifications badge, and a discussion's "may this member post"
(a verified email, no active mute) used to cost three queries on every member's
page; `viewer_facts(request)` answers all three with one, memoised on the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone

from comments.models import Mute, Notification


@dataclass(frozen=True)
class ViewerFacts:
    unread_notifications: int
    verified: bool
    mute: Mute | None


def viewer_facts(request) -> ViewerFacts | None:
    """The facts for request.user (None for visitors), computed once per request."""
    user = request.user
    if not user.is_authenticated:
        return None
    facts = getattr(request, "_viewer_facts", None)
    if facts is None or facts[0] != user.pk:
        facts = (user.pk, _query(user))
        request._viewer_facts = facts
    return facts[1]


def _query(user) -> ViewerFacts:
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mute = Mute.objects.filter(member=OuterRef("pk"), until__gt=timezone.now()).order_by("-until")
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            unread=Subquery(unread),
            verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
            mute_until=Subquery(mute.values("until")[:1]),
            mute_reason=Subquery(mute.values("reason")[:1]),
        )
        .values("unread", "verified", "mute_until", "mute_reason")
        .first()
    ) or {"unread": 0, "verified": False, "mute_until": None, "mute_reason": ""}
    until: datetime | None = row["mute_until"]
    # Django's SQLite backend returns a subquery's datetime as a string.
    if isinstance(until, str):
        from django.db.models.fields import DateTimeField

        until = DateTimeField().to_python(until)
    # Remembered on the user too, for accounts.access.is_verified (a lower app).
    user._email_verified = bool(row["verified"])
    return ViewerFacts(
        unread_notifications=row["unread"] or 0,
        verified=bool(row["verified"]),
        mute=Mute(member=user, until=until, reason=row["mute_reason"]) if until else None,
    )
