"""The unread-notifications count for the header, queried only if a template shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from comments.viewer import viewer_facts

        # One query with the discussion's verified/muted checks (comments/viewer.py).
        return viewer_facts(request).unread_notifications

    return {"unread_notification_count": SimpleLazyObject(count)}
