"""Account enumeration: sign-up and password reset answer alike for known and unknown emails."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-and-unusual-passphrase-42"


def visible_text(response) -> str:
    """The page as a person reads it: no tokens, nonces or per-request noise."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(html.split())


def reset(client, email: str):
    return client.post("/accounts/password/reset/", {"email": email}, follow=True)


def test_password_reset_answers_alike_for_known_and_unknown_emails(client, member):
    known = reset(client, member.email)
    unknown = reset(client, "nobody-here@example.com")
    assert known.status_code == unknown.status_code == 200
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/done/", 302)]
    )
    assert visible_text(known) == visible_text(unknown)
    # The difference is only in the mailboxes, which belong to the address owners.
    assert [m.to for m in mail.outbox] == [[member.email], ["nobody-here@example.com"]]
    assert "reset" in mail.outbox[0].body.lower()
    assert "not" in mail.outbox[1].body.lower()


def sign_up(client, username: str, email: str):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def test_sign_up_answers_alike_for_known_and_unknown_emails(client, member):
    taken = sign_up(client, "newcomer1", member.email)
    client.logout()
    fresh = sign_up(client, "newcomer2", "newcomer2@example.com")
    assert taken.status_code == fresh.status_code == 200
    assert taken.redirect_chain == fresh.redirect_chain
    assert taken.redirect_chain[-1][0] == "/accounts/confirm-email/"
    # Each page names the address it was given, and otherwise says the same.
    assert "Confirmation email sent to" in visible_text(fresh)
    assert visible_text(taken).replace(member.email, "EMAIL") == visible_text(fresh).replace(
        "newcomer2@example.com", "EMAIL"
    )
    # The owner of the taken address is told someone tried; no second account exists.
    assert member.email in [m.to[0] for m in mail.outbox]
    assert not type(member).objects.filter(username="newcomer1").exists()
