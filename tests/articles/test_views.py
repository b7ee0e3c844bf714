"""Article pages: who sees what and when, what the page carries, and how many queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from articles.models import Article
from tests.articles.conftest import make_article, make_collab
from tests.queries import cold_fresh_cached

pytestmark = pytest.mark.django_db

LIST = reverse("articles:list")


def detail(article: Article) -> str:
    return reverse("articles:detail", kwargs={"slug": article.slug})


def test_the_list_shows_published_articles_newest_first(client):
    older = make_article("Older story")
    newer = make_article("Newer story")
    Article.objects.filter(pk=older.pk).update(published_at=older.published_at - timedelta(days=2))
    make_article("Draft story", state="draft")
    make_article("Scheduled story", state="scheduled")
    html = client.get(LIST).content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert "Draft story" not in html and "Scheduled story" not in html


@pytest.mark.parametrize("page", ["0", "-1", "2", "999", "abc", "1.5", "9" * 30])
def test_pagination_edges_never_fail(client, page):
    for n in range(12):
        make_article(f"Story {n}")
    response = client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number in {1, 2}


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_drafts_and_scheduled_articles_are_404_for_visitors_and_members(client, member, state):
    article = make_article("Secret", state=state)
    assert client.get(detail(article)).status_code == 404
    client.force_login(member)
    assert client.get(detail(article)).status_code == 404


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_editors_preview_drafts_and_scheduled_articles(client, editor, state):
    article = make_article("Secret", state=state)
    client.force_login(editor)
    response = client.get(detail(article))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="preview-banner"' in html and "Preview." in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_a_scheduled_article_goes_live_at_its_time_with_nothing_run(client):
    article = make_article("Tomorrow's story", state="scheduled")
    assert client.get(detail(article)).status_code == 404
    assert "Tomorrow's story" not in client.get(LIST).content.decode()
    with time_machine.travel(article.published_at + timedelta(minutes=1)):
        # A day on, the pages cached before have expired (PAGE_CACHE_SECONDS; Redis keeps
        # its own time, which does not travel: its entries are let go of here).
        cache.clear()
        response = client.get(detail(article))
        assert response.status_code == 200
        assert "preview-banner" not in response.content.decode()
        assert "Tomorrow&#x27;s story" in client.get(LIST).content.decode()


def test_the_article_page_carries_meta_tags_featured_collabs_and_a_discussion(client, apt):
    hidden = make_collab("Nominated song", status="nominated")
    article = make_article("APT. and the world", featured=[apt, hidden])
    html = client.get(detail(article)).content.decode()
    url = f"http://127.0.0.1:8000{detail(article)}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="APT. and the world">' in html
    # No hero: the site's default share image.
    default_image = "http://127.0.0.1:8000/static/img/share-default.png"
    assert f'<meta property="og:image" content="{default_image}">' in html
    assert '<meta name="description" content="The standfirst of APT. and the world.">' in html
    assert 'id="discussion"' in html and 'id="comments"' in html and "Discussion" in html
    # The collab's own vote partial, posting back to the article.
    assert 'id="vote-apt"' in html and 'aria-pressed="false"' in html
    assert f'name="next" value="{detail(article)}"' in html
    assert "Nominated song" not in html  # only published collabs are featured publicly


def test_voting_from_the_article_page_comes_back_to_it(member_client, apt):
    article = make_article("Vote here", featured=[apt])
    response = member_client.post(
        reverse("collabs:vote", kwargs={"slug": apt.slug}), {"next": detail(article)}
    )
    assert response.status_code == 302 and response["Location"] == detail(article)
    html = member_client.get(detail(article)).content.decode()
    assert 'aria-pressed="true"' in html


def test_the_home_page_features_the_latest_published_article(client):
    make_article("Yesterday's news")
    latest = make_article("The latest story")
    make_article("Not yet", state="scheduled")
    response = client.get(reverse("home"))
    assert response.context["featured_article"] == latest
    assert "The latest story" in response.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_list_queries_do_not_grow_with_articles(client, settings, n):
    for i in range(n):
        make_article(f"Story {i}")
    # Cold and fresh: count, then the page of articles with their authors. Cached: the
    # page's versions.
    assert cold_fresh_cached(client, LIST, settings) == (2, 2, 1)


@pytest.mark.parametrize("n", [3, 30])
def test_detail_queries_do_not_grow_with_featured_collabs(member_client, settings, n):
    article = make_article("Many collabs", featured=[make_collab(f"Song {i}") for i in range(n)])
    # Fresh: the versions, article+author+thread, features, collabs, their credits with
    # artists; the discussion's first page of comments (a memo: its versions); the vote
    # buttons' collabs. The member, their header's facts, their votes, and whether the
    # thread holds their hidden comments are kept in the process until those tables change.
    # Cached: the page's versions.
    assert cold_fresh_cached(member_client, detail(article), settings) == (14, 6, 1)
    response = member_client.get(detail(article))
    assert response.content.decode().count('class="btn vote-btn"') == n
