"""axe-core finds no accessibility violation, of any impact, on any page type, light or dark.

Each page type in AUDITED is opened as its viewer in Chromium with the colour scheme
emulated (`prefers-color-scheme`), axe-core (the copy axe-playwright-python ships) is
injected and run with its default rules (WCAG A/AA plus best practices), and every
violation is reported with the rule, the impact and the elements. A new page type is one
line in AUDITED; a state reached by acting on the page (a refusal under htmx, the CSRF
failure page, the nomination limit) is provoked by its `then`, and undone by its `after`.

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
from tests.conftest import PASSWORD

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
    # What to put back after the audit, so the next context sees the page as before: (people).
    after: Callable[[Any], None] | None = None

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


def _broken_csrf_token(page, people) -> None:
    """A form sent with a token that is not the one the cookie holds: the CSRF failure page."""
    page.locator("form[action$='/logout/'] input[name=csrfmiddlewaretoken]").evaluate(
        "input => { input.value = 'x'.repeat(64); }"
    )
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Log out").click()
    assert sent.value.status == 403


def _refused_late_edit(page, people) -> None:
    """Under htmx, Save after the 15 minutes: the refusal appears in the #refusal region."""
    from datetime import timedelta

    from django.utils import timezone

    from comments.models import Comment

    mine = comment_services.comment_create(
        thread=people.collab.thread, author=people.member, body="Fresh take", rate_limited=False
    )
    page.reload()
    page.locator(f"#comment-card-{mine.pk}").get_by_role("link", name="Edit").click()
    page.get_by_label("Edit comment").fill("Second thoughts")
    Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#refusal")).to_contain_text("15 minutes")


def _past_reauthentication(page, people) -> None:
    """allauth asks for the password again before the set-up page: give it, see the QR code."""
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()


def _nominations_to_the_limit(page, people) -> None:
    from datetime import date

    from collabs import services as collab_services
    from collabs.models import Collab

    while not collab_services.nomination_refusal(user=people.member):
        n = Collab.objects.filter(nominated_by=people.member).count()
        collab_services.collab_nominate(
            user=people.member,
            title=f"Nomination {n}",
            artists="Somebody",
            release_date=date(2024, 1, 1),
            link="",
        )
    page.reload()
    expect(page.get_by_text("Try again in")).to_be_visible()


def _forget_nominations(people) -> None:
    from collabs.models import Collab

    Collab.objects.filter(nominated_by=people.member).delete()


AUDITED = [
    Audited("home", "/"),
    Audited("catalogue", "/collabs/"),
    Audited("catalogue-filtered", "/collabs/?sort=hot&crossover=on&q=nobody-matches-this"),
    Audited("collab", lambda people: people.collab.get_absolute_url()),
    Audited("collab-member", lambda people: people.collab.get_absolute_url(), "member"),
    Audited("artist", lambda people: people.artist.get_absolute_url()),
    Audited("top", "/top/"),
    Audited("top-year", "/top/2024/"),
    Audited("rise", "/rise/"),
    Audited("graph", "/graph/"),
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
    Audited(
        "two-factor-setup", "/accounts/2fa/totp/activate/", "member", then=_past_reauthentication
    ),
    Audited("not-found", "/no-such-page/", status=404),
    Audited("forbidden", "/admin/", "member", status=403),
    Audited(
        "method-not-allowed", lambda people: f"{people.collab.get_absolute_url()}vote/", status=405
    ),
    Audited("csrf-failure", "/", "member", then=_broken_csrf_token),
    Audited(
        "comment-delete-confirm", lambda people: f"/comments/{people.comment.pk}/delete/", "member"
    ),
    Audited(
        "refusal-under-htmx",
        lambda people: people.collab.get_absolute_url(),
        "member",
        then=_refused_late_edit,
    ),
    Audited(
        "nominate-at-limit",
        "/collabs/nominate/",
        "member",
        then=_nominations_to_the_limit,
        after=_forget_nominations,
    ),
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
    notification for the member, one about a reply deleted since, a notice that an editor
    removed one of the member's comments, a moderation-log entry, a vote."""
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
    gone = comment_services.comment_create(
        thread=people.collab.thread,
        author=people.editor,
        body="Second thoughts",
        parent=people.comment,
        rate_limited=False,
    )
    comment_services.comment_delete(comment=gone, user=people.editor)
    removed = comment_services.comment_create(
        thread=people.collab.thread, author=people.member, body="Off topic", rate_limited=False
    )
    comment_services.comment_hide(
        comment=Comment.objects.get(pk=removed.pk), editor=people.editor, reason="Off topic"
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
                    if entry.after is not None:
                        entry.after(people)
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
