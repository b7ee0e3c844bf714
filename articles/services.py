"""Writes to articles: create, save (which renders the body), publish, hero images."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from PIL.Image import Image

from articles.models import Article, ArticleStatus, FeaturedCollab
from collabs.models import Collab
from comments.services import thread_create, thread_sync, threads_set_public_from
from core import images
from core.markdown import render_markdown

HERO_FULL = images.Rendition(2000, 2000, crop=False)
# 16:9: wide on the article page, and the shape Open Graph previews use.
HERO_DETAIL = images.Rendition(1280, 720)
HERO_LIST = images.Rendition(640, 360)

HERO_ALT_REQUIRED = "Describe the hero image in the alt text, for readers who cannot see it."


def unique_article_slug(text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(text)[:180].strip("-") or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _public_from(article: Article) -> datetime | None:
    """When the article's discussion opens: its publish time (a future one while it is
    scheduled, so the discussion opens by itself with it); never while it is a draft."""
    return article.published_at if article.status == ArticleStatus.PUBLISHED else None


def article_save(*, article: Article, hero: Image | None = None) -> Article:
    """Save an article (new or changed): render its body, give a new one its discussion
    thread, store a new hero image. The admin and the services below all come here."""
    if hero is not None and not article.hero_alt.strip():
        raise ValidationError({"hero_alt": HERO_ALT_REQUIRED})
    with transaction.atomic():
        if not article.slug:
            article.slug = unique_article_slug(article.title, exclude_pk=article.pk)
        if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
            article.published_at = timezone.now()
        article.body_html = render_markdown(article.body)
        page_url = reverse("articles:detail", args=[article.slug])
        public_from = _public_from(article)
        if article.thread_id is None:
            article.thread = thread_create(
                page_url=page_url, title=article.title, public_from=public_from
            )
        else:
            thread_sync(
                thread=article.thread,
                page_url=page_url,
                title=article.title,
                public_from=public_from,
            )
        article.full_clean(exclude=["thread"])
        article.save()
        if hero is not None:
            article_hero_set(article=article, image=hero)
    return article


def article_create(
    *,
    title: str,
    standfirst: str,
    body: str,
    author=None,
    slug: str = "",
    status: str = ArticleStatus.DRAFT,
    published_at: datetime | None = None,
    hero: Image | None = None,
    hero_alt: str = "",
    featured: Sequence[Collab] = (),
) -> Article:
    with transaction.atomic():
        article = Article(
            title=title,
            slug=slug,
            standfirst=standfirst,
            body=body,
            author=author,
            status=status,
            published_at=published_at,
            hero_alt=hero_alt,
        )
        article_save(article=article, hero=hero)
        article_features_set(article=article, collabs=featured)
    return article


def article_features_set(*, article: Article, collabs: Sequence[Collab]) -> None:
    """Feature exactly `collabs`, in that order."""
    with transaction.atomic():
        article.features.all().delete()
        FeaturedCollab.objects.bulk_create(
            FeaturedCollab(article=article, collab=collab, position=position)
            for position, collab in enumerate(dict.fromkeys(collabs))
        )


def articles_publish(*, articles, at: datetime | None = None) -> int:
    """Publish now, or at `at` when given. Without `at`, an article that already went out
    (a draft with a past publish time: it was unpublished) keeps its original publish
    time, so republishing after a fix neither re-dates it nor sends it to the top of the
    list and the feed; one that never went out, or was scheduled for later, goes out now."""
    now = timezone.now()
    with transaction.atomic():
        chosen = Article.objects.filter(pk__in=[a.pk for a in articles])
        if at is not None:
            published = chosen.update(status=ArticleStatus.PUBLISHED, published_at=at)
        else:
            went_out = (
                chosen.filter(published_at__lte=now)
                .exclude(status=ArticleStatus.PUBLISHED)
                .update(status=ArticleStatus.PUBLISHED)
            )
            goes_out = chosen.filter(Q(published_at__isnull=True) | Q(published_at__gt=now)).update(
                status=ArticleStatus.PUBLISHED, published_at=now
            )
            published = went_out + goes_out
        # Each discussion opens when its article does (an admin action picks a few).
        for thread_id, published_at in chosen.values_list("thread_id", "published_at"):
            threads_set_public_from(thread_ids=[thread_id], public_from=published_at)
        return published


def articles_unpublish(*, articles) -> int:
    """Back to draft; the publish time is kept so a re-publish can reuse or change it."""
    with transaction.atomic():
        chosen = Article.objects.filter(pk__in=[a.pk for a in articles]).exclude(
            status=ArticleStatus.DRAFT
        )
        # Its discussion closes with it.
        threads_set_public_from(thread_ids=chosen.values("thread_id"), public_from=None)
        return chosen.update(status=ArticleStatus.DRAFT)


def article_hero_set(*, article: Article, image: Image) -> Article:
    """Store the hero's renditions. `image` comes from core.images.clean_image: validated
    and decoded, so nothing reaches storage unless it passed."""
    images.store_renditions(
        article, {"hero": HERO_FULL, "hero_detail": HERO_DETAIL, "hero_list": HERO_LIST}, image
    )
    return article
