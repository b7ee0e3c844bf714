"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Chromium is found at CHROMIUM_PATH (default /usr/bin/chromium). Where it is
missing the tests skip with that reason, except under CI (CI=true), where a
missing browser is a failure: CI must run them.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but {CHROMIUM} does not exist.")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def no_js_context(browser, live_server):
    """A browser context with JavaScript switched off, to prove the plain-HTML fallbacks."""
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    yield context
    context.close()


@pytest.fixture
def login(live_server):
    """Log a page in as a member through the real login form."""

    def do_login(page, username: str, password: str = "correct-horse-battery") -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username or email").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    return do_login


@pytest.fixture(scope="session")
def base_url():
    """Shadow pytest-playwright's fallback `base_url` fixture.

    Without pytest-base-url installed, pytest-playwright 0.10 defines base_url as a
    session fixture on a plugin instance, which pytest 9 refuses
    (PytestRemovedIn10Warning is an error). The tests pass live_server URLs anyway.
    """
    return None
