"""Query counts as a page is served: cold, fresh and cached (README "Caching")."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.caching import clear_local


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def cold_fresh_cached(client, url, settings) -> tuple[int, int, int]:
    """The queries of a page rendered with every cache empty, then with the page cache
    off (memo and fragments warm), then served from the page cache."""
    cache.clear()
    clear_local()
    settings.PAGE_CACHE_SECONDS = 0
    cold = queries_of(client, url)
    fresh = queries_of(client, url)
    settings.PAGE_CACHE_SECONDS = 60
    client.get(url)  # stored
    return cold, fresh, queries_of(client, url)
