"""Refusals in Chromium: under htmx the page survives and says why; without JS, the site's page.

One test per kind under htmx (403 late edit, 409 locked thread, 422 invalid form, 429
rate limit, 404 comment removed meanwhile, 503 limit cache down): the document is the
same one (no reload, the navigation is there), and the message is visible inside a
role="alert" region. Without JavaScript: the error page with a way back, and Delete's
confirmation page. axe-core checks the error region and the error pages (light and dark).

With SHOTS_DIR set, the tests also save screenshots there (light and dark, 1280 and
390 px wide) for people to look at; nothing is asserted on them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import path
from django.utils import timezone
from playwright.sync_api import expect

from comments import services
from comments.models import Comment
from config import urls as site_urls
from tests.factories import MemberFactory, make_apt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS_DIR = os.environ.get("SHOTS_DIR")
DEAD_REDIS = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


def failing_view(request):
    raise RuntimeError("boom (a test's deliberate failure)")


urlpatterns = [path("test/boom/", failing_view), *site_urls.urlpatterns]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def axe_violations(page, within: str) -> list[str]:
    """axe-core's findings, of any impact, in the part of the page this branch draws (the
    rest of each page is checked by the site-wide accessibility tests)."""
    found = Axe().run(page, context=within).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in found]


def shot(page, name: str) -> None:
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS_DIR}/{name}.png", full_page=False)


def signed_in(context, live_server, user) -> None:
    """Give a browser context the member's session (logging in is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def seasoned(**kwargs):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **kwargs)


@pytest.fixture
def cast(transactional_db):
    """APT.'s discussion: Alice (who will be refused) and Bora's comment."""
    apt, _ = make_apt()
    alice, bora = seasoned(username="alice_k"), seasoned(username="bora")
    bora_comment = services.comment_create(
        thread=apt.thread, author=bora, body="APT. is the crossover of the decade."
    )
    return apt, alice, bora, bora_comment


def open_apt(page, live_server):
    page.goto(f"{live_server.url}/collabs/apt/")
    page.evaluate("window.__sameDocument = true")


def expect_page_kept_with_alert(page, text: str):
    """The same document, its navigation, and `text` visible in an alert region."""
    assert page.evaluate("window.__sameDocument") is True
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    alert = page.locator("[role=alert], [aria-live]").filter(has_text=text)
    expect(alert.first).to_be_visible()
    return alert.first


def test_late_edit_under_htmx_keeps_the_page_and_says_why(browser, live_server, cast):
    apt, alice, _, _ = cast
    mine = services.comment_create(thread=apt.thread, author=alice, body="My first take")
    for width, scheme in ((1280, "light"), (390, "light"), (1280, "dark"), (390, "dark")):
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
        signed_in(context, live_server, alice)
        page = context.new_page()
        Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now())
        open_apt(page, live_server)
        card = page.locator(f"#comment-card-{mine.pk}")
        card.get_by_role("link", name="Edit").click()
        box = page.get_by_label("Edit comment")
        expect(box).to_be_focused()
        box.fill("My second take")
        # The 15 minutes pass while the member writes.
        Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=16))
        page.get_by_role("button", name="Save").click()
        region = expect_page_kept_with_alert(
            page, "You can edit a comment for 15 minutes after posting it."
        )
        expect(page.locator("#refusal")).to_have_attribute("role", "alert")
        # What they wrote is still there to copy.
        expect(page.get_by_label("Edit comment")).to_have_value("My second take")
        shot(page, f"late-edit-{width}-{scheme}")
        assert axe_violations(page, "#refusal") == [], (width, scheme)
        if width == 1280 and scheme == "light":
            region.get_by_role("button", name="Dismiss this message").click()
            expect(page.locator("#refusal")).to_be_empty()
            expect(page.locator("#refusal")).to_be_hidden()
        context.close()
    assert Comment.objects.get(pk=mine.pk).body == "My first take"


def test_reply_after_the_thread_was_locked_says_so_in_place(page, live_server, cast, editor):
    apt, alice, _, bora_comment = cast
    signed_in(page.context, live_server, alice)
    open_apt(page, live_server)
    page.locator(f"#comment-card-{bora_comment.pk}").get_by_role("link", name="Reply").click()
    page.get_by_label("Reply", exact=True).fill("Late to the party")
    services.thread_lock(thread=apt.thread, editor=editor, reason="Heated")
    page.get_by_role("button", name="Post reply").click()
    expect_page_kept_with_alert(page, "This discussion is locked by the editors")
    expect(page.get_by_label("Reply", exact=True)).to_have_value("Late to the party")
    shot(page, "locked-reply")
    assert not Comment.objects.filter(body="Late to the party").exists()


def test_an_invalid_edit_keeps_the_form_with_its_error(page, live_server, cast):
    apt, alice, _, _ = cast
    mine = services.comment_create(thread=apt.thread, author=alice, body="Keep me")
    signed_in(page.context, live_server, alice)
    open_apt(page, live_server)
    page.locator(f"#comment-card-{mine.pk}").get_by_role("link", name="Edit").click()
    page.get_by_label("Edit comment").fill("   ")
    page.get_by_role("button", name="Save").click()
    expect_page_kept_with_alert(page, "Write something first.")
    assert Comment.objects.get(pk=mine.pk).body == "Keep me"


def test_posting_too_fast_says_when_to_try_again(page, live_server, cast, settings):
    apt, alice, _, _ = cast
    settings.CROSSOVER_LIMITS = {
        **settings.CROSSOVER_LIMITS,
        "comments": {"limit": 1, "period": 60},
    }
    signed_in(page.context, live_server, alice)
    open_apt(page, live_server)
    page.get_by_label("Comment", exact=True).fill("First")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-card", has_text="First")).to_be_visible()
    page.get_by_label("Comment", exact=True).fill("Second, too soon")
    page.get_by_role("button", name="Post comment").click()
    expect_page_kept_with_alert(page, "You can post 1 comment a minute. Please try again in")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("Second, too soon")
    shot(page, "rate-limited-comment")


def test_liking_a_comment_removed_meanwhile_says_it_is_gone(page, live_server, cast):
    _, alice, _, bora_comment = cast
    signed_in(page.context, live_server, alice)
    open_apt(page, live_server)
    Comment.objects.filter(pk=bora_comment.pk).delete()
    page.locator(f"#comment-card-{bora_comment.pk}").get_by_role("button", name="Like").click()
    expect_page_kept_with_alert(page, "That comment isn't there any more")
    # The card it was on is left as it was; nothing was swapped over it.
    expect(page.locator(f"#comment-card-{bora_comment.pk}")).to_be_visible()


def test_a_like_while_the_limit_cache_is_down_is_refused_in_place(
    page, live_server, cast, settings
):
    _, alice, _, bora_comment = cast
    signed_in(page.context, live_server, alice)
    open_apt(page, live_server)
    settings.CACHES = DEAD_REDIS
    page.locator(f"#comment-card-{bora_comment.pk}").get_by_role("button", name="Like").click()
    expect_page_kept_with_alert(page, "Nothing was saved")
    shot(page, "like-cache-down")


def test_a_failure_that_is_not_ours_stays_out_of_the_page(page, live_server, cast):
    """A proxy's 502 page (no HX-Retarget) is not swapped in: the region says it failed."""
    _, alice, _, bora_comment = cast
    signed_in(page.context, live_server, alice)
    open_apt(page, live_server)
    page.route(
        "**/like/",
        lambda route: route.fulfill(status=502, body="<h1>502 Bad Gateway</h1>"),
    )
    card = page.locator(f"#comment-card-{bora_comment.pk}")
    card.get_by_role("button", name="Like").click()
    expect_page_kept_with_alert(page, "Something went wrong on our side")
    expect(page.get_by_text("502 Bad Gateway")).to_have_count(0)


# Without JavaScript ---------------------------------------------------------------------


def test_without_js_a_late_edit_is_the_sites_403_with_a_way_back(no_js_context, live_server, cast):
    apt, alice, _, _ = cast
    mine = services.comment_create(thread=apt.thread, author=alice, body="Old news")
    signed_in(no_js_context, live_server, alice)
    page = no_js_context.new_page()
    page.goto(f"{live_server.url}/collabs/apt/")
    # The page was opened in time; the Edit link is followed after the 15 minutes.
    Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    page.locator(f"#comment-card-{mine.pk}").get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="You can't do that")).to_be_visible()
    expect(
        page.get_by_text("You can edit a comment for 15 minutes after posting it.")
    ).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("link", name="Go back").click()
    page.wait_for_load_state()
    assert page.url.endswith("/collabs/apt/")


def test_without_js_delete_asks_first(no_js_context, live_server, cast):
    apt, alice, _, _ = cast
    mine = services.comment_create(thread=apt.thread, author=alice, body="Second thoughts")
    signed_in(no_js_context, live_server, alice)
    page = no_js_context.new_page()
    page.goto(f"{live_server.url}/collabs/apt/")
    card = page.locator(f"#comment-card-{mine.pk}")
    card.get_by_role("button", name="Delete").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Delete this comment?")).to_be_visible()
    expect(page.get_by_text("Second thoughts")).to_be_visible()
    shot(page, "delete-confirm")
    assert Comment.objects.get(pk=mine.pk).state == Comment.State.VISIBLE

    page.get_by_role("link", name="Cancel").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/collabs/apt/#comment-{mine.pk}")
    assert Comment.objects.get(pk=mine.pk).state == Comment.State.VISIBLE

    page.locator(f"#comment-card-{mine.pk}").get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your comment is deleted.")).to_be_visible()
    assert Comment.objects.get(pk=mine.pk).state == Comment.State.DELETED


@pytest.mark.urls(__name__)
def test_without_js_every_error_page_is_the_sites(no_js_context, live_server, cast, settings):
    """403, 404, 405, CSRF, 429, 500 and 503: the site's layout, the message, a way out."""
    apt, alice, _, _ = cast
    young = MemberFactory(username="newbie", date_joined=timezone.now() - timedelta(hours=1))
    settings.CROSSOVER_LIMITS = {
        **settings.CROSSOVER_LIMITS,
        "votes_young": {"limit": 1, "period": 3600},
    }
    page = no_js_context.new_page()
    base = live_server.url

    def check(name: str, heading: str, status: int, response):
        assert response.status == status, name
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_role("link", name="Crossover home")).to_be_visible()
        expect(page.get_by_role("link", name="Home page")).to_be_visible()
        shot(page, f"error-{name}")

    check("404", "Page not found", 404, page.goto(f"{base}/no/such/page/"))
    check("405", "This isn't a page to open", 405, page.goto(f"{base}/collabs/apt/vote/"))
    expect(page.get_by_role("link", name="Open the page this belongs to")).to_have_attribute(
        "href", "/collabs/apt/"
    )
    check("500", "Something went wrong", 500, page.goto(f"{base}/test/boom/"))

    signed_in(no_js_context, live_server, alice)
    check("403", "You can't do that", 403, page.goto(f"{base}/admin/"))

    # A form from a page that went stale: the CSRF cookie is gone by the time it is sent.
    page.goto(f"{base}/collabs/apt/")
    no_js_context.clear_cookies(name="csrftoken")
    page.get_by_label("Comment", exact=True).fill("From a stale tab")
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Post comment").click()
    check("csrf", "This page was out of date", 403, sent.value)

    no_js_context.clear_cookies()
    signed_in(no_js_context, live_server, young)
    page.goto(f"{base}/collabs/apt/")
    page.get_by_role("button", name="Vote").click()
    page.wait_for_load_state()
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Vote").click()
    check("429", "Slow down a little", 429, sent.value)
    expect(page.get_by_text("Try again in")).to_be_visible()

    page.goto(f"{base}/collabs/apt/")
    settings.CACHES = DEAD_REDIS
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Vote").click()
    check("503", "We can't do that right now", 503, sent.value)


@pytest.mark.urls(__name__)
def test_error_pages_pass_axe_light_and_dark(browser, live_server, cast):
    """axe-core needs JavaScript, so these are opened in a context that has it."""
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for url in ("/no/such/page/", "/collabs/apt/vote/", "/test/boom/"):
            page.goto(f"{live_server.url}{url}")
            assert axe_violations(page, "main") == [], (url, scheme)
        context.close()


def test_in_development_a_refusal_still_keeps_the_page(page, live_server, cast, settings):
    """With DEBUG on, django-htmx's debug script would put any 403 in place of the whole
    document (to show Django's debug page); the site's addressed refusals are spared."""
    settings.DEBUG = True
    apt, alice, _, _ = cast
    mine = services.comment_create(thread=apt.thread, author=alice, body="Dev take")
    signed_in(page.context, live_server, alice)
    open_apt(page, live_server)
    expect(page.locator("script[data-debug=True]")).to_have_count(1)
    page.locator(f"#comment-card-{mine.pk}").get_by_role("link", name="Edit").click()
    page.get_by_label("Edit comment").fill("Dev take, edited")
    Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    page.get_by_role("button", name="Save").click()
    expect_page_kept_with_alert(page, "You can edit a comment for 15 minutes after posting it.")
    expect(page.get_by_label("Edit comment")).to_have_value("Dev take, edited")
