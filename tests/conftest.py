"""Fixtures shared by the whole suite: members, editors, clean cache and media."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.editors import sync_editor_permissions
from core.caching import clear_local
from tests.factories import MemberFactory, UserFactory, make_apt

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Every cache is on, as in production; each test starts with them empty (the versions
    # roll back with each test's transaction, so an entry must not outlive its test).
    cache.clear()
    clear_local()


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
    # The data migration made the group; after a transactional test's flush it is gone,
    # so rebuild it from the one list of editor permissions.
    sync_editor_permissions()
    editor.groups.add(Group.objects.get(name="Editors"))
    editor.totp_secret = generate_totp_secret()
    TOTP.activate(editor, editor.totp_secret)
    return editor


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def people(member, editor):
    """The cast of tests/pages.py: a verified member, an editor (with TOTP), and a little
    content made through the services: a crossover collab with a comment, and an article."""
    from datetime import timedelta

    from django.utils import timezone

    from articles import services as article_services
    from comments import services as comment_services

    collab, rose = make_apt()
    comment = comment_services.comment_create(
        thread=collab.thread, author=member, body="APT. forever", rate_limited=False
    )
    article = article_services.article_create(
        title="K-pop meets the world",
        standfirst="The collabs that crossed over.",
        body="Comment below with your favourite crossover collab!",
        author=editor,
        status="published",
        published_at=timezone.now() - timedelta(hours=1),
        featured=[collab],
    )
    return SimpleNamespace(
        member=member,
        editor=editor,
        artist=rose,
        collab=collab,
        comment=comment,
        article=article,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_tool(tool: str, reason: str):
    """Skip where a tool is missing, but fail under CI, which must run the test."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test, but {tool} is missing: {reason}")
    pytest.skip(f"{tool} is missing: {reason}")


@pytest.fixture
def redis_server():
    """A private redis-server on a free port, no persistence; `.stop()` kills it."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing_tool("redis-server", "apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("the throwaway redis-server did not start")

        class Server:
            url = f"redis://127.0.0.1:{port}/0"

            @staticmethod
            def stop() -> None:
                process.kill()
                process.wait(timeout=10)

        yield Server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the authenticator /admin/ requires of staff."""
    TOTP.activate(admin_user, generate_totp_secret())
    return admin_user
