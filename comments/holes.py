"""The discussions' holes (core/caching.py): a thread's comment count and form, each
comment's actions. A discussion renders the same for everyone; these parts are each viewer's."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.template.loader import get_template
from django.utils import timezone

from comments.discussion import Discussion, own_hidden
from comments.forms import CommentForm
from comments.models import Comment, CommentLike, Thread
from comments.viewer import UNVERIFIED, viewer_facts
from core import caching
from core.caching import kept_in_process, memo_in_process, rows_in_process
from core.holes import TOKEN, count, digest, keyed, personal, render, token

THREADS = ("t:comments_thread", "t:comments_thread#counters")


def thread(request, keys) -> dict[str, str]:
    """Each key is "<pk> <part>": "count" (its comments now), "s" (the plural ending the
    count calls for), "compose" (the comment form, or why this viewer cannot post)."""
    parts = keyed(keys, maxsplit=1, least=2)
    pks = sorted({pk for pk, _ in parts.values()})
    threads = rows_in_process(
        "threads",
        THREADS,
        pks,
        lambda pks: {t.pk: t for t in Thread.objects.filter(pk__in=pks).order_by()},
    )
    html = {}
    for key, (pk, part) in parts.items():
        thread = threads.get(pk)
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
    """Each key is "<comment pk> <thread pk>": the comment's footer, its like button and
    count, Reply, and Edit and Delete for its author or Flag for other members."""
    viewer, now = request.user, timezone.now()
    member = viewer.is_authenticated  # once: request.user is a lazy object
    me = viewer.pk if member else None
    threads: dict[int, list[int]] = {}
    for pk, thread_pk in keyed(keys, maxsplit=1, least=2).values():
        if thread_pk.isascii() and thread_pk.isdigit():
            threads.setdefault(int(thread_pk), []).append(pk)
    html, csrf = {}, token(request)
    for thread_pk, pks in threads.items():
        rows = _thread_rows(thread_pk, sorted(pks))
        liked = _liked(me) if member else set()
        for pk, state, author_id, created_at, like_count, public_from, locked in rows:
            public = public_from is not None and public_from <= now
            mine = editable = deletable = False
            if member and author_id == me:
                comment = Comment(pk=pk, state=state, author_id=author_id, created_at=created_at)
                mine = True
                editable = public and comment.can_edit(viewer)
                deletable = public and comment.can_delete(viewer)
            footer = _actions(
                pk, state, like_count, pk in liked, mine, editable, deletable,
                member, public, public and not locked,
            )  # fmt: skip
            html[f"{pk} {thread_pk}"] = footer.replace(TOKEN, csrf)
    return html


def _liked(me: int) -> set[int]:
    """All their likes, kept until they like or unlike (their part): one entry a member."""
    return memo_in_process(
        f"liked:{me}",
        (caching.part(CommentLike, me),),
        lambda: set(CommentLike.objects.filter(user_id=me).values_list("comment_id", flat=True)),
    )


def _thread_rows(thread_pk: int, pks: list[int]) -> list[tuple]:
    """What the footers of these comments of one thread show, kept in the process until
    a comment of that thread is written (its part), a like or the thread changes."""
    names = (caching.part(Comment, thread_pk), "t:comments_comment#counters", "t:comments_thread")
    return memo_in_process(
        f"comments:{thread_pk}:{digest(pks)}",
        names,
        lambda: list(
            Comment.objects.filter(thread_id=thread_pk, pk__in=pks)
            .order_by()
            .values_list(
                "pk", "state", "author_id", "created_at", "like_count",
                "thread__public_from", "thread__is_locked",
            )
        ),
    )  # fmt: skip


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
    if not request.user.is_authenticated:
        return _compose_for_visitors(thread.pk, thread.get_absolute_url(), thread.is_locked)
    discussion = Discussion(thread=thread, page_url=thread.get_absolute_url(), viewer=request.user)
    _compose_state(request, discussion)
    if discussion.can_post:
        return _compose_form(thread.pk).replace(TOKEN, token(request))
    if thread.is_locked:
        return ""
    return render(request, "comments/discussion.html#comment-form", {"discussion": discussion})


@kept_in_process(maxsize=4096)
def _compose_form(pk: int) -> str:
    """The comment form of a thread, the same for every member who may post (their CSRF
    token goes in afterwards)."""
    discussion = Discussion(thread=Thread(pk=pk), page_url="", viewer=None, form=CommentForm())
    template = get_template("comments/discussion.html#comment-form")
    return template.render({"discussion": discussion, "csrf_token": TOKEN})


@kept_in_process(maxsize=4096)
def _compose_for_visitors(pk: int, page_url: str, locked: bool) -> str:
    """What visitors get instead of the form ("Log in or sign up…"): the same for all."""
    if locked:
        return ""
    discussion = Discussion(thread=Thread(pk=pk), page_url=page_url, viewer=AnonymousUser())
    template = get_template("comments/discussion.html#comment-form")
    return template.render({"discussion": discussion})


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
