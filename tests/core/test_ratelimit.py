"""core.ratelimit: our own limits count in the cache, answer 429, and fail closed (503)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from config import urls as site_urls
from core import ratelimit
from core.middleware import RateLimitMiddleware

DEAD_REDIS = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


def test_limit_allows_up_to_the_limit_then_refuses_with_a_wait():
    start = 1_000_000 * 60.0  # the start of a window
    for n in range(5):
        ratelimit.hit("comment", 7, limit=5, period=60, now=start + n)
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("comment", 7, limit=5, period=60, now=start + 10)
    assert 0 < refused.value.retry_after <= 120
    # Another member and another scope have their own counts.
    ratelimit.hit("comment", 8, limit=5, period=60, now=start + 10)
    ratelimit.hit("vote", 7, limit=5, period=60, now=start + 10)
    # Once the window has slid by, the member may act again.
    ratelimit.hit("comment", 7, limit=5, period=60, now=start + 10 + refused.value.retry_after)


def test_no_burst_of_twice_the_limit_across_a_window_boundary():
    start = 1_000_000 * 60.0
    for n in range(5):
        ratelimit.hit("comment", 7, limit=5, period=60, now=start + 55 + n * 0.5)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("comment", 7, limit=5, period=60, now=start + 61)


def test_refused_attempts_do_not_extend_the_wait():
    start = 1_000_000 * 60.0
    for n in range(3):
        ratelimit.hit("comment", 7, limit=3, period=600, now=start + n)
    for _ in range(20):
        with pytest.raises(ratelimit.RateLimited):
            ratelimit.hit("comment", 7, limit=3, period=600, now=start + 5)
    ratelimit.hit("comment", 7, limit=3, period=600, now=start + 1200)


def test_unreachable_cache_means_unavailable_not_unlimited(settings):
    settings.CACHES = DEAD_REDIS
    with pytest.raises(ratelimit.RateLimitUnavailable):
        ratelimit.hit("comment", 7, limit=5, period=60)


@ratelimit.limit("test-action", limit=2, period=60)
def limited_view(request):
    return HttpResponse("done")


urlpatterns = [path("act/", limited_view), *site_urls.urlpatterns]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_limit_decorator_answers_429_then_503_in_the_site_layout(client, member, settings):
    client.force_login(member)
    assert client.post("/act/").status_code == 200
    assert client.post("/act/").status_code == 200
    response = client.post("/act/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Slow down a little" in response.text
    assert f"Try again in {response['Retry-After']} second" in response.text
    assert 'class="site-header"' in response.text
    # Reading is never limited.
    assert client.get("/act/").status_code == 200

    settings.CACHES = DEAD_REDIS
    response = client.post("/act/")
    assert response.status_code == 503
    assert "do that right now" in response.text
    assert "Nothing was saved" in response.text
    assert response["Retry-After"] == "30"


def test_middleware_leaves_other_exceptions_alone():
    middleware = RateLimitMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), ValueError()) is None
