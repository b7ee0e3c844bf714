"""Discussions: a thread is owned by something else (a collab, an article); it owns comments."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

BODY_MAX_LENGTH = 5_000
MAX_DEPTH = 3  # top-level comments are depth 1; replies to depth 3 attach at depth 3
EDIT_WINDOW = timedelta(minutes=15)
FLAGS_TO_HOLD = 3


def is_site_path(url: str) -> bool:
    """Whether `url` is a path on this site ("/collabs/apt/"): never another host (//x,
    /\\x), a scheme (javascript:, https:) or anything with spaces or control characters."""
    return (
        bool(url)
        and url.startswith("/")
        and url.isprintable()
        and not any(ch.isspace() for ch in url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def validate_site_path(url: str) -> None:
    if url and not is_site_path(url):
        raise ValidationError(
            "Enter a path on this site, starting with “/”, such as /collabs/apt/.",
            code="not_site_path",
        )


def can_preview(user) -> bool:
    """Editors (staff who may view discussions in the admin) see a discussion that is not
    public yet: a draft or scheduled article's, a nominated collab's. Nobody posts in it."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and user.has_perm("comments.view_thread")
    )


class ThreadQuerySet(models.QuerySet):
    def public(self) -> ThreadQuerySet:
        return self.filter(public_q())


def public_q(prefix: str = "") -> Q:
    """Threads that are public now, as a filter (`prefix` for a relation: "thread__")."""
    return Q(**{f"{prefix}public_from__lte": timezone.now()})


class Thread(models.Model):
    """One discussion. Owners hold a one-to-one link to it; comments point at it.

    `page_url` and `title` are set by the owner (collab, article) when it creates the
    thread, so the comments app can link back to the owner's page without importing it.

    `public_from` is when the discussion becomes visible to everyone, also set by the
    owner (its services, whenever it is published, unpublished, approved, rejected or
    scheduled): a published collab's approval time, an article's publish time (in the
    future while it is scheduled, so it opens by itself), null while its owner is a draft,
    a nomination or rejected. A thread that is not public is 404 to everyone but editors
    (`can_preview`), everywhere, and nobody can post in it. It is a column of the thread
    so the lists (latest comments, a profile's, notifications) filter on a table they
    join anyway, and a view holding a thread knows without a query.
    """

    is_locked = models.BooleanField("locked", default=False)
    comment_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    page_url = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_site_path],
        help_text="Path of the owner's page that shows this thread, on this site: /collabs/apt/.",
    )
    title = models.CharField(max_length=200, blank=True)
    public_from = models.DateTimeField(
        "public from",
        null=True,
        blank=True,
        editable=False,
        help_text="Set by the owner: when its discussion becomes public (empty: not public).",
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        indexes = [
            # The catalogue's "most discussed" sort: PostgreSQL walks this index and joins
            # each collab by its unique thread_id, instead of sorting every collab (43 ms →
            # 0.2 ms at 10,000 collabs).
            models.Index(fields=["-comment_count"], name="thread_most_discussed"),
        ]

    def __str__(self) -> str:
        return self.title or f"Thread {self.pk}"

    def get_absolute_url(self) -> str:
        return self.owner_url or reverse("comments:thread", kwargs={"thread_id": self.pk})

    @property
    def owner_url(self) -> str:
        """The owner's page, if `page_url` is a path on this site (a row written before
        page_url was validated could hold anything: it links nowhere off-site)."""
        return self.page_url if is_site_path(self.page_url) else ""

    @property
    def is_public(self) -> bool:
        return self.public_from is not None and self.public_from <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Whether comments and replies may be posted (public and not locked)."""
        return self.is_public and not self.is_locked

    def visible_to(self, user) -> bool:
        return self.is_public or can_preview(user)


_PK_SLOT = 987654321987


@cache
def _url_format(name: str, script_prefix: str) -> str:
    """`reverse(name, args=[pk])` as a format string: a thread page links each of its
    comments' actions, and hundreds of reverse() calls were a tenth of its rendering."""
    return reverse(name, args=[_PK_SLOT]).replace(str(_PK_SLOT), "{pk}")


def comment_url(name: str, pk: int) -> str:
    return _url_format(name, get_script_prefix()).format(pk=pk)


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        return self.filter(state=Comment.State.VISIBLE)

    def for_display(self) -> CommentQuerySet:
        return self.select_related("author")

    def top_level(self) -> CommentQuerySet:
        return self.filter(parent__isnull=True)

    def shown_to(self, viewer) -> CommentQuerySet:
        """What a thread shows: visible comments, placeholders that hold replies up, and the
        viewer's own held or removed comments (marked "held for review", or with the
        editor's reason for removing it)."""
        condition = Q(state=Comment.State.VISIBLE) | Q(has_replies=True)
        if viewer is not None and viewer.is_authenticated:
            condition |= Q(state__in=Comment.OWN_ONLY_STATES, author_id=viewer.pk)
        return self.annotate(
            has_replies=Exists(Comment.objects.filter(parent_id=OuterRef("pk")))
        ).filter(condition)

    def sorted_by(self, sort: str) -> CommentQuerySet:
        return self.order_by(*Comment.SORTS.get(sort, Comment.SORTS[Comment.DEFAULT_SORT]))

    def for_thread(self, thread: Thread, *, sort: str = "new", viewer=None) -> CommentQuerySet:
        """The top-level comments of a thread as the viewer sees them, in display order."""
        return self.filter(thread=thread).top_level().shown_to(viewer).sorted_by(sort).for_display()

    def with_liked_by(self, viewer_id: int | None) -> CommentQuerySet:
        """Annotate `liked_by_viewer` (in the same query; nothing for visitors)."""
        if viewer_id is None:
            return self
        return self.annotate(
            liked_by_viewer=Exists(
                CommentLike.objects.filter(comment_id=OuterRef("pk"), user_id=viewer_id)
            )
        )

    def descendants_of(self, root_ids) -> CommentQuerySet:
        """Every reply under the given top-level comments, in one query."""
        return self.filter(root_id__in=root_ids).order_by("created_at", "pk").for_display()

    def in_public_threads(self) -> CommentQuerySet:
        """Only comments in public discussions (on a table the lists join anyway)."""
        return self.filter(public_q("thread__"))

    def latest_for_home(self, n: int = 5) -> list[Comment]:
        """The latest comments in public discussions, with their threads (one query)."""
        return list(
            self.in_public_threads()
            .select_related("author", "thread")
            .order_by("-created_at", "-pk")[:n]
        )

    def by_author(self, user) -> CommentQuerySet:
        return self.filter(author=user)

    def for_moderation(self) -> CommentQuerySet:
        """Held comments first, then the most flagged, then the newest."""
        return self.annotate(
            open_flag_count=Count("flags", filter=Q(flags__status=Flag.Status.OPEN)),
            needs_review=models.Case(
                models.When(state=Comment.State.HELD, then=0),
                models.When(open_flag_count__gt=0, then=1),
                default=2,
                output_field=models.IntegerField(),
            ),
        ).order_by("needs_review", "-open_flag_count", "-created_at")


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", "visible"
        DELETED = "deleted", "deleted by author"
        REMOVED = "removed", "removed by a moderator"
        HELD = "held", "held for review"

    # Shown to their author alone: held for review, or removed by an editor (with why).
    OWN_ONLY_STATES = (State.HELD, State.REMOVED)

    SORTS = {
        "new": ("-created_at", "-pk"),
        "old": ("created_at", "pk"),
        "top": ("-like_count", "-created_at", "-pk"),
    }
    SORT_LABELS = {"new": "Newest", "old": "Oldest", "top": "Top"}
    DEFAULT_SORT = "new"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # The top-level comment this one hangs under (null for top-level comments):
    # a whole subtree is fetched in one query with root_id IN (...).
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    # The comment the author answered. Usually the parent; a reply to a level-3 comment
    # hangs under that comment's parent (MAX_DEPTH) but still answers, and notifies, it.
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH, blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitised HTML rendered from the body.")
    state = models.CharField(max_length=10, choices=State, default=State.VISIBLE)
    moderation_reason = models.CharField(max_length=300, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["thread", "parent", "-created_at"], name="comment_thread_top"),
            models.Index(fields=["author", "created_at"], name="comment_author_recent"),
            models.Index(fields=["state", "-created_at"], name="comment_state_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1, depth__lte=MAX_DEPTH), name="comment_depth_range"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                name="comment_body_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", kwargs={"comment_id": self.pk})

    # The actions' URLs, for templates (as {% url %} would give them, without reverse()).
    @property
    def reply_url(self) -> str:
        return comment_url("comments:reply", self.pk)

    @property
    def edit_url(self) -> str:
        return comment_url("comments:edit", self.pk)

    @property
    def delete_url(self) -> str:
        return comment_url("comments:delete", self.pk)

    @property
    def like_url(self) -> str:
        return comment_url("comments:like", self.pk)

    @property
    def flag_url(self) -> str:
        return comment_url("comments:flag", self.pk)

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.state == self.State.VISIBLE

    @property
    def excerpt(self) -> str:
        """The body as plain text (from its rendered HTML, entities decoded): for excerpts,
        which the template escapes once. Empty unless the comment is visible."""
        from comments.markup import plain_text

        return plain_text(self.body_html) if self.state == self.State.VISIBLE else ""

    def can_edit(self, user) -> bool:
        return (
            user is not None
            and user.is_authenticated
            and self.author_id == user.pk
            and self.state in (self.State.VISIBLE, self.State.HELD)
            and timezone.now() - self.created_at <= EDIT_WINDOW
        )

    def can_delete(self, user) -> bool:
        return (
            user is not None
            and user.is_authenticated
            and self.author_id == user.pk
            and self.state in (self.State.VISIBLE, self.State.HELD)
        )


class CommentLike(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_like_once")
        ]

    def __str__(self) -> str:
        return f"Like of comment {self.comment_id}"


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        HARASSMENT = "harassment", "Harassment or fan-war bait"
        PRIVACY = "privacy", "Privacy (sasaeng content, personal information)"
        MISINFORMATION = "misinformation", "Misinformation"
        OFF_TOPIC = "off_topic", "Off-topic"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        RESOLVED = "resolved", "resolved"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_flags"
    )
    reason = models.CharField(max_length=20, choices=Reason)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "flagger"], name="comment_flag_once")
        ]
        indexes = [models.Index(fields=["comment", "status"], name="flag_comment_status")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} flag on comment {self.comment_id}"


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def in_public_threads(self) -> NotificationQuerySet:
        return self.filter(public_q("comment__thread__"))

    def for_list(self) -> NotificationQuerySet:
        """Unread first, newest first; everything the list shows in the same query. Only
        comments in public discussions: an unpublished one shows nowhere."""
        return (
            self.in_public_threads()
            .select_related("actor", "comment", "comment__thread")
            .order_by(models.F("read_at").desc(nulls_first=True), "-created_at", "-pk")
        )


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "reply"
        MENTION = "mention", "mention"
        REMOVED = "removed", "comment removed by an editor"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # For REMOVED: the editor's reason, kept as it was said (a restore clears the comment's).
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [
            # A reply that also mentions the parent's author notifies once.
            models.UniqueConstraint(fields=["recipient", "comment"], name="notify_once")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    def get_absolute_url(self) -> str:
        """Opening it: marks it read, then goes to the comment (comments.views)."""
        return reverse("notification_open", args=[self.pk])

    @property
    def comment_gone(self) -> str:
        """Why the comment can't be shown to the recipient, or "" when it can.

        A removal notice goes to the author, who still sees their removed comment."""
        if self.kind == self.Kind.REMOVED:
            return "" if self.comment.state != Comment.State.DELETED else "deleted"
        return {
            Comment.State.DELETED: "deleted",
            Comment.State.REMOVED: "removed",
            Comment.State.HELD: "held",
        }.get(self.comment.state, "")


class ModerationActionQuerySet(models.QuerySet):
    def for_log(self) -> ModerationActionQuerySet:
        """The public log: editor_name is a snapshot; the joins give each target its link
        (a comment's permalink needs only its id, a discussion its page, a member their
        profile). An action on a discussion that is not public is left out: its title
        would give the discussion away."""
        return (
            self.filter(Q(thread__isnull=True) | public_q("thread__"))
            .select_related("thread", "member")
            .order_by("-created_at", "-pk")
        )


class ModerationAction(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", "hid a comment"
        RESTORE = "restore", "restored a comment"
        LOCK = "lock", "locked a discussion"
        UNLOCK = "unlock", "unlocked a discussion"
        MUTE = "mute", "muted a member"
        UNMUTE = "unmute", "lifted a mute"
        RESOLVE_FLAGS = "resolve_flags", "resolved flags"

    action = models.CharField(max_length=20, choices=Action)
    target_description = models.CharField(max_length=300)
    reason = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    editor_name = models.CharField(max_length=150)
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ModerationActionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.editor_name} {self.get_action_display()}"


class MuteQuerySet(models.QuerySet):
    def active(self) -> MuteQuerySet:
        return self.filter(until__gt=timezone.now())


class Mute(models.Model):
    """A member may not comment until `until`. Lifting a mute ends it now."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes"
    )
    until = models.DateTimeField()
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MuteQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["member", "until"], name="mute_member_until")]

    def __str__(self) -> str:
        # The admin's "was added" message shows this: name the member, without a query.
        who = self.member.username if Mute.member.is_cached(self) else f"member {self.member_id}"
        return f"Mute of {who} until {self.until:%Y-%m-%d %H:%M}"
