"""No input in any path or query parameter, nor any posted field, answers 5xx (SPEC §4).

Walks every URL pattern the resolver knows (tests/hostile.py) with every hostile value:
in each path parameter, in each query parameter the page reads and in each field of each
form it posts, as a visitor and a member, each with and without htmx. Each request runs in
its own savepoint, so one failure on PostgreSQL does not hide the next. Run with `-s` to
see how many requests it made.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, resolve

from tests import hostile

pytestmark = pytest.mark.django_db

VIEWERS = ("visitor", "member", "htmx", "visitor-htmx")
# Allauth answers every POST route's GET with a page holding its form; our POST-only
# routes are listed in hostile.POST_FIELDS.
READS: dict[str | None, set[str]] = {}


class RecordingQueryDict(QueryDict):
    """request.GET that notes which parameters the view asked for (by route name)."""

    route: str | None = None

    def _note(self, key) -> None:
        READS.setdefault(RecordingQueryDict.route, set()).add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


class RecordingGET:
    def __get__(self, request, owner=None):
        if request is None:
            return self
        value = RecordingQueryDict(
            request.environ.get("QUERY_STRING", "").encode("iso-8859-1"),
            encoding=request._encoding,
        )
        request.__dict__["GET"] = value
        return value


class PostForms(HTMLParser):
    """{action path: field names} of the POST forms on a page."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.forms, self.current = page_path, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            action = urlsplit(attrs.get("action") or self.page_path).path or self.page_path
            self.current = self.forms.setdefault(action, set())
        elif tag in {"input", "textarea", "select", "button"} and self.current is not None:
            self.current.add(attrs.get("name") or "csrfmiddlewaretoken")
            self.current.discard("csrfmiddlewaretoken")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


class Walker:
    def __init__(self, people):
        self.people = people
        self.clients = {"visitor": Client(), "member": Client(), "editor": Client()}
        self.clients["member"].force_login(people.member)
        self.clients["editor"].force_login(people.editor)
        self.requests = 0
        self.failures: list[str] = []

    def send(self, viewer: str, method: str, url: str, body: str | None = None):
        client = self.clients[{"htmx": "member", "visitor-htmx": "visitor"}.get(viewer, viewer)]
        headers = {"HX-Request": "true"} if "htmx" in viewer else {}
        try:
            RecordingQueryDict.route = resolve(urlsplit(url).path).view_name
        except Resolver404:
            RecordingQueryDict.route = None
        self.requests += 1
        try:
            with transaction.atomic():
                if method == "GET":
                    response = client.get(url, headers=headers)
                else:
                    response = client.post(
                        url,
                        data=(body or "").encode("ascii"),
                        content_type="application/x-www-form-urlencoded",
                        headers=headers,
                    )
        except Exception as error:  # noqa: BLE001 - every failure is reported at the end
            self.failures.append(f"{viewer} {method} {url[:150]} {body and body[:80]}: {error!r}")
            return None
        finally:
            session = client.cookies.get(settings.SESSION_COOKIE_NAME)
            if not viewer.startswith("visitor") and (session is None or not session.value):
                # A hostile post logged the member out: log them back in.
                client.force_login(self.people.editor if viewer == "editor" else self.people.member)
        if response.status_code >= 500:
            self.failures.append(f"{viewer} {method} {url[:150]}: {response.status_code}")
        return response


def _fill(route: hostile.Route, cast: dict) -> dict[str, str]:
    return {
        param: cast.get((route.name, param), hostile.PLACEHOLDER)
        if route.accepts(param, cast.get((route.name, param), hostile.PLACEHOLDER))
        else "x"
        for param in route.params
    }


def _viewer(*indexes: int) -> str:
    """Rotate the viewers over values and parameters: each value reaches each viewer on
    a page with four parameters or more, at a quarter of the requests."""
    return VIEWERS[sum(indexes) % len(VIEWERS)]


def test_no_hostile_value_answers_5xx(people, monkeypatch, capsys):
    monkeypatch.setattr(WSGIRequest, "GET", RecordingGET())
    READS.clear()
    started, cpu = time.monotonic(), time.process_time()
    walker = Walker(people)
    cast = hostile.cast_values(people)
    values = list(hostile.VALUES.values())
    # {(action, viewer): field names}: each form is posted by whoever was shown it.
    post_targets: dict[tuple[str, str], set[str]] = {}

    routes = hostile.routes()
    for route in routes:
        valid = _fill(route, cast)
        url = route.url(**valid)
        # The page as it is, and the POST forms it holds.
        for viewer in VIEWERS:
            response = walker.send(viewer, "GET", url)
            if response is not None and "html" in response.get("Content-Type", ""):
                forms = PostForms(url)
                forms.feed(response.content.decode(errors="replace"))
                for action, names in forms.forms.items():
                    post_targets.setdefault((action, viewer), set()).update(names)
        if route.name in hostile.POST_FIELDS:
            for viewer in VIEWERS:
                names = post_targets.setdefault((url, viewer), set())
                names.update(hostile.POST_FIELDS[route.name])
        # Each hostile value in each path parameter.
        for p, param in enumerate(route.params):
            for v, value in enumerate(values):
                if route.accepts(param, value):
                    hostile_url = route.url(**{**valid, param: value})
                    walker.send(_viewer(p, v), "GET", hostile_url)
                    if route.name in hostile.POST_FIELDS:
                        walker.send(_viewer(p, v, 1), "POST", hostile_url)
        # Each hostile value in each query parameter the page reads; junk in one it doesn't.
        for p, name in enumerate(hostile.QUERY_PARAMS.get(route.name, [])):
            for v, value in enumerate(values):
                walker.send(_viewer(p, v), "GET", f"{url}?{name}={value}")
        for v, value in enumerate(hostile.JUNK_VALUES):
            walker.send(_viewer(v), "GET", f"{url}?{hostile.JUNK_PARAM}={value}")

    # Each hostile value in every field of every form, all at once.
    for (action, viewer), names in sorted(post_targets.items()):
        if action.startswith("/admin/"):
            continue
        for value in values:
            body = "&".join(f"{name}={value}" for name in sorted(names))
            walker.send(viewer, "POST", action, body)

    # The editors' back office, sampled.
    for path, names in hostile.ADMIN_SAMPLE.items():
        for name in names:
            for value in values:
                walker.send("editor", "GET", f"{path}?{name}={value}")

    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    with capsys.disabled():
        print(
            f"\nhostile walk: {len(routes)} URL patterns, {len(post_targets)} forms, "
            f"{walker.requests} requests in {elapsed:.1f} s ({cpu:.1f} s CPU)"
        )
    assert not walker.failures, "\n".join(walker.failures[:40]) + (
        f"\n… {len(walker.failures)} failures in all"
    )

    unlisted = {
        route: sorted(keys - set(hostile.QUERY_PARAMS.get(route, [])) - {hostile.JUNK_PARAM})
        for route, keys in READS.items()
        if route and not route.startswith("admin:")
    }
    unlisted = {route: keys for route, keys in unlisted.items() if keys}
    assert not unlisted, f"views read parameters tests/hostile.py does not name: {unlisted}"


def test_the_page_cache_takes_every_hostile_value(people, settings, capsys):
    """The same values through the page cache: its keys, the parameters it keeps, the
    fragments it shares. Cached views only (they declare what they read)."""
    settings.PAGE_CACHE_SECONDS = 60
    walker = Walker(people)
    cast = hostile.cast_values(people)
    for route in hostile.routes():
        url = route.url(**_fill(route, cast))
        reads = getattr(resolve(urlsplit(url).path).func, "page_cache_reads", None)
        if reads is None:
            continue
        names = [*sorted(reads), hostile.JUNK_PARAM]
        for v, value in enumerate(hostile.VALUES.values()):
            for p, name in enumerate(names):
                # The worst twice: the render that stores the page, and one served from it.
                for _ in range(1 + (value in hostile.JUNK_VALUES)):
                    walker.send(_viewer(p, v), "GET", f"{url}?{name}={value}")
    with capsys.disabled():
        print(f"\nhostile walk through the page cache: {walker.requests} requests")
    assert not walker.failures, "\n".join(walker.failures[:40])
