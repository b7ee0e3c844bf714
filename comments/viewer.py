"""What pages need to know about the member viewing them, in one query per request.

The header's unread-notifications badge, and a discussion's "may this member post"
(a verified email, no active mute) used to cost three queries on every member's
page; `viewer_facts(request)` answers all three with one, memoised on the request and,
on a GET, kept in the process while the tables it reads are unchanged and until the
next moment time alone changes the answer (a mute ends, a scheduled thread with an
unread mention opens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache as once

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone

from accounts.access import remember_verified
from comments.models import Comment, Mute, Notification, Thread
from core.caching import memo_in_process, reading


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
        pk = user.pk
        if reading():
            found = memo_in_process(f"facts:{pk}", TABLES, lambda: _query(pk), until=_until)
        else:
            found = _query(pk)
        facts = (user.pk, found[0])
        request._viewer_facts = facts
    # Remembered on the user too, for accounts.access.is_verified.
    remember_verified(user, facts[1].verified)
    return facts[1]


# What the facts read, but comments: a comment's thread never changes, and a comment
# deleted takes its notifications with it. So a comment posted anywhere (a busy site's
# most frequent write) leaves every member's facts kept.
TABLES = tuple(f"t:{model._meta.db_table}" for model in (Notification, Thread, EmailAddress, Mute))


def _until(found) -> float:
    return found[1].timestamp() if found[1] else float("inf")


UNVERIFIED = "Verify your email address to join the discussion."


@once
def _sql() -> str:
    # Written out rather than built by the ORM: the same query through annotate()
    # with four subqueries cost ~2.5 ms of Python to compile on every member's page,
    # for 0.02 ms of SQL. Plain SQL that SQLite and PostgreSQL both speak.
    return f"""
        SELECT
          (SELECT COUNT(*) FROM {Notification._meta.db_table} n
            JOIN {Comment._meta.db_table} c ON c.id = n.comment_id
            JOIN {Thread._meta.db_table} t ON t.id = c.thread_id
            WHERE n.recipient_id = %s AND n.read_at IS NULL AND t.public_from <= %s),
          EXISTS(SELECT 1 FROM {EmailAddress._meta.db_table} e
            WHERE e.user_id = %s AND e.verified = %s),
          m.until, m.reason,
          (SELECT MIN(t.public_from) FROM {Notification._meta.db_table} n
            JOIN {Comment._meta.db_table} c ON c.id = n.comment_id
            JOIN {Thread._meta.db_table} t ON t.id = c.thread_id
            WHERE n.recipient_id = %s AND n.read_at IS NULL AND t.public_from > %s)
        FROM (SELECT 1 AS one) AS row
        LEFT JOIN (
          SELECT until, reason FROM {Mute._meta.db_table}
           WHERE member_id = %s AND until > %s ORDER BY until DESC LIMIT 1
        ) AS m ON 1 = 1
    """


def _query(pk: int) -> tuple[ViewerFacts, datetime | None]:
    """The facts, and when time alone next changes them (None: not before the data)."""
    with connection.cursor() as cursor:
        now = timezone.now()
        cursor.execute(_sql(), [pk, now, pk, True, pk, now, pk, now])
        unread, verified, until, reason, opens = cursor.fetchone()
    until, opens = _aware(until), _aware(opens)
    facts = ViewerFacts(
        unread_notifications=unread or 0,
        verified=bool(verified),
        mute=Mute(member_id=pk, until=until, reason=reason) if until else None,
    )
    return facts, min((t for t in (until, opens) if t is not None), default=None)


def _aware(value) -> datetime | None:
    if isinstance(value, str):
        # SQLite hands back a datetime as UTC text.
        value = DateTimeField().to_python(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value
