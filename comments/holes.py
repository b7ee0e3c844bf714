"""The discussions' holes (core/caching.py): a thread's comment count and form, each
comment's actions. A discussion renders the same for everyone; these parts are each viewer's."""

from __future__ import annotations

from types import SimpleNamespace

from django.middleware.csrf import get_token
from django.template.loader import get_template

from comments.discussion import Discussion, decorate, own_hidden
from comments.forms import CommentForm
from comments.models import Comment, CommentLike, Thread
from comments.viewer import UNVERIFIED, viewer_facts
from core.caching import kept_in_process
from core.holes import count, ids, personal, render


def thread(request, keys) -> dict[str, str]:
    """Each key is "<pk> <part>": "count" (its comments now), "s" (the plural ending the
    count calls for), "compose" (the comment form, or why this viewer cannot post)."""
    parts = {key: key.split(" ", 1) for key in keys}
    found = Thread.objects.filter(pk__in={int(pk) for pk, _ in parts.values()}).order_by()
    threads = {t.pk: t for t in found}
    html = {}
    for key, (pk, part) in parts.items():
        thread = threads.get(int(pk))
        if thread is None:
            continue
        if part == "count":
            html[key] = str(thread.comment_count)
        elif part == "s":
            html[key] = count(thread.comment_count, key)
        elif part == "compose":
            html[key] = _compose(request, thread)
    return html


def actions(request, keys) -> dict[str, str]:
    """Each comment's footer: its like button and count, Reply, and Edit and Delete for
    its author or Flag for other members."""
    viewer = request.user
    comments = list(
        Comment.objects.filter(pk__in=ids(keys)).select_related("thread").defer("body", "body_html")
    )
    liked = set()
    if viewer.is_authenticated:
        likes = CommentLike.objects.filter(user=viewer, comment__in=comments)
        liked = set(likes.values_list("comment_id", flat=True))
    html, token = {}, get_token(request)
    for comment in comments:
        thread = comment.thread
        decorate([comment], viewer=viewer, liked_ids=liked, open_thread=thread.is_public)
        html[str(comment.pk)] = _actions(
            comment.pk,
            comment.state,
            comment.like_count,
            comment.liked,
            comment.mine,
            comment.editable,
            comment.deletable,
            viewer.is_authenticated,
            thread.is_public,
            thread.is_open,
        ).replace(TOKEN, token)
    return html


TOKEN = "csrf-token-of-this-viewer"


@kept_in_process(maxsize=8192)
def _actions(pk, state, like_count, liked, mine, editable, deletable, member, public, open_):
    """The footer for one set of facts: rendered once per process, then reused (a long
    discussion has a hundred of them per response). The CSRF token goes in afterwards."""
    comment = Comment(pk=pk, state=state, like_count=like_count)
    comment.liked, comment.mine = liked, mine
    comment.editable, comment.deletable = editable, deletable
    thread = SimpleNamespace(is_public=public, is_open=open_)
    shell = SimpleNamespace(thread=thread, viewer=SimpleNamespace(is_authenticated=member))
    return get_template("comments/discussion.html#comment-actions").render(
        {"comment": comment, "discussion": shell, "csrf_token": TOKEN}
    )


def _compose(request, thread: Thread) -> str:
    """The thread's comment form, or why this viewer cannot post."""
    discussion = Discussion(thread=thread, page_url=thread.get_absolute_url(), viewer=request.user)
    _compose_state(request, discussion)
    if thread.is_locked and discussion.form is None:
        return ""
    return render(request, "comments/discussion.html#comment-form", {"discussion": discussion})


def _compose_state(request, discussion: Discussion) -> None:
    from comments.services import posting_refusal

    thread, user = discussion.thread, request.user
    if not user.is_authenticated:
        return
    # Their own comments held for review or removed by an editor are shown to them alone,
    # in place: such a page is theirs.
    if own_hidden(user, thread):
        personal(request)
    if not thread.is_open:
        discussion.refusal = posting_refusal(thread=thread, user=user) or ""
        return
    facts = viewer_facts(request)
    if not facts.verified:
        discussion.refusal = UNVERIFIED
        return
    refusal = facts.mute and posting_refusal(thread=thread, user=user, mute=facts.mute)
    if refusal:
        discussion.refusal = refusal
        return
    discussion.can_post, discussion.form = True, CommentForm()
