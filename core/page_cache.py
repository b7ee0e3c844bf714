"""Whole-page cache for visitors, invalidated by a content generation number.

Who is served from it: GET/HEAD requests with no session cookie and no messages
cookie — visitors who are certainly not logged in and have no flash message
waiting. Members always get a fresh page (their vote state, name and tokens are
theirs alone).

Which page: the path and only the query parameters its view reads (declared with
`cache_page_for_visitors(reads=...)`); the rest (?utm_source=, ?fbclid=) is dropped from
the request before the key is made and the view runs, so junk never adds an entry.

What is cached: the rendered page, with the two per-request secrets replaced by
placeholders while it renders — the CSRF token and the CSP nonce. Each response,
fresh or cached, gets the visitor's own masked CSRF token (and cookie) and this
response's nonce put back in, so no token or nonce is ever shared between
visitors. A page that rendered a message, set a cookie or is not a 200 is never
stored.

Invalidation: by generation and topic. The generation is a number kept in the
database (`core.Generation`) and bumped by every write; each write also stamps
the topics it changed (`core.Topic`) with the generation it took: "thread:12"
for a comment in that discussion or a vote for its collab, "votes" for any
vote (every ranking), and "*" for anything else (the admin, profile edits: a
write that names no topic, `ContentGenerationMiddleware`). A page is stored with
the generation read before it rendered and, if its view named them
(`depends_on`, `shows`), the topics it shows, always with "*". It is served
while no topic of it has a later stamp: one query (`SELECT max(stamp)`) per
cached page, as the generation alone cost before. A vote for one collab thus
leaves the other collabs' pages cached. A page whose view named no topic is
stale after any write. Because the generation is read before the page renders
and a write's data and stamps commit together (or the stamps after the data), a
request that starts after a write's response reads data at least that new, or
finds the page stale: nobody sees a count older than the last change. Old
entries are not deleted, they expire (PAGE_CACHE_SECONDS, which also bounds how
late a scheduled article appears). The numbers live in the database rather than
the cache so every worker shares them even with the per-process memory cache
(SQLite setups).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache as once
from functools import partial, wraps
from html import escape

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

from core import sql, viewer_slots
from core.models import Generation, Topic

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
        cursor.execute(_generation_sql())
        row = cursor.fetchone()
    return row[0] if row else 0


# Callables (request, topics) -> (generation, latest stamp of `topics`, stamp of "*") |
# None, that read them in a query they make anyway: a member's facts (comments/viewer.py).
STATE_SOURCES: list = []


def _read_state(request, topics: tuple[str, ...]) -> tuple[int, int, int]:
    """(generation, latest stamp of `topics`, stamp of "*") in one query; the first
    read in a request also becomes its generation and "*" stamp (generation_for)."""
    for source in STATE_SOURCES:
        answer = source(request, topics)
        if answer is not None:
            break
    else:
        with connection.cursor() as cursor:
            cursor.execute(_state_sql(len(topics)), topics)
            answer = cursor.fetchone()
    generation, newest, structure = (value or 0 for value in answer)
    if not hasattr(request, "_content_generation"):
        request._content_generation, request._structure_stamp = generation, structure
    return generation, newest, structure


def generation_for(request) -> int:
    """The content generation, read once per request."""
    if not hasattr(request, "_content_generation"):
        _read_state(request, ())
    return request._content_generation


def structure_for(request) -> int:
    """The stamp of "*", read with the generation: it moves with every write but votes
    and comments (and the other writes that name their topics)."""
    generation_for(request)
    return request._structure_stamp


def _fragment_prefix(request, structure: bool) -> str:
    if structure:
        return f"fragment:s{structure_for(request)}"
    return f"fragment:{generation_for(request)}"


# cached(local=True) values, also kept in this process: {key: (value, until)}, for
# PAGE_CACHE_SECONDS at most, like the shared copy; emptied when full.
_LOCAL: dict = {}
LOCAL_ENTRIES = 1000


def clear_local() -> None:
    """Forget the values this process keeps (tests: each starts from generation 1 again)."""
    _LOCAL.clear()


def cached(request, name: str, produce, *, structure: bool = False, local: bool = False):
    """`produce()`, shared by every viewer until the next write (the same generation);
    with `structure`, until the next write that is not a vote or a comment (what it
    shows does not move with those: the catalogue's filter choices).

    For facts every page shows the same to everyone: one cache read instead of their
    queries. With `local`, for small values that are never changed in place (a rank),
    this process keeps them too, saving even the cache read on the next request.
    Without the page cache (tests, or PAGE_CACHE_SECONDS=0) it simply calls `produce`.
    """
    if not enabled():
        return produce()
    key = f"{_fragment_prefix(request, structure)}:{name}"
    if local:
        value, until = _LOCAL.get(key, (None, 0.0))
        if value is not None and time.monotonic() < until:
            return value
    value = cache.get(key)
    if value is None:
        value = produce()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    if local:
        if len(_LOCAL) >= LOCAL_ENTRIES:
            _LOCAL.clear()
        _LOCAL[key] = (value, time.monotonic() + settings.PAGE_CACHE_SECONDS)
    return value


def fragment_key(request, name: str, *, structure: bool = False) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return f"{_fragment_prefix(request, structure)}:{digest}"


def shared_get(request, name: str, *, structure: bool = False):
    """What `shared_set` stored under `name` in this generation, or None (or cache off)."""
    if not enabled():
        return None
    return cache.get(f"{_fragment_prefix(request, structure)}:{name}")


def shared_set(request, name: str, value, *, structure: bool = False) -> None:
    if enabled():
        key = f"{_fragment_prefix(request, structure)}:{name}"
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)


EVERYTHING = "*"


def content_changed() -> None:
    """Make every cached page stale: a write that names no topic (see topics_changed)."""
    topics_changed([EVERYTHING])


def topics_changed(topics) -> int:
    """Bump the generation and stamp `topics` with it; the new generation.

    Called after a write has committed, or inside the write's own transaction (which
    is then atomic with it). The generation row's lock orders concurrent writers, so a
    topic's stamp only grows.
    """
    # Written out, like current_generation(): on every write the ORM spent longer compiling
    # these than the database running them.
    topics = sorted(set(topics))
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Generation._meta.db_table} SET value = value + 1 WHERE id = 1 RETURNING value"
        )
        row = cursor.fetchone()
        if row is None:  # the row comes from a migration; a test's flush may have emptied it
            Generation.objects.create(pk=1, value=1)
            row = (1,)
        cursor.execute(_stamp_sql(len(topics)), [v for key in topics for v in (key, row[0])])
    return row[0]


@once
def _stamp_sql(count: int) -> str:
    rows = ", ".join(["(%s, %s)"] * count)
    return (
        f"INSERT INTO {Topic._meta.db_table} (key, stamp) VALUES {rows} "
        "ON CONFLICT (key) DO UPDATE SET stamp = excluded.stamp"
    )


def changes(request, *topics: str) -> None:
    """For a write view: what it changed, so ContentGenerationMiddleware stamps only
    these topics instead of "*" (if the request succeeds)."""
    request.changed_topics = {*getattr(request, "changed_topics", ()), *topics}


def depends_on(request, *topics: str) -> None:
    """For a cached view: its page shows these topics and nothing else that a write
    names (besides "*"). A view that never calls it is stale after any write."""
    collected = getattr(request, "page_topics", None)
    if collected is not None:
        collected.update(topics)
        request.page_topics_named = True


def shows(request, *topics: str) -> None:
    """Part of a page (a discussion) shows these topics; the page's view still says,
    with depends_on, whether it shows anything else."""
    collected = getattr(request, "page_topics", None)
    if collected is not None:
        collected.update(topics)


def _collect_topics(request) -> None:
    request.page_topics = set()
    request.page_topics_named = False


def _collected_topics(request) -> tuple[str, ...] | None:
    topics = request.__dict__.pop("page_topics", None)
    if not request.__dict__.pop("page_topics_named", False) or topics is None:
        return None
    return tuple(sorted(topics | {EVERYTHING}))


def _fresh(request, stamp: int, topics: tuple[str, ...] | None) -> bool:
    """Whether a page rendered at generation `stamp`, showing `topics` (None: anything),
    is still current. One query, which also reads the generation for this request."""
    generation, newest, _ = _read_state(request, topics or ())
    return (generation if topics is None else newest) <= stamp


@once
def _generation_sql() -> str:
    return f"SELECT value FROM {Generation._meta.db_table} WHERE id = 1"


@once
def _state_sql(count: int) -> str:
    """(generation, latest stamp of `count` topics, the stamp of "*")."""
    keys = sql.placeholders(range(count))
    newest = f"(SELECT max(stamp) FROM {Topic._meta.db_table} WHERE key IN ({keys}))"
    structure = f"SELECT stamp FROM {Topic._meta.db_table} WHERE key = '{EVERYTHING}'"
    return f"SELECT ({_generation_sql()}), {newest if count else 0}, ({structure})"


def _cacheable(request) -> bool:
    return (
        enabled()
        and request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request) -> str:
    htmx = "|".join(
        request.headers.get(h, "")
        for h in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
    )
    raw = f"{request.scheme}|{request.get_host()}|{request.get_full_path()}|{htmx}"
    return f"page:{hashlib.sha256(raw.encode()).hexdigest()}"


def _personalise(request, content: bytes) -> bytes:
    """Put this visitor's CSRF token, this response's CSP nonce and the live values into
    the page."""
    csrf, nonce = csrf_placeholder().encode(), nonce_placeholder().encode()
    if csrf in content:
        content = content.replace(csrf, get_token(request).encode())
    if nonce in content:
        content = content.replace(nonce, str(get_nonce(request)).encode())
    if _placeholder("live").encode() in content:
        content = _fill_live(request, content)
    return content


# Live values: shown the same to everyone, but changed by writes that would otherwise
# make every page showing them stale (a collab's vote count, on every card of it; its
# rank, which moves with votes for other collabs). A cached page holds placeholders, and
# each response gets the values as they are now, one call per kind for the whole page.
# A page that depends on the topic that every such write stamps (the home page on
# "votes") is stale after each anyway: it holds the values themselves.
@dataclass(frozen=True)
class LiveKind:
    # (request, [key, ...], {key: value known from this response's render}) -> {key: value}
    resolve: Callable
    topic: str  # stamped by every write that changes these values


LIVE_VALUES: dict[str, LiveKind] = {}

# How a live value is written: the value itself, or the plural ending it calls for.
LIVE_FORMS = {"n": str, "s": lambda value: "" if value == 1 else "s"}


def live_value(request, name: str, key, value, form: str = "n") -> str:
    """`value` (in `form`), or while a page renders for the cache, its placeholder."""
    if (
        request is not None
        and getattr(request, "page_cache_placeholders", False)
        and LIVE_VALUES[name].topic not in getattr(request, "page_topics", ())
    ):
        # This response is filled with the value the page was rendered with.
        request.__dict__.setdefault("live_known", {})[(name, str(key))] = value
        return f"{_placeholder('live')}:{name}:{key}:{form}:"
    return LIVE_FORMS[form](value)


def live_column(request, model, column: str, ids: list[str], known: dict) -> dict[str, object]:
    """For LIVE_VALUES: `column` of the `model` rows with these ids, as it is in this
    generation. One query per generation (the writes it follows move it), none when the
    page was just rendered with them (`known`: read after the generation, so at least as
    new), kept by every page asking for the same rows and in the process."""

    def produce():
        values = {int(pk): value for pk, value in known.items()}
        missing = [int(pk) for pk in ids if pk not in known]
        if missing:
            table = model._meta.db_table
            where = f"WHERE id IN ({sql.placeholders(missing)})"
            values.update(sql.rows(f"SELECT id, {column} FROM {table} {where}", missing))
        return values

    digest = hashlib.sha256(f"{model._meta.label}.{column}:{','.join(ids)}".encode()).hexdigest()
    values = cached(request, f"live:{digest[:32]}", produce, local=True)
    return {pk: values.get(int(pk)) for pk in ids}


def _fill_live(request, content: bytes) -> bytes:
    # Split rather than a regular expression, and the page left as bytes: this runs on
    # every cached page.
    head, *parts = content.split(_placeholder("live").encode())
    known = getattr(request, "live_known", {})
    fields, wanted = [], {}
    for part in parts:
        _, name, key, form, rest = part.split(b":", 4)
        name, key = name.decode(), key.decode()
        fields.append((name, key, form.decode(), rest))
        wanted.setdefault(name, set()).add(key)
    values = {}
    for name, keys in wanted.items():
        mine = {key: known[name, key] for key in keys if (name, key) in known}
        found = LIVE_VALUES[name].resolve(request, sorted(keys), mine)
        values.update(((name, key), value) for key, value in found.items())
    filled = [head]
    for name, key, form, rest in fields:
        found = values.get((name, key))
        filled += [escape("?" if found is None else LIVE_FORMS[form](found)).encode(), rest]
    return b"".join(filled)


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


def cache_page_for_visitors(view=None, *, reads: Iterable[str] = ()):
    """Serve `view`'s page from the cache: whole to visitors, slotted to members.

    Visitors get the stored page with their CSRF token and this response's nonce put
    in (see the module docstring). Members get the page shared by all members, with
    its per-member slots filled for them (core/viewer_slots.py), unless theirs
    differs beyond its slots; staff, and anyone with a message waiting, get their
    own page rendered.

    `reads` names the query parameters the view reads: only they make one page differ
    from another. A request served through the cache keeps only those (in a fixed
    order) for its key and for the view, so `?utm_source=…` or `?fbclid=…` is served
    the plain URL's entry, and a page rendered for the cache never shows them.
    """
    if view is None:
        return partial(cache_page_for_visitors, reads=reads)
    kept = frozenset(reads)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if _cacheable(request):
            _keep_params(request, kept)
            return _visitor_page(view, request, args, kwargs)
        if _shareable(request):
            _keep_params(request, kept)
            return _member_page(view, request, args, kwargs)
        return view(request, *args, **kwargs)

    wrapper.page_cache_reads = kept
    return wrapper


def _keep_params(request, kept: frozenset[str]) -> None:
    """Drop from the request every query parameter but `kept`, and sort those: the page
    and its cache key are then the same whatever else the URL carries."""
    query = QueryDict(mutable=True)
    for name in sorted(name for name in request.GET if name in kept):
        query.setlist(name, request.GET.getlist(name))
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


def _visitor_page(view, request, args, kwargs):
    key = _key(request)
    entry = cache.get(key)
    if entry is not None:
        stamp, topics, content, headers = entry
        if _fresh(request, stamp, topics):
            return _response(_personalise(request, content), headers)
    stamp = generation_for(request)  # before rendering: see the module docstring
    request.page_cache_placeholders = True
    _collect_topics(request)
    try:
        response = view(request, *args, **kwargs)
        if getattr(response, "render", None) and not response.is_rendered:
            response.render()
    except Exception:
        # The error page (a 404) is rendered by Django's handler, after this: with this
        # visitor's own token and nonce, not the placeholders.
        request.page_cache_placeholders = False
        raise
    topics = _collected_topics(request)
    if not response.streaming:
        raw = response.content
        if _storable(request, response):
            headers = [(h, response[h]) for h in STORED_HEADERS if h in response]
            cache.set(key, (stamp, topics, raw, headers), settings.PAGE_CACHE_SECONDS)
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
    key = _key(request) + ":member"
    entry = cache.get(key)
    if entry is None or not _fresh(request, entry[0], entry[1]):
        if entry is None and cache.add(f"{key}:asked", True, settings.PAGE_CACHE_SECONDS):
            # The first member to ask for a page gets their own: a page asked for once
            # would cost more shared (each slot's variants) than it saves.
            return view(request, *args, **kwargs)
        entry = _render_shared(view, request, args, kwargs)
        if entry is None:
            return view(request, *args, **kwargs)
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    _stamp, _topics, content, headers, slots = entry
    try:
        html = viewer_slots.fill(request, content, slots, slot_mark())
    except viewer_slots.Personal:
        return view(request, *args, **kwargs)
    return _response(_personalise(request, html.encode()), headers)


def _render_shared(view, request, args, kwargs):
    """(stamp, topics, page, headers, slots) as every member sees it, or None if it
    can't be shared."""
    member = request.user
    stamp = generation_for(request)  # before rendering: see the module docstring
    request.user = viewer_slots.SHARED_VIEWER
    request.page_cache_placeholders = True
    request.viewer_slots = recorder = viewer_slots.Recorder(mark=slot_mark(), slots=[])
    _collect_topics(request)
    try:
        response = view(request, *args, **kwargs)
        if getattr(response, "render", None) and not response.is_rendered:
            response.render()
    except viewer_slots.Personal:
        return None
    finally:
        request.user = member
        del request.page_cache_placeholders, request.viewer_slots
    topics = _collected_topics(request)
    if response.streaming or not _storable(request, response):
        return None
    headers = [(h, response[h]) for h in STORED_HEADERS if h in response]
    return stamp, topics, response.content.decode(), headers, recorder.slots


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
                topics_changed(getattr(request, "changed_topics", None) or [EVERYTHING])
