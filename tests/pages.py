"""Every page type the site has, as one table shared by the header, fault and browser tests.

Adding a page is one line: a name, a URL (or a function of the fixtures that
builds it), who views it, extra request headers and the status expected. The
security-header test, the Redis-down test and the Chromium CSP test all read
this table, so a new page gets all three checks at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    name: str
    url: str | Callable[[Any], str]
    # "visitor", "member" (verified email) or "editor" (staff with TOTP).
    viewer: str = "visitor"
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    # Pages a browser can render as HTML (robots.txt and JSON are not checked for CSP events).
    html: bool = True

    def path(self, people) -> str:
        return self.url(people) if callable(self.url) else self.url


HTMX = {"HX-Request": "true"}

PAGES = [
    Page("home", "/"),
    Page("home-htmx-partial", "/", headers=HTMX),
    Page("profile", lambda people: f"/u/{people.member.username}/"),
    Page("login", "/accounts/login/"),
    Page("signup", "/accounts/signup/"),
    Page("password-reset", "/accounts/password/reset/"),
    Page("profile-edit", "/accounts/profile/", viewer="member"),
    Page("email-settings", "/accounts/email/", viewer="member"),
    Page("two-factor-settings", "/accounts/2fa/", viewer="member"),
    Page("admin-login", "/admin/login/", status=302),
    Page("admin-index", "/admin/", viewer="editor"),
    Page("healthz", "/healthz", html=False),
    Page("robots", "/robots.txt", html=False),
    Page("not-found", "/no-such-page/", status=404),
    Page("collabs", "/collabs/"),
    Page("collabs-filtered-htmx-partial", "/collabs/?sort=hot&crossover=on", headers=HTMX),
    Page("collab-detail", lambda people: people.collab.get_absolute_url()),
    Page("collab-detail-member", lambda people: people.collab.get_absolute_url(), "member"),
    Page("nominate", "/collabs/nominate/", viewer="member"),
    Page("artist", lambda people: people.artist.get_absolute_url()),
    Page("top", "/top/"),
    Page("top-year", "/top/2024/"),
    Page("rise", "/rise/"),
    Page("graph", "/graph/"),
    Page("articles", "/articles/"),
    Page("article", lambda people: people.article.get_absolute_url()),
    Page("article-feed", "/articles/feed/", html=False),
    Page("search", "/search/?q=rose"),
    Page("sitemap", "/sitemap.xml", html=False),
    Page("thread", lambda people: f"/comments/thread/{people.collab.thread_id}/"),
    Page("notifications", "/notifications/", viewer="member"),
    Page("moderation-log", "/moderation/"),
    Page("admin-comments", "/admin/comments/comment/", viewer="editor"),
    Page("admin-articles", "/admin/articles/article/", viewer="editor"),
]


def get(page: Page, client, people, **extra):
    """Request `page` as its viewer with the test client."""
    if page.viewer != "visitor":
        client.force_login(getattr(people, page.viewer))
    return client.get(page.path(people), headers=page.headers, **extra)
