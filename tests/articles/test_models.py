"""Articles' data rules: visibility in time, rendering, the hero's alt text, the Editors group."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone
from PIL import Image

from accounts.editors import EDITORS_GROUP, editor_codenames, sync_editor_permissions
from articles import services
from articles.demo import SEED_COLLABS, SEED_SLUG
from articles.models import Article, ArticleStatus
from tests.articles.conftest import make_article

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_scheduled_articles():
    published = make_article("Out now")
    make_article("Still a draft", state="draft")
    make_article("Coming tomorrow", state="scheduled")
    assert list(Article.objects.published()) == [published]


def test_a_scheduled_article_appears_by_itself_when_its_time_comes():
    scheduled = make_article("Coming tomorrow", state="scheduled")
    assert not Article.objects.published().filter(pk=scheduled.pk).exists()
    with time_machine.travel(scheduled.published_at + timedelta(seconds=1)):
        assert Article.objects.published().filter(pk=scheduled.pk).exists()
        assert Article.objects.get(pk=scheduled.pk).is_public


def test_saving_renders_the_body_safely():
    article = make_article(body="## Heading\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<h2>Heading</h2>" in article.body_html
    assert "<script>" not in article.body_html
    assert 'href="javascript' not in article.body_html
    article.body = "Changed **now**"
    services.article_save(article=article)
    assert Article.objects.get(pk=article.pk).body_html == "<p>Changed <strong>now</strong></p>\n"


def test_publishing_without_a_time_means_now_and_each_article_gets_its_own_thread():
    first = make_article("Same title", published_at=None)
    second = make_article("Same title")
    assert first.published_at is not None and first.published_at <= timezone.now()
    assert (first.slug, second.slug) == ("same-title", "same-title-2")
    assert first.thread_id != second.thread_id


def test_a_hero_without_alt_text_is_refused_and_nothing_stored(settings):
    image = Image.new("RGB", (800, 500), (200, 0, 100))
    with pytest.raises(ValidationError) as error:
        make_article("No alt", hero=image)
    assert "alt text" in str(error.value)
    assert not Article.objects.filter(title="No alt").exists()
    assert not (settings.MEDIA_ROOT / "articles").exists()


def test_a_hero_with_alt_text_is_stored_in_three_renditions(settings):
    image = Image.new("RGB", (1600, 1000), (200, 0, 100))
    article = make_article("With hero", hero=image, hero_alt="Rosé on stage")
    assert article.hero_detail.width == 1280 and article.hero_detail.height == 720
    assert article.hero_list.width == 640 and article.hero_list.height == 360
    assert article.hero.name.endswith(".webp")


def test_the_database_refuses_a_hero_without_alt_text():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(hero="articles/x.webp", hero_alt="")


def test_publish_and_unpublish_services():
    draft = make_article("Draft", state="draft")
    scheduled = make_article("Later", state="scheduled")
    assert services.articles_publish(articles=[draft, scheduled]) == 2
    assert Article.objects.published().count() == 2
    assert services.articles_unpublish(articles=[draft]) == 1
    assert Article.objects.get(pk=draft.pk).status == ArticleStatus.DRAFT


def test_the_editors_group_has_exactly_the_editor_permissions():
    group = Group.objects.get(name=EDITORS_GROUP)
    granted = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
    assert ("articles", "change_article") in granted
    assert ("collabs", "delete_credit") in granted
    assert ("collabs", "view_genre") in granted
    assert granted <= editor_codenames()
    assert not any(app in {"accounts", "auth"} for app, _ in granted)


def test_sync_editor_permissions_is_idempotent_and_grants_everything():
    group = Group.objects.get(name=EDITORS_GROUP)
    group.permissions.clear()
    assert sync_editor_permissions() == []
    assert sync_editor_permissions() == []
    granted = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
    assert granted == editor_codenames()
    assert ("comments", "add_mute") in granted
    assert ("comments", "change_comment") in granted
    assert ("accounts", "change_user") not in granted
    assert Group.objects.filter(name=EDITORS_GROUP).count() == 1


def test_demo_data_publishes_the_seed_article_once():
    call_command("demo_data", stdout=io.StringIO())
    article = Article.objects.get(slug=SEED_SLUG)
    snapshot = (Article.objects.count(), article.updated_at, article.features.count())
    call_command("demo_data", stdout=io.StringIO())
    article.refresh_from_db()
    assert (Article.objects.count(), article.updated_at, article.features.count()) == snapshot
    assert article.is_public and article.author.username == "editor"
    assert [f.collab.slug for f in article.features.select_related("collab")] == SEED_COLLABS
    for slug in SEED_COLLABS:
        assert f'href="/collabs/{slug}/"' in article.body_html
    assert "top of page" not in article.body and "bottom of page" not in article.body
    assert "<h2>" in article.body_html and "<h3>" in article.body_html
