"""Limits counted in the database: failed logins, second-factor codes and sign-ups.

allauth counts failed logins and remembers used TOTP codes in the cache; our cache
bypasses Redis errors (core/cache.py), so while Redis is down those guards would let
everything through. These limits are counted in `accounts.Attempt` rows instead: exact on
every app server, kept when the cache is flushed, and working while Redis is down.

`consume()` records an attempt first and then counts, so concurrent requests each see the
others' rows and no burst slips past the limit; a refused attempt's row is removed again
(waiting, not retrying, is what frees a limit), and so is one that succeeded, where only
failures count (`Usage.release()`). A window slides exactly: the wait is the time until
the oldest attempt that counts leaves it.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import Attempt


@dataclass(frozen=True)
class Refused:
    scope: str
    retry_after: int  # seconds until one more attempt fits


@dataclass
class Usage:
    ids: list[int]

    def release(self) -> None:
        """Take these attempts back: they did not count (a login that succeeded)."""
        if self.ids:
            Attempt.objects.filter(pk__in=self.ids).delete()


class AttemptsExceeded(Exception):
    def __init__(self, refused: Refused):
        super().__init__(f"too many attempts ({refused.scope}); retry in {refused.retry_after}s")
        self.refused = refused
        self.retry_after = refused.retry_after


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def rate(scope: str) -> tuple[int, int]:
    entry = settings.CROSSOVER_LIMITS[scope]
    return entry["limit"], entry["period"]


def _wait(scope: str, key: str, limit: int, period: int, now: datetime) -> int | None:
    """Seconds until an attempt fits if `key` already has `limit` within `period`, else None."""
    recent = list(
        Attempt.objects.filter(scope=scope, key=key, at__gt=now - timedelta(seconds=period))
        .order_by("-at", "-pk")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    leaves = recent[-1] + timedelta(seconds=period)
    return max(1, math.ceil((leaves - now).total_seconds()))


def consume(checks: list[tuple[str, str]], *, now: datetime | None = None) -> Usage:
    """Count one attempt under each (scope, value); over any limit, count none and raise."""
    now = now or timezone.now()
    usage = Usage(ids=[])
    for scope, value in checks:
        limit, period = rate(scope)
        key = digest(value)
        # Rows whose window has passed go as their scope is counted again (an index on
        # scope and time finds them): the table only ever holds live windows.
        Attempt.objects.filter(scope=scope, at__lte=now - timedelta(seconds=period)).delete()
        row = Attempt.objects.create(scope=scope, key=key, at=now)
        usage.ids.append(row.pk)
        recent = list(
            Attempt.objects.filter(scope=scope, key=key, at__gt=now - timedelta(seconds=period))
            .order_by("-at", "-pk")
            .values_list("pk", "at")[: limit + 1]
        )
        if len(recent) > limit:
            usage.release()
            wait = _wait(scope, key, limit, period, now)
            raise AttemptsExceeded(Refused(scope, wait or 1))
    return usage


def clear(scope: str, value: str) -> None:
    Attempt.objects.filter(scope=scope, key=digest(value)).delete()
