"""Forgiving pagination: page 0, a page past the end or "abc" shows a real page, never a 500."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(object_list, number: str | None, *, per_page: int, count=None) -> Page:
    """`count`, if given, is a callable that returns the total (e.g. from a cache)."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count()
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    return paginator.page(min(max(wanted, 1), paginator.num_pages))
