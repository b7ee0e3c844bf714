"""PostgreSQL drops the app's connection: the next request still answers.

A real gunicorn (one sync worker, production-like settings) runs against a
database made for this test. After one request the worker holds a persistent
connection (CONN_MAX_AGE); the test kills it server-side with
pg_terminate_backend, as a PostgreSQL restart or failover would, and the next
request must still answer 200 thanks to CONN_HEALTH_CHECKS (core/postgresql: the
request's first query is the check, sent again on a fresh connection if the kept one
is broken; a transaction's beginning is checked with Django's SELECT 1).
"""

from __future__ import annotations

import json
import time
import urllib.request

import psycopg
import pytest
from django.db.utils import ConnectionHandler

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


def _kill(conn, pid: int) -> None:
    conn.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(100):  # it returns before the backend has gone
        if not conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            return
        time.sleep(0.02)


@pytest.mark.parametrize("in_transaction", [False, True], ids=["query", "transaction"])
def test_a_dropped_connection_is_replaced_for_a_query_and_for_a_transaction(
    fault_database, in_transaction, django_db_blocker
):
    settings = {"ENGINE": "core.postgresql", "NAME": fault_database, "HOST": PG["host"]}
    settings |= {"PORT": str(PG["port"]), "USER": PG["user"], "CONN_MAX_AGE": 60}
    db = ConnectionHandler({"default": settings | {"CONN_HEALTH_CHECKS": True}})["default"]
    with django_db_blocker.unblock():
        _replaced(db, fault_database, in_transaction)


def _replaced(db, fault_database: str, in_transaction: bool) -> None:
    try:
        db.ensure_connection()
        before = db.connection.info.backend_pid
        with psycopg.connect(**PG, dbname=fault_database, autocommit=True) as conn:
            _kill(conn, before)
        db.close_if_unusable_or_obsolete()  # as between two requests: the connection is kept
        assert db.connection is not None
        if in_transaction:
            db.set_autocommit(False)
        with db.cursor() as cursor:
            cursor.execute("SELECT 41 + 1")
            assert cursor.fetchone() == (42,)
        if in_transaction:
            db.commit()
            db.set_autocommit(True)
        assert db.connection.info.backend_pid != before
    finally:
        db.close()
