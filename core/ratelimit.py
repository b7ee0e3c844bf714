"""Our own rate limits (votes, comments…): counted in the shared cache, closed when it is down.

Usage, in a view or a service called by one:

    from core import ratelimit

    ratelimit.hit("comment", member.pk, limit=5, period=60)
    if member_is_young:
        ratelimit.hit("comment-young", member.pk, limit=3, period=600)

`hit` records one action and raises `RateLimited` (answered 429, with the wait
in the message and a Retry-After header) when the action is over its limit, or
`RateLimitUnavailable` (answered 503) when the cache cannot count — an action
that must be limited is refused rather than let through unlimited.
`core.middleware.RateLimitMiddleware` turns both exceptions into those pages, so
a view only calls `hit` before doing the work.

The count is a sliding window approximated from two fixed windows (the current
one, plus the previous one weighted by how much of it still overlaps): atomic
with Redis's INCR, and no burst of twice the limit at a window boundary.
"""

from __future__ import annotations

import math
import time
from functools import wraps

from core.cache import CACHE_ERRORS, strict_cache


class RateLimited(Exception):
    """Over the limit: the client should wait `retry_after` seconds."""

    def __init__(self, scope: str, retry_after: int, message: str = ""):
        super().__init__(f"rate limit {scope!r} reached; retry after {retry_after}s")
        self.scope = scope
        self.retry_after = retry_after
        # What the member is told (the 429 page adds when to try again).
        self.message = message


class RateLimitUnavailable(Exception):
    """The cache that holds the counts is unreachable: the action cannot be limited safely."""

    retry_after = 30


def _count(cache, key: str, period: int) -> int:
    """Increment the counter at `key` (created with a lifetime of two periods)."""
    cache.add(key, 0, period * 2)
    try:
        return cache.incr(key)
    except ValueError:
        # It expired between add and incr.
        cache.set(key, 1, period * 2)
        return 1


def hit(
    scope: str, key, *, limit: int, period: int, now: float | None = None, message: str = ""
) -> None:
    """Record one action by `key` under `scope`; raise if it is over `limit` per `period` s.

    `message` is what the refused member reads, before when to try again."""
    now = time.time() if now is None else now
    window = int(now // period)
    elapsed = (now % period) / period
    prefix = f"rl:{scope}:{key}"
    cache = strict_cache()
    try:
        current = _count(cache, f"{prefix}:{window}", period)
        previous = cache.get(f"{prefix}:{window - 1}", 0)
    except CACHE_ERRORS as exc:
        raise RateLimitUnavailable(f"cannot count {scope!r}: {exc}") from exc
    estimate = current + previous * (1 - elapsed)
    if estimate > limit:
        # Undo this hit, so waiting (not retrying) is what frees the limit.
        try:
            cache.decr(f"{prefix}:{window}")
        except (ValueError, *CACHE_ERRORS):
            pass
        retry_after = _retry_after(current - 1, previous, limit, period, elapsed)
        raise RateLimited(scope, retry_after, message)


def _retry_after(current: int, previous: int, limit: int, period: int, elapsed: float) -> int:
    """Seconds until one more action fits, if nothing else is done meanwhile."""
    room = limit - 1 - current  # actions this window still holds once the previous one is gone
    if room >= 0:
        # Wait for enough of the previous window to slide out: previous * (1 - x) <= room.
        wait = ((1 - room / previous) - elapsed) * period if previous else 0
    else:
        # Wait into the next window, where this one fades: current * (1 - x) + 1 <= limit.
        wait = (1 - elapsed + max(0.0, 1 - (limit - 1) / current)) * period
    return max(1, math.ceil(wait))


def limit(scope: str, *, limit: int, period: int, key=None):
    """Decorator form of `hit` for a view; `key(request)` defaults to the member's id."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                hit(scope, key(request) if key else request.user.pk, limit=limit, period=period)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
