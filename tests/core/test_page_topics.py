"""Topic invalidation: a write makes stale the cached pages showing what it changed, and
only those; a collab page's rank is filled in per response (core/page_cache.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from collabs import services as collab_services
from collabs.services import CreditSpec
from core.page_cache import content_changed
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def other(people):
    """A second collab, by neither of the first one's artists."""
    artist = collab_services.artist_create(name="Zayn", country="GB")
    return collab_services.collab_create(
        title="Eyes Closed", release_date=date(2023, 6, 1), credits=[CreditSpec(artist=artist)]
    )


def votes_shown(html: str) -> str:
    return re.search(r'class="vote-count"[^>]*><strong>(\d+)</strong>', html).group(1)


def rank_shown(html: str) -> str:
    return re.search(r"#(\d+) of all time", html).group(1)


def voter(people) -> Client:
    client = Client()
    client.force_login(people.member)
    return client


def test_a_vote_leaves_collab_pages_cached_with_their_counts_filled_in(
    people, other, django_assert_num_queries
):
    visitor = Client()
    url, other_url = people.collab.get_absolute_url(), other.get_absolute_url()
    visitor.get(url), visitor.get(other_url)
    assert voter(people).post(f"{other_url}vote/", headers=HX).status_code == 200
    # Both collab pages are still the cached ones: each costs its freshness, then its
    # rank and the vote counts it shows, filled in as they are now (the vote moved both:
    # computed once, then shared until the next write).
    with django_assert_num_queries(3):
        html = visitor.get(url).content.decode()
    assert votes_shown(html) == "0" and rank_shown(html) == "2"
    with django_assert_num_queries(1):
        visitor.get(url)
    with django_assert_num_queries(3):
        html = visitor.get(other_url).content.decode()
    assert votes_shown(html) == "1" and rank_shown(html) == "1"
    # The catalogue ranks by votes: it is rendered afresh.
    catalogue = visitor.get("/collabs/").content.decode()
    assert catalogue.index("Eyes Closed") < catalogue.index("APT.")


def test_a_comment_makes_its_pages_stale_and_leaves_the_others(
    people, other, django_assert_num_queries
):
    visitor = Client()
    url, other_url, home = people.collab.get_absolute_url(), other.get_absolute_url(), "/"
    for page in (url, other_url, home, people.article.get_absolute_url()):
        visitor.get(page)
    author = voter(people)
    response = author.post(f"/comments/thread/{other.thread_id}/post/", {"body": "So good"})
    assert response.status_code == 302
    # Still cached: its freshness, its rank and its vote counts (kept per generation,
    # which moved).
    with django_assert_num_queries(3):
        assert "So good" not in visitor.get(url).content.decode()
    assert "So good" in visitor.get(other_url).content.decode()
    assert "So good" in visitor.get(home).content.decode()  # the latest comments


def test_a_write_that_names_no_topic_makes_every_page_stale(people, other):
    visitor = Client()
    url = people.collab.get_absolute_url()
    visitor.get(url)
    people.collab.title = "APT. (remix)"
    people.collab.save()  # a batch job's write: it must say so itself
    assert "APT. (remix)" not in visitor.get(url).content.decode()
    content_changed()
    assert "APT. (remix)" in visitor.get(url).content.decode()


def test_a_cached_collab_page_shows_its_rank_as_it_is_now(people, other):
    member, visitor = voter(people), Client()
    url = people.collab.get_absolute_url()
    assert rank_shown(visitor.get(url).content.decode()) == "1"
    member.post(f"{other.get_absolute_url()}vote/", headers=HX)
    assert rank_shown(visitor.get(url).content.decode()) == "2"
    # Members' shared pages too (the first member to ask gets their own render).
    for _ in range(2):
        assert rank_shown(member.get(url).content.decode()) == "2"
    member.post(f"{other.get_absolute_url()}vote/", headers=HX)  # taken back
    assert rank_shown(visitor.get(url).content.decode()) == "1"
    assert rank_shown(member.get(url).content.decode()) == "1"


def test_a_value_kept_in_the_process_expires_like_the_shared_copy(rf, monkeypatch):
    from core import page_cache

    request, produced = rf.get("/"), []
    request._content_generation, request._structure_stamp = 7, 7

    def produce():
        produced.append(1)
        return len(produced)

    assert page_cache.cached(request, "n", produce, local=True) == 1
    page_cache.cache.clear()  # the shared copy gone: this process still has it
    assert page_cache.cached(request, "n", produce, local=True) == 1
    later = page_cache.time.monotonic() + 61
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)
    assert page_cache.cached(request, "n", produce, local=True) == 2


def test_members_shared_pages_show_the_count_as_it_is_now(people, other):
    url = other.get_absolute_url()
    reader, voting = Client(), voter(people)
    reader.force_login(MemberFactory())
    for _ in range(2):  # the second member to ask gets the shared page
        reader.get(url), voting.get(url)
    voting.post(f"{url}vote/", headers=HX)
    mine = voting.get(url).content.decode()
    assert votes_shown(mine) == "1" and "including yours" in mine
    theirs = reader.get(url).content.decode()
    assert votes_shown(theirs) == "1" and "including yours" not in theirs


def test_a_fresh_page_fills_its_live_values_without_asking_for_them_again(people, other):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A collab page with a related collab's card (Rosé's other collab).
    related = collab_services.collab_create(
        title="Sour Candy",
        release_date=date(2020, 5, 28),
        credits=[CreditSpec(artist=people.artist)],
    )
    visitor, url = Client(), people.collab.get_absolute_url()
    assert "Sour Candy" in visitor.get(url).content.decode()  # the card is memoised
    content_changed()
    with CaptureQueriesContext(connection) as queries:
        html = visitor.get(url).content.decode()
    # Rendered afresh, with the card from its memo: the values come with both.
    assert not [q for q in queries if "vote_count FROM" in q["sql"] and "WHERE id IN" in q["sql"]]
    assert not [q for q in queries if "comment_count FROM" in q["sql"]]
    assert votes_shown(html) == "0" and f"/collabs/{related.slug}/" in html
