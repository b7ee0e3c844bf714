"""Site-wide state that belongs to no app: the versions of the data (core/caching.py)."""

from __future__ import annotations

from django.db import models


class Version(models.Model):
    """How many writes a table (or a part of one) has had: bumped by database triggers.

    Names: "t:collabs_vote" (a table), "t:collabs_collab#counters" (only its counter
    columns changed), "p:comments_comment/12" (one thread's comments). Cached pages and
    memo values are kept with the versions of what they read (core/caching.py).
    """

    name = models.CharField(max_length=200, primary_key=True)
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at version {self.n}"
