"""The editors' article desk: write, schedule, preview, publish."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.html import format_html

from articles import services
from articles.forms import ArticleAdminForm
from articles.models import Article, FeaturedCollab


class FeaturedCollabInline(admin.TabularInline):
    model = FeaturedCollab
    fields = ["position", "collab"]
    autocomplete_fields = ["collab"]
    extra = 1
    verbose_name = "featured collab"
    verbose_name_plural = "Featured collabs (shown in this order under the article)"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [FeaturedCollabInline]
    list_display = ["title", "state", "published_at", "author"]
    list_filter = ["status", ("author", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["hero_preview", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        ("Hero image", {"fields": ["hero_preview", "hero_upload", "hero_alt"]}),
        (
            "Publishing",
            {
                "fields": ["author", "status", "published_at", "created_at", "updated_at"],
                "description": "Published with a future publish time = scheduled: the article "
                "appears by itself at that time. Use “View on site” to preview a draft.",
            },
        ),
    ]

    def view_on_site(self, obj: Article) -> str:
        # The plain path: the site's own host, not the sites framework's Site row.
        return obj.get_absolute_url()

    @admin.display(description="State", ordering="status")
    def state(self, obj: Article) -> str:
        if obj.is_scheduled:
            return "Scheduled"
        return obj.get_status_display()

    @admin.display(description="Current hero")
    def hero_preview(self, obj: Article):
        if not obj.hero_list:
            return "No hero image yet."
        return format_html(
            '<img class="admin-preview admin-preview-wide" src="{}" alt="{}" width="320" '
            'height="180">',
            obj.hero_list.url,
            obj.hero_alt,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, hero=form.cleaned_data.get("hero_upload"))

    @admin.action(description="Publish the selected articles now", permissions=["change"])
    def publish_now(self, request, queryset):
        changed = services.articles_publish(articles=queryset)
        self.message_user(request, f"{changed} article(s) published.", messages.SUCCESS)

    @admin.action(
        description="Unpublish the selected articles (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        changed = services.articles_unpublish(articles=queryset)
        self.message_user(request, f"{changed} article(s) back to draft.", messages.SUCCESS)
