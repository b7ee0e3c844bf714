"""allauth's rate limits: on, kept in the shared cache, keyed on the real client address.

Failed logins are limited per account (5 in 5 minutes) and per IP (10 a
minute). The client IP is REMOTE_ADDR, or, behind DJANGO_TRUSTED_PROXY_COUNT
proxies, the address the outermost trusted proxy saw: whatever a client writes
in X-Forwarded-For cannot give it a fresh limit.
"""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache, caches

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def fail_login(client, login: str, remote_addr: str = "127.0.0.1", **headers):
    return client.post(
        "/accounts/login/",
        {"login": login, "password": "wrong-password"},
        headers=headers,
        REMOTE_ADDR=remote_addr,
    )


def assert_locked_out(response):
    assert response.status_code == 429
    # The real wait: until the oldest counted failure leaves its window (1 or 5 minutes).
    assert 0 < int(response["Retry-After"]) <= 300
    assert "Try again in" in response.text
    assert "Too many failed log-in attempts" in response.text
    assert 'class="site-header"' in response.text


@pytest.mark.parametrize("proxies", [0, 1])
def test_sixth_failed_login_for_one_account_is_refused(client, member, settings, proxies):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    for attempt in range(5):
        # A new address each time, as a botnet (or a spoofed header) would bring.
        xff = f"198.51.100.{attempt}"
        response = fail_login(client, member.username, X_Forwarded_For=xff)
        assert response.status_code == 200
        assert "not correct" in response.text
    assert_locked_out(fail_login(client, member.username, X_Forwarded_For="203.0.113.99"))
    # By email too: the key is the account, not the spelling.
    assert_locked_out(fail_login(client, member.username.upper()))
    # Even the right password is refused until the window has passed.
    response = client.post(
        "/accounts/login/", {"login": member.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 429


def test_eleventh_failed_login_from_one_address_is_refused(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        # Different accounts, and a client-invented X-Forwarded-For each time.
        response = fail_login(client, f"nobody{n}", X_Forwarded_For=f"192.0.2.{n}")
        assert response.status_code == 200
    assert_locked_out(fail_login(client, "nobody99", X_Forwarded_For="192.0.2.200"))
    # The limit is per address: someone else is not affected.
    other = fail_login(client, "nobody100", remote_addr="10.9.9.9")
    assert other.status_code == 200


def test_behind_one_proxy_the_client_cannot_spoof_its_way_to_a_new_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The client sends its own X-Forwarded-For; our proxy appends the real address.
    for n in range(10):
        xff = f"192.0.2.{n}, 203.0.113.7"
        assert fail_login(client, f"nobody{n}", X_Forwarded_For=xff).status_code == 200
    assert_locked_out(fail_login(client, "nobody99", X_Forwarded_For="10.0.0.1, 203.0.113.7"))
    # Another real client behind the same proxy still gets in.
    assert fail_login(client, "nobody", X_Forwarded_For="203.0.113.8").status_code == 200


def test_a_successful_login_does_not_reset_the_count(client, settings):
    member = MemberFactory()
    for _ in range(4):
        fail_login(client, member.username)
    client.post("/accounts/login/", {"login": member.username, "password": "correct-horse-battery"})
    client.post("/accounts/logout/")
    fail_login(client, member.username)
    assert_locked_out(fail_login(client, member.username))


def test_admin_login_has_the_same_limits(client, editor):
    for _ in range(5):
        fail_login(client, editor.username)
    response = client.get("/admin/login/")
    assert response["Location"].startswith("/accounts/login/")
    assert_locked_out(fail_login(client, editor.username))


def test_limits_are_kept_in_the_shared_cache(client, member, settings, redis_server):
    """With REDIS_URL set the counts live in Redis, so every app server shares them."""
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": redis_server.url}
    }
    for _ in range(5):
        fail_login(client, member.username)
    keys = redis.Redis.from_url(redis_server.url).keys("*allauth:rl:*:login_failed:*")
    assert len(keys) == 2  # per IP and per account
    # A second app server is another process with its own connection to Redis.
    caches.close_all()
    del caches["default"]
    assert_locked_out(fail_login(client, member.username))
    cache.clear()  # what flushing Redis looks like: allauth's counts start again,
    # but the same limits are counted in the database too (accounts.attempts).
    assert_locked_out(fail_login(client, member.username))


def test_signup_is_limited_per_address_with_the_site_429_page(client):
    for n in range(20):
        client.post("/accounts/signup/", {"username": f"x{n}"})
    response = client.post("/accounts/signup/", {"username": "x99"})
    assert response.status_code == 429
    assert "Slow down a little" in response.text
    assert 'class="site-header"' in response.text


def test_a_login_longer_than_any_account_is_refused_before_any_work(client):
    """allauth's login field (username or email) had no length: a 2 MB "username" cost
    seconds of look-alike folding and hashing per request, before any limit was checked."""
    from accounts.models import Attempt

    response = client.post("/accounts/login/", {"login": "a" * 2_000_000, "password": "x"})
    assert response.status_code == 200
    assert "at most 254 characters" in response.text
    assert not Attempt.objects.exists()
    assert 'maxlength="254"' in client.get("/accounts/login/").text
