"""PostgreSQL drops the app's connection: the next request still answers.

A real gunicorn (one sync worker, production-like settings) runs against a
database made for this test. After one request the worker holds a persistent
connection (CONN_MAX_AGE); the test kills it server-side with
pg_terminate_backend, as a PostgreSQL restart or failover would, and the next
request must still answer 200 thanks to CONN_HEALTH_CHECKS.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import free_port, missing_tool

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def admin_connection():
    return psycopg.connect(**PG, dbname="postgres", autocommit=True, connect_timeout=3)


@pytest.fixture
def fault_database():
    try:
        admin_connection().close()
    except psycopg.OperationalError as exc:
        missing_tool("PostgreSQL at 127.0.0.1:5432 (user postgres)", str(exc).strip())
    name = f"crossover_fault_test_{os.getpid()}"
    with admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with admin_connection() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def gunicorn(fault_database, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS"))}
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{fault_database}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            Path(sys.executable).parent / "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
        ],
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
                    pytest.fail((tmp_path / "gunicorn.log").read_text())
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
        log.close()


def healthz(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
        return response.status, json.load(response)


def app_backends(conn, database: str) -> list[int]:
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    ).fetchall()
    return [pid for (pid,) in rows]


def test_next_request_answers_after_the_database_drops_the_connection(gunicorn, fault_database):
    assert healthz(gunicorn) == (200, {"status": "ok"})
    with psycopg.connect(**PG, dbname=fault_database, autocommit=True) as conn:
        before = app_backends(conn, fault_database)
        assert len(before) == 1, "the worker should keep one persistent connection"
        killed = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [fault_database],
        ).fetchall()
        assert killed == [(True,)]

        assert healthz(gunicorn) == (200, {"status": "ok"})
        after = app_backends(conn, fault_database)
    assert len(after) == 1 and after != before, "a fresh connection replaced the dead one"
