"""PostgreSQL drops the app's connection: the next request still answers.

A real gunicorn (one sync worker, production-like settings) runs against a
database made for this test. After one request the worker holds a persistent
connection (CONN_MAX_AGE); the test kills it server-side with
pg_terminate_backend, as a PostgreSQL restart or failover would, and the next
request must still answer 200 thanks to CONN_HEALTH_CHECKS.
"""

from __future__ import annotations

import json
import urllib.request

import psycopg
import pytest

from tests import servers
from tests.servers import PG

pytestmark = pytest.mark.postgres


@pytest.fixture
def fault_database():
    with servers.throwaway_database("fault_test") as name:
        yield name


@pytest.fixture
def gunicorn(fault_database, tmp_path):
    env = servers.production_env(fault_database, tmp_path)
    servers.manage(env, "migrate", "--noinput", "-v", "0")
    with servers.gunicorn(env, tmp_path / "gunicorn.log") as url:
        yield url


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
