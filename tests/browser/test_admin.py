"""The editor's round trip through the real admin: log in, retitle the seed article, see it live."""

from __future__ import annotations

import io
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command

from accounts.demo import EDITOR_PASSWORD, EDITOR_TOTP_SECRET, EDITOR_USERNAME
from accounts.editors import sync_editor_permissions
from articles.demo import SEED_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_editor_retitles_the_seed_article(page, live_server):
    # Another transactional test's flush may have removed the migration-made Editors group.
    sync_editor_permissions()
    call_command("demo_data", stdout=io.StringIO())

    # /admin/ sends the editor through allauth's log-in, then its two-factor step.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username or email").fill(EDITOR_USERNAME)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    page.locator("input[name=code]").fill(
        format_hotp_value(hotp_value(EDITOR_TOTP_SECRET, counter))
    )
    page.get_by_role("button", name="Log in").click()
    page.locator("#content-main tr.model-article").get_by_role("link", name="Articles").click()
    assert "/admin/articles/article/" in page.url
    page.get_by_role("link", name="BTS, Blackpink And Other K-Pop Stars").click()

    page.get_by_label("Title:").fill("The world is already listening")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    page.goto(f"{live_server.url}/articles/{SEED_SLUG}/")
    assert page.get_by_role("heading", level=1).inner_text() == "The world is already listening"
    assert page.title().startswith("The world is already listening")
