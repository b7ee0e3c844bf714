"""The collab admin at a laptop's 1280 px: the credits inline fits, or scrolls inside itself.

Screenshots go to SHOTS_DIR (default /tmp/shots/a11y) for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.test_csp import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/a11y"))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_credits_inline_fits_the_collab_admin_at_1280px(browser, live_server, people, theme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
    page = context.new_page()
    log_in(page, live_server.url, people.editor.username, people.editor.totp_secret)
    url = reverse("admin:collabs_collab_change", args=[people.collab.pk])
    response = page.goto(f"{live_server.url}{url}")
    assert response is not None and response.status == 200
    credits = page.locator("#credits-group")
    credits.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    credits.screenshot(path=SHOTS / f"admin-credits-1280-{theme}.png")
    page.screenshot(path=SHOTS / f"admin-collab-1280-{theme}.png", full_page=True)

    # Nothing sticks out of the page: no sideways scroll for the whole page…
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # …and every column of the credits table, with its "delete" box, can be seen: either
    # it fits, or its own wrapper scrolls to it.
    fits = page.evaluate(
        """() => {
          const table = document.querySelector('#credits-group table');
          const box = table.closest('.tabular') || table.parentElement;
          const last = table.querySelector('thead th:last-child').getBoundingClientRect();
          const edge = box.getBoundingClientRect().right;
          const scrolls = box.scrollWidth > box.clientWidth
            && getComputedStyle(box).overflowX !== 'visible';
          return {fits: last.right <= edge + 1, scrolls, right: last.right, edge};
        }"""
    )
    assert fits["fits"], fits
    for name in ("artist", "credited_as", "join_phrase", "role"):
        field = page.locator(f"#id_credits-0-{name}")
        if field.count():
            box = field.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1280, name
    # Narrower, the table scrolls inside its own box, the page does not.
    page.set_viewport_size({"width": 900, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 900
    box = page.locator("#credits-group .tabular")
    assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
    context.close()
