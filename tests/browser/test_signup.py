"""A newcomer signs up through the real pages, confirms, logs in and sets an avatar."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-and-unusual-passphrase-42"


def test_newcomer_signs_up_confirms_logs_in_and_sets_avatar(
    page, live_server, tmp_path, login, settings
):
    # Mail links point at the site's address (SITE_URL): here, the live server.
    settings.SITE_URL = live_server.url
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("seoulmate@example.com")
    page.get_by_label("Username").fill("seoulmate")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert "Verify Your Email Address" in page.content()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(f"{live_server.url}/")
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    page.get_by_role("button", name="Log out").click()
    login(page, "seoulmate", PASSWORD)
    assert page.get_by_role("link", name="seoulmate").is_visible()

    avatar = tmp_path / "me.jpg"
    avatar.write_bytes(image_bytes("JPEG", (500, 300), exif=True))
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_label("Display name").fill("Seoul Mate")
    page.get_by_label("New avatar").set_input_files(str(avatar))
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_text("Your profile is saved.").is_visible()

    page.goto(f"{live_server.url}/u/seoulmate/")
    assert page.get_by_role("heading", name="Seoul Mate").is_visible()
    image = page.locator(".profile-header img.avatar")
    assert image.get_attribute("src").endswith(".webp")
    # Avatars load lazily: wait for this one before measuring it.
    loaded = (
        "img => img.complete ? img.naturalWidth"
        " : new Promise(done => img.onload = () => done(img.naturalWidth))"
    )
    assert page.evaluate(loaded, image.element_handle()) == 256
