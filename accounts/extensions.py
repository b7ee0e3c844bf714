"""Hooks through which apps above accounts add to what a member owns.

accounts knows nothing of votes or comments, yet a member's export must include
them, deleting a member must tidy them, and the profile page shows them. Each
app registers its part here from its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProfileSection:
    """A block on /u/<username>/: a template rendered with its own context."""

    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Exporter = Callable[[Any], Any]
DeletionHandler = Callable[[Any], None]
SectionProvider = Callable[[Any, Any], ProfileSection | None]

exporters: dict[str, Exporter] = {}
deletion_handlers: list[DeletionHandler] = []
profile_sections: list[SectionProvider] = []


def register_exporter(key: str) -> Callable[[Exporter], Exporter]:
    """`fn(user) -> JSON-able data`, stored under `key` in the member's export."""

    def decorator(fn: Exporter) -> Exporter:
        exporters[key] = fn
        return fn

    return decorator


def register_deletion_handler(fn: DeletionHandler) -> DeletionHandler:
    """`fn(user)`, run inside the deletion transaction before the user row goes."""
    if fn not in deletion_handlers:
        deletion_handlers.append(fn)
    return fn


def register_profile_section(fn: SectionProvider) -> SectionProvider:
    """`fn(member, viewer) -> ProfileSection | None`, in a fixed number of queries."""
    if fn not in profile_sections:
        profile_sections.append(fn)
    return fn
