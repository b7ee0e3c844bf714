"""Hostile input for every URL of the site: the values, the routes, and what each page reads.

tests/core/test_hostile_walk.py sends each value below in every path parameter of every
URL pattern the resolver knows and in every query parameter its view reads (and, for
forms, every field it posts), as a visitor and a member, with and without htmx, and
asserts that nothing answers 5xx. A new route is covered without adding anything here;
a new query parameter must be named in QUERY_PARAMS (the walk fails when a view reads
one that is not listed), a new POST-only route's fields in POST_FIELDS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import get_converters

# Each value as it is written in a URL: percent-encoded where a browser would encode it.
# Chosen to hit distinct failure modes, each once: the walk must stay fast.
VALUES: dict[str, str] = {
    # PostgreSQL refuses NUL in any string ("A string literal cannot contain NUL").
    "nul": "a%00b",
    # Past a bigint (and SQLite's 64-bit integer): OverflowError or DataError in a query.
    "bigint": "99999999999999999999",
    "negative": "-1",
    "zero": "0",
    "long": "x" * 10_000,
    # All digits, past Python's 4,300-digit int() limit.
    "long-number": "9" * 10_000,
    # Not UTF-8 at all.
    "bad-utf8": "%ff%fe",
    # Fullwidth R, Cyrillic o: a look-alike of "Rose".
    "confusable": quote("\uff32\u043ese"),
    # An RTL override and a zero-width space.
    "rtl": quote("\u202eevil"),
    "zero-width": quote("ro\u200bse"),
    "dotdot": quote("../../etc/passwd", safe=""),
    "empty": "",
}

# The query parameters each page reads, by URL name: every hostile value is sent in
# each of them. The walk records what every view reads from request.GET and fails when
# a parameter is missing here. Admin pages are walked as a sample only (ADMIN_SAMPLE).
DISCUSSION = ["sort", "comments_page", "reply", "edit"]
QUERY_PARAMS: dict[str | None, list[str]] = {
    "collabs:list": ["q", "sort", "year", "genre", "artist", "country", "crossover", "page"],
    "collabs:detail": DISCUSSION,
    "articles:detail": DISCUSSION,
    "articles:list": ["page"],
    "comments:thread": DISCUSSION,
    "comments:more": DISCUSSION,
    "comments:permalink": DISCUSSION,
    "search": ["q"],
    "notifications": ["page", "next"],
    "notification_open": ["next"],
    "moderation_log": ["page"],
    "accounts:verify_first": ["next"],
    "account_login": ["next"],
    "account_signup": ["next", "email"],
    "account_logout": ["next"],
    "account_email": ["next"],
    "account_change_password": ["next"],
    "account_set_password": ["next"],
    "account_reauthenticate": ["next"],
    "mfa_reauthenticate": ["next"],
    "mfa_authenticate": ["next"],
    "account_confirm_login_code": ["next"],
    "account_inactive": ["next"],
    "account_confirm_email": ["next"],
    "account_reset_password_from_key": ["next"],
    "account_email_verification_sent": ["next"],
    "account_reset_password": ["next"],
    "account_reset_password_done": ["next"],
    "account_reset_password_from_key_done": ["next"],
    "sitemap": ["p"],
    # POST-only routes: a visitor's GET is sent to log in and back (accounts/access.py).
    **{
        name: ["next"]
        for name in [
            "collabs:vote",
            "comments:post",
            "comments:reply",
            "comments:edit",
            "comments:delete",
            "comments:like",
            "comments:flag",
            "notification_read",
            "notifications_read_all",
        ]
    },
}
# A parameter no page reads, sent to every page with a few values: it must change nothing.
JUNK_PARAM = "utm_source"
JUNK_VALUES = [VALUES["nul"], VALUES["bad-utf8"], VALUES["long"]]

# Fields posted to routes that have no GET page to read their form from (the walk also
# posts every field of every POST form it finds on the GET pages).
POST_FIELDS: dict[str | None, list[str]] = {
    "collabs:vote": ["next"],
    "comments:post": ["body"],
    "comments:reply": ["body"],
    "comments:edit": ["body"],
    "comments:delete": [],
    "comments:like": [],
    "comments:flag": ["reason"],
    "notification_read": [],
    "notifications_read_all": [],
    "account_logout": ["next"],
}

# Admin pages walked as an editor, with hostile values in their own parameters.
ADMIN_SAMPLE = {
    "/admin/collabs/collab/": ["q", "p", "o"],
    "/admin/comments/comment/": ["q"],
    "/admin/articles/article/": ["status__exact"],
}


def cast_values(people) -> dict[tuple[str | None, str], str]:
    """Valid values for path parameters, from the shared cast (tests/conftest.py `people`),
    so each page's query parameters are walked on a real page."""
    return {
        ("collabs:detail", "slug"): people.collab.slug,
        ("collabs:vote", "slug"): people.collab.slug,
        ("collabs:artist", "slug"): people.artist.slug,
        ("collabs:top_year", "year"): str(people.collab.release_date.year),
        ("articles:detail", "slug"): people.article.slug,
        ("accounts:profile", "username"): people.member.username,
        **{
            (f"comments:{name}", "thread_id"): str(people.collab.thread_id)
            for name in ("thread", "more", "post")
        },
        **{
            (f"comments:{name}", "comment_id"): str(people.comment.pk)
            for name in ("permalink", "reply", "edit", "delete", "like", "flag")
        },
    }


# A valid-looking value for a parameter with no cast value, by the converter's kind.
PLACEHOLDER = "1"


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str  # the route with {param} slots
    params: dict[str, re.Pattern]  # each slot's own regular expression

    def url(self, **values: str) -> str:
        return "/" + self.pattern.format(**values)

    def accepts(self, param: str, value: str) -> bool:
        """Whether `value` (as written in a URL) can reach the view in this slot."""
        return bool(self.params[param].fullmatch(unquote(value, errors="replace")))


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>[^)]*)\)")


def _route(raw: str, name: str | None) -> Route:
    converters = get_converters()
    params: dict[str, re.Pattern] = {}
    parts, position = [], 0
    tokens = sorted(
        [*_ROUTE_PARAM.finditer(raw), *_REGEX_GROUP.finditer(raw)], key=lambda m: m.start()
    )
    for match in tokens:
        if match.start() < position:  # the <name> inside a (?P<name>…) group
            continue
        literal = raw[position : match.start()]
        parts.append(literal.replace("^", "").replace("$", "").replace("{", "{{"))
        if "regex" in match.groupdict():
            regex = match["regex"]
        else:
            regex = converters[match["converter"] or "str"].regex
        params[match["name"]] = re.compile(regex)
        parts.append(f"{{{match['name']}}}")
        position = match.end()
    parts.append(raw[position:].replace("^", "").replace("$", "").replace("\\Z", ""))
    return Route(name=name, pattern="".join(parts), params=params)


def routes(*, include_admin: bool = False) -> list[Route]:
    """Every URL pattern the resolver knows, recursively, with its namespaced name."""

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name
                if name and namespace:
                    name = f"{namespace}:{name}"
                yield _route(prefix + str(pattern.pattern), name)

    found = list(walk(get_resolver().url_patterns, "", None))
    return [r for r in found if include_admin or not r.pattern.startswith("admin/")]
