"""Two-factor set-up in Chromium: the QR code to scan is shown, not only its alt text.

allauth draws it as a data: SVG image, which the site's policy refuses everywhere else;
the set-up page alone allows it (settings.TOTP_ACTIVATE_CSP)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Witness, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/content"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_totp_set_up_page_shows_a_scannable_qr_code(
    browser, live_server, people, width, scheme
):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    witness = Witness(page)
    log_in(page, live_server.url, people.member.username)
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_response(lambda r: "/2fa/totp/activate/" in r.url) as answer:
            page.get_by_role("button", name="Confirm").click()
        response = answer.value
    else:
        response = page.reload()
    assert response is not None and response.status == 200
    assert "data:" in response.headers["content-security-policy"]

    qr = page.locator("img[src^='data:image/svg+xml']")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth") > 0
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 100 and box["x"] + box["width"] <= width
    # A phone can't scan its own screen: the secret is whole on screen and can be copied.
    secret = page.locator("#authenticator_secret")
    expect(secret).to_be_editable(editable=False)
    expect(secret).to_be_enabled()
    assert secret.evaluate("input => input.scrollWidth <= input.clientWidth"), width
    # Activate is the page's one action: it looks like one.
    expect(page.get_by_role("button", name="Activate")).to_have_class("btn btn-primary")
    witness.collect("TOTP set-up")
    assert witness.found == []

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"totp-activate-{width}-{scheme}.png"), full_page=True)
    context.close()


def test_other_pages_still_refuse_data_images(browser, live_server, people):
    context = browser.new_context()
    page = context.new_page()
    witness = Witness(page)
    response = page.goto(f"{live_server.url}/")
    assert "data:" not in response.headers["content-security-policy"]
    page.evaluate(
        "() => { const i = new Image(); i.src = 'data:image/gif;base64,"
        "R0lGODlhAQABAAAAACw='; document.body.append(i); }"
    )
    witness.collect("injected data: image")
    context.close()
    assert any("img-src" in violation for violation in witness.found), witness.found
