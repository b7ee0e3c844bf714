"""Site-wide search: names in any language, article bodies, sane answers to odd queries.

The same tests run on SQLite and, with DATABASE_URL set, on PostgreSQL (full-text path).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.demo import SEED_SLUG
from articles.search import site_search
from tests.articles.conftest import make_article, make_collab

pytestmark = pytest.mark.django_db

SEARCH = reverse("search")


def kinds(results) -> dict[str, list[str]]:
    return {
        group.kind: [getattr(item, "title", None) or item.name for item in group.items]
        for group in results.groups
    }


@pytest.mark.parametrize("query", ["로제", "bruno", "Bruno Mars", "APT", "roseanne"])
def test_apt_is_found_by_title_and_by_any_artist_name(apt, query):
    assert "APT." in kinds(site_search(query))["collabs"]


def test_artists_are_found_by_their_korean_name(apt):
    results = kinds(site_search("로제"))
    assert results["artists"] == ["Rosé"]


def test_the_seed_article_is_found_by_a_word_of_its_body(apt):
    from io import StringIO

    from django.core.management import call_command

    call_command("demo_data", stdout=StringIO())
    for word in ["apateu", "homogenization"]:
        results = site_search(word)
        articles = results.groups[2].items
        assert [a.slug for a in articles] == [SEED_SLUG], word


def test_unpublished_things_are_not_found(apt):
    make_collab("Secret nomination", status="nominated")
    make_article("Secret draft", state="draft")
    make_article("Secret schedule", state="scheduled")
    assert site_search("secret").total == 0


def test_results_are_grouped_with_counts_and_ranked(client, apt):
    make_collab("Apt pupil")
    make_article("Why APT. won", body="Rosé and Bruno Mars.")
    response = client.get(SEARCH, {"q": "apt"})
    assert response.status_code == 200
    results = response.context["results"]
    collabs = results.groups[0]
    assert [c.title for c in collabs.items][0] == "APT."  # exact title first
    assert collabs.count == 2
    assert results.groups[2].count == 1
    html = response.content.decode()
    assert "2 collabs" in html and "1 article" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [("", ""), ("   ", ""), ("a", "at least 2 characters"), ("로", "at least 2 characters")],
)
def test_empty_and_one_character_queries_get_an_answer_not_a_search(
    client, django_assert_num_queries, query, message
):
    with django_assert_num_queries(0):
        response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_500_character_query_is_shortened_not_an_error(client, apt):
    response = client.get(SEARCH, {"q": "apt " + "x" * 496})
    assert response.status_code == 200
    assert len(response.context["results"].query) == 100


@pytest.mark.parametrize("query", ["%", "_", "'; DROP TABLE x; --", "a & b | !c", '"unclosed'])
def test_odd_characters_are_just_text(client, query):
    assert client.get(SEARCH, {"q": query}).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_search_queries_do_not_grow_with_results(client, django_assert_num_queries, apt, n):
    for i in range(n):
        make_collab(f"Rose song {i}")
        make_article(f"Rose story {i}")
    # Collabs, their credits (with artists), artists, articles; the cards' holes: the
    # versions (their counts are kept in the process while those stay), vote counts,
    # comment counts.
    with django_assert_num_queries(7):
        response = client.get(SEARCH, {"q": "rose"})
    assert response.status_code == 200
    assert response.context["results"].groups[0].count == n + 1


@pytest.mark.parametrize(
    "query", ["chaeyoung", "Chae-young", "chae young", "CHAEYOUNG", "park chaeyoung", "Chae‐Young"]
)
def test_an_artist_is_found_by_any_spelling_of_another_name(client, apt, query):
    """Rosé's given name is Park Chae-young: fans type it with or without the hyphen,
    with a space, in any case."""
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert kinds(response.context["results"])["artists"] == ["Rosé"]
    assert "APT." in kinds(response.context["results"])["collabs"]
    assert 'href="/artists/rose/"' in response.text
    # The catalogue's search box finds her collabs the same way.
    catalogue = client.get(reverse("collabs:list"), {"q": query})
    assert [c.title for c in catalogue.context["page"].object_list] == ["APT."]


@pytest.mark.parametrize("query", ["- -", "--", "%%", "__", "%_%"])
def test_joiners_and_wildcards_alone_match_nothing(client, apt, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert response.context["results"].total == 0


@pytest.mark.parametrize(
    "query", ["\u202echaeyoung", "chae-" * 2000, "ｃｈａｅｙｏｕｎｇ", "--- ---", "Chae\u00adyoung"]
)
def test_hostile_name_searches_answer_calmly(client, apt, query):
    """Name normalisation meets a bidi override, 10,000 characters, full-width letters, a
    soft hyphen: the search and the catalogue answer 200, never 5xx. (NUL bytes in /search/
    are another change's: articles/search.py cleans them.)"""
    assert client.get(SEARCH, {"q": query}).status_code == 200
    assert client.get(reverse("collabs:list"), {"q": query}).status_code == 200
