"""Production responses against the Mozilla HTTP Observatory's rules, checked offline.

The security settings are the ones config/settings.py produces with
DJANGO_DEBUG=0 (the module is executed afresh with a production environment), so
this test follows the real configuration rather than a copy of it. Every page
type in tests/pages.py is requested over HTTPS as its viewer and each response
is held to the rules below; a new page is one line in that table.

Rules (https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring):
CSP without unsafe-inline/unsafe-eval and with default-src, frame-ancestors,
base-uri, object-src and form-action locked down; HSTS of at least a year with
includeSubDomains; HTTP redirected to HTTPS on the same host; nosniff; a
Referrer-Policy that does not leak paths cross-origin; X-Frame-Options DENY;
Cross-Origin-Opener-Policy; every cookie Secure with SameSite, the session's
HttpOnly; no wildcard CORS; scripts only from our own origin, each with the nonce.
"""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from tests.conftest import PASSWORD
from tests.pages import PAGES, get

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "crossover.example,testserver",
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_CSP",
]
ONE_YEAR = 365 * 24 * 3600
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def production_security_settings() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | PRODUCTION_ENV
    with mock.patch.dict(os.environ, env, clear=True):
        module = runpy.run_path(str(ROOT / "config" / "settings.py"))
    return {name: module[name] for name in SECURITY_SETTINGS}


@pytest.fixture
def production(settings):
    for name, value in production_security_settings().items():
        setattr(settings, name, value)
    assert settings.DEBUG is False
    return settings


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def check_observatory_rules(response) -> None:
    headers = response.headers

    csp = parse_csp(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    for source in csp.get("script-src", []):
        assert source in {"'self'"} or source.startswith("'nonce-"), source
    for directive, sources in csp.items():
        assert "'unsafe-inline'" not in sources, directive
        assert "'unsafe-eval'" not in sources, directive
        assert not {"*", "http:", "https:", "data:"} & set(sources), directive
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]

    hsts = dict(
        (item.split("=") + [True])[:2]
        for item in re.split(r";\s*", headers["Strict-Transport-Security"])
    )
    assert int(hsts["max-age"]) >= ONE_YEAR
    assert "includeSubDomains" in hsts

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in SAFE_REFERRER_POLICIES
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers.get("Access-Control-Allow-Origin", "") != "*"

    for name, cookie in response.cookies.items():
        if cookie["max-age"] == 0:
            # Django deletes cookies (the session's, on log-out) without the Secure
            # flag; an expired, empty cookie carries nothing to protect.
            continue
        assert cookie["secure"], name
        assert cookie["samesite"] in {"Lax", "Strict"}, name

    if headers.get("Content-Type", "").startswith("text/html") and response.content:
        html = response.content.decode()
        # The nonce is only minted when a template used it (htmx fragments have no scripts).
        nonces = [v for v in csp["script-src"] if v.startswith("'nonce-")]
        nonce = nonces[0].removeprefix("'nonce-").rstrip("'") if nonces else None
        scripts = re.findall(r"<script\b[^>]*>", html)
        for tag in scripts:
            src = re.search(r'src="([^"]+)"', tag)
            if src:
                # Our own origin only ('self'); no third-party script needs SRI.
                assert src.group(1).startswith("/") and not src.group(1).startswith("//"), tag
            else:
                # Inline scripts run only with the nonce (JSON data blocks never run).
                assert (nonce and f'nonce="{nonce}"' in tag) or 'type="application/json"' in tag, (
                    tag
                )
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"
        assert "hx-on" not in html
        assert " style=" not in html, "inline style attribute"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_meets_the_observatory_rules(page, client, people, production):
    response = get(page, client, people, secure=True)
    assert response.status_code == page.status
    check_observatory_rules(response)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_plain_http_is_redirected_to_https_on_the_same_host(page, client, people, production):
    response = client.get(page.path(people), headers=page.headers)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{page.path(people)}"


def test_log_in_sets_only_secure_cookies_and_an_httponly_session(client, member, production):
    response = client.get("/accounts/login/", secure=True)
    assert response.cookies["csrftoken"]["secure"]
    response = client.post(
        "/accounts/login/", {"login": member.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    check_observatory_rules(response)
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    # A message (stored in a cookie or the session) obeys the same rules.
    response = client.post("/accounts/logout/", secure=True)
    check_observatory_rules(response)


def test_htmx_never_evaluates_code_and_injects_no_styles(client):
    html = client.get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html).group(1)
    assert '"allowEval": false' in config
    assert '"allowScriptTags": false' in config
    assert '"includeIndicatorStyles": false' in config


def test_manage_py_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | PRODUCTION_ENV
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
