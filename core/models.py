"""Site-wide state that belongs to no app: the content generation of the page cache."""

from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """One row (pk=1): bumped after every write, part of every page-cache key."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content generation {self.value}"
