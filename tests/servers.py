"""Real app servers for tests: a throwaway PostgreSQL database and gunicorn processes.

Used by the fault tests (a dropped connection under a live gunicorn) and the
two-app-server test. Both skip where PostgreSQL is missing, except under CI
(tests/conftest.py `missing_tool`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import free_port, missing_tool

ROOT = Path(__file__).resolve().parents[1]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def admin_connection():
    return psycopg.connect(**PG, dbname="postgres", autocommit=True, connect_timeout=3)


@contextlib.contextmanager
def throwaway_database(purpose: str) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; yields its name."""
    try:
        admin_connection().close()
    except psycopg.OperationalError as exc:
        missing_tool("PostgreSQL at 127.0.0.1:5432 (user postgres)", str(exc).strip())
    name = f"crossover_{purpose}_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with admin_connection() as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with admin_connection() as conn:
            conn.execute(drop)


def production_env(database: str, tmp_path: Path, redis_url: str = "") -> dict[str, str]:
    """Production-like settings (DEBUG off, no SSL redirect) on `database` (and Redis)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS"))}
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        # Pages need the hashed static files (`manage(env, "collectstatic", "--noinput")`).
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py with `env`; returns its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return done.stdout


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path, workers: int = 1) -> Iterator[str]:
    """A gunicorn serving the site with `env` on a free port; yields its base URL."""
    binary = Path(sys.executable).parent / "gunicorn"
    if not binary.exists() and not (binary := shutil.which("gunicorn")):
        missing_tool("gunicorn", "install the locked requirements")
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [binary, "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{url}/robots.txt", timeout=2).close()
                    break
                except OSError:
                    if server.poll() is not None:
                        pytest.fail(log_path.read_text())
                    time.sleep(0.05)
            else:
                pytest.fail("gunicorn did not start")
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
