#!/usr/bin/env python3
"""`make serve`: the production stack on this machine, nginx in front of gunicorn and the worker.

    make serve                          # http://127.0.0.1:8080 on SQLite (db.sqlite3)
    SERVE_APPS=2 make serve             # two app servers behind one nginx upstream
    DATABASE_URL=postgres://… REDIS_URL=redis://… make serve

It migrates, runs collectstatic, renders deploy/nginx.conf.template (the file
production deploys) into a run directory, starts the app servers (gunicorn with
deploy/gunicorn.conf.py, each on a unix socket there), the task worker
(`manage.py db_worker`) and nginx (with -p and -c pointing at the run directory:
nothing system-wide is touched), says what runs where, and stops all of them on
Ctrl-C or SIGTERM. If one of them dies, it stops the others and exits 1.

Everything runs with DJANGO_DEBUG=0. What a laptop lacks is filled in, each said on
the console: a secret key made for the run (sessions end with it), allowed hosts
127.0.0.1 and localhost, no HTTPS redirect (plain HTTP on loopback; production
terminates TLS in front and keeps the redirect), one trusted proxy (nginx). Anything
set in the environment wins.

Environment: SERVE_PORT (8080), SERVE_HOST (127.0.0.1), SERVE_APPS (1),
SERVE_WORKERS (gunicorn workers per app server; CPUs + 1), SERVE_RUN_DIR (a new
temporary directory, removed afterwards), SERVE_NGINX (the nginx binary), plus
the site's own (README: "Configuration").
"""

from __future__ import annotations

import http.client
import math
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
PLACEHOLDER = re.compile(r"\$\{(CROSSOVER_[A-Z_]+)\}")


def render(template: str, values: dict[str, str]) -> str:
    """Fill in ${CROSSOVER_*} (what envsubst with those names does); nginx's $vars stay."""

    def value(match: re.Match) -> str:
        if match.group(1) not in values:
            raise SystemExit(f"{TEMPLATE.name}: no value for ${{{match.group(1)}}}")
        return values[match.group(1)]

    return PLACEHOLDER.sub(value, template)


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a unix socket: how nginx reaches an app server here."""

    def __init__(self, path: str, timeout: float = 5):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def healthy(connection: http.client.HTTPConnection, host: str) -> bool:
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def site_env(port: int) -> tuple[dict[str, str], list[str]]:
    """The children's environment: production settings, laptop gaps filled in (and said)."""
    env = dict(os.environ)
    notes = []
    env["DJANGO_DEBUG"] = "0"
    env.setdefault("DJANGO_LOG_FORMAT", "json")
    defaults = {
        "DJANGO_SECRET_KEY": (secrets.token_urlsafe(64), "a secret key made for this run"),
        "DJANGO_ALLOWED_HOSTS": ("127.0.0.1,localhost", "allowed hosts 127.0.0.1, localhost"),
        "DJANGO_SECURE_SSL_REDIRECT": ("0", "no HTTPS redirect (plain HTTP on loopback)"),
        "DJANGO_TRUSTED_PROXY_COUNT": ("1", "one trusted proxy (nginx)"),
        "SITE_URL": (f"http://127.0.0.1:{port}", f"links in mail to http://127.0.0.1:{port}"),
    }
    for name, (value, note) in defaults.items():
        if not env.get(name):
            env[name] = value
            notes.append(f"{name}: {note}")
    return env, notes


def site_settings(env: dict[str, str]):
    """The settings the children will run with (static root, upload limit)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    return settings


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


class Stack:
    """The processes started, stopped in reverse order (nginx first, the worker last)."""

    def __init__(self):
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        # A session of its own: Ctrl-C reaches this script only, which stops the rest in order.
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        self.processes.append((name, process))
        return process

    def dead(self) -> list[str]:
        return [f"{n} (exit {p.returncode})" for n, p in self.processes if p.poll() is not None]

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                # nginx: SIGQUIT finishes the requests in flight; gunicorn and the worker
                # do that on SIGTERM.
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    print(f"serve: {name} did not stop in 40 s; killing it", file=sys.stderr)
                    process.kill()
                    process.wait()


def wait_until(check, what: str, stack: Stack, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if stack.dead() or time.monotonic() > deadline:
            why = ", ".join(stack.dead()) or "timeout"
            raise SystemExit(f"serve: {what} did not start ({why})")
        time.sleep(0.1)


def main() -> int:
    nginx = os.environ.get("SERVE_NGINX") or shutil.which("nginx")
    nginx = nginx or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None
    )
    if nginx is None or not os.access(nginx, os.X_OK):
        print("make serve needs nginx, the buffering proxy: apt-get install nginx", file=sys.stderr)
        return 2
    host = os.environ.get("SERVE_HOST", "127.0.0.1")
    port = int(os.environ.get("SERVE_PORT", "8080"))
    apps = int(os.environ.get("SERVE_APPS", "1"))
    workers = int(os.environ.get("SERVE_WORKERS") or (os.cpu_count() or 1) + 1)
    if apps < 1 or workers < 1:
        print("serve: SERVE_APPS and SERVE_WORKERS must be at least 1", file=sys.stderr)
        return 2

    run_dir_setting = os.environ.get("SERVE_RUN_DIR")
    run_dir = Path(run_dir_setting or tempfile.mkdtemp(prefix="crossover-serve-"))
    (run_dir / "temp").mkdir(parents=True, exist_ok=True)
    env, notes = site_env(port)
    settings = site_settings(env)
    database = (
        "PostgreSQL"
        if env.get("DATABASE_URL")
        else f"SQLite ({settings.DATABASES['default']['NAME']})"
    )
    cache = "Redis" if env.get("REDIS_URL") else "per-process memory cache (no REDIS_URL)"
    print(f"serve: production settings (DJANGO_DEBUG=0), {database}, {cache}", flush=True)
    for note in notes:
        print(f"serve: {note}", flush=True)

    stack = Stack()
    stopping = []

    def stop_on_signal(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        print("serve: migrate, collectstatic", flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")

        sockets = [run_dir / f"app{n}.sock" for n in range(1, apps + 1)]
        max_body_mb = math.ceil(settings.IMAGE_UPLOAD_MAX_BYTES / 2**20) + 1
        config = render(
            TEMPLATE.read_text(),
            {
                "CROSSOVER_USER": pwd.getpwuid(os.getuid()).pw_name,
                "CROSSOVER_LISTEN": f"{host}:{port}",
                "CROSSOVER_UPSTREAMS": "\n        ".join(f"server unix:{s};" for s in sockets),
                "CROSSOVER_STATIC_ROOT": str(Path(settings.STATIC_ROOT).resolve()),
                "CROSSOVER_MAX_BODY": f"{max_body_mb}m",
            },
        )
        conf = run_dir / "nginx.conf"
        conf.write_text(config)
        nginx_command = [nginx, "-e", "stderr", "-p", f"{run_dir}/", "-c", str(conf)]
        subprocess.run([*nginx_command, "-t", "-q"], check=True)

        for number, path in enumerate(sockets, start=1):
            path.unlink(missing_ok=True)
            stack.start(
                f"app server {number}",
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "config.wsgi",
                    "--config",
                    str(GUNICORN_CONF),
                    "--bind",
                    f"unix:{path}",
                    "--workers",
                    str(workers),
                    "--pid",
                    str(run_dir / f"app{number}.pid"),
                    # gunicorn's control socket defaults to one path per user, not per server.
                    "--control-socket",
                    str(run_dir / f"app{number}.ctl"),
                ],
                env,
            )
        allowed = env["DJANGO_ALLOWED_HOSTS"].split(",")[0].strip()
        for number, path in enumerate(sockets, start=1):
            wait_until(
                lambda p=path: healthy(UnixHTTPConnection(str(p)), allowed),
                f"app server {number}",
                stack,
            )
        stack.start("task worker", [sys.executable, "manage.py", "db_worker"], env)
        stack.start("nginx", [*nginx_command, "-g", "daemon off;"], env)
        url = f"http://{host}:{port}"
        wait_until(
            lambda: healthy(http.client.HTTPConnection(host, port, timeout=5), f"{host}:{port}"),
            f"nginx on {url}",
            stack,
        )

        print(f"\nCrossover is running at {url}/ (Ctrl-C stops everything)", flush=True)
        for name, process in stack.processes:
            where = {
                "nginx": f"{url}, config {conf}",
                "task worker": "manage.py db_worker (the database task queue)",
            }.get(name, "")
            if name.startswith("app server"):
                number = int(name.rsplit(" ", 1)[1])
                where = f"gunicorn, {workers} workers, unix:{sockets[number - 1]}"
            print(f"  {name:<13} pid {process.pid:<7} {where}", flush=True)
        print("Logs follow: one JSON line per request and per task.\n", flush=True)

        while not stopping:
            dead = stack.dead()
            if dead:
                print(f"serve: {', '.join(dead)} stopped; stopping the rest", file=sys.stderr)
                return 1
            time.sleep(0.2)
        print("\nserve: stopping nginx, the app servers and the worker", flush=True)
        return 0
    except subprocess.CalledProcessError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 1
    finally:
        # Ctrl-C again during the shutdown must not leave a process behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()
        if not run_dir_setting:
            shutil.rmtree(run_dir, ignore_errors=True)
        print("serve: stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
