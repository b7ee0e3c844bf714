"""Helpers for the functions that fill holes (core/caching.py, settings.CACHING_HOLES)."""

from __future__ import annotations

import hashlib

from django.middleware.csrf import get_token
from django.template.loader import get_template

from core.caching import Personal


def digest(pks) -> str:
    """A short name for a set of ids (a memo_in_process name)."""
    return hashlib.sha256(",".join(map(str, sorted(pks))).encode()).hexdigest()[:24]


def keyed(keys, maxsplit: int = 0, least: int = 1) -> dict[str, list]:
    """{key: [id, word, ...]} for the keys that begin with an id and have at least `least`
    words (split on spaces at most `maxsplit` times). Other keys are left out: their holes
    are left empty rather than breaking the page."""
    found = {}
    for key in keys:
        words = key.split(" ", maxsplit) if maxsplit else [key]
        if len(words) >= least and words[0].isascii() and words[0].isdigit():
            found[key] = [int(words[0]), *words[1:]]
    return found


def count(value, key: str) -> str:
    """A count as a hole shows it: the number, or with the form "s" its plural ending."""
    if value is None:
        return "?"
    return ("" if value == 1 else "s") if key.endswith(" s") else str(value)


# Where a fragment kept in the process (kept_in_process) holds the viewer's CSRF token.
TOKEN = "csrf-token-of-this-viewer"


def token(request) -> str:
    """The viewer's CSRF token, masked once per response however many forms need it."""
    if "HOLE_CSRF_TOKEN" not in request.META:
        request.META["HOLE_CSRF_TOKEN"] = get_token(request)
    return request.META["HOLE_CSRF_TOKEN"]


def render(request, template: str, context: dict) -> str:
    """A small template for this viewer, without the context processors (which a hole
    has no use for); `{% csrf_token %}` inside gets the viewer's token."""
    return get_template(template).render(
        {"csrf_token": token(request), "user": request.user, **context}
    )


def personal(request) -> None:
    """This member's page differs beyond its holes: have it rendered for them alone."""
    if not getattr(request, "personal", False):
        raise Personal
