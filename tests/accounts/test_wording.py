"""allauth's pages use the site's words: "Log in" and "Sign up", as the header does.

Issue 13, item 8: allauth's pages said "Sign In" / "Sign Up" under a header saying
"Log in" / "Sign up", and refused a reserved username with "Username can not be used.
Please use other username." The words come from accounts/locale/en (a translation
catalogue), so allauth's content templates stay untouched.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def buttons(page: str) -> list[str]:
    found = re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", b)).split()) for b in found]


def test_login_page_says_log_in(client):
    page = client.get(reverse("account_login")).text
    assert "Log in" in buttons(page)
    assert "Sign In" not in page
    assert re.search(r"<title>\s*Log in", page)


def test_signup_page_says_sign_up(client):
    page = client.get(reverse("account_signup")).text
    assert "Sign up" in buttons(page)
    assert "Sign Up" not in page
    assert "log in</a>" in page


def test_the_code_step_says_log_in(client, editor):
    client.post(reverse("account_login"), {"login": editor.username, "password": PASSWORD})
    page = client.get("/accounts/2fa/authenticate/").text
    assert "Log in" in buttons(page)
    assert "Sign In" not in page


def test_logout_page_says_log_out(member_client):
    page = member_client.get(reverse("account_logout")).text
    assert "Log out" in buttons(page)
    assert "Sign Out" not in page and "sign out" not in page


def test_a_reserved_username_is_refused_in_a_human_sentence(client):
    response = client.post(
        reverse("account_signup"),
        {"username": "admin", "email": "a@example.com", "password1": "x", "password2": "x"},
    )
    page = html.unescape(response.text)
    assert "Username can not be used" not in page
    assert "That username is kept for the site and its staff" in page


def test_two_factor_set_up_page_speaks_in_sentence_case(client, member):
    """Its heading and title were allauth's "Activate Authenticator App" in Title Case."""
    client.force_login(member)
    # allauth asks for the password again first, then shows the set-up page.
    asked = client.get(reverse("mfa_activate_totp"))
    response = client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    page = response.text
    assert re.search(r"<h1[^>]*>\s*Set up an authenticator app\s*</h1>", page)
    assert "Authenticator App" not in page
