"""Forgiving pagination that says what it did: a page number that is not one ("abc", 0,
-1) shows the first page, one past the end (however large, even past a bigint) the last
page, each with a note the page shows (`page.note`); never a 500, never a silent swap."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

# No list has a trillion pages: a longer number is simply past the last page, and never
# reaches a query (an offset past a bigint, or SQLite's 64-bit integer, fails there).
MAX_DIGITS = 12
PAST_THE_END = 10**MAX_DIGITS


def shown(raw: str) -> str:
    """A value from the URL as a note may quote it: short, control characters replaced."""
    text = "".join(c if c.isprintable() else "\ufffd" for c in raw)
    return text if len(text) <= 24 else f"{text[:20]}…"


def requested_page(raw: str | None) -> tuple[int, str]:
    """(the page number asked for, what was wrong with it). Nothing asked for is page 1,
    without a note; anything but a positive whole number is page 1, with a note. A number
    with too many digits comes back as PAST_THE_END."""
    if raw is None or raw == "":
        return 1, ""
    if raw.isascii() and raw.isdigit():
        digits = raw.lstrip("0") or "0"
        number = int(digits) if len(digits) <= MAX_DIGITS else PAST_THE_END
        if number >= 1:
            return number, ""
    return 1, f"“{shown(raw)}” is not a page number, so this is the first page."


def past_the_end_note(raw: str | None, last: int) -> str:
    return f"There is no page {shown(raw or '')}: this is the last page, page {last}."


def page_of(object_list, number: str | None, *, per_page: int, count=None) -> Page:
    """The page `number` asks for, or the nearest real one with `page.note` saying why.

    `count`, if given, is a callable that returns the total (e.g. from a cache)."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count()
    wanted, note = requested_page(number)
    if wanted > paginator.num_pages:
        wanted, note = paginator.num_pages, past_the_end_note(number, paginator.num_pages)
    page = paginator.page(wanted)
    page.note = note
    return page
