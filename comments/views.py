"""Discussion views: each write works in place with htmx and as a plain form without JS."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from accounts.access import verified_member_required
from comments import services
from comments.discussion import decorate, discussion_page, discussion_shell
from comments.forms import CommentForm, FlagForm
from comments.models import (
    EDIT_WINDOW,
    Comment,
    CommentLike,
    ModerationAction,
    Notification,
    Thread,
)
from core.limits import wait_text
from core.pagination import page_of
from core.ratelimit import RateLimited
from core.refusals import refuse

TEMPLATE = "comments/discussion.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _is_htmx(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def _back_to(comment: Comment) -> HttpResponse:
    return redirect(f"{comment.thread.get_absolute_url()}#{comment.anchor}")


def _thread_for(request: HttpRequest, thread_id: int, *, preview: bool = False) -> Thread:
    """The thread, if the viewer may see it: a discussion whose owner is not public is 404
    to everyone; with `preview` (reading, never writing) editors see it too."""
    thread = get_object_or_404(Thread, pk=thread_id)
    _check_visible(request, thread, preview=preview)
    return thread


def _check_visible(request: HttpRequest, thread: Thread, *, preview: bool) -> None:
    if not thread.is_public and not (preview and thread.visible_to(request.user)):
        raise Http404("No such discussion.")


def _comment_for(request: HttpRequest, comment_id: int, *, preview: bool = False) -> Comment:
    """The comment, if the viewer may see its discussion (see _thread_for)."""
    comment = Comment.objects.select_related("author", "thread").filter(pk=comment_id).first()
    if comment is None:
        raise Http404("That comment isn't there any more: it may have been removed.")
    _check_visible(request, comment.thread, preview=preview)
    return comment


def _decorated(request: HttpRequest, comment: Comment) -> Comment:
    liked = set()
    if request.user.is_authenticated:
        liked = set(
            CommentLike.objects.filter(user=request.user, comment=comment).values_list(
                "comment_id", flat=True
            )
        )
    decorate([comment], viewer=request.user, liked_ids=liked)
    return comment


# Pages -----------------------------------------------------------------------


@require_GET
def thread_detail(request: HtmxHttpRequest, thread_id: int) -> HttpResponse:
    """A discussion on its own page (owners show it on theirs; this one serves links and tests)."""
    thread = _thread_for(request, thread_id, preview=True)
    discussion = discussion_page(request, thread, page_url=request.path)
    context = {"thread": thread, "discussion": discussion, "preview": not thread.is_public}
    response = render(request, "comments/thread.html", context)
    if context["preview"]:
        # An editor's preview must never be cached or indexed, wherever the link ends up.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def thread_more(request: HtmxHttpRequest, thread_id: int) -> HttpResponse:
    """The next page of top-level comments, appended in place by htmx."""
    thread = _thread_for(request, thread_id, preview=True)
    discussion = discussion_page(request, thread)
    if not _is_htmx(request):
        return redirect(discussion.url(**{"comments_page": discussion.page}))
    context = {"discussion": discussion, "appending": True}
    return render(request, f"{TEMPLATE}#comment-page", context)


@require_GET
def permalink(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    """A comment's address: its place on the owner's page; with htmx, its card (edit cancel)."""
    comment = _comment_for(request, comment_id, preview=True)
    if not _is_htmx(request):
        if not comment.thread.is_public:
            # An editor's preview: the owner's page may not preview (a nominated collab).
            thread_page = reverse("comments:thread", args=[comment.thread_id])
            return redirect(f"{thread_page}#{comment.anchor}")
        return _back_to(comment)
    context = {"discussion": discussion_shell(request, comment.thread)}
    context["comment"] = _decorated(request, comment)
    return render(request, f"{TEMPLATE}#comment-card", context)


# Posting ----------------------------------------------------------------------


def _form_response(request, template, context, *, status, error=None, retarget="this"):
    """Re-render a refused form with its message; htmx swaps it in place of the form
    (`retarget`: the form itself, or the block around it), which core.refusals respects."""
    if error is not None:
        context["form"].add_error(None, error.messages[0])
    response = render(request, template, context, status=status)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    if _is_htmx(request):
        response["HX-Retarget"] = retarget
        response["HX-Reswap"] = "outerHTML"
    return response


def _create(request: HtmxHttpRequest, thread: Thread, parent: Comment | None) -> HttpResponse:
    form = CommentForm(
        request.POST,
        prefix_id=f"reply-{parent.pk}" if parent else "new",
        label="Reply" if parent else "Comment",
        autofocus=True,
    )
    context = {
        "discussion": discussion_shell(request, thread),
        "form": form,
        "comment_form": form,
        "comment": parent,
        "action": "reply" if parent else "post",
    }
    if _is_htmx(request):
        template = f"{TEMPLATE}#{'reply-form' if parent else 'comment-form'}"
    else:
        template = "comments/comment_action.html"
    retarget = "this" if parent else f"#comment-form-{thread.pk}"
    if not form.is_valid():
        return _form_response(request, template, context, status=422, retarget=retarget)
    try:
        comment = services.comment_create(
            thread=thread, author=request.user, body=form.cleaned_data["body"], parent=parent
        )
    except services.RateLimited as error:
        return _form_response(
            request, template, context, status=429, error=error, retarget=retarget
        )
    except services.CommentRefused as error:
        # Too many links is the member's to fix (422); a thread locked meanwhile conflicts
        # with the page they wrote on (409); a mute is about them (403).
        status = {"too_many_links": 422, "locked": 409}.get(error.code, 403)
        return _form_response(
            request, template, context, status=status, error=error, retarget=retarget
        )
    if not _is_htmx(request):
        messages.success(request, "Your reply is posted." if parent else "Your comment is posted.")
        return _back_to(comment)
    thread.refresh_from_db(fields=["comment_count"])
    context.update(
        comment=_decorated(request, comment),
        comment_form=CommentForm(),
        created=True,
        reply_slot=parent.pk if parent else None,
    )
    response = render(request, f"{TEMPLATE}#comment-created", context)
    if parent is not None:
        response["HX-Retarget"] = f"#replies-{comment.parent_id}"
        response["HX-Reswap"] = "beforeend"
    return response


@require_POST
@verified_member_required
def comment_post(request: HtmxHttpRequest, thread_id: int) -> HttpResponse:
    return _create(request, _thread_for(request, thread_id), parent=None)


@require_http_methods(["GET", "POST"])
@verified_member_required
def comment_reply(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    parent = _comment_for(request, comment_id)
    if request.method == "POST":
        return _create(request, parent.thread, parent=parent)
    discussion = discussion_shell(request, parent.thread)
    context = {
        "discussion": discussion,
        "comment": _decorated(request, parent),
        "form": CommentForm(prefix_id=f"reply-{parent.pk}", label="Reply", autofocus=True),
        "action": "reply",
        "refusal": services.posting_refusal(thread=parent.thread, user=request.user),
    }
    template = f"{TEMPLATE}#reply-form" if _is_htmx(request) else "comments/comment_action.html"
    return render(request, template, context)


def _edit_refusal(comment: Comment, user) -> str:
    """Why this member can't edit this comment, in words."""
    if comment.author_id != user.pk:
        return "Only its author can edit a comment."
    if comment.state not in (Comment.State.VISIBLE, Comment.State.HELD):
        return "This comment was deleted or removed, so it can't be edited."
    minutes = int(EDIT_WINDOW.total_seconds() // 60)
    return f"You can edit a comment for {minutes} minutes after posting it."


@require_http_methods(["GET", "POST"])
@verified_member_required
def comment_edit(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for(request, comment_id)
    if not comment.can_edit(request.user):
        raise PermissionDenied(_edit_refusal(comment, request.user))
    form = CommentForm(
        request.POST or None,
        initial={"body": comment.body},
        prefix_id=f"edit-{comment.pk}",
        label="Edit comment",
        autofocus=True,
    )
    context, template = _action_form(request, comment, form, "edit")
    if request.method == "GET":
        return render(request, template, context)
    if not form.is_valid():
        return _form_response(request, template, context, status=422)
    try:
        services.comment_edit(comment=comment, user=request.user, body=form.cleaned_data["body"])
    except services.CommentRefused as error:
        return _form_response(request, template, context, status=422, error=error)
    if not _is_htmx(request):
        messages.success(request, "Your comment is updated.")
        return _back_to(comment)
    context["comment"] = _decorated(request, comment)
    return render(request, f"{TEMPLATE}#comment-card", context)


@require_http_methods(["GET", "POST"])
@verified_member_required
def comment_delete(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    """POST deletes; GET (Delete without JavaScript) asks first, on a page of its own."""
    comment = _comment_for(request, comment_id)
    if not comment.can_delete(request.user):
        if comment.author_id != request.user.pk:
            raise PermissionDenied("Only its author can delete a comment.")
        raise PermissionDenied("This comment was already deleted or removed.")
    if request.method == "GET":
        context = {
            "discussion": discussion_shell(request, comment.thread),
            "comment": _decorated(request, comment),
            "action": "delete",
            "has_replies": Comment.objects.filter(parent=comment).exists(),
        }
        return render(request, "comments/comment_action.html", context)
    services.comment_delete(comment=comment, user=request.user)
    if not _is_htmx(request):
        messages.success(request, "Your comment is deleted.")
        return _back_to(comment)
    has_replies = Comment.objects.filter(parent=comment).exists()
    comment.thread.refresh_from_db(fields=["comment_count"])
    context = {
        "discussion": discussion_shell(request, comment.thread),
        "comment": _decorated(request, comment),
    }
    response = render(request, f"{TEMPLATE}#comment-deleted", context)
    if not has_replies:
        # Nothing hangs under it: the comment leaves the thread entirely.
        response["HX-Retarget"] = f"#{comment.anchor}"
        response["HX-Reswap"] = "delete"
    return response


@require_POST
@verified_member_required
def comment_like(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for(request, comment_id)
    try:
        services.comment_like_toggle(comment=comment, user=request.user)
    except services.CommentRefused as error:
        if _is_htmx(request):
            return refuse(request, status=409, message=error.messages[0])
        messages.error(request, error.messages[0])
        return _back_to(comment)
    except RateLimited as refused:
        if not _is_htmx(request):
            raise  # core.middleware answers with the 429 page
        context = {
            "discussion": discussion_shell(request, comment.thread),
            "comment": _decorated(request, comment),
            "like_message": f"{refused.message} Try again in {wait_text(refused.retry_after)}.",
        }
        response = render(request, f"{TEMPLATE}#like-button", context, status=429)
        response["Retry-After"] = str(refused.retry_after)
        response["HX-Retarget"] = "this"  # the button shows it (core/refusals.py)
        response["HX-Reswap"] = "outerHTML"
        return response
    if not _is_htmx(request):
        return _back_to(comment)
    context = {"discussion": discussion_shell(request, comment.thread)}
    context["comment"] = _decorated(request, comment)
    return render(request, f"{TEMPLATE}#like-button", context)


def _action_form(request: HtmxHttpRequest, comment, form, action: str) -> tuple[dict, str]:
    """Context and template for an edit or flag form: a partial with htmx, else a page."""
    context = {
        "discussion": discussion_shell(request, comment.thread),
        "comment": _decorated(request, comment),
        "form": form,
        "action": action,
    }
    partial = f"{TEMPLATE}#{action}-form"
    return context, partial if _is_htmx(request) else "comments/comment_action.html"


@require_http_methods(["GET", "POST"])
@verified_member_required
def comment_flag(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for(request, comment_id)
    form = FlagForm(request.POST or None, comment_id=comment.pk)
    context, template = _action_form(request, comment, form, "flag")
    if request.method == "GET":
        return render(request, template, context)
    if not form.is_valid():
        return _form_response(request, template, context, status=422)
    try:
        services.comment_flag(
            comment=comment, user=request.user, reason=form.cleaned_data["reason"]
        )
    except services.AlreadyFlagged as error:
        return _form_response(request, template, context, status=409, error=error)
    except services.RateLimited as error:
        return _form_response(request, template, context, status=429, error=error)
    except services.CommentRefused as error:
        return _form_response(request, template, context, status=403, error=error)
    # Enough flags hide the comment, wherever it is shown.
    thanks = "Thanks: an editor will look at this comment."
    if not _is_htmx(request):
        messages.success(request, thanks)
        return _back_to(comment)
    return render(request, f"{TEMPLATE}#flag-done", {**context, "thanks": thanks})


# Notifications and the moderation log -------------------------------------------


@require_GET
@verified_member_required
def notifications(request: HtmxHttpRequest) -> HttpResponse:
    queryset = Notification.objects.for_recipient(request.user).for_list()
    page = page_of(queryset, request.GET.get("page"), per_page=30)
    template = "comments/notifications.html"
    if _is_htmx(request):
        template += "#notification-list"
    return render(request, template, {"page_obj": page})


@require_GET
@verified_member_required
def notification_open(request: HtmxHttpRequest, notification_id: int) -> HttpResponse:
    """A notification's link: marks it read, then goes to the comment on its page (or to
    the discussion, when the comment is no longer there to see)."""
    try:
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None
    comment = notification.comment
    target = comment.thread.get_absolute_url()
    if not notification.comment_gone:
        target += f"#{comment.anchor}"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("notifications")
    return redirect(target)


@require_POST
@verified_member_required
def notification_read(request: HtmxHttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
    except Notification.DoesNotExist:
        raise Http404("That notification isn't there any more.") from None
    if not _is_htmx(request):
        return redirect("notifications")
    notification = (
        Notification.objects.for_recipient(request.user).for_list().get(pk=notification.pk)
    )
    return render(
        request,
        "comments/notifications.html#notification",
        {"notification": notification, "oob_badge": True},
    )


@require_POST
@verified_member_required
def notifications_read_all(request: HtmxHttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    if not _is_htmx(request):
        messages.success(request, "All caught up.")
        return redirect("notifications")
    queryset = Notification.objects.for_recipient(request.user).for_list()
    page = Paginator(queryset, 30).get_page(1)
    return render(
        request,
        "comments/notifications.html#notification-list",
        {"page_obj": page, "oob_badge": True},
    )


@require_GET
def moderation_log(request: HtmxHttpRequest) -> HttpResponse:
    page = page_of(ModerationAction.objects.for_log(), request.GET.get("page"), per_page=30)
    return render(request, "comments/moderation_log.html", {"page_obj": page})
