"""Django's PostgreSQL backend, with a health check that costs no round trip while the
server has said nothing.

CONN_HEALTH_CHECKS makes Django run `SELECT 1` before the first query of every request
on a kept connection: a second round trip on a cached page, whose only query is its
versions (core/caching.py). When PostgreSQL restarts, fails over or terminates a
backend, it tells the client (an error message, then the end of the stream), so the
idle connection's socket turns readable. Here a connection is checked with `SELECT 1`
only then; a socket with nothing to read is taken as usable
(tests/faults/test_postgres_connection_loss.py kills the backend and expects the next
request to answer).
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable or super().is_usable()
