"""The editors' moderation desk: held and flagged comments first, every action with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import Truncator

from comments import services
from comments.forms import ReasonForm
from comments.models import Comment, Flag, ModerationAction, Mute, Thread


def with_reason(description: str, service, target_label: str):
    """An admin action that first asks for the public reason, then calls `service` per object."""

    def action(modeladmin, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for obj in queryset:
                try:
                    service(obj, editor=request.user, reason=form.cleaned_data["reason"])
                    done += 1
                except ValidationError as error:
                    modeladmin.message_user(request, f"{obj}: {error.messages[0]}", messages.ERROR)
            modeladmin.message_user(request, f"{description}: {done} done.", messages.SUCCESS)
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": description,
            "form": form,
            "queryset": queryset,
            "action_name": action.__name__,
            "target_label": target_label,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/comments/reason_form.html", context)

    action.__name__ = service.__name__.replace("_service", "")
    action.short_description = description
    return action


def _hide(comment, *, editor, reason):
    return services.comment_hide(comment=comment, editor=editor, reason=reason)


def _restore(comment, *, editor, reason):
    return services.comment_restore(comment=comment, editor=editor, reason=reason)


def _resolve(comment, *, editor, reason):
    return services.flags_resolve(comment=comment, editor=editor, reason=reason)


def _lock(thread, *, editor, reason):
    return services.thread_lock(thread=thread, editor=editor, reason=reason)


def _unlock(thread, *, editor, reason):
    return services.thread_unlock(thread=thread, editor=editor, reason=reason)


def _unmute(mute, *, editor, reason):
    return services.member_unmute(member=mute.member, editor=editor, reason=reason)


_hide.__name__, _restore.__name__, _resolve.__name__ = "hide", "restore", "resolve_flags"
_lock.__name__, _unlock.__name__, _unmute.__name__ = "lock", "unlock", "lift_mute"


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    can_delete = False
    fields = ("flagger", "reason", "status", "created_at", "resolved_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "excerpt",
        "author",
        "thread",
        "state",
        "open_flags",
        "like_count",
        "created_at",
    )
    list_filter = ("state",)
    search_fields = ("body", "author__username")
    list_select_related = ("author", "thread")
    readonly_fields = (
        "thread",
        "author",
        "parent",
        "depth",
        "body",
        "state",
        "moderation_reason",
        "like_count",
        "created_at",
        "edited_at",
    )
    exclude = ("root", "body_html")
    inlines = [FlagInline]
    actions = [
        with_reason("Hide selected comments", _hide, "comments"),
        with_reason("Restore selected comments", _restore, "comments"),
        with_reason("Resolve flags on selected comments", _resolve, "comments"),
    ]

    def get_queryset(self, request):
        return Comment.objects.for_moderation().select_related("author", "thread")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Moderators hide with a reason, which is logged; nothing vanishes silently.
        return False

    @admin.display(description="comment")
    def excerpt(self, obj: Comment) -> str:
        return Truncator(obj.body or f"[{obj.get_state_display()}]").chars(80)

    @admin.display(description="open flags", ordering="open_flag_count")
    def open_flags(self, obj: Comment) -> int:
        return obj.open_flag_count


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("__str__", "page_url", "comment_count", "is_locked", "last_activity_at")
    list_filter = ("is_locked",)
    search_fields = ("title", "page_url")
    # public_from follows the owner (its status and publish time), never edited here.
    readonly_fields = (
        "public_from",
        "is_locked",
        "comment_count",
        "last_activity_at",
        "created_at",
    )
    fields = ("title", "page_url", *readonly_fields)
    actions = [
        with_reason("Lock selected discussions", _lock, "discussions"),
        with_reason("Unlock selected discussions", _unlock, "discussions"),
    ]

    def has_add_permission(self, request) -> bool:
        return False  # owners (collabs, articles) create their threads


class MuteForm(forms.ModelForm):
    class Meta:
        model = Mute
        fields = ("member", "until", "reason")

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise forms.ValidationError("A mute must end in the future.")
        return until


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    form = MuteForm
    list_display = ("member", "until", "reason", "created_by", "created_at")
    search_fields = ("member__username",)
    list_select_related = ("member", "created_by")
    autocomplete_fields = ("member",)
    fields = ("member", "until", "reason")
    actions = [with_reason("Lift selected mutes now", _unmute, "mutes")]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Mute, form, change: bool) -> None:
        if change:
            return
        mute = services.member_mute(
            member=obj.member, editor=request.user, until=obj.until, reason=obj.reason
        )
        obj.pk = mute.pk
        obj.created_by = request.user


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "editor_name", "action", "target_description", "reason")
    list_filter = ("action",)
    search_fields = ("target_description", "reason", "editor_name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
