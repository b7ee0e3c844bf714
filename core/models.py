"""Site-wide state that belongs to no app: the page cache's generation and topics."""

from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """One row (pk=1): bumped after every write, part of every page-cache key."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content generation {self.value}"


class Topic(models.Model):
    """What a write changed, for the page cache: the generation it took, per topic.

    A topic names something pages show: "*" (anything), "thread:12" (a discussion,
    and the counts of the collab it belongs to), "votes" (every ranking). A write bumps
    the generation and stamps its topics with the new value; a cached page records the
    generation it was rendered at and its topics, and stays fresh while none of them
    has a later stamp (core/page_cache.py).
    """

    key = models.CharField(max_length=64, primary_key=True)
    stamp = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key} changed at generation {self.stamp}"
