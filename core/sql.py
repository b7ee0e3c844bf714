"""Small written-out queries for hot paths, where building them with the ORM cost more
than the database took to answer."""

from __future__ import annotations

from django.db import connection


def placeholders(values) -> str:
    """`%s, %s, …`, one per value, for an `IN (…)` list."""
    return ", ".join(["%s"] * len(values))


def column(sql: str, params: list) -> set:
    """The first column of every row `sql` returns, as a set."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def rows(sql: str, params: list) -> list[tuple]:
    """Every row `sql` returns."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
