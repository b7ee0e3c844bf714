"""Chromium reports no Content Security Policy violation on any page or action.

A listener for `securitypolicyviolation` is added with `add_init_script`, which
runs in every document before the page's own scripts and outside its CSP. Each
page type in tests/pages.py is visited as its viewer, and each action in
ACTIONS is performed; afterwards the list of violations must be empty. Chromium
also logs each refusal to the console, which is collected as a second witness.

Colleagues add their interactions (vote, comment, reply, like…) as one Action
each: a name and a function of (page, base_url, people).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import expect

from comments import services as comment_services
from tests.conftest import PASSWORD
from tests.pages import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""


class Witness:
    """Collects violations from the page's listener and from Chromium's console."""

    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda message: (
                self.found.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def collect(self, where: str) -> None:
        self.page.wait_for_load_state("networkidle")
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.found.append(f"{where}: {violation}")


def log_in(page, base_url: str, username: str, totp_secret: str | None = None) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if totp_secret:
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        page.locator("input[name=code]").fill(format_hotp_value(hotp_value(totp_secret, counter)))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()


@dataclass(frozen=True)
class Action:
    name: str
    run: Callable


def fail_a_login(page, base_url, people):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username or email").fill(people.member.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("not correct").wait_for()


def sign_up_with_errors(page, base_url, people):
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()


def member_logs_in_and_out(page, base_url, people):
    log_in(page, base_url, people.member.username)
    assert page.get_by_role("button", name="Log out").is_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def editor_logs_in_with_totp_and_opens_the_admin(page, base_url, people):
    page.goto(f"{base_url}/admin/")
    log_in_form = page.get_by_label("Username or email")
    log_in_form.fill(people.editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    code = format_hotp_value(hotp_value(people.editor.totp_secret, counter))
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_text("Back office").first.is_visible()


def member_starts_totp_set_up(page, base_url, people):
    log_in(page, base_url, people.member.username)
    page.goto(f"{base_url}/accounts/2fa/totp/activate/")
    page.wait_for_load_state()


def _on_collab_page(page, base_url, people) -> None:
    """The member on the collab page, with a marker that a full page load would wipe."""
    log_in(page, base_url, people.member.username)
    page.goto(f"{base_url}{people.collab.get_absolute_url()}")
    page.evaluate("window.__samePage = true")


def _still_on_the_same_page(page) -> None:
    assert page.evaluate("window.__samePage") is True, "htmx should have swapped in place"


def vote_in_place(page, base_url, people):
    _on_collab_page(page, base_url, people)
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_role("button", name="Vote")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".vote-count strong")).to_have_text("1")
    _still_on_the_same_page(page)


def comment_in_place(page, base_url, people):
    _on_collab_page(page, base_url, people)
    page.get_by_label("Comment", exact=True).fill("Rosé and **Bruno** forever")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-card", has_text="Rosé and Bruno forever")).to_be_visible()
    _still_on_the_same_page(page)


def reply_in_place(page, base_url, people):
    _on_collab_page(page, base_url, people)
    page.locator(f"#comment-card-{people.comment.pk}").get_by_role("link", name="Reply").click()
    page.get_by_label("Reply", exact=True).fill("Agreed, @" + people.editor.username)
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator(f"#replies-{people.comment.pk} .comment-card", has_text="Agreed")
    expect(reply).to_be_visible()
    _still_on_the_same_page(page)


def like_in_place(page, base_url, people):
    comment_services.comment_create(
        thread=people.collab.thread, author=people.editor, body="Like this one", rate_limited=False
    )
    _on_collab_page(page, base_url, people)
    card = page.locator(".comment-card", has_text="Like this one")
    card.get_by_role("button", name="Like").click()
    expect(card.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".like-count")).to_have_text("1")
    _still_on_the_same_page(page)


def vote_refused_in_place(page, base_url, people):
    """Over the young members' vote limit: the 429 message is swapped in, also cleanly."""
    with override_settings(
        CROSSOVER_LIMITS={**settings.CROSSOVER_LIMITS, "votes_young": {"limit": 1, "period": 60}}
    ):
        _on_collab_page(page, base_url, people)
        page.get_by_role("button", name="Vote").click()
        expect(page.get_by_role("button", name="Vote")).to_have_attribute("aria-pressed", "true")
        page.get_by_role("button", name="Vote").click()
        expect(page.locator(".vote-message")).to_contain_text("Try again in")
        _still_on_the_same_page(page)


ACTIONS = [
    Action("fail a login", fail_a_login),
    Action("sign up with errors", sign_up_with_errors),
    Action("member logs in and out", member_logs_in_and_out),
    Action(
        "editor logs in with TOTP and opens the admin", editor_logs_in_with_totp_and_opens_the_admin
    ),
    Action("member starts TOTP set-up", member_starts_totp_set_up),
    Action("vote in place", vote_in_place),
    Action("vote refused in place (429)", vote_refused_in_place),
    Action("comment in place", comment_in_place),
    Action("reply in place", reply_in_place),
    Action("like in place", like_in_place),
]


def test_no_page_type_violates_the_policy(browser, live_server, people):
    found = []
    for viewer in ("visitor", "member", "editor"):
        context = browser.new_context()
        page = context.new_page()
        witness = Witness(page)
        if viewer != "visitor":
            person = getattr(people, viewer)
            log_in(page, live_server.url, person.username, getattr(person, "totp_secret", None))
        for entry in PAGES:
            if entry.viewer != viewer or not entry.html:
                continue
            response = page.goto(f"{live_server.url}{entry.path(people)}")
            assert response is not None and response.status < 500, entry.name
            witness.collect(entry.name)
        # htmx is loaded, and with eval off.
        page.goto(f"{live_server.url}/")
        assert page.evaluate("htmx.config.allowEval") is False
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False
        found += witness.found
        context.close()
    assert found == []


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_no_action_violates_the_policy(action, browser, live_server, people):
    context = browser.new_context()
    page = context.new_page()
    witness = Witness(page)
    action.run(page, live_server.url, people)
    witness.collect(action.name)
    context.close()
    assert witness.found == []


def test_the_witness_sees_a_violation(browser, live_server):
    """Guards the tests above against passing because nothing is listening."""
    context = browser.new_context()
    page = context.new_page()
    witness = Witness(page)
    page.goto(f"{live_server.url}/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    witness.collect("injected inline script")
    assert page.evaluate("window.ran") is None
    context.close()
    assert any("script-src" in violation for violation in witness.found), witness.found
