"""axe-core finds no accessibility violation, of any impact, on any page type, light or dark.

Each page type in AUDITED is opened as its viewer in Chromium with the colour scheme
emulated (`prefers-color-scheme`), axe-core (the copy axe-playwright-python ships) is
injected and run with its default rules (WCAG A/AA plus best practices), and every
violation is reported with the rule, the impact and the elements. A new page type is one
line in AUDITED.

Our Content Security Policy allows no inline script, and axe's script is not ours, so the
audit's browser contexts, and only them, bypass the page's CSP to inject it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python import sync_playwright as axe_module
from playwright.sync_api import expect

from comments import services as comment_services
from tests.browser.test_csp import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(axe_module.__file__).with_name("axe.min.js")
THEMES = ("light", "dark")
# A laptop and a phone: the header, filters and tables change shape between them.
WIDTHS = (1280, 390)


@dataclass(frozen=True)
class Audited:
    name: str
    url: str | Callable[[Any], str]
    # "visitor" or "member" (verified email).
    viewer: str = "visitor"
    status: int = 200
    # What to do on the page before the audit (fill a form with errors…): (page, people).
    then: Callable[[Any, Any], None] | None = None

    def path(self, people) -> str:
        return self.url(people) if callable(self.url) else self.url


def _wrong_password(page, people) -> None:
    page.locator("input[name=login]").fill(people.member.username)
    page.locator("input[name=password]").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("not correct").wait_for()


def _bad_sign_up(page, people) -> None:
    page.locator("input[name=email]").fill("not-an-email")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()


def _toggle_vote(page, people) -> None:
    """The vote button after an in-place (htmx) swap, either way round."""
    button = page.get_by_role("button", name="Vote")
    pressed = button.get_attribute("aria-pressed")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false" if pressed == "true" else "true")


AUDITED = [
    Audited("home", "/"),
    Audited("catalogue", "/collabs/"),
    Audited("catalogue-filtered", "/collabs/?sort=hot&crossover=on&q=nobody-matches-this"),
    Audited("collab", lambda people: people.collab.get_absolute_url()),
    Audited("collab-member", lambda people: people.collab.get_absolute_url(), "member"),
    Audited("artist", lambda people: people.artist.get_absolute_url()),
    Audited("top", "/top/"),
    Audited("top-year", "/top/2024/"),
    Audited("articles", "/articles/"),
    Audited("article", lambda people: people.article.get_absolute_url()),
    Audited("search", "/search/?q=rose"),
    Audited("search-empty", "/search/?q=zzzzzz"),
    Audited("moderation-log", "/moderation/"),
    Audited("notifications", "/notifications/", "member"),
    Audited("profile", lambda people: f"/u/{people.member.username}/"),
    Audited("profile-edit", "/accounts/profile/", "member"),
    Audited("nominate", "/collabs/nominate/", "member"),
    Audited(
        "collab-vote-swapped",
        lambda people: people.collab.get_absolute_url(),
        "member",
        then=_toggle_vote,
    ),
    Audited("login", "/accounts/login/"),
    Audited("login-with-errors", "/accounts/login/", then=_wrong_password),
    Audited("signup", "/accounts/signup/"),
    Audited("signup-with-errors", "/accounts/signup/", then=_bad_sign_up),
    Audited("password-reset", "/accounts/password/reset/"),
    Audited("two-factor-setup", "/accounts/2fa/totp/activate/", "member"),
    Audited("not-found", "/no-such-page/", status=404),
]


def _audit(page) -> list[str]:
    """axe's violations on the page as it stands, one readable line per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            found.append(
                f"{violation['id']} ({violation['impact']}) at {', '.join(node['target'])}: "
                f"{node['failureSummary']!r} — {node['html'][:160]}"
            )
    return found


@pytest.fixture
def audit_people(people):
    """The shared cast, plus what fills the pages an audit should see filled: a reply
    notification for the member, a moderation-log entry, a vote."""
    from collabs import services as collab_services
    from comments.models import Comment

    reply = comment_services.comment_create(
        thread=people.collab.thread,
        author=people.editor,
        body=f"Agreed @{people.member.username}",
        parent=people.comment,
        rate_limited=False,
    )
    hidden = comment_services.comment_create(
        thread=people.collab.thread, author=people.editor, body="spam", rate_limited=False
    )
    comment_services.comment_hide(
        comment=Comment.objects.get(pk=hidden.pk), editor=people.editor, reason="Spam"
    )
    collab_services.vote_toggle(user=people.member, collab=people.collab)
    assert reply.pk
    return people


def test_no_page_type_has_an_accessibility_violation(browser, live_server, audit_people, capsys):
    people = audit_people
    report: list[str] = []
    audited = 0
    for theme in THEMES:
        for width in WIDTHS:
            for viewer in ("visitor", "member"):
                context = browser.new_context(
                    bypass_csp=True, color_scheme=theme, viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                if viewer == "member":
                    log_in(page, live_server.url, people.member.username)
                for entry in AUDITED:
                    if entry.viewer != viewer:
                        continue
                    response = page.goto(f"{live_server.url}{entry.path(people)}")
                    assert response is not None and response.status == entry.status, entry.name
                    if entry.then is not None:
                        entry.then(page, people)
                    page.wait_for_load_state("networkidle")
                    where = f"{entry.name} [{theme}, {width} px]"
                    report += [f"{where}: {line}" for line in _audit(page)]
                    audited += 1
                context.close()
    with capsys.disabled():
        print(
            f"\naxe-core audited {len(AUDITED)} page types × {len(THEMES)} themes"
            f" × {len(WIDTHS)} widths = {audited} pages"
        )
    assert audited == len(AUDITED) * len(THEMES) * len(WIDTHS)
    assert report == [], "\n".join(report)


def test_the_audit_sees_a_violation(browser, live_server):
    """Guards the test above against passing because axe never ran."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/no-such-page/")
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'faint';"
        " p.style.color = '#eee'; p.style.background = '#fff'; document.querySelector('main')"
        ".append(p); const i = document.createElement('input'); document.querySelector('main')"
        ".append(i); }"
    )
    found = _audit(page)
    context.close()
    assert any(line.startswith("color-contrast") for line in found), found
    assert any(line.startswith("label") for line in found), found


def test_the_theme_follows_the_colour_scheme(browser, live_server):
    """The dark audit really is dark: the page's background follows prefers-color-scheme."""
    backgrounds = {}
    for theme in THEMES:
        context = browser.new_context(color_scheme=theme)
        page = context.new_page()
        page.goto(f"{live_server.url}/no-such-page/")
        expect(page.locator("body")).to_be_visible()
        backgrounds[theme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert backgrounds["light"] != backgrounds["dark"]
