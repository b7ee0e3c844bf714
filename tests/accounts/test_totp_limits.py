"""The TOTP step of logging in: wrong codes limited in the database, 429 over the limit.

Issue 12, item 7: the TOTP lock-out answered 200 with a form error; it is the site's 429
page now, with a Retry-After that is the real wait. (Redis down: tests/faults/.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import Attempt, UsedTOTPCode
from tests.factories import MemberFactory
from tests.faults.test_redis_down_logins import (
    TWO_FACTOR,
    current_code,
    password_step,
    wrong_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def test_the_sixth_wrong_code_is_a_429_saying_when_to_retry(client, editor, clock):
    password_step(client, editor)
    for _ in range(4):
        assert client.post(TWO_FACTOR, {"code": wrong_code(editor.totp_secret)}).status_code == 200
    clock.shift(timedelta(seconds=100))
    assert client.post(TWO_FACTOR, {"code": wrong_code(editor.totp_secret)}).status_code == 200
    response = client.post(TWO_FACTOR, {"code": current_code(editor.totp_secret)})
    assert response.status_code == 429
    # The first wrong code leaves the five-minute window 200 s from now.
    assert response["Retry-After"] == "200"
    assert "Too many wrong codes for this account or from your network." in response.text
    assert "Try again in 200 seconds" in response.text or "Try again in 4 minutes" in response.text

    clock.shift(timedelta(seconds=200))
    response = client.post(TWO_FACTOR, {"code": current_code(editor.totp_secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_right_code_does_not_count_and_is_remembered_as_used(client, editor, clock):
    password_step(client, editor)
    assert client.post(TWO_FACTOR, {"code": current_code(editor.totp_secret)}).status_code == 302
    assert not Attempt.objects.filter(scope="totp_failed").exists()
    assert UsedTOTPCode.objects.filter(user=editor).count() == 1


def test_wrong_codes_from_one_network_are_limited_across_accounts(client, editor, clock):
    others = []
    for n in range(3):
        other = MemberFactory(username=f"desk{n}", is_staff=True)
        other.totp_secret = generate_totp_secret()
        TOTP.activate(other, other.totp_secret)
        others.append(other)
    tries = 0
    for other in others:
        client.post("/accounts/logout/")
        password_step(client, other)
        for _ in range(4):
            response = client.post(TWO_FACTOR, {"code": wrong_code(other.totp_secret)})
            tries += 1
            if tries <= 10:
                assert response.status_code == 200
            else:
                assert response.status_code == 429
                return
    pytest.fail("the network limit never applied")


def test_reauthenticating_with_a_code_has_the_same_guards(client, editor, clock):
    client.force_login(editor)
    url = "/accounts/2fa/reauthenticate/"
    assert client.get(url).status_code == 200
    for _ in range(5):
        response = client.post(url, {"code": wrong_code(editor.totp_secret)})
        assert response.status_code == 200
        assert "Incorrect code" in response.text
    assert client.post(url, {"code": current_code(editor.totp_secret)}).status_code == 429
    clock.shift(timedelta(minutes=5))
    code = current_code(editor.totp_secret)
    assert client.post(url, {"code": code}).status_code == 302
    # The same code a second time is a replay.
    assert "Incorrect code" in client.post(url, {"code": code}).text
