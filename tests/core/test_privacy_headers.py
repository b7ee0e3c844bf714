"""Permissions-Policy on every response; Cache-Control: private on every response that
belongs to one person (issue 12, item 7). Every page type comes from tests/pages.py."""

from __future__ import annotations

import pytest
from django.test import Client

from core.middleware import PERMISSIONS_POLICY
from tests.pages import PAGES, get

pytestmark = pytest.mark.django_db

VISITOR_PAGES = [page for page in PAGES if page.viewer == "visitor"]
MEMBER_PAGES = [page for page in PAGES if page.viewer != "visitor"]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def policy(response) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_page_type_turns_off_the_features_the_site_does_not_use(page, client, people):
    response = get(page, client, people)
    assert response.status_code == page.status
    features = policy(response)
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()", feature


def test_the_policy_names_each_feature_once_and_allows_none():
    features = [part.split("=")[0].strip() for part in PERMISSIONS_POLICY.split(",")]
    assert len(features) == len(set(features))
    assert all(part.endswith("=()") for part in PERMISSIONS_POLICY.split(","))


@pytest.mark.parametrize("page", MEMBER_PAGES, ids=lambda page: page.name)
def test_every_members_page_type_is_private(page, client, people):
    response = get(page, client, people)
    assert response.status_code == page.status
    assert "private" in cache_control(response)
    assert "public" not in cache_control(response)


@pytest.mark.parametrize("page", VISITOR_PAGES, ids=lambda page: page.name)
def test_the_same_pages_are_private_for_a_member(page, client, people):
    client.force_login(people.member)
    response = client.get(page.path(people), headers=page.headers)
    assert "private" in cache_control(response)


def sets_a_cookie(response) -> bool:
    return any(cookie["max-age"] != 0 for cookie in response.cookies.values())


@pytest.mark.parametrize("page", VISITOR_PAGES, ids=lambda page: page.name)
def test_a_visitors_page_is_private_only_when_it_carries_their_own_cookie(page, client, people):
    for _ in range(2):  # the first visit, and the next with the cookies it got
        response = get(page, client, people)
        assert response.status_code == page.status
        if "no-store" in cache_control(response):
            # Log-in, sign-up, /healthz: never stored anywhere, said by their own views.
            continue
        # A page with a form carries the visitor's own CSRF token and (re)sets its cookie.
        assert ("private" in cache_control(response)) == sets_a_cookie(response), page.name


@pytest.mark.parametrize("path", ["/robots.txt", "/sitemap.xml", "/articles/feed/"])
def test_what_is_the_same_for_every_visitor_stays_cacheable(path, client, people):
    client.get(path)
    response = client.get(path)
    assert response.status_code == 200
    # It says Vary: Cookie (the middleware asks the session who is there), but no visitor
    # has a session: nothing in it is anyone's own.
    assert "private" not in cache_control(response)


def test_a_flash_message_makes_the_next_page_private(people):
    member = Client()
    member.force_login(people.member)
    member.post("/notifications/read-all/")  # "All caught up."
    response = member.get("/notifications/")
    assert "All caught up." in response.content.decode()
    assert "private" in cache_control(response)


def test_cached_pages_keep_the_rule(people, settings):
    settings.PAGE_CACHE_SECONDS = 60
    url = people.collab.get_absolute_url()
    visitor = Client()
    visitor.get(url)
    cached = visitor.get(url)
    assert ("private" in cache_control(cached)) == sets_a_cookie(cached)
    assert policy(cached)["camera"] == "()"
    member, other = Client(), Client()
    member.force_login(people.member)
    other.force_login(people.editor)
    for client in (member, member, other):  # the second is the shared page
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in cache_control(response)
