"""The site's caching model, in five ideas (README "Caching" says the same for newcomers).

1. **Versions.** Every table has a version: a row in `core.Version`, bumped by a database
   trigger on every insert, update and delete (`install_triggers`, run after every
   `migrate` for every model's table). A write from a view, the admin, the shell, a
   management command, a task or raw SQL moves it; no code has to remember to. Two
   refinements, both in settings: `CACHING_COUNTERS` lists the columns that change with
   every vote or comment (counts, scores): updating only those bumps `<table>#counters`
   instead; `CACHING_PARTS` splits a table by a column (comments by thread, votes and
   likes by member), so a write also bumps `<table>/<value>`. A GET reads them once, in
   one query, the viewer's own parts with them (`one_reading`).

2. **Pages.** `@cached_page(reads=[...])` keeps a view's page per URL, the same for
   everyone. It renders as a visitor (`request.user` is AnonymousUser while it does), so
   nothing of any member's can get into it, and records the tables its queries read
   (`Recorder`): the page is served while their versions are unchanged (one query).
   A query that orders or filters by a counter depends on `#counters` too; the comments
   read inside `reading_part(...)` depend on their part, not the whole table. Staff,
   anyone with a message waiting, and a member whose page is their own (`Personal`) get
   the view rendered for them, uncached. `PAGE_CACHE_SECONDS` bounds how long a page is
   kept (a scheduled article appears within it; `0` turns pages off).

3. **Holes.** What differs per viewer or changes with every vote — the header's account
   corner, vote buttons, a comment's actions and like count, counts on cards, a rank —
   is a hole: `{% hole "kind" key %}` writes a marker, and every HTML response, cached
   or not, gets each marker filled in for its own viewer by `settings.CACHING_HOLES[kind]`
   (`(request, keys) -> {key: html}`, one call per kind for the whole page). The CSRF
   token and the CSP nonce are filled in the same way. A kept page's holes as visitors
   see them are filled once per process and kept like a memo (`filled_for_visitors`).

4. **Fragments.** Repeated parts that are the same for everyone (comment heads, collab
   cards, comment footers, rendered Markdown) are cached under keys made of what they
   show (Django's `{% cache %}`, `cache.get_many` with such keys, or `kept_in_process`
   for a pure function of them): they never need invalidating.

5. **Memo.** `memo(name, produce)`: a value computed from the data (the catalogue's filter
   choices, a chart's figures) is kept with the versions of the tables `produce()` read,
   and computed again when one moves. `memo_in_process` keeps what every GET reads (the
   holes' ranks, the member's row and facts) in the process, by the versions it names;
   `rows_in_process` the holes' counts, in one entry per kind for every id asked.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import cache as once
from functools import lru_cache, partial, wraps

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.utils.crypto import salted_hmac
from django.utils.encoding import escape_uri_path
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

VERSION_TABLE = "core_version"
TABLE, PART = "t:", "p:"  # version names: "t:collabs_vote", "p:comments_comment/12"
COUNTERS = "#counters"
SAFE_METHODS = {"GET", "HEAD"}
STORED_HEADERS = ("Content-Type", "Vary", "HX-Push-Url", "Content-Language")
# Tables whose writes no page shows: no trigger (they are written on every login or task).
UNTRACKED = {VERSION_TABLE, "django_session", "django_migrations"}
UNTRACKED_PREFIXES = ("django_tasks_db", "accounts_attempt", "accounts_usedtotpcode")


# 1. Versions ---------------------------------------------------------------------------


def tracked_tables() -> dict[str, object]:
    """{table: model} for every table whose writes pages may show."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        untracked = table in UNTRACKED or table.startswith(UNTRACKED_PREFIXES)
        if model._meta.managed and not model._meta.proxy and not untracked:
            tables[table] = model
    return tables


def _settings_by_table(name: str) -> dict:
    return {
        apps.get_model(label)._meta.db_table: value
        for label, value in getattr(settings, name, {}).items()
    }


def _bump(name_sql: str) -> str:
    return (
        f"INSERT INTO {VERSION_TABLE} (name, n) VALUES ({name_sql}, 1) "
        "ON CONFLICT (name) DO UPDATE SET n = {t}.n + 1;".replace("{t}", VERSION_TABLE)
    )


def trigger_sql(table: str, model, vendor: str) -> list[str]:
    """The statements that make every write to `table` bump its versions."""
    counters = set(_settings_by_table("CACHING_COUNTERS").get(table, ()))
    part = _settings_by_table("CACHING_PARTS").get(table)
    columns = [f.column for f in model._meta.concrete_fields]
    others = ", ".join(f'"{c}"' for c in columns if c not in counters)
    events = [("i", "INSERT", TABLE + table), ("d", "DELETE", TABLE + table)]
    events.append(("u", f"UPDATE OF {others}", TABLE + table))
    if counters:
        updated = ", ".join(f'"{c}"' for c in sorted(counters))
        events.append(("c", f"UPDATE OF {updated}", TABLE + table + COUNTERS))
    statements = []
    for suffix, event, name in events:
        body = [_bump(f"'{name}'")]
        parts = []
        if part and not name.endswith(COUNTERS):
            rows = {"I": ["NEW"], "D": ["OLD"], "U": ["NEW", "OLD"]}[event[0]]
            parts = [_bump(f"'{PART}{table}/' || {row}.\"{part}\"") for row in rows]
        trigger = f"version_{table}_{suffix}"
        if vendor == "postgresql":
            # The table's version once per statement: bumping one row per row written
            # made PostgreSQL walk an ever longer chain of its versions in a bulk write.
            statements += _pg_trigger(trigger, event, table, body, "STATEMENT")
            if parts:
                statements += _pg_trigger(f"{trigger}p", event, table, parts, "ROW")
        else:
            statements += [
                f"DROP TRIGGER IF EXISTS {trigger};",
                f'CREATE TRIGGER {trigger} AFTER {event} ON "{table}" FOR EACH ROW'
                f" BEGIN {' '.join(body + parts)} END;",
            ]
    return statements


def _pg_trigger(trigger: str, event: str, table: str, body: list[str], each: str) -> list[str]:
    function = f"{trigger}_f"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {' '.join(body)} RETURN NULL; END $$;",
        f'DROP TRIGGER IF EXISTS {trigger} ON "{table}";',
        f'CREATE TRIGGER {trigger} AFTER {event} ON "{table}"'
        f" FOR EACH {each} EXECUTE FUNCTION {function}();",
    ]


def install_triggers(using: str = "default", **kwargs) -> None:
    """post_migrate: (re)create the version triggers of every tracked table that exists."""
    from django.db import connections

    db = connections[using]
    existing = set(db.introspection.table_names())
    if VERSION_TABLE not in existing:
        return
    with db.cursor() as cursor:
        for table, model in tracked_tables().items():
            if table in existing:
                for statement in trigger_sql(table, model, db.vendor):
                    cursor.execute(statement)


def versions(names: Iterable[str]) -> dict[str, int]:
    """{name: version} for these version names (0 for a name never written)."""
    names = set(names)
    if not names:
        return {}
    known = _known(n for n in names if n.startswith(PART))
    return {name: known.get(name, 0) for name in names}


def _known(parts: Iterable[str]) -> dict[str, int]:
    """Every table's version, and these parts', in one query. While a GET request is
    answered (one_reading) they are read once and kept for the rest of it: its pages and
    memo values are those of the data as it was when it began."""
    known = getattr(_local, "versions", None)
    if known is None:
        parts = {*parts, *getattr(_local, "own_parts", ())}
    parts = sorted(n for n in parts if known is None or n not in known)
    if known is None or parts:
        with connection.cursor() as cursor:
            either = f" OR name IN ({', '.join(['%s'] * len(parts))})" if parts else ""
            cursor.execute(
                f"SELECT name, n FROM {VERSION_TABLE} WHERE name >= %s AND name < %s{either}",
                [TABLE, "t;", *parts],
            )
            read = {**dict.fromkeys(parts, 0), **dict(cursor.fetchall())}
        known = read if known is None else {**known, **read}
        if getattr(_local, "reading", False):
            _local.versions = known
    return known


@contextmanager
def one_reading(own_parts: Iterable[str] = ()):
    """Versions read once for everything inside (a GET request: HoleMiddleware), with
    these parts (the viewer's own) in the same query."""
    _local.reading, _local.versions, _local.own_parts = True, None, tuple(own_parts)
    try:
        yield
    finally:
        _local.reading, _local.versions, _local.own_parts = False, None, ()


def own_parts(request) -> list[str]:
    """The viewer's own parts of the tables split by member (CACHING_PARTS "user_id":
    their votes, their likes), named from the session without reading the user."""
    session = getattr(request, "session", None)
    member = session.get(SESSION_KEY) if session is not None else None
    if not (isinstance(member, str) and member.isascii() and member.isdigit()):
        return []
    return [f"{PART}{table}/{member}" for table in _split_by_member()]


@once
def _split_by_member() -> list[str]:
    parts = _settings_by_table("CACHING_PARTS").items()
    return [table for table, column in parts if column == "user_id"]


# What a render read: recorded from the SQL it ran ----------------------------------------


@once
def _table_pattern() -> re.Pattern:
    tables = sorted(tracked_tables(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, tables)) + r")\b")


@once
def _counter_patterns() -> dict[str, re.Pattern]:
    return {
        table: re.compile(r"\b(" + "|".join(map(re.escape, columns)) + r")\b")
        for table, columns in _settings_by_table("CACHING_COUNTERS").items()
    }


_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_local = threading.local()


class Recorder:
    """Collects the versions a render depends on, as of when it read them."""

    def __init__(self):
        self.snapshot = _known(())  # read before any data: see _fresh
        self.depends: dict[str, int] = {}
        self.part: tuple[str, str] | None = None

    def add(self, names: dict[str, int]) -> None:
        for name, n in names.items():
            self.depends.setdefault(name, n)

    def __call__(self, execute, sql, params, many, context):
        if not sql.startswith(f"SELECT name, n FROM {VERSION_TABLE} "):
            self.read(sql)
        return execute(sql, params, many, context)

    def read(self, sql: str) -> None:
        tables = set(_table_pattern().findall(sql))
        match = _FROM.search(sql)
        after_from = sql[match.start() :] if match else ""
        for table in tables:
            name = self.part[1] if self.part and self.part[0] == table else TABLE + table
            self.depends.setdefault(name, self.snapshot.get(name, 0))
            pattern = _counter_patterns().get(table)
            if pattern and pattern.search(after_from):
                counters = TABLE + table + COUNTERS
                self.depends.setdefault(counters, self.snapshot.get(counters, 0))


def _recorders() -> list[Recorder]:
    if not hasattr(_local, "recorders"):
        _local.recorders = []
    return _local.recorders


@contextmanager
def recording():
    """Record what the queries inside read (nested recordings all see them)."""
    recorder = Recorder()
    _recorders().append(recorder)
    try:
        with connection.execute_wrapper(recorder):
            yield recorder
    finally:
        _recorders().remove(recorder)
        for outer in _recorders():
            outer.add(recorder.depends)


@contextmanager
def reading_part(model, value):
    """The queries inside read only the rows of `model` whose part column equals `value`
    (CACHING_PARTS), e.g. one thread's comments: they depend on that part alone."""
    recorders = _recorders()
    if not recorders:
        yield
        return
    table = model._meta.db_table
    name = part(model, value)
    found = versions([name])  # read before the rows, like the snapshot
    for recorder in recorders:
        recorder.part = (table, name)
        recorder.depends.setdefault(name, found[name])
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.part = None


def part(model, value) -> str:
    """The version name of the rows of `model` whose part column equals `value`."""
    return f"{PART}{model._meta.db_table}/{value}"


def _fresh(depends: dict[str, int]) -> bool:
    return versions(depends) == depends


# 5. Memo ------------------------------------------------------------------------------


def memo(name: str, produce: Callable, *, seconds: int | None = None):
    """`produce()`, kept with the versions of the tables it read, until one moves.

    For values computed from the data and shown the same to everyone. A page that uses
    it depends on what `produce()` read, whether it ran or came from the cache.
    `seconds` bounds how long it is kept (a value showing "5 minutes ago")."""
    key = f"memo:{hashlib.sha256(name.encode()).hexdigest()}"
    entry = _kept(key, lambda entry: _fresh(entry[1]))
    if entry is not None:
        for recorder in _recorders():
            recorder.add(entry[1])
        return entry[0]
    with recording() as recorder:
        value = produce()
    _keep(key, (value, recorder.depends), seconds or settings.CACHING_MEMO_SECONDS)
    return value


def _kept(key: str, fresh: Callable[[tuple], bool]):
    """A page's or a memo's entry if `fresh(entry)` (its versions stand): this process's
    copy, else the shared cache's, which another process may have made anew (copied here
    for the time it has left)."""
    local = caches["local"]
    entry = local.get(key)
    if entry is not None and fresh(entry):
        return entry
    if not _apart():
        return None
    entry = cache.get(key)
    left = entry[-1] - time.time() if entry is not None else 0
    if left <= 0 or not fresh(entry):
        return None
    local.set(key, entry, left)
    return entry


def _apart() -> bool:
    """Whether this process's copies are kept apart from the shared cache (with Redis;
    without it the two aliases are one memory cache, and a second look finds the same)."""
    local, shared = settings.CACHES["local"], settings.CACHES["default"]
    return (local["BACKEND"], local.get("LOCATION")) != (shared["BACKEND"], shared.get("LOCATION"))


def _keep(key: str, entry: tuple, seconds: int) -> None:
    entry = (*entry, time.time() + seconds)  # when it expires, for the copies (_kept)
    caches["local"].set(key, entry, seconds)
    cache.set(key, entry, seconds)


_IN_PROCESS: dict = {}


def _stamp(tables: Iterable[str]) -> tuple:
    """These versions, as a key; a page being recorded depends on them too (it shows
    what was read under them)."""
    stamp = tuple(sorted(versions(tables).items()))
    for recorder in _recorders():
        recorder.add(dict(stamp))
    return stamp


def memo_in_process(name: str, tables: Iterable[str], produce: Callable, *, until=None):
    """`produce()`, kept in this process while these version names are unchanged (a GET
    reads them once: no query, no cache call). For what the holes of every page read (a
    page's vote and comment counts): `tables` must name everything it reads, counters
    included ("t:collabs_collab#counters"). `until(value)`, if given, is the time
    (time.time()) from which the value no longer holds whatever the data (a mute ends)."""
    stamp = _stamp(tables)
    kept = _IN_PROCESS.get(name)
    if kept is not None and kept[0] == stamp and time.time() < kept[2]:
        return kept[1]
    value = produce()
    if len(_IN_PROCESS) > 5000:
        _IN_PROCESS.clear()
    _IN_PROCESS[name] = (stamp, value, until(value) if until else float("inf"))
    return value


def rows_in_process(name: str, tables: Iterable[str], pks: Iterable[int], fetch) -> dict:
    """`fetch(pks)` ({pk: row}) for these pks, kept in this process like memo_in_process,
    in one entry per name that grows with every pk asked for: when a version moves, the
    rows of every page it has served are read again in one query, so a vote costs each
    process one query for its counts, not one per page it shows next (an entry that holds
    500 pks starts over with the next one asked for)."""
    stamp = _stamp(tables)
    pks = frozenset(pks)
    kept_stamp, rows, asked = _IN_PROCESS.get(name, (None, {}, frozenset()))
    if kept_stamp == stamp and pks <= asked:
        return rows
    if len(asked) >= 500:
        kept_stamp, rows, asked = None, {}, frozenset()
    if kept_stamp == stamp:
        rows = {**rows, **fetch(sorted(pks - asked))}
    else:
        rows = fetch(sorted(asked | pks))
    _IN_PROCESS[name] = (stamp, rows, asked | pks)
    return rows


def reading() -> bool:
    """Whether this is a GET with its versions read once (one_reading): memo_in_process
    then costs no query, where elsewhere it would cost one."""
    return getattr(_local, "reading", False)


# 2. Pages -----------------------------------------------------------------------------


class Personal(Exception):  # noqa: N818 - a signal, not an error
    """A hole found that this member's page differs beyond its holes (their own comment
    held for review is on it, say): the page is rendered for them alone."""


def cached_page(view=None, *, reads: Iterable[str] = ()):
    """Serve `view`'s page from the cache, the same for everyone, holes filled per viewer.

    `reads` names the query parameters the view reads: only they make one page differ
    from another. The others (`?utm_source=`, `?fbclid=`) are dropped from the request
    before the key is made and the view runs, so they never add an entry.
    """
    if view is None:
        return partial(cached_page, reads=reads)
    kept = frozenset(reads)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in SAFE_METHODS:
            return view(request, *args, **kwargs)
        query = _kept_params(request, kept)
        key = _key(request, query)
        # The entry's versions are read before the viewer is known: one query for both.
        entry = _kept(key, lambda entry: _fresh(entry[0]))
        fresh = entry is not None
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        request.GET, request.META["QUERY_STRING"] = query, query.urlencode()
        if fresh:
            response = HttpResponse(entry[1])
            for name, value in entry[2]:
                response[name] = value
            response.kept_as = (key, entry[-1])  # see filled_for_visitors
            return response
        member, request.user = request.user, AnonymousUser()
        request.rendering_for_cache = True
        try:
            with recording() as recorder:
                response = view(request, *args, **kwargs)
                if getattr(response, "render", None) and not response.is_rendered:
                    response.render()
        finally:
            request.user, request.rendering_for_cache = member, False
        if _storable(request, response):
            headers = [(h, response[h]) for h in STORED_HEADERS if h in response]
            entry = (recorder.depends, response.content, headers)
            _keep(key, entry, settings.PAGE_CACHE_SECONDS)
        return response

    wrapper.page_cache_reads = kept
    return wrapper


def _cacheable(request) -> bool:
    user = request.user
    return (
        not (user.is_staff or user.is_superuser)
        and "messages" not in request.COOKIES
        and not (user.is_authenticated and "_messages" in request.session)
        and not getattr(request, "personal", False)
    )


def _kept_params(request, kept: frozenset[str]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name in sorted(name for name in request.GET if name in kept):
        query.setlist(name, request.GET.getlist(name))
    return query


def _key(request, query: QueryDict) -> str:
    htmx = "|".join(
        request.headers.get(h, "")
        for h in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
    )
    path = escape_uri_path(request.path) + (f"?{query.urlencode()}" if query else "")
    raw = f"{request.scheme}|{request.get_host()}|{path}|{htmx}"
    return f"page:{hashlib.sha256(raw.encode()).hexdigest()}"


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


# 3. Holes -----------------------------------------------------------------------------


@once
def _mark() -> str:
    # Derived from the secret key: no member can write one into a comment.
    return "h" + salted_hmac("core.caching", "hole", algorithm="sha256").hexdigest()[:20]


def hole(kind: str, key="") -> str:
    """The marker `{% hole %}` writes: filled in per response (fill)."""
    return mark_safe(f"{_mark()}[{kind}|{key}]")  # noqa: S308 - letters, digits, a slug


def placeholders(request) -> dict:
    """Context processor: a page rendered for the cache holds markers for the CSRF token
    and the CSP nonce, filled in per response like any hole."""
    if getattr(request, "rendering_for_cache", False):
        return {"csrf_token": hole("csrf"), "csp_nonce": hole("nonce")}
    return {}


# Tests set it to see where each hole's content begins and ends.
SHOW_HOLES = False


@once
def _holes() -> re.Pattern:
    return re.compile(re.escape(_mark()) + r"\[([a-z_-]+)\|([^\]]*)\]")


@once
def _fillers() -> dict[str, Callable]:
    from core.holes import token

    fillers = {name: import_string(path) for name, path in settings.CACHING_HOLES.items()}
    fillers["csrf"] = lambda request, keys: dict.fromkeys(keys, token(request))
    fillers["nonce"] = lambda request, keys: dict.fromkeys(keys, str(get_nonce(request)))
    return fillers


def fill(request, content: str, *, later=frozenset()) -> str:
    """`content` with every hole filled for `request.user` (may raise Personal), but
    those of the kinds `later` names."""
    return _fill(request, _holes().split(content), later)


def _fill(request, pieces: list[str], later=frozenset()) -> str:
    """`pieces`, content split at its holes (text, kind, key, text, …, text), joined with
    the holes filled."""
    wanted: dict[str, set] = defaultdict(set)
    for kind, key in zip(pieces[1::3], pieces[2::3], strict=True):
        wanted[kind].add(key)
    # A kind no filler knows is left empty, as is a key its filler cannot read.
    fillers, filled = _fillers(), {}
    for kind, keys in wanted.items():
        if kind in later:
            filled[kind] = {key: hole(kind, key) for key in keys}
        else:
            filled[kind] = fillers[kind](request, sorted(keys)) if kind in fillers else {}
    for at in range(1, len(pieces), 3):
        kind, html = pieces[at], str(filled[pieces[at]].get(pieces[at + 1], ""))
        shown = SHOW_HOLES and kind not in later
        pieces[at] = f"<!--{kind}-->{html}<!--/{kind}-->" if shown else html
        pieces[at + 1] = ""
    html = "".join(pieces)
    if wanted.keys() <= later or _mark() not in html:
        return html
    return fill(request, html, later=later)


def filled_for_visitors(request, content: bytes, kept_as: tuple[str, float]) -> tuple:
    """A kept page with its holes filled as every visitor sees them but the CSRF token
    and the nonce, split at those (as fill splits): done once per process and kept, like
    a memo, while what the fillers read is unchanged, and no longer than the page itself
    (`kept_as`: its key and when it expires). Visitors are most readers of most pages."""
    key, expires = kept_as
    kept = _FILLED.get(key)
    if kept is not None and kept[0] == expires and _fresh(kept[1]):
        return kept[2]
    request.META["HOLE_CSRF_TOKEN"] = hole("csrf")  # what core.holes.token gives them
    try:
        with recording() as recorder:
            html = fill(request, content.decode(), later={"csrf", "nonce"})
    finally:
        del request.META["HOLE_CSRF_TOKEN"]
    pieces = tuple(_holes().split(html))
    if len(_FILLED) >= 256:
        _FILLED.clear()
    _FILLED[key] = (expires, recorder.depends, pieces)
    return pieces


_FILLED: dict = {}


class HoleMiddleware:
    """Fills the holes of every HTML response (cached or not), for its own viewer; a
    member whose page is their own (Personal) gets the view again, uncached. A GET is
    answered with the versions read once (one_reading)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.holes_filled_here = True  # see fill_missed
        if request.method in SAFE_METHODS:
            with one_reading(own_parts(request)):
                return self._answer(request)
        return self._answer(request)

    def _answer(self, request):
        response = self.get_response(request)
        if response.streaming or "html" not in response.get("Content-Type", ""):
            return response
        kept_as = getattr(response, "kept_as", None)
        if kept_as and not request.user.is_authenticated:
            pieces = filled_for_visitors(request, response.content, kept_as)
            response.content = _fill(request, [*pieces]).encode()
            return response
        if _mark().encode() not in response.content:
            return response
        try:
            content = fill(request, response.content.decode())
        except Personal:
            request.personal = True
            response = self.get_response(request)
            content = fill(request, response.content.decode())
        response.content = content.encode()
        return response


def fill_missed(request, response) -> None:
    """Fill, as for a visitor, the holes of a page answered before HoleMiddleware saw its
    request: an error page for what a middleware outside it refused (a bad Host header).
    No marker may leave unfilled: whoever learnt it could write holes into a comment."""
    if getattr(request, "holes_filled_here", False) or response.streaming:
        return
    if "html" not in response.get("Content-Type", "") or _mark().encode() not in response.content:
        return
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    response.content = fill(request, response.content.decode()).encode()


_KEPT_IN_PROCESS: list = []


def kept_in_process(maxsize: int):
    """`functools.lru_cache` for a pure function of what a fragment shows (a comment's
    footer, rendered Markdown): kept per process, emptied by clear_local()."""

    def decorate(function):
        kept = lru_cache(maxsize=maxsize)(function)
        _KEPT_IN_PROCESS.append(kept)
        return kept

    return decorate


def clear_local() -> None:
    """Empty what this process keeps (memo_in_process, kept_in_process, the local cache):
    the benchmark's cold runs, and tests."""
    caches["local"].clear()
    _IN_PROCESS.clear()
    _FILLED.clear()
    for kept in _KEPT_IN_PROCESS:
        kept.cache_clear()
