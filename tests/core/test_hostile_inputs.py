"""Issue 12 item 3 and issue 13 item 8, one test each: inputs that answered 500, and a
filter that silently showed everything. Each refused value is said on the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from articles.search import MAX_QUERY_LENGTH
from comments import services as comment_services
from comments.discussion import PAGE_SIZE
from core.pagination import page_of, requested_page

pytestmark = pytest.mark.django_db

BIGINT = "99999999999999999999"
HX = {"HX-Request": "true"}


def notes(html: str) -> str:
    """The text of the page's refusal notes."""
    parts = html.split('class="message message-warning refusal-note" role="status">')[1:]
    return " ".join(part.split("</p>")[0] for part in parts)


@pytest.fixture
def long_thread(people):
    """APT. with 45 top-level comments: three pages of discussion."""
    for n in range(44):
        comment_services.comment_create(
            thread=people.collab.thread, author=people.member, body=f"Take {n}", rate_limited=False
        )
    return people


# NUL bytes reaching PostgreSQL ---------------------------------------------------------


def test_a_nul_in_the_artist_filter_is_said_not_understood(people, client):
    response = client.get("/collabs/?artist=%00")
    html = response.content.decode()
    assert response.status_code == 200
    assert "was not understood, so every artist is shown" in html
    assert "APT." in html  # every collab still listed
    # Updated in place (htmx): the list alone says it.
    response = client.get("/collabs/?artist=%00", headers=HX)
    assert "was not understood, so every artist is shown" in notes(response.content.decode())


def test_a_nul_in_the_catalogue_search_is_said_not_understood(people, client):
    response = client.get("/collabs/?q=a%00b", headers=HX)
    assert response.status_code == 200
    assert "was not understood, so it was not used" in notes(response.content.decode())


def test_a_nul_in_a_site_search_is_said_and_not_run(people, client):
    response = client.get("/search/?q=a%00b")
    html = response.content.decode()
    assert response.status_code == 200
    assert "control character" in html and "was not run" in html


def test_a_nul_in_a_username_is_no_such_member(people, client):
    assert client.get("/u/a%00b/").status_code == 404


def test_a_nul_in_the_admins_filters_is_a_bad_request_not_a_crash(people, client):
    client.force_login(people.editor)
    response = client.get("/admin/articles/article/?status__exact=a%00b")
    # PostgreSQL refuses the NUL (core.middleware.UnreadableInputMiddleware: 400); SQLite
    # compares it and finds nothing.
    assert response.status_code == (400 if connection.vendor == "postgresql" else 200)


# Page numbers past a bigint -------------------------------------------------------------


@pytest.mark.parametrize("owner", ["collab", "article"])
def test_a_comments_page_past_a_bigint_shows_the_last_page_and_says_so(owner, long_thread):
    page_url = getattr(long_thread, owner).get_absolute_url()
    thread = getattr(long_thread, owner).thread
    if owner == "article":
        for n in range(PAGE_SIZE + 1):
            comment_services.comment_create(
                thread=thread, author=long_thread.member, body=f"Take {n}", rate_limited=False
            )
    response = Client().get(f"{page_url}?comments_page={BIGINT}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"There is no page {BIGINT}: this is the last page, page " in notes(html)
    # The oldest comments are on the last page ("newest" first by default).
    assert "Take 0" in html or "APT. forever" in html


def test_show_more_past_a_bigint_shows_the_last_page(long_thread):
    url = f"/comments/thread/{long_thread.collab.thread_id}/more/?comments_page={BIGINT}"
    response = Client().get(url, headers=HX)
    assert response.status_code == 200
    assert "this is the last page, page 3" in notes(response.content.decode())
    # Without JavaScript: sent to that last page of the owner's discussion.
    response = Client().get(url)
    assert response.status_code == 302
    assert "comments_page=3" in response["Location"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1e309", "%ff%fe", "9" * 10_000])
def test_a_comments_page_that_is_no_number_shows_the_first_page_and_says_so(value, long_thread):
    response = Client().get(f"{long_thread.collab.get_absolute_url()}?comments_page={value}")
    assert response.status_code == 200
    note = notes(response.content.decode())
    if value == "9" * 10_000:
        assert "this is the last page, page 3" in note
    else:
        assert "is not a page number, so this is the first page" in note


@pytest.mark.parametrize("path", ["/collabs/", "/articles/", "/moderation/"])
def test_list_pages_past_the_end_or_not_a_number_say_so(path, people, client):
    past = notes(client.get(f"{path}?page={BIGINT}").content.decode())
    assert "this is the last page, page 1" in past
    wrong = notes(client.get(f"{path}?page=abc").content.decode())
    assert "“abc” is not a page number, so this is the first page" in wrong
    assert notes(client.get(f"{path}?page=1").content.decode()) == ""
    assert notes(client.get(path).content.decode()) == ""


def test_notifications_past_the_end_say_so(people, client):
    client.force_login(people.member)
    assert "this is the last page" in notes(
        client.get(f"/notifications/?page={BIGINT}").content.decode()
    )


def test_requested_page_reads_what_a_person_typed():
    assert requested_page(None) == (1, "")
    assert requested_page("") == (1, "")
    assert requested_page("007") == (7, "")
    assert requested_page("0" * 5000 + "2") == (2, "")
    assert requested_page(BIGINT)[0] > 10**11
    assert requested_page("²")[1]  # a Unicode digit is no page number
    assert requested_page("-3")[1]


def test_page_of_never_passes_the_end(people):
    page = page_of(list(range(25)), BIGINT, per_page=10)
    assert page.number == 3 and page.note


# Filters that silently showed everything (issue 13 item 8) -----------------------------


def test_a_year_without_collabs_is_said(people, client):
    response = client.get("/collabs/?year=1999")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No collabs from 1999 in the catalogue, so every year is shown." in notes(html)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("year=abc", "“abc” is not a year"),
        (f"year={BIGINT}", "is not a year"),
        ("sort=cheapest", "“cheapest” is not a way to sort the catalogue"),
        ("genre=polka", "No genre “polka”"),
        ("q=" + "x" * (MAX_QUERY_LENGTH + 1), "longer than 100 characters"),
    ],
)
def test_each_refused_filter_is_said(query, said, people, client):
    for headers in ({}, HX):  # the page, and the list updated in place
        response = client.get(f"/collabs/?{query}", headers=headers)
        assert response.status_code == 200
        assert said in notes(response.content.decode())


def test_a_long_site_search_says_it_was_cut(people, client):
    html = client.get("/search/?q=" + "rose " * 40).content.decode()
    assert "Only the first 100 characters were searched for." in notes(html)


def test_valid_filters_say_nothing(people, client):
    html = client.get("/collabs/?year=2024&sort=new&crossover=on").content.decode()
    assert notes(html) == ""
    assert "APT." in html


def test_an_unknown_comment_sort_is_said(people, client):
    response = client.get(f"{people.collab.get_absolute_url()}?sort=a%00b")
    assert response.status_code == 200
    note = notes(response.content.decode())
    assert "“a\ufffdb” is not a way to sort comments: newest first." in note
    assert "APT. forever" in response.content.decode()
