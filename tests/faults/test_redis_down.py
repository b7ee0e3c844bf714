"""Redis down or unreachable: pages still answer, members still log in, limits fail safely.

Two ways to lose Redis: a cache pointed at a closed port (127.0.0.1:9) from the
start, and a real redis-server killed in the middle of a member's visit.
"""

from __future__ import annotations

import logging

import pytest
import redis
from allauth.account.models import EmailAddress
from django.core.cache import cache

from core import ratelimit
from core.cache import strict_cache
from tests.conftest import PASSWORD
from tests.pages import PAGES, get

pytestmark = pytest.mark.django_db


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "crossover-fault-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_after": 0},
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


CLOSED_PORT = redis_cache("redis://127.0.0.1:9/0")


def test_every_cache_operation_degrades_to_a_miss_and_is_logged(settings, caplog):
    settings.CACHES = CLOSED_PORT
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("k") is None
        assert cache.get("k", "fallback") == "fallback"
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is True  # see core/cache.py: locks fail open
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1}) == []
        assert cache.has_key("k") is False
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        cache.delete_many(["a"])
        assert cache.get_or_set("k", 5) == 5
        with pytest.raises(ValueError):
            cache.incr("k")
    assert caplog.records and all("cache unavailable" in r.message for r in caplog.records)


def test_after_a_failure_redis_is_skipped_for_a_while(settings, caplog):
    settings.CACHES = redis_cache("redis://127.0.0.1:9/0")
    settings.CACHES["default"]["OPTIONS"]["retry_after"] = 60
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(10):
            cache.get("k")
    assert len(caplog.records) == 1


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_page_answers_with_the_cache_unreachable(page, client, people, settings):
    settings.CACHES = CLOSED_PORT
    response = get(page, client, people)
    if page.name == "healthz":
        # It says what is wrong, so the load balancer knows.
        assert response.status_code == 503
        assert response.json()["problems"] == ["cache not answering"]
    else:
        assert response.status_code == page.status


def log_in(client, username: str):
    return client.post("/accounts/login/", {"login": username, "password": PASSWORD})


def test_members_log_in_with_the_cache_unreachable(client, member, settings):
    settings.CACHES = CLOSED_PORT
    response = log_in(client, member.username)
    assert response.status_code == 302
    # The session lives in the database (cached_db), so the next request knows them.
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert member.username in response.text


def test_redis_stopped_mid_visit(client, member, redis_server, settings, caplog):
    settings.CACHES = redis_cache(redis_server.url)
    cache.set("alive", "yes")
    assert cache.get("alive") == "yes"
    assert log_in(client, member.username).status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    ratelimit.hit("comment", member.pk, limit=5, period=60)

    redis_server.stop()

    with caplog.at_level(logging.WARNING, logger="core.cache"):
        # Still logged in: the session is read back from the database.
        response = client.get("/accounts/profile/")
        assert response.status_code == 200
        assert member.username in response.text
        assert client.get("/").status_code == 200
        assert client.get(f"/u/{member.username}/").status_code == 200
        # Logging out and in again works too.
        client.post("/accounts/logout/")
        assert log_in(client, member.username).status_code == 302
        assert client.get("/accounts/profile/").status_code == 200
        # A limited action cannot be counted: refused, not let through.
        with pytest.raises(ratelimit.RateLimitUnavailable):
            ratelimit.hit("comment", member.pk, limit=5, period=60)
        assert client.get("/healthz").status_code == 503
    assert any("cache unavailable" in r.message for r in caplog.records)
    # The database was never touched by the outage.
    assert EmailAddress.objects.filter(user=member, verified=True).exists()


def test_strict_cache_raises_where_the_resilient_one_bypasses(settings):
    settings.CACHES = CLOSED_PORT
    strict = strict_cache()
    assert strict.key_prefix == "crossover-fault-test"
    with pytest.raises(redis.exceptions.ConnectionError):
        strict.get("k")
    assert cache.get("k") is None
