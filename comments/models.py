"""Discussions: a thread is owned by something else (a collab, an article); it owns comments."""

from __future__ import annotations

from django.db import models


class Thread(models.Model):
    """One discussion. Owners hold a one-to-one link to it; comments point at it."""

    is_locked = models.BooleanField("locked", default=False)
    comment_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Thread {self.pk}"
