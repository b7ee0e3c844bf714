"""The editors' catalogue desk: collabs with their credits, nominations, artists, genres."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import ngettext

from collabs import services
from collabs.forms import ArtistAdminForm, CollabAdminForm, CreditForm
from collabs.models import Artist, Collab, CollabStatus, Credit, Genre, ListeningLink, Vote
from comments.services import thread_create


class CreditInlineFormSet(BaseInlineFormSet):
    def clean(self):
        """A published collab's artist line is made of its credits: it needs one at least
        (a nomination may wait without any until an editor adds them)."""
        super().clean()
        if self.instance.status != CollabStatus.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("artist") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(
                "A published collab needs its credits: add at least one artist, or keep it "
                "nominated until you know them."
            )


class CreditInline(admin.TabularInline):
    model = Credit
    form = CreditForm
    formset = CreditInlineFormSet
    extra = 2
    autocomplete_fields = ["artist"]


class ListeningLinkInline(admin.TabularInline):
    model = ListeningLink
    extra = 1


def _preview(field_file, alt: str):
    if not field_file:
        return "—"
    return format_html('<img src="{}" alt="{}" width="120" height="120">', field_file.url, alt)


class NominationFilter(admin.SimpleListFilter):
    """The nominations queue: what members proposed and an editor has yet to decide."""

    title = "nominations"
    parameter_name = "nominations"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for an editor"), ("rejected", "Rejected")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(status=CollabStatus.NOMINATED).order_by("created_at")
        if self.value() == "rejected":
            return queryset.filter(status=CollabStatus.REJECTED)
        return queryset


@admin.register(Collab)
class CollabAdmin(admin.ModelAdmin):
    form = CollabAdminForm
    inlines = [CreditInline, ListeningLinkInline]
    list_display = ["title", "credit_line", "release_date", "status", "vote_count", "nominated_by"]
    list_filter = [NominationFilter, "status", "genres", "release_date"]
    list_select_related = ["nominated_by"]
    search_fields = ["title", "credits__artist__name", "nominated_artists"]
    prepopulated_fields = {"slug": ["title"]}
    # nominated_by is a record of who proposed it; editors have no access to member accounts.
    readonly_fields = [
        "cover_preview", "vote_count", "hot_score", "thread", "created_at", "nominated_by",
    ]  # fmt: skip
    filter_horizontal = ["genres"]
    actions = ["approve", "reject"]
    date_hierarchy = "release_date"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("credits__artist")

    @admin.display(description="Cover art")
    def cover_preview(self, obj):
        return _preview(obj.cover_list, f"Cover art of {obj.title}")

    def save_model(self, request, obj, form, change):
        if not change:
            # Opened (or not) by collab_thread_sync below, from the collab's status.
            obj.thread = thread_create(public_from=None)
        super().save_model(request, obj, form, change)
        services.collab_thread_sync(collab=obj)
        if form.cleaned_data.get("cover_upload") is not None:
            services.collab_cover_set(collab=obj, image=form.cleaned_data["cover_upload"])

    @admin.action(
        description="Approve the selected nominations (publish them)", permissions=["change"]
    )
    def approve(self, request, queryset):
        try:
            changed = services.nominations_decide(collabs=queryset, approve=True)
        except services.NominationRefused as refused:
            self.message_user(request, refused.messages[0], messages.ERROR)
            return
        self._decided(request, changed, "published")

    @admin.action(description="Reject the selected nominations", permissions=["change"])
    def reject(self, request, queryset):
        changed = services.nominations_decide(collabs=queryset, approve=False)
        self._decided(request, changed, "rejected")

    def _decided(self, request, changed: int, done: str) -> None:
        if not changed:
            self.message_user(
                request,
                "None of the selected collabs was waiting for a decision: nothing changed.",
                messages.WARNING,
            )
            return
        noun = ngettext("nomination", "nominations", changed)
        self.message_user(request, f"{changed} {noun} {done}.", messages.SUCCESS)

    def get_changeform_initial_data(self, request):
        return {"status": CollabStatus.PUBLISHED}


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    form = ArtistAdminForm
    list_display = ["name", "korean_name", "kind", "country", "member_of"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "korean_name", "other_names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["member_of"]
    readonly_fields = ["photo_preview"]

    @admin.display(description="Photo")
    def photo_preview(self, obj):
        return _preview(obj.photo_list, obj.name)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("photo_upload") is not None:
            services.artist_photo_set(artist=obj, image=form.cleaned_data["photo_upload"])


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Read-only: votes change only through the vote service, which keeps counts exact."""

    list_display = ["collab", "user", "created_at"]
    list_select_related = ["collab", "user"]
    search_fields = ["collab__title", "user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
