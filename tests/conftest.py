"""Fixtures shared by the whole suite: members, editors, clean cache and media."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.cache import cache

from tests.factories import MemberFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()


@pytest.fixture
def user(db):
    """A signed-up member whose email is not verified yet."""
    return UserFactory()


@pytest.fixture
def member(db):
    """A member with a verified email: may vote and comment."""
    return MemberFactory()


@pytest.fixture
def editor(db):
    """A staff member in the Editors group (not a superuser), with a TOTP authenticator.

    /admin/ requires one (accounts/middleware.py), so `client.force_login(editor)`
    is all an admin test needs. `editor.totp_secret` computes codes for tests
    that log in through the real form (tests/accounts/test_admin_mfa.py).
    """
    editor = MemberFactory(username="desk", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name="Editors")[0])
    editor.totp_secret = generate_totp_secret()
    TOTP.activate(editor, editor.totp_secret)
    return editor


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def people(member, editor):
    """The cast of tests/pages.py: a verified member and an editor (with TOTP)."""
    return SimpleNamespace(member=member, editor=editor)
