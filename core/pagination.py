"""Forgiving pagination: page 0, a page past the end or "abc" shows a real page, never a 500."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(object_list, number: str | None, *, per_page: int) -> Page:
    paginator = Paginator(object_list, per_page)
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    return paginator.page(min(max(wanted, 1), paginator.num_pages))
