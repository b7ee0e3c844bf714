"""The production stack as `make serve` runs it: nginx in front of two app servers and the worker.

One stack for the module, started by scripts/serve.py itself (the rendered
deploy/nginx.conf.template, deploy/gunicorn.conf.py, `manage.py db_worker`) on a
free port with a temporary SQLite database (with DATABASE_URL and REDIS_URL set, as
in CI's second run: a throwaway PostgreSQL database and a key prefix of its own in
that Redis) and mail written to files. Plain HTTP on
loopback (DJANGO_SECURE_SSL_REDIRECT=0), as the benchmark does. Stopping it with
SIGTERM must stop every process it started. Skips where nginx is missing, except
under CI, which installs it.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests import servers
from tests.conftest import free_port, missing_tool
from tests.servers import ROOT

HOST = "127.0.0.1"
SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Cross-Origin-Opener-Policy",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Content-Type",
]


class UnixHTTPConnection(http.client.HTTPConnection):
    """Straight to an app server's socket, past nginx."""

    def __init__(self, path: Path, timeout: float = 10):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = str(path)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class Stack:
    def __init__(self, port: int, run_dir: Path, mail_dir: Path, log: Path, static_root: Path):
        self.port, self.run_dir, self.mail_dir = port, run_dir, mail_dir
        self.log, self.static_root = log, static_root

    def proxy(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=timeout)

    def app(self, number: int = 1, timeout: float = 10) -> UnixHTTPConnection:
        return UnixHTTPConnection(self.run_dir / f"app{number}.sock", timeout=timeout)

    def get(self, connection, path: str, **headers) -> http.client.HTTPResponse:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    def lines(self) -> list[dict]:
        """The stack's JSON log lines (app, worker and nginx) so far."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return found


@contextlib.contextmanager
def backing_services():
    """The suite's own: SQLite, or (CI's second run) a throwaway PostgreSQL database and
    the suite's Redis under a key prefix of this module's, deleted afterwards."""
    if not os.environ.get("DATABASE_URL"):
        yield {}
        return
    with servers.throwaway_database("prod_stack") as name:
        env = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}
        redis_url = os.environ.get("REDIS_URL")
        if redis_url:
            env |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"crossover-stack-{os.getpid()}"}
        try:
            yield env
        finally:
            if redis_url:
                import redis

                client = redis.Redis.from_url(redis_url)
                keys = list(client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*"))
                if keys:
                    client.delete(*keys)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        missing_tool("nginx", "apt-get install nginx")
    with backing_services() as services:
        yield from run_stack(tmp_path_factory.mktemp("stack"), services)


def run_stack(tmp: Path, services: dict[str, str]):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "REDIS", "SERVE_", "SENTRY", "TASKS"))
        and k not in {"DATABASE_URL", "SQLITE_PATH"}
    }
    env |= {
        "SERVE_PORT": str(port),
        "SERVE_APPS": "2",
        "SERVE_WORKERS": "2",
        "SERVE_RUN_DIR": str(tmp / "run"),
        "SQLITE_PATH": str(tmp / "db.sqlite3"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(tmp / "mail"),
    }
    env |= services
    log = tmp / "serve.log"
    # Appending: nginx reopens /dev/stdout itself, and must not write over the others.
    with log.open("a") as output:
        process = subprocess.Popen(
            [sys.executable, "scripts/serve.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 180
    while "Crossover is running" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"make serve's script did not start:\n{log.read_text()[-5000:]}")
        time.sleep(0.2)
    pids = [int(p) for p in re.findall(r"^  .{13} pid (\d+)", log.read_text(), re.M)]
    assert len(pids) == 4, log.read_text()  # two app servers, the worker, nginx
    yield Stack(port, tmp / "run", tmp / "mail", log, tmp / "static")

    # Ctrl-C (SIGINT, to the script alone: its children run in sessions of their own, so
    # the terminal's signal reaches only it) stops everything it started.
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=90) == 0, log.read_text()[-3000:]
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert "Traceback" not in log.read_text(), log.read_text()[-5000:]


def stall(connect, path: str = "/accounts/login/") -> socket.socket:
    """A client that sends a POST's headers, promising 100,000 bytes, then 10 and nothing more."""
    connection = connect()
    connection.connect()
    csrf = secrets.token_hex(16)
    connection.sock.sendall(
        (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nCookie: csrftoken={csrf}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
            "login=fan&"
        ).encode()
    )
    return connection.sock


def timed_health(stack, connection) -> tuple[int | None, float]:
    started = time.monotonic()
    try:
        status = stack.get(connection, "/healthz").status
    except TimeoutError:
        status = None
    return status, time.monotonic() - started


def test_healthz_answers_while_six_clients_hold_stalled_bodies(stack):
    stalled = [stall(stack.proxy) for _ in range(6)]
    try:
        time.sleep(0.5)  # give them every chance to reach the app servers
        for _ in range(5):
            status, seconds = timed_health(stack, stack.proxy(timeout=2))
            assert status == 200
            assert seconds < 2
    finally:
        for sock in stalled:
            sock.close()


def test_without_the_proxy_the_same_six_clients_take_an_app_server_down(stack):
    """The control: what nginx protects the app servers from (two sync workers each)."""
    stalled = [stall(lambda: stack.app(2)) for _ in range(6)]
    try:
        time.sleep(0.5)
        status, _ = timed_health(stack, stack.app(2, timeout=2))
        assert status is None  # unanswered within 2 s
    finally:
        for sock in stalled:
            sock.close()
    # Once the clients go, the app server answers again.
    deadline = time.monotonic() + 10
    while timed_health(stack, stack.app(2, timeout=2))[0] != 200:
        assert time.monotonic() < deadline


def send_body(stack, size: int, request_id: str) -> http.client.HTTPResponse:
    """POST `size` bytes to the avatar form; returns the answer (possibly before the end)."""
    connection = stack.proxy(timeout=20)
    connection.putrequest("POST", "/accounts/profile/edit/", skip_host=True)
    connection.putheader("Host", HOST)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(size))
    connection.putheader("X-Request-ID", request_id)
    connection.endheaders()
    try:
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            connection.send(chunk)
        connection.send(b"x" * (size % len(chunk)))
    except (BrokenPipeError, ConnectionResetError):
        pass  # nginx answered and closed without reading it all: that is the point
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_an_oversized_upload_is_refused_by_the_proxy_with_the_sites_message(stack):
    response = send_body(stack, 7 * 1024 * 1024, "too-big-1")
    assert response.status == 413
    page = response.body.decode()
    assert "That file is too large" in page
    # The page is static (static/errors/413.html): it must say the limit the site applies.
    assert f"Images may be at most {settings.IMAGE_UPLOAD_MAX_BYTES // 2**20} MB" in page
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Request-ID") == "too-big-1"
    time.sleep(0.5)
    seen = [line for line in stack.lines() if line.get("request_id") == "too-big-1"]
    # nginx logged it; no app server ever saw it.
    assert [(line["logger"], line["status"]) for line in seen] == [("nginx", 413)]

    # A body the size of the largest allowed image (and its form) still reaches the app.
    allowed = send_body(stack, 5 * 1024 * 1024 + 4096, "just-right-1")
    assert allowed.status != 413


def normalised(response) -> dict[str, str | None]:
    headers = {name: response.getheader(name) for name in SECURITY_HEADERS}
    if headers["Content-Security-Policy"]:
        headers["Content-Security-Policy"] = re.sub(
            r"'nonce-[^']+'", "'nonce-…'", headers["Content-Security-Policy"]
        )
    return headers


@pytest.mark.parametrize("path", ["/", "/collabs/", "/accounts/login/", "/healthz"])
def test_security_headers_arrive_unchanged_through_the_proxy(stack, path):
    through = stack.get(stack.proxy(), path)
    direct = stack.get(stack.app(1), path)
    assert through.status == direct.status == 200
    assert normalised(through) == normalised(direct)
    assert through.getheader("Content-Security-Policy")
    assert through.getheader("X-Frame-Options") == "DENY"
    assert through.getheader("Server") == "nginx"  # no version


def test_the_request_id_is_nginxs_or_the_balancers_and_comes_back(stack):
    mine = stack.get(stack.proxy(), "/healthz", **{"X-Request-ID": "lb-req-77"})
    assert mine.getheader("X-Request-ID") == "lb-req-77"
    made = stack.get(stack.proxy(), "/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.getheader("X-Request-ID"))
    hostile = stack.get(stack.proxy(), "/healthz", **{"X-Request-ID": "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.getheader("X-Request-ID"))
    time.sleep(0.5)
    by_id = {}
    for line in stack.lines():
        by_id.setdefault(line.get("request_id"), set()).add(line["logger"])
    assert by_id["lb-req-77"] == {"nginx", "crossover.requests"}
    assert by_id[made.getheader("X-Request-ID")] == {"nginx", "crossover.requests"}


def test_both_app_servers_take_requests(stack):
    for _ in range(6):
        assert stack.get(stack.proxy(), "/healthz").status == 200
    time.sleep(0.5)
    upstreams = {line.get("upstream") for line in stack.lines() if line["logger"] == "nginx"}
    assert {f"unix:{stack.run_dir}/app1.sock", f"unix:{stack.run_dir}/app2.sock"} <= upstreams


def test_static_files_come_from_nginx_compressed_and_cached_for_good(stack):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    response = stack.get(stack.proxy(), f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert b".site-header" in gzip.decompress(response.body)
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    page = stack.get(stack.proxy(), "/collabs/", **{"Accept-Encoding": "gzip"})
    assert page.getheader("Content-Encoding") == "gzip"
    assert b"</html>" in gzip.decompress(page.body)


def test_mail_a_request_causes_is_sent_by_the_worker_and_nothing_personal_is_logged(stack):
    csrf = secrets.token_hex(16)
    email = "fan.forgot@example.com"
    connection = stack.proxy()
    connection.request(
        "POST",
        "/accounts/password/reset/",
        body=f"email={email}",
        headers={
            "Host": HOST,
            "Cookie": f"csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Request-ID": "reset-flow-1",
        },
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    deadline = time.monotonic() + 20

    def sent() -> list[str]:
        # The file backend makes the file, then writes the message into it: read it whole.
        if not stack.mail_dir.exists():
            return []
        return [path.read_text() for path in stack.mail_dir.iterdir()]

    while not any("-" * 79 in text for text in sent()):
        assert time.monotonic() < deadline, "the worker sent nothing"
        time.sleep(0.2)
    [message] = sent()
    assert f"To: {email}" in message
    time.sleep(0.5)
    lines = [line for line in stack.lines() if line.get("request_id") == "reset-flow-1"]
    loggers = {line["logger"] for line in lines}
    assert {"nginx", "crossover.requests", "crossover.tasks"} <= loggers
    assert email not in stack.log.read_text()
    assert '127.0.0.1"' not in json.dumps(lines)  # no client address in any line


def test_keys_in_links_never_reach_the_logs(stack):
    stack.get(stack.proxy(), "/accounts/confirm-email/SeCrEtKeY123/")
    time.sleep(0.5)
    assert "SeCrEtKeY123" not in stack.log.read_text()
    paths = {line.get("path") for line in stack.lines()}
    assert "/accounts/confirm-email/…/" in paths


def test_without_nginx_make_serve_says_what_to_install(tmp_path):
    done = subprocess.run(
        [sys.executable, "scripts/serve.py"],
        cwd=ROOT,
        env={**os.environ, "SERVE_NGINX": str(tmp_path / "no-nginx-here")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "make serve needs nginx, the buffering proxy: apt-get install nginx" in done.stderr
