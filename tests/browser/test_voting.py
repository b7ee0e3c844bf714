"""Voting in a real browser: in place with htmx, and through plain form posts without JS."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from collabs.models import Collab, Vote
from tests.collabs.conftest import make_artist, make_collab
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def apt(transactional_db) -> Collab:
    rose = make_artist("Rosé", korean_name="로제")
    bruno = make_artist("Bruno Mars", country="US")
    return make_collab("APT.", (rose, " & "), (bruno,), released=date(2024, 10, 18))


def log_in(page, base: str, username: str) -> None:
    """Through the real login form, by allauth's field names. (The shared `login` fixture
    looks for a label "Username or email", but the label is "Login" and that text is
    only the placeholder.)"""
    if "/accounts/login/" not in page.url:
        page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _vote_button(page):
    return page.get_by_role("button", name="Vote")


def test_voting_updates_in_place_and_is_kept(page, live_server, apt):
    member = MemberFactory()
    log_in(page, live_server.url, member.username)
    page.goto(f"{live_server.url}/collabs/apt/")
    button, count = _vote_button(page), page.locator(".vote-count strong")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text("0")

    loads = []
    page.on("load", lambda p: loads.append(p.url))
    button.click()
    expect(_vote_button(page)).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text("1")
    assert loads == []  # swapped in place, no page load
    assert Vote.objects.filter(user=member, collab=apt).exists()

    page.reload()
    expect(_vote_button(page)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".vote-count strong")).to_have_text("1")

    _vote_button(page).click()
    expect(_vote_button(page)).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".vote-count strong")).to_have_text("0")
    assert not Vote.objects.exists()


def test_voting_without_javascript_uses_plain_form_posts(no_js_context, live_server, apt):
    member = MemberFactory()
    page = no_js_context.new_page()
    log_in(page, live_server.url, member.username)
    page.goto(f"{live_server.url}/collabs/apt/")
    expect(_vote_button(page)).to_have_attribute("aria-pressed", "false")

    _vote_button(page).click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/collabs/apt/"
    expect(_vote_button(page)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".vote-count strong")).to_have_text("1")

    _vote_button(page).click()
    page.wait_for_load_state()
    expect(_vote_button(page)).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".vote-count strong")).to_have_text("0")
    assert not Vote.objects.exists()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_visitor_who_clicks_vote_logs_in_and_comes_back_with_the_vote_cast(
    browser, live_server, apt, javascript
):
    member = MemberFactory()
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/collabs/apt/")
    _vote_button(page).click()
    page.wait_for_url("**/accounts/login/**")
    assert not Vote.objects.exists()  # nothing is cast before the login
    log_in(page, live_server.url, member.username)
    page.wait_for_url(f"{live_server.url}/collabs/apt/")
    expect(_vote_button(page)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".vote-count strong")).to_have_text("1")
    expect(page.get_by_text("your vote for “APT.” is in")).to_be_visible()
    assert Vote.objects.filter(user=member, collab=apt).count() == 1
    context.close()


def test_the_catalogue_filters_in_place_and_pushes_the_url(page, live_server, apt):
    make_collab("Other song", (make_artist("Someone"),), released=date(2019, 5, 5))
    page.goto(f"{live_server.url}/collabs/")
    expect(page.locator(".collab-card")).to_have_count(2)
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    page.get_by_label("Year").select_option("2024")
    expect(page.locator(".collab-card")).to_have_count(1)
    expect(page).to_have_url(f"{live_server.url}/collabs/?year=2024")
    page.get_by_label("Search").fill("로제")
    expect(page).to_have_url(f"{live_server.url}/collabs/?q=%EB%A1%9C%EC%A0%9C&year=2024")
    expect(page.locator(".collab-card")).to_have_count(1)
    assert loads == []  # swapped in place; the URL was pushed, no page load
    page.reload()
    expect(page.locator(".collab-card")).to_have_count(1)
    expect(page.get_by_label("Year")).to_have_value("2024")


def test_the_artist_filter_works_in_place_and_from_a_link(page, live_server, apt):
    make_collab("Other song", (make_artist("Someone"),), released=date(2019, 5, 5))
    page.goto(f"{live_server.url}/collabs/")
    # "Artist" names one control only (the crossover box's note describes it, not names it).
    artist = page.get_by_label("Artist")
    expect(artist).to_have_count(1)
    artist.select_option(label="Bruno Mars")
    expect(page).to_have_url(f"{live_server.url}/collabs/?artist=bruno-mars")
    expect(page.locator(".collab-card")).to_have_count(1)
    # A link by name lands on the same filter, with the artist chosen in the select.
    page.goto(f"{live_server.url}/collabs/?artist=Someone")
    expect(page.get_by_label("Artist")).to_have_value("someone")
    expect(page.locator(".collab-card")).to_have_count(1)
    page.goto(f"{live_server.url}/collabs/?artist=nobody")
    expect(page.get_by_label("Artist")).to_have_value("")
    expect(page.get_by_label("Artist")).to_have_accessible_description(
        re.compile("No artist “nobody” in the catalogue")
    )
    expect(page.locator(".collab-card")).to_have_count(2)
