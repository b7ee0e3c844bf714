"""The visitors' page cache: fresh after every write, and nothing personal ever shared."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from core.page_cache import csrf_placeholder, nonce_placeholder

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def token_in(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def votes_shown(html: str) -> str:
    return re.search(r'class="vote-count"[^>]*><strong>(\d+)</strong>', html).group(1)


def test_a_visitors_second_view_costs_one_query(people, django_assert_num_queries):
    url = people.collab.get_absolute_url()
    Client().get(url)
    # The content generation; the page itself comes from the cache.
    with django_assert_num_queries(1):
        response = Client().get(url)
    assert response.status_code == 200 and "APT. forever" in response.content.decode()


def test_a_vote_is_seen_by_the_next_visitor_at_once(people):
    visitor, url = Client(), people.collab.get_absolute_url()
    assert votes_shown(visitor.get(url).content.decode()) == "0"
    assert votes_shown(visitor.get(url).content.decode()) == "0"  # cached
    voter = Client()
    voter.force_login(people.member)
    assert voter.post(f"{url}vote/", headers=HX).status_code == 200
    assert votes_shown(visitor.get(url).content.decode()) == "1"
    home = visitor.get("/").content.decode()
    assert "♥</span> 1<" in home


def test_a_new_comment_is_seen_by_the_next_visitor_at_once(people):
    visitor, url = Client(), people.collab.get_absolute_url()
    assert "Second thoughts" not in visitor.get(url).content.decode()
    author = Client()
    author.force_login(people.member)
    author.post(f"/comments/thread/{people.collab.thread_id}/post/", {"body": "Second thoughts"})
    assert "Second thoughts" in visitor.get(url).content.decode()
    assert "Second thoughts" in visitor.get("/").content.decode()


def test_a_visitors_404_on_a_cached_page_has_their_own_token_and_nonce(people):
    response = Client().get("/collabs/no-such-song/")
    html = response.content.decode()
    assert response.status_code == 404
    assert csrf_placeholder() not in html and nonce_placeholder() not in html
    nonce = re.search(r'nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_each_visitor_gets_their_own_csrf_token_and_this_responses_nonce(people):
    url = people.collab.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get(url), second.get(url)]
    for client, response in zip((first, second), pages, strict=True):
        html = response.content.decode()
        assert csrf_placeholder() not in html and nonce_placeholder() not in html
        # The token in the page belongs to the cookie this visitor was given...
        cookie = response.cookies["csrftoken"].value
        assert client.cookies["csrftoken"].value == cookie
        # ...and the nonce in the page is the one in this response's CSP header.
        nonce = re.search(r'nonce="([^"]+)"', html).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    tokens = [token_in(p.content.decode()) for p in pages]
    assert tokens[0] != tokens[1]
    assert pages[0].cookies["csrftoken"].value != pages[1].cookies["csrftoken"].value
    # The cached page's token works: the vote form sends the visitor to log in, no 403.
    response = second.post(f"{url}vote/", {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_member_gets_another_members_state_from_a_cached_page(people, member, editor):
    url = people.collab.get_absolute_url()
    Client().get(url)  # a visitor's copy is in the cache
    voter = Client()
    voter.force_login(people.member)
    voter.post(f"{url}vote/", headers=HX)
    other = Client()
    other.force_login(editor)
    voter_page, other_page = voter.get(url).content.decode(), other.get(url).content.decode()
    assert 'aria-pressed="true"' in voter_page and "including yours" in voter_page
    assert 'aria-pressed="false"' in other_page and "including yours" not in other_page
    assert people.member.public_name not in other_page.split("</header>")[0]
    assert token_in(voter_page) != token_in(other_page)
    visitor_page = Client().get(url).content.decode()
    assert "Log out" not in visitor_page and "including yours" not in visitor_page


def test_a_page_with_a_message_is_neither_served_from_nor_put_in_the_cache(people, client):
    url = people.collab.get_absolute_url()
    Client().get(url)
    client.force_login(people.member)
    client.post(f"{url}vote/")  # no htmx: a redirect, and maybe a message
    client.post("/accounts/logout/")  # "You have logged out." waits in the session
    page = client.get(url).content.decode()
    assert "logged out" in page
    assert "logged out" not in Client().get(url).content.decode()


def test_the_htmx_partial_and_the_full_page_are_cached_apart(people):
    Client().get("/collabs/")
    partial = Client().get("/collabs/?sort=hot", headers=HX)
    full = Client().get("/collabs/?sort=hot")
    assert "<html" in full.content.decode() and "<html" not in partial.content.decode()
    assert partial["HX-Push-Url"] == "/collabs/?sort=hot"
    again = Client().get("/collabs/?sort=hot", headers=HX)
    assert "<html" not in again.content.decode() and again["HX-Push-Url"] == "/collabs/?sort=hot"
    assert "HX-Request" in again["Vary"]


def test_members_see_an_edited_comment_at_once_though_comment_heads_are_cached(people, editor):
    url = people.collab.get_absolute_url()
    reader = Client()
    reader.force_login(editor)
    assert "APT. forever" in reader.get(url).content.decode()
    assert "APT. forever" in reader.get(url).content.decode()  # the head from the cache
    author = Client()
    author.force_login(people.member)
    response = author.post(f"/comments/{people.comment.pk}/edit/", {"body": "APT. for life"})
    assert response.status_code == 302
    page = reader.get(url).content.decode()
    assert "APT. for life" in page and "APT. forever" not in page and "· edited" in page
    # The author's own actions are theirs alone, around the shared head.
    assert "Edit</a>" in author.get(url).content.decode()
    assert "Edit</a>" not in page


def test_shared_fragments_show_a_vote_to_members_at_once(people, editor):
    reader = Client()
    reader.force_login(editor)
    assert "<strong>0</strong> votes" in reader.get("/top/").content.decode()
    assert "<strong>0</strong> votes" in reader.get("/top/").content.decode()  # cached
    voter = Client()
    voter.force_login(people.member)
    voter.post(f"{people.collab.get_absolute_url()}vote/", headers=HX)
    assert "<strong>1</strong> vote<" in reader.get("/top/").content.decode()
    assert "<strong>1</strong> vote<" in reader.get("/").content.decode()


def test_an_editors_home_with_shared_fragments_costs_three_queries(
    people, editor, django_assert_num_queries
):
    """Editors get their own page (tests/core/test_member_pages.py has members')."""
    reader = Client()
    reader.force_login(editor)
    reader.get("/")
    # User, page facts (with the content generation), trending cards (they carry the
    # member's own vote; none are trending here, so no credits query); top 10, latest
    # comments and the featured article come from shared fragments.
    with django_assert_num_queries(3):
        html = reader.get("/").content.decode()
    assert "APT. forever" in html and "K-pop meets the world" in html


def test_an_editors_collab_page_with_shared_parts_costs_eight_queries(
    people, editor, django_assert_num_queries
):
    url = people.collab.get_absolute_url()
    reader = Client()
    reader.force_login(editor)
    reader.get(url)  # computes the shared parts (and warms the session cache)
    reader.get(url)
    # User, page facts (with the content generation), collab (its rank shared), credits,
    # genres, links, first page of comments and their replies (author, time and body from
    # the shared comment heads); the related collabs' ids are shared, and there are none
    # here, so no query for them (without the page cache the related query always runs).
    with django_assert_num_queries(8):
        assert "APT. forever" in reader.get(url).content.decode()


def test_refused_and_anonymous_posts_leave_the_cache_alone(people, client):
    from core.page_cache import current_generation

    before = current_generation()
    Client().post("/accounts/login/", {"login": "nobody", "password": "wrong"})
    Client(enforce_csrf_checks=True).post(f"{people.collab.get_absolute_url()}vote/")
    member = Client()
    member.force_login(people.member)
    member.post(f"/comments/thread/{people.collab.thread_id}/post/", {"body": ""})  # 422
    assert current_generation() == before
    member.post(f"{people.collab.get_absolute_url()}vote/", headers=HX)
    assert current_generation() == before + 1


def test_deleting_an_account_refreshes_the_counts_visitors_see(people):
    from tests.conftest import PASSWORD

    url = people.collab.get_absolute_url()
    member = Client()
    member.force_login(people.member)
    member.post(f"{url}vote/", headers=HX)
    assert votes_shown(Client().get(url).content.decode()) == "1"
    response = member.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert votes_shown(Client().get(url).content.decode()) == "0"
