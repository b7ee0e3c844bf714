"""Django's PostgreSQL backend, with a health check that costs no round trip.

CONN_HEALTH_CHECKS makes Django run `SELECT 1` before the first query of every request
on a kept connection: a second round trip on a cached page, whose only query is its
versions (core/caching.py), and about a tenth of the workers' time under the mixed load.
Here that first query is the check: if it fails because the connection is broken (the
server restarted, failed over or terminated the backend), the connection is replaced
and the query sent again, once. A query in a transaction cannot be sent again, so a
transaction's beginning keeps Django's check (tests/faults/test_postgres_connection_loss.py
kills the backend and expects the next request to answer).
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper


class Retried:
    """A cursor whose request's first query, outside a transaction, is sent again on a
    fresh connection if the kept one turns out to be broken."""

    def _execute(self, sql, params, *ignored_wrapper_args):
        db = self.db
        first = db.health_check_enabled and not db.health_check_done and db.get_autocommit()
        db.health_check_done = True
        try:
            return super()._execute(sql, params, *ignored_wrapper_args)
        except (OperationalError, InterfaceError):
            if not first or db.connection is None or not db.connection.closed:
                raise
        db.close()
        db.ensure_connection()
        self.cursor = db.create_cursor()
        return super()._execute(sql, params, *ignored_wrapper_args)


class Cursor(Retried, CursorWrapper):
    pass


class DebugCursor(Retried, base.CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        """Checked by the first query instead (Retried), but where a transaction begins."""

    def set_autocommit(self, autocommit, *args, **kwargs):
        super().close_if_health_check_failed()
        return super().set_autocommit(autocommit, *args, **kwargs)

    def make_cursor(self, cursor):
        return Cursor(cursor, self)

    def make_debug_cursor(self, cursor):
        return DebugCursor(cursor, self)
