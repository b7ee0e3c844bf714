"""What pages need to know about the member viewing them, in one query per request.

The header's unread-notifications badge, and a discussion's "may this member post"
(a verified email, no active mute) used to cost three queries on every member's
page; `viewer_facts(request)` answers all three with one, memoised on the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from functools import cache as once

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone

from accounts.access import remember_verified
from comments.models import Comment, CommentLike, Mute, Notification, Thread
from core.models import Generation, Topic
from core.page_cache import EVERYTHING
from core.sql import column, placeholders
from core.viewer_slots import Personal


@dataclass(frozen=True)
class ViewerFacts:
    unread_notifications: int
    verified: bool
    mute: Mute | None
    generation: int = 0
    newest: int = 0  # the latest stamp of the topics asked about (state_source)
    structure: int = 0  # the stamp of "*" (core.page_cache.structure_for)


def viewer_facts(request, topics: tuple[str, ...] = ()) -> ViewerFacts | None:
    """The facts for request.user (None for visitors), computed once per request.

    With `topics`, the same query also finds their latest page-cache stamp."""
    user = request.user
    if not user.is_authenticated:
        return None
    if getattr(user, "is_shared_viewer", False):
        # Some member, on a page shared by all members: the slots hold what differs.
        return SHARED_FACTS
    facts = getattr(request, "_viewer_facts", None)
    if facts is None or facts[0] != user.pk:
        facts = (user.pk, _query(user, topics))
        request._viewer_facts = facts
        # The page cache's content generation and "*" stamp came in the same query.
        if not hasattr(request, "_content_generation"):
            request._content_generation = facts[1].generation
            request._structure_stamp = facts[1].structure
    return facts[1]


SHARED_FACTS = ViewerFacts(unread_notifications=0, verified=True, mute=None)


def state_source(request, topics: tuple[str, ...]) -> tuple[int, int, int] | None:
    """For core.page_cache: the content generation, the "*" stamp and the latest stamp
    of a cached page's topics come in the query that reads a member's facts anyway."""
    user = request.user
    if not user.is_authenticated or getattr(user, "is_shared_viewer", False):
        return None
    if getattr(request, "_viewer_facts", None) is not None:
        return None  # already read, without the topics
    facts = viewer_facts(request, topics)
    return facts.generation, facts.newest, facts.structure


# Slots of discussions on pages shared by all members (core/viewer_slots.py) --------


def liked_slot_state(request, keys) -> dict[tuple[int, int | None], bool]:
    """Which of these comments ((id, author id)) the member liked. Their own comments
    carry Edit and Delete instead of Flag: a page showing one is theirs alone."""
    member = request.user.pk
    if any(author == member for _, author in keys):
        raise Personal
    ids = [pk for pk, _ in keys]
    liked = column(
        f"SELECT comment_id FROM {CommentLike._meta.db_table}"
        f" WHERE user_id = %s AND comment_id IN ({placeholders(ids)})",
        [member, *ids],
    )
    return {key: key[0] in liked for key in keys}


UNVERIFIED = "Verify your email address to join the discussion."


def compose_slot_state(request, keys) -> dict[int, str]:
    """Per thread (id): the comment form, or why not. A muted member's refusal, and their
    own comments held for review or removed by an editor (shown to them alone), make the
    page theirs alone."""
    facts = viewer_facts(request)
    if facts.mute is not None:
        raise Personal
    threads = list(keys)
    held = column(
        f"SELECT 1 FROM {Comment._meta.db_table}"
        f" WHERE thread_id IN ({placeholders(threads)}) AND author_id = %s"
        " AND state IN (%s, %s) LIMIT 1",
        [*threads, request.user.pk, *(state.value for state in Comment.OWN_ONLY_STATES)],
    )
    if held:
        raise Personal
    return dict.fromkeys(keys, "form" if facts.verified else "unverified")


def apply_compose(discussion, variant: str) -> None:
    from comments.forms import CommentForm

    if discussion.thread.is_locked or not discussion.thread.is_public:
        return
    discussion.can_post = variant == "form"
    discussion.form = CommentForm() if discussion.can_post else None
    discussion.refusal = "" if discussion.can_post else UNVERIFIED


@once
def _sql(topic_count: int) -> str:
    # Written out rather than built by the ORM: the same query through annotate()
    # with four subqueries cost ~2.5 ms of Python to compile on every member's page,
    # for 0.02 ms of SQL. Plain SQL that SQLite and PostgreSQL both speak.
    keys = placeholders(range(topic_count))
    newest = f"(SELECT max(stamp) FROM {Topic._meta.db_table} WHERE key IN ({keys}))"
    if not topic_count:
        newest = "0"
    return f"""
        SELECT
          (SELECT COUNT(*) FROM {Notification._meta.db_table} n
            JOIN {Comment._meta.db_table} c ON c.id = n.comment_id
            JOIN {Thread._meta.db_table} t ON t.id = c.thread_id
            WHERE n.recipient_id = %s AND n.read_at IS NULL AND t.public_from <= %s),
          EXISTS(SELECT 1 FROM {EmailAddress._meta.db_table} e
            WHERE e.user_id = %s AND e.verified = %s),
          m.until, m.reason,
          (SELECT value FROM {Generation._meta.db_table} WHERE id = 1),
          {newest},
          (SELECT stamp FROM {Topic._meta.db_table} WHERE key = '{EVERYTHING}')
        FROM (SELECT 1 AS one) AS row
        LEFT JOIN (
          SELECT until, reason FROM {Mute._meta.db_table}
           WHERE member_id = %s AND until > %s ORDER BY until DESC LIMIT 1
        ) AS m ON 1 = 1
    """


def _query(user, topics: tuple[str, ...]) -> ViewerFacts:
    with connection.cursor() as cursor:
        now = timezone.now()
        params = [user.pk, now, user.pk, True, *topics, user.pk, now]
        cursor.execute(_sql(len(topics)), params)
        unread, verified, until, reason, generation, newest, structure = cursor.fetchone()
    if isinstance(until, str):
        # SQLite hands back the datetime as UTC text.
        until = DateTimeField().to_python(until)
    if until is not None and timezone.is_naive(until):
        until = timezone.make_aware(until, UTC)
    # Remembered on the user too, for accounts.access.is_verified.
    remember_verified(user, verified)
    return ViewerFacts(
        unread_notifications=unread or 0,
        verified=bool(verified),
        mute=Mute(member=user, until=until, reason=reason) if until else None,
        generation=generation or 0,
        newest=newest or 0,
        structure=structure or 0,
    )
