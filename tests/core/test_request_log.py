"""One structured line per request, a request id that follows it, and Sentry only when asked.

The line (logger `crossover.requests`, formatted by core.logs.JsonFormatter in
production) holds method, path, status, duration, the member's id or "-" and the
request id, which is the proxy's `X-Request-ID` when sane and a new one otherwise, and
comes back in the response. No email, no client address, no query string, no secret
key from a confirmation or reset link.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sentry_sdk

from core.logs import JsonFormatter, PlainFormatter, RequestIdFilter
from tests.servers import ROOT


def request_lines(caplog) -> list[dict]:
    """The captured request lines, as production writes them (one JSON object each)."""
    formatter, id_filter = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in caplog.records:
        if record.name == "crossover.requests":
            id_filter.filter(record)
            lines.append(json.loads(formatter.format(record)))
    return lines


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="crossover.requests")
    return caplog


def test_a_request_is_one_line_with_its_facts(client, log, db):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a.2"
    [line] = request_lines(log)
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == "-"
    assert line["request_id"] == "lb-7f3a.2"
    assert line["level"] == "INFO" and line["logger"] == "crossover.requests"
    assert line["message"].startswith("GET /healthz 200 ")


def test_without_an_id_from_the_proxy_one_is_made_and_returned(client, log, db):
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert [line["request_id"] for line in request_lines(log)] == [
        first["X-Request-ID"],
        second["X-Request-ID"],
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 65,
        "x" * 10_000,
        "two words",
        'quote"d',
        "rtl\u202eevil",
        "nul\x00byte",
        "<script>alert(1)</script>",
        "new\nline",
        "ｆｕｌｌｗｉｄｔｈ",
        "",
    ],
)
def test_an_insane_request_id_is_replaced_never_echoed(client, log, db, hostile):
    response = client.get("/healthz", headers={"X-Request-ID": hostile})
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    [line] = request_lines(log)
    assert line["request_id"] == response["X-Request-ID"]


def test_a_member_is_their_id_and_nothing_personal_is_logged(member_client, member, log):
    response = member_client.get(f"/search/?q={member.email}", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    [line] = request_lines(log)
    assert line["user_id"] == str(member.pk)
    assert line["path"] == "/search/"
    text = json.dumps(line)
    assert member.email not in text
    assert "203.0.113.9" not in text
    assert member.username not in text


def test_keys_in_confirmation_and_reset_links_are_masked(client, log, db):
    client.get("/accounts/confirm-email/MzQ:1tSecretKeyValue/")
    client.get("/accounts/password/reset/key/2-abc-SecretResetKey/")
    paths = [line["path"] for line in request_lines(log)]
    assert paths == ["/accounts/confirm-email/…/", "/accounts/password/reset/key/…/"]
    assert "Secret" not in json.dumps(request_lines(log))


def test_a_log_line_outside_a_request_has_no_request_id():
    record = logging.LogRecord("crossover", logging.WARNING, __file__, 1, "hello %s", ("x",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "-"
    assert line["message"] == "hello x"


def test_email_addresses_in_messages_and_tracebacks_are_scrubbed():
    try:
        raise ValueError("Key (email)=(Fan.Name+tag@mail.example.co.kr) already exists")
    except ValueError:
        record = logging.LogRecord(
            "crossover.tasks",
            logging.ERROR,
            __file__,
            1,
            "refused: %s",
            ({"fan@example.com": (550, b"No such user")},),
            sys.exc_info(),
        )
    RequestIdFilter().filter(record)
    for formatter in (JsonFormatter(), PlainFormatter("%(message)s")):
        text = formatter.format(record)
        assert "@" not in text
        assert "[email]" in text
        assert "already exists" in text


def test_sentry_is_not_initialised_without_a_dsn(settings):
    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()


class Collector(BaseHTTPRequestHandler):
    """A stand-in Sentry: keeps the envelopes it is sent."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


SENTRY_SCRIPT = """
import sys, types
import django
django.setup()
import sentry_sdk
from django.test import Client, override_settings
from django.urls import path

def boom(request):
    raise RuntimeError("boom for the test")

urls = types.ModuleType("boom_urls")
urls.urlpatterns = [path("boom/", boom)]
sys.modules["boom_urls"] = urls
client = sentry_sdk.get_client()
print("active", client.is_active(), "pii", client.options["send_default_pii"])
# No database here: sessions in a (signed, here invalid) cookie.
session = "django.contrib.sessions.backends.signed_cookies"
with override_settings(ROOT_URLCONF="boom_urls", SESSION_ENGINE=session):
    response = Client(raise_request_exception=False).get(
        "/boom/?email=fan@example.com",
        headers={"X-Request-ID": "sentry-req-1", "Cookie": "sessionid=secretsession"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_HOST="127.0.0.1",
    )
print("status", response.status_code)
sentry_sdk.flush(5)
"""


def test_with_a_dsn_errors_reach_sentry_tagged_and_without_personal_data():
    Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY"))}
        env |= {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
        }
        done = subprocess.run(
            [sys.executable, "-c", SENTRY_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert "active True pii False" in done.stdout
    assert "status 500" in done.stdout
    sent = b"".join(Collector.received).decode()
    assert "boom for the test" in sent
    assert '"request_id":"sentry-req-1"' in sent.replace(" ", "")
    assert "secretsession" not in sent
    assert "203.0.113.9" not in sent
    assert "fan@example.com" not in sent
