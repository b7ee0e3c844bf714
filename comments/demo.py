"""Demo conversations. Owners' demo loaders call add_demo_comments() on the threads they create
(this app loads before collabs and articles, so it has no threads of its own to fill), each
with its own conversation, so every discussion reads differently.

Each line of a conversation is (author, body, index of the line it answers or None, hours
before the demo's start). Comments are posted through the services (so replies, mentions
and notifications are real), then placed at their time: the discussion reads as if it
happened over days, not all "just now".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.db.models import Max

from accounts.models import User
from comments import services
from comments.models import Comment, Notification, Thread

Line = tuple[str, str, int | None, float]

# The one conversation earlier versions copied into several threads; a thread still holding
# it gets its own conversation instead (demo_data updates an existing demo database).
LEGACY_BODIES = {
    "This one lives in my head rent-free. The chorus is **perfect**.",
    "Agreed, but the bridge is the real highlight. @blinkforever fight me 😄",
    "No fight needed, @army_jay. Bridge supremacy.",
    "Came for the western artist, stayed for the K-pop side. Classic crossover.",
    "It charted higher in the US than anyone predicted.",
}


def add_demo_comments(
    thread: Thread,
    conversation: Sequence[Line],
    *,
    start: datetime,
    log: Callable[[str], None] | None = None,
) -> None:
    """Post `conversation` in `thread` once (idempotent), and keep its times in place."""
    drop_legacy_copy(thread)
    authors = {author for author, _, _, _ in conversation}
    members = {u.username: u for u in User.objects.filter(username__in=authors)}
    if authors - members.keys():
        return  # a demo member is missing: no half conversations
    existing = {
        (c.author_id, c.body): c
        for c in Comment.objects.filter(thread=thread, author__username__in=authors)
    }
    posted: list[Comment] = []
    added = 0
    for author, body, answers, _ in conversation:
        comment = existing.get((members[author].pk, body))
        if comment is None:
            comment = services.comment_create(
                thread=thread,
                author=members[author],
                body=body,
                parent=posted[answers] if answers is not None else None,
                rate_limited=False,
            )
            added += 1
        posted.append(comment)
    _place_in_time(thread, posted, [start - timedelta(hours=h) for *_, h in conversation])
    if added and log:
        log(f"Demo discussion added to “{thread}”.")


def _place_in_time(thread: Thread, comments: list[Comment], times: list[datetime]) -> None:
    for comment, at in zip(comments, times, strict=True):
        if comment.created_at != at:
            Comment.objects.filter(pk=comment.pk).update(created_at=at)
            Notification.objects.filter(comment=comment).update(created_at=at)
    latest = Comment.objects.filter(thread=thread).aggregate(at=Max("created_at"))["at"]
    Thread.objects.filter(pk=thread.pk).exclude(last_activity_at=latest).update(
        last_activity_at=latest
    )


def drop_legacy_copy(thread: Thread) -> None:
    """Remove the copied conversation of earlier versions from `thread`, if it holds it."""
    legacy = Comment.objects.filter(thread=thread, body__in=LEGACY_BODIES)
    if legacy.values("body").distinct().count() < len(LEGACY_BODIES):
        return
    legacy.delete()  # replies go with their parents, notifications with their comments
    visible = Comment.objects.filter(thread=thread).visible().count()
    Thread.objects.filter(pk=thread.pk).update(comment_count=visible)


def load(*, log: Callable[[str], None]) -> None:
    """Nothing of its own: see add_demo_comments()."""
