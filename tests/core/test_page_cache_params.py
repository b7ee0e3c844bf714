"""The page cache keys only the query parameters a view reads (issue 12, item 7).

Before: every distinct query string (?utm_source=…, ?fbclid=…) rendered and stored a
new whole page (100 requests, 3.3 MB). Now junk parameters are served the plain URL's
entry, and a page rendered for the cache never shows them.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from core import page_cache
from tests import hostile

pytestmark = pytest.mark.django_db


class CountingCache:
    """The page cache's cache, noting every page entry it stores."""

    def __init__(self, inner):
        self.inner, self.pages = inner, []

    def set(self, key, value, *args, **kwargs):
        if key.startswith("page:"):
            self.pages.append(key)
        return self.inner.set(key, value, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def stored(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 60
    counting = CountingCache(page_cache.cache)
    monkeypatch.setattr(page_cache, "cache", counting)
    return counting.pages


def without_secrets(html: str) -> str:
    return re.sub(r'nonce="[^"]+"|[A-Za-z0-9]{64}', "…", html)


def junk(n: int) -> str:
    return f"utm_source=newsletter{n}&fbclid=IwAR{n:04d}&gclid={n}"


@pytest.mark.parametrize("path", ["/", "/collabs/", "collab", "article", "/articles/", "/top/"])
def test_a_hundred_junk_query_strings_make_at_most_one_entry(path, people, stored):
    url = {"collab": people.collab.get_absolute_url(), "article": people.article.get_absolute_url()}
    url = url.get(path, path)
    plain = Client().get(url).content.decode()
    for n in range(100):
        response = Client().get(f"{url}?{junk(n)}")
        html = response.content.decode()
        assert response.status_code == 200
        # The plain URL's page, but for each visitor's own token and nonce.
        assert without_secrets(html) == without_secrets(plain)
    assert "APT." in plain or "K-pop meets the world" in plain
    assert len(set(stored)) == 1, stored[:3]


def test_junk_on_a_cold_cache_stores_one_entry_the_plain_url_is_served(people, stored):
    for n in range(100):
        assert Client().get(f"/collabs/?{junk(n)}").status_code == 200
    assert len(set(stored)) == 1
    assert Client().get("/collabs/").status_code == 200
    assert len(set(stored)) == 1  # served from that entry


def test_parameters_the_view_reads_still_make_their_own_page(people, stored):
    newest = Client().get("/collabs/?sort=new&utm_source=x").content.decode()
    top = Client().get("/collabs/?utm_source=y").content.decode()
    assert "Newest" in newest.split('class="results-summary"')[1][:300]
    assert "Top voted" in top.split('class="results-summary"')[1][:300]
    assert len(set(stored)) == 2
    # The same parameters in another order are the same page.
    Client().get("/collabs/?year=2024&sort=new")
    Client().get("/collabs/?sort=new&year=2024&fbclid=z")
    assert len(set(stored)) == 3


def test_members_share_one_page_whatever_junk_they_bring(people, stored):
    member = Client()
    member.force_login(people.member)
    url = people.collab.get_absolute_url()
    for n in range(20):
        response = member.get(f"{url}?{junk(n)}")
        assert response.status_code == 200 and "APT. forever" in response.content.decode()
    assert len(set(stored)) <= 1


def test_every_cached_view_declares_the_parameters_it_reads():
    """The walk (tests/core/test_hostile_walk.py) proves QUERY_PARAMS lists what each view
    reads; a cached view must key its pages on all of them."""
    checked = 0
    for route in hostile.routes():
        if route.name is None:
            continue
        match = get_resolver().resolve(route.url(**dict.fromkeys(route.params, "1")))
        reads = getattr(match.func, "page_cache_reads", None)
        if reads is None:
            continue
        checked += 1
        wanted = set(hostile.QUERY_PARAMS.get(route.name, [])) - {"next"}
        assert wanted <= reads, (route.name, wanted - reads)
    assert checked >= 6
