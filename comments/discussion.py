"""The integration API for pages that show a discussion (collabs, articles, the thread page).

An owner view does::

    from comments.discussion import discussion_context

    context = {"collab": collab, **discussion_context(request, collab.thread)}

and its template does ``{% include "comments/discussion.html" %}``. Everything the
discussion shows comes from a fixed number of queries, whatever the thread's size:
one for the page of top-level comments and one for all their replies. Their HTML is the
same for everyone (a member's own held or removed comments aside): it is kept under the
versions of the thread's comments and their authors (``core.caching.memo``), and what
is each viewer's own — the likes, Edit and Delete, the comment form — are holes
(comments/holes.py), filled per response.

Redirects (no-JS posts) go back to ``thread.get_absolute_url()``: the owner stores its
page's path on the thread when creating it (``services.thread_create(page_url=...)``),
with when the discussion becomes public (``public_from``; ``services.thread_sync`` keeps
both up to date). A discussion that is not public shows no forms: only editors see it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

from comments.forms import CommentForm
from comments.models import Comment, Thread
from comments.viewer import UNVERIFIED
from core import pagination
from core.caching import memo, memo_in_process, part, reading_part

TEMPLATE = "comments/discussion.html"
PAGE_SIZE = 20
# How long a comment's head is kept: its "5 minutes ago" is at most this late.
HEAD_SECONDS = 60
SORT_PARAM, PAGE_PARAM, REPLY_PARAM, EDIT_PARAM = "sort", "comments_page", "reply", "edit"
# What a page showing a discussion reads from its URL (for its page cache key).
QUERY_PARAMS = (SORT_PARAM, PAGE_PARAM, REPLY_PARAM, EDIT_PARAM)


@dataclass
class Discussion:
    """What comments/discussion.html needs; templates read it as `discussion`."""

    thread: Thread
    page_url: str
    viewer: object
    sort: str = Comment.DEFAULT_SORT
    page: int = 1
    comments: list[Comment] = field(default_factory=list)
    has_more: bool = False
    form: CommentForm | None = None
    refusal: str = ""
    can_post: bool = False
    reply_to: int | None = None
    edit_id: int | None = None
    # What was wrong with the page number asked for, and which page is shown instead.
    page_note: str = ""
    # The comments, rendered (for viewers who are not logged in: the same for all).
    comments_html: str | None = None

    @property
    def sorts(self) -> list[tuple[str, str, str, bool]]:
        return [
            (key, label, self.url(sort=key), key == self.sort)
            for key, label in Comment.SORT_LABELS.items()
        ]

    def url(self, anchor: str = "comments", **params) -> str:
        """The owner page with discussion parameters (for links that work without JS)."""
        query = {SORT_PARAM: self.sort} if self.sort != Comment.DEFAULT_SORT else {}
        query.update({k: v for k, v in params.items() if v is not None})
        if query.get(SORT_PARAM) == Comment.DEFAULT_SORT:
            del query[SORT_PARAM]
        return f"{self.page_url}{'?' + urlencode(query) if query else ''}#{anchor}"

    @property
    def next_page_url(self) -> str:
        return self.url(**{PAGE_PARAM: self.page + 1})

    @property
    def more_url(self) -> str:
        query = urlencode({SORT_PARAM: self.sort, PAGE_PARAM: self.page + 1})
        return f"{reverse('comments:more', args=[self.thread.pk])}?{query}"

    @property
    def first_page_url(self) -> str:
        return self.url()

    @property
    def post_url(self) -> str:
        return reverse("comments:post", args=[self.thread.pk])

    @property
    def login_url(self) -> str:
        return f"{reverse('account_login')}?{urlencode({'next': self.page_url})}"


def _int_param(request: HttpRequest, name: str) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _member_state(request: HttpRequest, thread: Thread) -> tuple[bool, str]:
    """(may post, why not) for the viewer."""
    from comments.services import posting_refusal
    from comments.viewer import viewer_facts

    user = request.user
    if thread.is_locked or not thread.is_public:
        return False, posting_refusal(thread=thread, user=user) or ""
    facts = viewer_facts(request)
    if facts is None:
        return False, ""
    if not facts.verified:
        return False, UNVERIFIED
    if facts.mute is None:
        return True, ""
    refusal = posting_refusal(thread=thread, user=user, mute=facts.mute)
    return refusal is None, refusal or ""


def decorate(
    comments: list[Comment], *, viewer, liked_ids: set[int], open_thread: bool = True
) -> None:
    """Per-viewer display facts, computed once here so templates stay logic-free.

    In a discussion that is not public (an editor's preview) nobody edits or deletes."""
    for comment in comments:
        comment.liked = comment.pk in liked_ids
        comment.mine = bool(viewer and viewer.is_authenticated and comment.author_id == viewer.pk)
        comment.editable = open_thread and comment.can_edit(viewer)
        comment.deletable = open_thread and comment.can_delete(viewer)
        if not hasattr(comment, "children"):
            comment.children = []


def _shown(comment: Comment, viewer_id: int | None) -> bool:
    if comment.state == Comment.State.VISIBLE or comment.children:
        return True
    return comment.state in Comment.OWN_ONLY_STATES and viewer_id and comment.author_id == viewer_id


def build_tree(top_level: list[Comment], replies: list[Comment], *, viewer_id) -> list[Comment]:
    """Hang replies under their parents (oldest first); drop what the viewer shouldn't see."""
    by_parent: dict[int, list[Comment]] = defaultdict(list)
    for reply in replies:
        by_parent[reply.parent_id].append(reply)

    def attach(comment: Comment) -> None:
        children = by_parent.get(comment.pk, [])
        for child in children:
            attach(child)
        comment.children = [child for child in children if _shown(child, viewer_id)]

    for comment in top_level:
        attach(comment)
    return [comment for comment in top_level if _shown(comment, viewer_id)]


def _attach_heads(request: HttpRequest, comments: list[Comment], page_url: str) -> None:
    """Give each comment `head_html`: its author, time and body, rendered once and shared
    by every viewer and every page render (the per-viewer actions go around it).

    Rendering was most of a long discussion's cost; the heads come back in one cache
    read. Each key holds everything the head shows (`_head_version`), so an edit, a
    moderation, a deletion or a renamed author misses at once and nothing needs
    invalidating. "5 minutes ago" may lag by up to HEAD_SECONDS.
    """
    if not comments:
        return
    page = hash_text(page_url)
    keys = {comment.pk: f"comment-head:{page}:{_head_version(comment)}" for comment in comments}
    found = cache.get_many(list(keys.values()))
    template = get_template("comments/discussion.html#comment-head")
    missing = {}
    shell = Discussion(thread=None, page_url=page_url, viewer=None)
    for comment in comments:
        html = found.get(keys[comment.pk])
        if html is None:
            html = template.render({"comment": comment, "discussion": shell})
            missing[keys[comment.pk]] = html
        comment.head_html = mark_safe(html)  # noqa: S308 - rendered by our template
    if missing:
        cache.set_many(missing, HEAD_SECONDS)


def _head_version(comment: Comment) -> str:
    """What the comment-head partial shows, as a short digest (its cache key)."""
    author = comment.author
    shown = (
        comment.pk,
        comment.state,
        comment.created_at,
        comment.edited_at,
        comment.body_html,
        author and (author.username, author.public_name, author.avatar.name),
    )
    return hash_text(repr(shown))


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def discussion_page(
    request: HttpRequest, thread: Thread, *, page_url: str | None = None, page: int | None = None
) -> Discussion:
    """The discussion as this request sees it: one page of top-level comments with all replies."""
    viewer = request.user
    sort = request.GET.get(SORT_PARAM) or Comment.DEFAULT_SORT
    notes = []
    if sort not in Comment.SORTS:
        label = Comment.SORT_LABELS[Comment.DEFAULT_SORT].lower()
        notes.append(f"“{pagination.shown(sort)}” is not a way to sort comments: {label} first.")
        sort = Comment.DEFAULT_SORT
    if page is None:
        page, note = pagination.requested_page(request.GET.get(PAGE_PARAM))
        notes.append(note)
    page_url = page_url or thread.get_absolute_url()
    discussion = Discussion(thread=thread, page_url=page_url, viewer=viewer, sort=sort)

    def produce(viewer):
        with reading_part(Comment, thread.pk):  # this thread's comments only
            rows, replies, shown, more = _rows(viewer, thread, sort, page, notes, raw)
        viewer_id = viewer.pk if viewer.is_authenticated else None
        discussion.comments = build_tree(rows, replies, viewer_id=viewer_id)
        liked = {c.pk for c in rows + replies if getattr(c, "liked_by_viewer", False)}
        decorate(rows + replies, viewer=viewer, liked_ids=liked, open_thread=thread.is_public)
        _attach_heads(request, rows + replies, page_url)
        return shown, more, notes[-1:] if len(notes) > asked else []

    asked, raw = len(notes), request.GET.get(PAGE_PARAM)
    if viewer.is_authenticated and _own_page(request, thread):
        page, has_more, _ = produce(viewer)  # with their comments only they see
    else:
        # Everyone else sees the same comments (their actions are holes): the HTML is
        # kept until the thread's comments or their authors change (core/caching.py),
        # for HEAD_SECONDS at most ("5 minutes ago").
        def rendered():
            shown, more, note = produce(AnonymousUser())
            discussion.page, discussion.has_more = shown, more
            html = get_template(f"{TEMPLATE}#comment-items").render({"discussion": discussion})
            return html, shown, more, note

        key = f"discussion:{thread.pk}:{sort}:{page}:{hash_text(raw or '')}:{hash_text(page_url)}"
        html, page, has_more, note = memo(key, rendered, seconds=HEAD_SECONDS)
        discussion.comments_html = mark_safe(html)  # noqa: S308 - rendered by our template
        notes += note
    can_post, refusal = _member_state(request, thread)
    return replace(
        discussion,
        page=page,
        has_more=has_more,
        form=CommentForm() if can_post else None,
        refusal=refusal,
        can_post=can_post,
        reply_to=_int_param(request, REPLY_PARAM),
        edit_id=_int_param(request, EDIT_PARAM),
        page_note=" ".join(filter(None, notes)),
    )


def _own_page(request, thread: Thread) -> bool:
    """Whether the member gets the discussion with their comments only they see. A page
    finds out through its comment form's hole (comments/holes.py), which asks and has
    the page rendered again for them alone (core.caching.Personal); a fragment swapped
    in by htmx (more comments) has no such hole, and asks here."""
    if getattr(request, "personal", False):
        return True
    return bool(getattr(request, "htmx", False)) and own_hidden(request.user, thread)


def own_hidden(viewer, thread: Thread) -> bool:
    """Whether the member has comments in the thread only they see (held, removed). The
    thread's few such authors are kept in the process while its comments are unchanged:
    no query on every member's visit."""
    states = Comment.OWN_ONLY_STATES
    authors = memo_in_process(
        f"own-hidden:{thread.pk}",
        [part(Comment, thread.pk)],
        lambda: set(
            Comment.objects.filter(thread_id=thread.pk, state__in=states).values_list(
                "author_id", flat=True
            )
        ),
    )
    return viewer.pk in authors


def _rows(viewer, thread: Thread, sort: str, page: int, notes: list, raw: str):
    """(one page of top-level comments, all their replies, the page shown, whether more)."""
    viewer_id = viewer.pk if viewer.is_authenticated else None
    shown = Comment.objects.for_thread(thread, sort=sort, viewer=viewer).with_liked_by(viewer_id)
    offset = (page - 1) * PAGE_SIZE
    rows = list(shown[offset : offset + PAGE_SIZE + 1]) if page < pagination.PAST_THE_END else []
    if not rows and page > 1:
        # Past the end (however far): the last page, saying so; one count, only then.
        last = max(1, -(-shown.count() // PAGE_SIZE))
        notes.append(pagination.past_the_end_note(raw, last))
        page, offset = last, (last - 1) * PAGE_SIZE
        rows = list(shown[offset : offset + PAGE_SIZE + 1])
    has_more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    replies = (
        list(Comment.objects.descendants_of([c.pk for c in rows]).with_liked_by(viewer_id))
        if rows
        else []
    )
    return rows, replies, page, has_more


def discussion_context(
    request: HttpRequest, thread: Thread, *, page_url: str | None = None
) -> dict[str, Discussion]:
    """Context for ``{% include "comments/discussion.html" %}``: ``{"discussion": ...}``.

    `page_url` defaults to ``thread.get_absolute_url()`` (the owner's stored page path).
    """
    return {"discussion": discussion_page(request, thread, page_url=page_url)}


def discussion_shell(request: HttpRequest, thread: Thread) -> Discussion:
    """A discussion without its comments: what a single-comment htmx response needs."""
    return Discussion(thread=thread, page_url=thread.get_absolute_url(), viewer=request.user)
