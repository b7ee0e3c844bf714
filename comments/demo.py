"""Demo conversations. Owners' demo loaders call add_demo_comments() on the threads they create
(this app loads before collabs and articles, so it has no threads of its own to fill)."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from comments import services
from comments.models import Comment, Thread

CONVERSATION = [
    # (author, body, index of the comment replied to or None)
    ("blinkforever", "This one lives in my head rent-free. The chorus is **perfect**.", None),
    ("army_jay", "Agreed, but the bridge is the real highlight. @blinkforever fight me 😄", 0),
    ("blinkforever", "No fight needed, @army_jay. Bridge supremacy.", 1),
    (
        "popfan_lena",
        "Came for the western artist, stayed for the K-pop side. Classic crossover.",
        None,
    ),
    ("chartwatcher", "It charted higher in the US than anyone predicted.", 3),
]


def add_demo_comments(thread: Thread, *, log: Callable[[str], None] | None = None) -> None:
    """A short, idempotent conversation among the demo members (skipped if any is missing)."""
    if Comment.objects.filter(thread=thread).exists():
        return
    members = {
        u.username: u for u in User.objects.filter(username__in={a for a, _, _ in CONVERSATION})
    }
    posted: list[Comment] = []
    for author, body, parent_index in CONVERSATION:
        if author not in members:
            return
        parent = posted[parent_index] if parent_index is not None else None
        posted.append(
            services.comment_create(
                thread=thread, author=members[author], body=body, parent=parent, rate_limited=False
            )
        )
    if log:
        log(f"Demo discussion added to “{thread}”.")


def load(*, log: Callable[[str], None]) -> None:
    """Nothing of its own: see add_demo_comments()."""
