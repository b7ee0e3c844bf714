"""Editorial articles, the collabs they feature, and the reads over them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from collabs.models import Collab


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def can_preview(user) -> bool:
    """Editors (staff who may view articles in the admin) see drafts and scheduled articles."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and user.has_perm("articles.view_article")
    )


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """What visitors see. A future publish time means scheduled: the article appears
        on its own once that time has passed, because this filter is evaluated per query."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now())

    def visible_to(self, user) -> ArticleQuerySet:
        return self if can_preview(user) else self.published()

    def newest(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-pk")

    def for_list(self) -> ArticleQuerySet:
        return self.select_related("author")

    def for_detail(self, *, user=None) -> ArticleQuerySet:
        """The article page: author, thread, and the featured collabs (published ones, in
        the editor's order) ready for cards with the reader's own vote."""
        features = (
            FeaturedCollab.objects.filter(collab__status="published")
            .order_by("position", "pk")
            .prefetch_related(Prefetch("collab", queryset=Collab.objects.for_list(user=user)))
        )
        return self.select_related("author", "thread").prefetch_related(
            Prefetch("features", queryset=features)
        )


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.CharField(
        max_length=400, help_text="The one- or two-sentence summary shown under the title."
    )
    body = models.TextField(help_text="Markdown: ## headings, **bold**, [links](/collabs/apt/).")
    # Rendered by articles.services whenever the body is saved (the only write path), so the
    # hot article page and the feed never parse Markdown per request.
    body_html = models.TextField(editable=False, default="")
    hero = models.ImageField(upload_to="articles/", blank=True, editable=False)
    hero_detail = models.ImageField(upload_to="articles/detail/", blank=True, editable=False)
    hero_list = models.ImageField(upload_to="articles/list/", blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="What the hero image shows, for people who cannot see it. Required with an "
        "image.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    status = models.CharField(
        max_length=20, choices=ArticleStatus, default=ArticleStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="A future time schedules the article: it appears by itself then.",
    )
    featured_collabs = models.ManyToManyField(
        Collab, through="FeaturedCollab", related_name="featured_in", blank=True
    )
    thread = models.OneToOneField(
        "comments.Thread", on_delete=models.PROTECT, related_name="article", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ArticleStatus.DRAFT) | Q(published_at__isnull=False),
                name="articles_published_has_time",
                violation_error_message="A published article needs a publish time.",
            ),
            models.CheckConstraint(
                condition=Q(hero="") | ~Q(hero_alt=""),
                name="articles_hero_has_alt",
                violation_error_message="Describe the hero image in the alt text, for readers "
                "who cannot see it.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def byline(self) -> str:
        return self.author.public_name if self.author else "Crossover"

    @property
    def reading_minutes(self) -> int:
        return max(1, round(len(self.body.split()) / 230))

    @property
    def featured(self) -> list[Collab]:
        """Featured collabs from the prefetch made by for_detail()."""
        return [feature.collab for feature in self.features.all()]


class FeaturedCollab(models.Model):
    """A collab an article features, in the editor's order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="features")
    collab = models.ForeignKey(Collab, on_delete=models.CASCADE, related_name="article_features")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "featured collab"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "collab"], name="articles_feature_once_per_article"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} features {self.collab_id}"
