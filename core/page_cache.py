"""Whole-page cache for visitors, invalidated by a content generation number.

Who is served from it: GET/HEAD requests with no session cookie and no messages
cookie — visitors who are certainly not logged in and have no flash message
waiting. Members always get a fresh page (their vote state, name and tokens are
theirs alone).

What is cached: the rendered page, with the two per-request secrets replaced by
placeholders while it renders — the CSRF token and the CSP nonce. Each response,
fresh or cached, gets the visitor's own masked CSRF token (and cookie) and this
response's nonce put back in, so no token or nonce is ever shared between
visitors. A page that rendered a message, set a cookie or is not a 200 is never
stored.

Invalidation: every key contains the content generation, a number kept in the
database (`core.Generation`) and bumped after every write request commits
(`ContentGenerationMiddleware`: any unsafe request, which covers votes,
comments, likes, moderation and the admin) and by batch jobs calling
`content_changed()`. A request that starts after a vote's response has been
sent therefore reads the new number and misses the old pages: nobody sees a
count older than the last change. Old entries are not deleted, they expire
(PAGE_CACHE_SECONDS, which also bounds how late a scheduled article appears).
The number lives in the database rather than the cache so it is shared by every
worker even with the per-process memory cache (SQLite setups), at the price of
one indexed primary-key query per cached page.
"""

from __future__ import annotations

import hashlib
from functools import cache as once
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

from core import viewer_slots
from core.models import Generation

SAFE_METHODS = {"GET", "HEAD"}
STORED_HEADERS = ("Content-Type", "Vary", "HX-Push-Url", "Content-Language")


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


@once
def _placeholder(name: str) -> str:
    # Derived from the secret key: the same in every worker, and no member can write it
    # into a comment to have someone else's token substituted into a link.
    return f"pc{name}{salted_hmac('core.page_cache', name, algorithm='sha256').hexdigest()[:24]}"


def csrf_placeholder() -> str:
    return _placeholder("csrf")


def nonce_placeholder() -> str:
    return _placeholder("nonce")


def current_generation() -> int:
    # Written out: the ORM spent more time compiling this than the database answering it,
    # on every cached page.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {Generation._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


# Callables (request) -> int | None that can supply the generation without a query of
# their own: comments.viewer reads it in the one query it makes for a member's page.
GENERATION_SOURCES: list = []


def generation_for(request) -> int:
    """The content generation, read once per request."""
    if not hasattr(request, "_content_generation"):
        for source in GENERATION_SOURCES:
            value = source(request)
            if value is not None:
                request._content_generation = value
                break
        else:
            request._content_generation = current_generation()
    return request._content_generation


def cached(request, name: str, produce):
    """`produce()`, shared by every viewer until the next write (the same generation).

    For facts every page shows the same to everyone (the catalogue's filter choices):
    one cache read instead of their queries. Without the page cache (tests, or
    PAGE_CACHE_SECONDS=0) it simply calls `produce`.
    """
    if not enabled():
        return produce()
    key = f"fragment:{generation_for(request)}:{name}"
    value = cache.get(key)
    if value is None:
        value = produce()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


def fragment_key(request, name: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return f"fragment:{generation_for(request)}:{digest}"


def shared_get(request, name: str):
    """What `shared_set` stored under `name` in this generation, or None (or cache off)."""
    if not enabled():
        return None
    return cache.get(f"fragment:{generation_for(request)}:{name}")


def shared_set(request, name: str, value) -> None:
    if enabled():
        cache.set(f"fragment:{generation_for(request)}:{name}", value, settings.PAGE_CACHE_SECONDS)


def content_changed() -> None:
    """Make every cached page stale. Called after a write has committed, or inside the
    write's own transaction (collabs.services.vote_toggle), which is then atomic with it."""
    # Written out, like current_generation(): on every write the ORM spent longer compiling
    # this one-row UPDATE than the database running it.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Generation._meta.db_table} SET value = value + 1 WHERE id = 1")
        updated = cursor.rowcount
    if not updated:
        Generation.objects.get_or_create(pk=1, defaults={"value": 1})


def _cacheable(request) -> bool:
    return (
        enabled()
        and request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request, generation: int) -> str:
    htmx = "|".join(
        request.headers.get(h, "")
        for h in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
    )
    raw = f"{request.scheme}|{request.get_host()}|{request.get_full_path()}|{htmx}"
    return f"page:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _personalise(request, content: bytes) -> bytes:
    """Put this visitor's CSRF token and this response's CSP nonce into the page."""
    csrf, nonce = csrf_placeholder().encode(), nonce_placeholder().encode()
    if csrf in content:
        content = content.replace(csrf, get_token(request).encode())
    if nonce in content:
        content = content.replace(nonce, str(get_nonce(request)).encode())
    return content


def _storable(request, response) -> bool:
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (messages is not None and (messages.used or messages._queued_messages))
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def cache_page_for_visitors(view):
    """Serve `view`'s page from the cache: whole to visitors, slotted to members.

    Visitors get the stored page with their CSRF token and this response's nonce put
    in (see the module docstring). Members get the page shared by all members, with
    its per-member slots filled for them (core/viewer_slots.py), unless theirs
    differs beyond its slots; staff, and anyone with a message waiting, get their
    own page rendered.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if _cacheable(request):
            return _visitor_page(view, request, args, kwargs)
        if _shareable(request):
            return _member_page(view, request, args, kwargs)
        return view(request, *args, **kwargs)

    return wrapper


def _visitor_page(view, request, args, kwargs):
    key = _key(request, generation_for(request))
    cached = cache.get(key)
    if cached is not None:
        content, headers = cached
        return _response(_personalise(request, content), headers)
    request.page_cache_placeholders = True
    response = view(request, *args, **kwargs)
    if getattr(response, "render", None) and not response.is_rendered:
        response.render()
    if not response.streaming:
        raw = response.content
        if _storable(request, response):
            headers = [(h, response[h]) for h in STORED_HEADERS if h in response]
            cache.set(key, (raw, headers), settings.PAGE_CACHE_SECONDS)
        response.content = _personalise(request, raw)
    return response


def _response(content: bytes, headers) -> HttpResponse:
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def _shareable(request) -> bool:
    """A member who may get the page shared by all members (with their slots filled)."""
    user = request.user
    return (
        enabled()
        and request.method in SAFE_METHODS
        and user.is_authenticated
        and not (user.is_staff or user.is_superuser)
        and "messages" not in request.COOKIES
        and "_messages" not in request.session
    )


def _member_page(view, request, args, kwargs):
    key = _key(request, generation_for(request)) + ":member"
    shared = cache.get(key)
    if shared is None:
        if cache.add(f"{key}:asked", True, settings.PAGE_CACHE_SECONDS):
            # The first member to ask in this generation gets their own page: while
            # writes come fast, most pages are asked for once per generation, and the
            # shared render (each slot's variants) would cost more than it saves.
            return view(request, *args, **kwargs)
        shared = _render_shared(view, request, args, kwargs)
        if shared is None:
            return view(request, *args, **kwargs)
        cache.set(key, shared, settings.PAGE_CACHE_SECONDS)
    content, headers, slots = shared
    try:
        html = viewer_slots.fill(request, content, slots, slot_mark())
    except viewer_slots.Personal:
        return view(request, *args, **kwargs)
    return _response(_personalise(request, html.encode()), headers)


def _render_shared(view, request, args, kwargs):
    """(page, headers, slots) as every member sees it, or None if it can't be shared."""
    member = request.user
    request.user = viewer_slots.SHARED_VIEWER
    request.page_cache_placeholders = True
    request.viewer_slots = recorder = viewer_slots.Recorder(mark=slot_mark(), slots=[])
    try:
        response = view(request, *args, **kwargs)
        if getattr(response, "render", None) and not response.is_rendered:
            response.render()
    except viewer_slots.Personal:
        return None
    finally:
        request.user = member
        del request.page_cache_placeholders, request.viewer_slots
    if response.streaming or not _storable(request, response):
        return None
    headers = [(h, response[h]) for h in STORED_HEADERS if h in response]
    return response.content.decode(), headers, recorder.slots


def slot_mark() -> str:
    return _placeholder("slot")


def placeholders(request) -> dict:
    """Context processor: while a cacheable page renders, its secrets are placeholders."""
    if getattr(request, "page_cache_placeholders", False):
        return {"csrf_token": csrf_placeholder(), "csp_nonce": nonce_placeholder()}
    return {}


class ContentGenerationMiddleware:
    """After every write request by a member, cached pages become stale.

    Coarse on purpose: it needs no change to any service and cannot miss a write
    path (votes, comments, likes, flags, profile edits, the admin). Writes are rare
    next to reads, and a bump costs one single-row UPDATE after the response is made.

    Not bumped: refusals (4xx: invalid form, CSRF failure, rate limit, permission),
    which write nothing, and posts without a session (a visitor logging in or signing
    up), which change nothing a cached page shows — so nobody can keep the cache cold
    by posting anonymously. The session is looked at as the request arrives: deleting
    one's account ends the session but changes counts and comments. A failure (5xx)
    bumps, in case it committed part of its work.

    A view that bumps the generation inside its write's own transaction (the vote) sets
    `request.content_generation_bumped` and is not bumped again: one statement fewer,
    and no moment when the write shows under the old generation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = (
            request.method not in SAFE_METHODS | {"OPTIONS"}
            and settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        response = None
        try:
            response = self.get_response(request)
            return response
        finally:
            refused = response is not None and 400 <= response.status_code < 500
            bumped = getattr(request, "content_generation_bumped", False)
            if writes and not refused and not bumped and enabled():
                content_changed()
