"""Writes to discussions: posting, editing, likes, flags, notifications and moderation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from comments.markup import count_links, mention_candidates, render_comment
from comments.models import (
    BODY_MAX_LENGTH,
    FLAGS_TO_HOLD,
    MAX_DEPTH,
    Comment,
    CommentLike,
    Flag,
    ModerationAction,
    Mute,
    Notification,
    Thread,
    validate_site_path,
)
from core import limits


# Rate limits (SPEC §4), values in settings.CROSSOVER_LIMITS. Counted from the
# member's own rows in the database: exact across app servers, nothing to expire,
# and deleted comments still count because deletion only blanks a row.
def _comment_limits() -> list[tuple[timedelta, int, bool]]:
    """(window, most comments in it, whether it is for young accounts only)."""
    every, young = limits.limit_of("comments"), limits.limit_of("comments_young")
    return [
        (timedelta(seconds=every["period"]), every["limit"], False),
        (timedelta(seconds=young["period"]), young["limit"], True),
    ]


class CommentRefused(ValidationError):
    """A comment the site will not take, with a message for the member."""


class RateLimited(CommentRefused):
    def __init__(self, retry_after: int, doing: str = "You're commenting faster than we allow."):
        self.retry_after = retry_after
        super().__init__(
            f"{doing} Please try again in {limits.wait_text(retry_after)}.",
            code="rate_limited",
        )


class AlreadyFlagged(ValidationError):
    pass


@dataclass(frozen=True)
class LikeResult:
    liked: bool
    like_count: int


# Threads ---------------------------------------------------------------------


def thread_create(*, page_url: str = "", title: str = "", public_from: datetime | None) -> Thread:
    """A new, empty discussion. Owners pass the path of the page that shows it, and when
    it becomes public (None: not yet). There is no default: an owner must say."""
    thread = Thread(page_url=page_url, title=title, public_from=public_from)
    thread.full_clean(validate_unique=False, validate_constraints=False)
    thread.save()
    return thread


def thread_set_page(*, thread: Thread, page_url: str, title: str = "") -> Thread:
    """Point a thread at its owner's page (e.g. after the owner's slug changed)."""
    validate_site_path(page_url)
    thread.page_url, thread.title = page_url, title
    thread.save(update_fields=["page_url", "title"])
    return thread


def thread_sync(
    *, thread: Thread, page_url: str, title: str, public_from: datetime | None
) -> Thread:
    """What an owner calls whenever it is saved or changes state: the thread follows its
    page, title and visibility (writes only if something differs)."""
    if (thread.page_url, thread.title) != (page_url, title):
        thread_set_page(thread=thread, page_url=page_url, title=title)
    if thread.public_from != public_from:
        threads_set_public_from(thread_ids=[thread.pk], public_from=public_from)
        thread.public_from = public_from
    return thread


def threads_set_public_from(*, thread_ids, public_from: datetime | None) -> int:
    """Owners' bulk state changes (publish, unpublish, approve, reject) in one statement."""
    return Thread.objects.filter(pk__in=thread_ids).update(public_from=public_from)


def thread_close_with_owner(sender, instance, **kwargs) -> None:
    """post_delete receiver for an owner (an article, a collab): its discussion closes with
    it. The thread is kept (PROTECT) and would otherwise stay public, with the deleted
    page's title and comments on the home page, profiles and the thread page."""
    threads_set_public_from(thread_ids=[instance.thread_id], public_from=None)


# Posting ---------------------------------------------------------------------


def active_mute(user) -> Mute | None:
    return Mute.objects.active().filter(member=user).order_by("-until").first()


NOT_PUBLIC = "This discussion opens when its page is published."


def posting_refusal(*, thread: Thread, user, mute: Mute | None = None) -> str | None:
    """Why this member may not post in this thread right now, or None."""
    if not thread.is_public:
        return NOT_PUBLIC
    if thread.is_locked:
        return "This discussion is locked by the editors: no new comments or replies."
    mute = mute if mute is not None else active_mute(user)
    if mute is not None:
        until = date_format(timezone.localtime(mute.until), "j F Y, H:i")
        return f"You are muted until {until} UTC ({mute.reason}), so you can't comment."
    return None


def _check_rate_limit(*, author, now: datetime) -> None:
    young = limits.is_young(author, now)
    for window, most, young_only in _comment_limits():
        if young_only and not young:
            continue
        period = limits.per_period(int(window.total_seconds()))
        # The member is told which rule stopped them: the first-day one reads differently.
        comments = f"{most} comment{'s' * (most != 1)}"
        doing = (
            f"New members can post {comments} {period} during their first day."
            if young_only
            else f"You can post {comments} {period}."
        )
        _check_recent(
            Comment.objects.filter(author=author), now=now, window=window, most=most, doing=doing
        )


def _check_recent(rows, *, now: datetime, window: timedelta, most: int, doing: str = "") -> None:
    """Raise RateLimited if `rows` (a member's own) has `most` created within `window`."""
    recent = list(
        rows.filter(created_at__gt=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:most]
    )
    if len(recent) >= most:
        retry_after = (recent[-1] + window - now).total_seconds()
        raise RateLimited(max(1, math.ceil(retry_after)), *([doing] if doing else []))


def _check_links(*, author, body: str, now: datetime) -> None:
    """Young accounts may put only a few links in a comment: the spam bots' first move."""
    most = limits.limit_of("comment_links_young")
    if limits.is_young(author, now) and count_links(body) > most:
        raise CommentRefused(
            f"New members can include at most {most} links in a comment during their "
            f"first day; this one has {count_links(body)}. Remove some and post again.",
            code="too_many_links",
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommentRefused("Write something first.", code="empty")
    if len(body) > BODY_MAX_LENGTH:
        raise CommentRefused(
            f"Comments can be at most {BODY_MAX_LENGTH:,} characters; this one has {len(body):,}.",
            code="too_long",
        )
    return body


def _mentioned_members(body: str) -> dict[str, object]:
    names = mention_candidates(body)
    if not names:
        return {}
    User = get_user_model()
    members = User.objects.annotate(lower=Lower("username")).filter(lower__in=names, is_active=True)
    return {member.username.lower(): member for member in members}


def _render(body: str) -> tuple[str, dict[str, object]]:
    mentioned = _mentioned_members(body)
    html = render_comment(body, mentions={k: m.username for k, m in mentioned.items()})
    return html, mentioned


def _notify(
    *, comment: Comment, actor, mentioned: dict[str, object], answered: Comment | None = None
) -> None:
    """Tell the author of the comment answered (`answered`, which may sit deeper than the
    reply's parent) and every member mentioned; never the actor, each member once."""
    recipients: dict[int, str] = {}
    if answered is not None and answered.author_id and answered.author_id != actor.pk:
        recipients[answered.author_id] = Notification.Kind.REPLY
    for member in mentioned.values():
        if member.pk != actor.pk:
            recipients.setdefault(member.pk, Notification.Kind.MENTION)
    if not recipients:
        return
    existing = set(
        Notification.objects.filter(comment=comment, recipient_id__in=recipients).values_list(
            "recipient_id", flat=True
        )
    )
    created = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, comment=comment, actor=actor)
            for pk, kind in recipients.items()
            if pk not in existing
        ]
    )
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        from comments.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))


def comment_create(
    *,
    thread: Thread,
    author,
    body: str,
    parent: Comment | None = None,
    rate_limited: bool = True,
) -> Comment:
    """Post a comment or a reply. Raises CommentRefused (or RateLimited) with the reason.

    `rate_limited=False` is for demo content and imports only, never for requests."""
    body = _clean_body(body)
    User = get_user_model()
    with transaction.atomic():
        # One member's posts are serialised, so concurrent requests can't slip past the limit.
        User.objects.select_for_update().filter(pk=author.pk).first()
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        refusal = posting_refusal(thread=thread, user=author)
        if refusal:
            raise CommentRefused(refusal, code="locked" if thread.is_locked else "muted")
        now = timezone.now()
        if rate_limited:
            _check_links(author=author, body=body, now=now)
            _check_rate_limit(author=author, now=now)
        root, depth, answered = None, 1, parent
        if parent is not None:
            if parent.thread_id != thread.pk:
                raise CommentRefused("That comment belongs to another discussion.")
            if parent.depth >= MAX_DEPTH:
                # SPEC: replies nest at most 3 levels; this one hangs beside the comment
                # it answers, which stays `reply_to` and is the one notified.
                parent = Comment.objects.get(pk=parent.parent_id)
            root, depth = parent.root_id or parent.pk, parent.depth + 1
        html, mentioned = _render(body)
        comment = Comment.objects.create(
            thread=thread,
            author=author,
            parent=parent,
            reply_to=answered,
            root_id=root,
            depth=depth,
            body=body,
            body_html=html,
            created_at=now,
        )
        Thread.objects.filter(pk=thread.pk).update(
            comment_count=F("comment_count") + 1, last_activity_at=now
        )
        _notify(comment=comment, actor=author, mentioned=mentioned, answered=answered)
    return comment


def comment_edit(*, comment: Comment, user, body: str) -> Comment:
    """The author rewrites their comment within the edit window."""
    if not comment.can_edit(user):
        raise PermissionDenied("Only the author can edit a comment, within 15 minutes.")
    body = _clean_body(body)
    now = timezone.now()
    _check_links(author=user, body=body, now=now)
    with transaction.atomic():
        html, mentioned = _render(body)
        comment.body, comment.body_html, comment.edited_at = body, html, now
        comment.save(update_fields=["body", "body_html", "edited_at"])
        _notify(comment=comment, actor=user, mentioned=mentioned)
    return comment


def comment_delete(*, comment: Comment, user) -> Comment:
    """The author deletes their comment: blanked; it shows as "[deleted]" only if it has
    replies, and disappears from the thread otherwise."""
    if not comment.can_delete(user):
        raise PermissionDenied("Only the author can delete a comment.")
    with transaction.atomic():
        _blank(comment)
    return comment


def _blank(comment: Comment) -> None:
    was_visible = comment.state == Comment.State.VISIBLE
    comment.state = Comment.State.DELETED
    comment.body = comment.body_html = ""
    comment.save(update_fields=["state", "body", "body_html"])
    if was_visible:
        Thread.objects.filter(pk=comment.thread_id).update(comment_count=F("comment_count") - 1)


# Likes and flags ---------------------------------------------------------------


def _likes_refused() -> str:
    entry = limits.limit_of("likes")
    return f"You can like {entry['limit']} comments {limits.per_period(entry['period'])}."


def comment_like_toggle(*, comment: Comment, user) -> LikeResult:
    """Like, or take the like back. The count is updated in the database, so it stays exact.

    Likes given (not taken back) count against CROSSOVER_LIMITS["likes"] in the
    shared cache: core.ratelimit.RateLimited (429) over it, RateLimitUnavailable
    (503) when the cache is down."""
    if comment.state != Comment.State.VISIBLE:
        raise CommentRefused("Only visible comments can be liked.")
    with transaction.atomic():
        deleted, _ = CommentLike.objects.filter(comment=comment, user=user).delete()
        if deleted:
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") - 1)
            liked = False
        else:
            limits.hit("likes", user.pk, message=_likes_refused())
            try:
                with transaction.atomic():
                    CommentLike.objects.create(comment=comment, user=user)
            except IntegrityError:
                # A concurrent click already liked it; this one is a no-op.
                liked = True
            else:
                Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
                liked = True
        comment.like_count = Comment.objects.values_list("like_count", flat=True).get(pk=comment.pk)
    return LikeResult(liked=liked, like_count=comment.like_count)


def comment_flag(*, comment: Comment, user, reason: str) -> Flag:
    """Flag a comment for the editors. Three open flags from different members hold it.

    Flags raised count against CROSSOVER_LIMITS["flags"], from the member's Flag rows:
    three flags hold a comment, so this limit must be exact on every server and must
    not reset when the cache is flushed."""
    if reason not in Flag.Reason.values:
        raise CommentRefused("Choose a reason.", code="reason")
    if comment.author_id == user.pk:
        raise CommentRefused("You can't flag your own comment.", code="own")
    User = get_user_model()
    with transaction.atomic():
        # One member's flags are serialised, so concurrent requests can't slip past the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        entry = limits.limit_of("flags")
        _check_recent(
            Flag.objects.filter(flagger=user),
            now=timezone.now(),
            window=timedelta(seconds=entry["period"]),
            most=entry["limit"],
            doing=f"You can flag {entry['limit']} comments {limits.per_period(entry['period'])}.",
        )
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        try:
            with transaction.atomic():
                flag = Flag.objects.create(comment=comment, flagger=user, reason=reason)
        except IntegrityError:
            raise AlreadyFlagged(
                "You have already flagged this comment; the editors will look at it.",
                code="already_flagged",
            ) from None
        open_flags = Flag.objects.filter(comment=comment, status=Flag.Status.OPEN).count()
        if open_flags >= FLAGS_TO_HOLD and comment.state == Comment.State.VISIBLE:
            comment.state = Comment.State.HELD
            comment.save(update_fields=["state"])
            Thread.objects.filter(pk=comment.thread_id).update(comment_count=F("comment_count") - 1)
    return flag


# Moderation ----------------------------------------------------------------------


def _describe_comment(comment: Comment) -> str:
    who = f"@{comment.author.username}" if comment.author_id else "a deleted member"
    where = f" in “{comment.thread}”" if comment.thread_id else ""
    return f"Comment #{comment.pk} by {who}{where}"


def _log(*, action: str, editor, reason: str, target: str, **links) -> ModerationAction:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason: it is shown in the public moderation log.")
    return ModerationAction.objects.create(
        action=action,
        target_description=target[:300],
        reason=reason,
        editor=editor,
        editor_name=editor.public_name,
        **links,
    )


def _locked(comment: Comment) -> Comment:
    """The comment re-read under a row lock, so two editors' decisions can't interleave."""
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("author", "thread")
        .get(pk=comment.pk)
    )


def _resolve_open_flags(comment: Comment, now: datetime) -> int:
    return Flag.objects.filter(comment=comment, status=Flag.Status.OPEN).update(
        status=Flag.Status.RESOLVED, resolved_at=now
    )


def comment_hide(*, comment: Comment, editor, reason: str) -> ModerationAction:
    """An editor removes a comment from public view, with a reason that is published."""
    with transaction.atomic():
        comment = _locked(comment)
        action = _log(
            action=ModerationAction.Action.HIDE,
            editor=editor,
            reason=reason,
            target=_describe_comment(comment),
            comment=comment,
            thread_id=comment.thread_id,
        )
        if comment.state == Comment.State.VISIBLE:
            Thread.objects.filter(pk=comment.thread_id).update(comment_count=F("comment_count") - 1)
        if comment.state != Comment.State.DELETED:
            comment.state = Comment.State.REMOVED
            comment.moderation_reason = action.reason[:300]
            comment.save(update_fields=["state", "moderation_reason"])
            _notify_removed(comment=comment, editor=editor, at=action.created_at)
        _resolve_open_flags(comment, action.created_at)
    return action


def _notify_removed(*, comment: Comment, editor, at: datetime) -> None:
    """Tell the author an editor removed their comment, and why (once per comment: a second
    removal after a restore updates the notice and makes it unread again)."""
    if not comment.author_id:
        return
    notification, _ = Notification.objects.update_or_create(
        recipient_id=comment.author_id,
        comment=comment,
        defaults={
            "kind": Notification.Kind.REMOVED,
            "actor": None,
            "reason": comment.moderation_reason,
            "created_at": at,
            "read_at": None,
        },
    )
    from comments.tasks import send_notification_emails

    transaction.on_commit(lambda: send_notification_emails.enqueue([notification.pk]))


def comment_restore(*, comment: Comment, editor, reason: str) -> ModerationAction:
    """An editor puts a held or removed comment back; its open flags are resolved."""
    with transaction.atomic():
        comment = _locked(comment)
        if comment.state == Comment.State.DELETED:
            raise ValidationError("A comment its author deleted can't be restored.")
        action = _log(
            action=ModerationAction.Action.RESTORE,
            editor=editor,
            reason=reason,
            target=_describe_comment(comment),
            comment=comment,
            thread_id=comment.thread_id,
        )
        if comment.state != Comment.State.VISIBLE:
            comment.state = Comment.State.VISIBLE
            comment.moderation_reason = ""
            comment.save(update_fields=["state", "moderation_reason"])
            Thread.objects.filter(pk=comment.thread_id).update(comment_count=F("comment_count") + 1)
        _resolve_open_flags(comment, action.created_at)
    return action


def flags_resolve(*, comment: Comment, editor, reason: str) -> ModerationAction:
    """Close a comment's open flags without changing it (the flags were unfounded)."""
    with transaction.atomic():
        comment = Comment.objects.select_related("author", "thread").get(pk=comment.pk)
        action = _log(
            action=ModerationAction.Action.RESOLVE_FLAGS,
            editor=editor,
            reason=reason,
            target=_describe_comment(comment),
            comment=comment,
            thread_id=comment.thread_id,
        )
        _resolve_open_flags(comment, action.created_at)
    return action


def thread_lock(*, thread: Thread, editor, reason: str, locked: bool = True) -> ModerationAction:
    with transaction.atomic():
        action = _log(
            action=ModerationAction.Action.LOCK if locked else ModerationAction.Action.UNLOCK,
            editor=editor,
            reason=reason,
            target=f"Discussion “{thread}”",
            thread=thread,
        )
        Thread.objects.filter(pk=thread.pk).update(is_locked=locked)
        thread.is_locked = locked
    return action


def thread_unlock(*, thread: Thread, editor, reason: str) -> ModerationAction:
    return thread_lock(thread=thread, editor=editor, reason=reason, locked=False)


def member_mute(*, member, editor, until: datetime, reason: str) -> Mute:
    """Stop a member commenting until `until`."""
    if until <= timezone.now():
        raise ValidationError("A mute must end in the future.")
    with transaction.atomic():
        action = _log(
            action=ModerationAction.Action.MUTE,
            editor=editor,
            reason=reason,
            target=f"@{member.username} until {until:%Y-%m-%d %H:%M} UTC",
            member=member,
        )
        return Mute.objects.create(
            member=member, until=until, reason=action.reason[:300], created_by=editor
        )


def member_unmute(*, member, editor, reason: str) -> ModerationAction:
    """End every active mute of a member now."""
    with transaction.atomic():
        action = _log(
            action=ModerationAction.Action.UNMUTE,
            editor=editor,
            reason=reason,
            target=f"@{member.username}",
            member=member,
        )
        Mute.objects.active().filter(member=member).update(until=action.created_at)
    return action


# Notifications -------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the member's notifications read (DoesNotExist for anyone else's)."""
    notification = (
        Notification.objects.for_recipient(user)
        .in_public_threads()
        .select_related("comment__thread")
        .get(pk=notification_id)
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.for_recipient(user).unread().update(read_at=timezone.now())


# Account hooks (registered in CommentsConfig.ready) -------------------------------


def member_comments_erase(user) -> None:
    """Account deletion: comments become "[deleted]", likes and flags go, counts stay exact."""
    with transaction.atomic():
        for thread_id in (
            Comment.objects.by_author(user).visible().values_list("thread_id", flat=True).distinct()
        ):
            visible = Comment.objects.by_author(user).visible().filter(thread_id=thread_id)
            Thread.objects.filter(pk=thread_id).update(
                comment_count=F("comment_count") - visible.count()
            )
        Comment.objects.by_author(user).update(
            state=Comment.State.DELETED, body="", body_html="", author=None
        )
        liked = CommentLike.objects.filter(user=user).values("comment_id")
        Comment.objects.filter(pk__in=liked).update(like_count=F("like_count") - 1)
        CommentLike.objects.filter(user=user).delete()
        Flag.objects.filter(flagger=user).delete()
        ModerationAction.objects.filter(member=user).update(
            target_description="A member who has since left"
        )


def member_comments_export(user) -> list[dict]:
    return [
        {
            "id": c.pk,
            "discussion": c.thread.get_absolute_url(),
            "in_reply_to": c.parent_id,
            "body": c.body,
            "state": c.state,
            "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
        }
        for c in Comment.objects.by_author(user).select_related("thread").order_by("created_at")
    ]


def member_likes_export(user) -> list[dict]:
    return [
        {"comment": like.comment_id, "created_at": like.created_at.isoformat()}
        for like in CommentLike.objects.filter(user=user).order_by("created_at")
    ]


def member_flags_export(user) -> list[dict]:
    return [
        {
            "comment": flag.comment_id,
            "reason": flag.reason,
            "status": flag.status,
            "created_at": flag.created_at.isoformat(),
        }
        for flag in Flag.objects.filter(flagger=user).order_by("created_at")
    ]
