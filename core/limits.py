"""The abuse limits in settings.CROSSOVER_LIMITS, and the words for telling a member to wait."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core import ratelimit


def limit_of(name: str):
    """One entry of CROSSOVER_LIMITS: a number, or {"limit": n, "period": seconds}."""
    return settings.CROSSOVER_LIMITS[name]


def is_young(user, now: datetime | None = None) -> bool:
    """Whether the account is younger than a day (the stricter limits apply to it)."""
    now = now or timezone.now()
    age = timedelta(seconds=limit_of("young_member_seconds"))
    return now - user.date_joined < age


def hit(name: str, key, *, message: str = "") -> None:
    """Count one action against the cache-kept limit `name` (see core.ratelimit.hit)."""
    entry = limit_of(name)
    ratelimit.hit(name, key, limit=entry["limit"], period=entry["period"], message=message)


def wait_text(seconds: int) -> str:
    """How long to wait, rounded up, in words: "45 seconds", "12 minutes", "3 hours"."""
    if seconds < 120:
        return f"{seconds} second{'s' * (seconds != 1)}"
    if seconds < 2 * 3600:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"


def per_period(seconds: int) -> str:
    """A period in words: "a minute", "an hour", "a day"; "in 10 minutes" otherwise."""
    usual = {60: "a minute", 3600: "an hour", 24 * 3600: "a day"}
    return usual.get(seconds) or f"in {wait_text(seconds)}"
