"""Writes to members: profile edits, avatar, export and deletion."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from accounts import extensions
from accounts.models import User

logger = logging.getLogger(__name__)

AVATAR_SIZE = 256


def _delete_file_later(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def profile_update(
    *,
    user: User,
    display_name: str,
    bio: str,
    hide_votes: bool,
    email_notifications: bool,
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save profile fields; store a new (already re-encoded) avatar or remove the old one."""
    storage, old_name = user.avatar.storage, user.avatar.name
    user.display_name = display_name
    user.bio = bio
    user.hide_votes = hide_votes
    user.email_notifications = email_notifications
    new_name = None
    try:
        with transaction.atomic():
            if avatar is not None:
                user.avatar.save(avatar.name, avatar, save=False)
                new_name = user.avatar.name
            elif remove_avatar:
                user.avatar = None
            user.save()
            if old_name and (avatar is not None or remove_avatar):
                _delete_file_later(storage, old_name)
    except Exception:
        # Never leave an orphaned upload behind a failed save.
        if new_name:
            user.avatar.storage.delete(new_name)
        raise
    return user


def user_export(*, user: User) -> dict[str, Any]:
    """Everything the site holds about a member, as JSON-able data."""
    from allauth.account.models import EmailAddress

    data: dict[str, Any] = {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "emails": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "bio": user.bio,
        "avatar": user.avatar.url if user.avatar else None,
        "hide_votes": user.hide_votes,
        "email_notifications": user.email_notifications,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }
    for key, exporter in extensions.exporters.items():
        data[key] = exporter(user)
    return data


def user_delete(*, user: User) -> None:
    """Delete a member and their personal data; other apps tidy what they own first."""
    storage, avatar_name = user.avatar.storage, user.avatar.name
    with transaction.atomic():
        for handler in extensions.deletion_handlers:
            handler(user)
        _delete_file_later(storage, avatar_name)
        user.delete()
    logger.info("member account deleted")
