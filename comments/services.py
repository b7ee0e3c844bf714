"""Writes to discussions."""

from __future__ import annotations

from comments.models import Thread


def thread_create() -> Thread:
    return Thread.objects.create()
