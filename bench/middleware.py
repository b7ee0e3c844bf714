"""The benchmark's cold mode: every cache emptied before each request (bench only).

bench/settings.py puts `ColdCachesMiddleware` first when BENCH_COLD=1, so `make bench`
can measure pages rendered from nothing: before the view runs, every configured cache
alias is cleared (on Redis that empties the whole Redis database REDIS_URL names) and
so is the process-local memo, through `core.caching.clear_local()` when that function
exists. The ceiling (`/__ceiling__/`) is left alone: it is what the pages are compared to.
"""

from __future__ import annotations

from importlib import import_module

from django.core.cache import caches

CEILING_PATH = "/__ceiling__/"


def empty_caches() -> None:
    """Clear every configured cache alias and the process-local memo."""
    for alias in caches:
        caches[alias].clear()
    clear_local = getattr(import_module("core.caching"), "clear_local", None)
    if clear_local is not None:
        clear_local()


class ColdCachesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != CEILING_PATH:
            empty_caches()
        return self.get_response(request)
