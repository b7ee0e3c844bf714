"""Cover art and artist photos, with generated placeholders that need no download."""

from __future__ import annotations

import hashlib
import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

SIZES = {"list": 360, "detail": 720}

# Gradient pairs in the site's lightstick palette; a slug's hash picks one, so a
# collab keeps its colours everywhere it appears.
GRADIENTS = [
    ("#ff2d8d", "#7c3aed"),
    ("#b03aed", "#4f7cff"),
    ("#ff7a59", "#e6007e"),
    ("#00b3c7", "#4f46e5"),
    ("#f43f5e", "#a21caf"),
    ("#ec4899", "#f59e0b"),
    ("#6366f1", "#06b6d4"),
    ("#8b5cf6", "#ec4899"),
    ("#0ea5e9", "#14b8a6"),
    ("#e11d48", "#7c3aed"),
]


def _colours(seed: str) -> tuple[str, str]:
    digest = hashlib.sha256(seed.encode()).digest()
    start, end = GRADIENTS[digest[0] % len(GRADIENTS)]
    return (end, start) if digest[1] % 2 else (start, end)


def _initials(name: str) -> str:
    words = [w for w in name.replace("&", " ").split() if any(ch.isalnum() for ch in w)]
    letters = [next(ch for ch in w if ch.isalnum()) for w in words[:2]]
    return "".join(letters).upper() or "♪"


def _placeholder(*, seed: str, text: str, css_class: str, shape: str) -> SafeString:
    """An inline SVG: a gradient from the seed's hash and the initials. Presentation
    attributes only, since the CSP allows no style attributes."""
    first, second = _colours(seed)
    gradient_id = f"g{uuid.uuid4().hex[:10]}"
    if shape == "circle":
        backdrop = format_html('<circle cx="50" cy="50" r="50" fill="url(#{})"/>', gradient_id)
    else:
        backdrop = format_html(
            '<rect width="100" height="100" fill="url(#{})"/>'
            '<circle cx="84" cy="18" r="30" fill="#ffffff" fill-opacity="0.14"/>'
            '<circle cx="8" cy="96" r="26" fill="#000000" fill-opacity="0.10"/>',
            gradient_id,
        )
    font_size = 34 if len(text) > 1 else 44
    return format_html(
        '<svg class="{} placeholder" viewBox="0 0 100 100" preserveAspectRatio="xMidYMid slice" '
        'aria-hidden="true" focusable="false">'
        '<defs><linearGradient id="{}" x1="0" y1="0" x2="1" y2="1">'
        '<stop offset="0" stop-color="{}"/><stop offset="1" stop-color="{}"/>'
        "</linearGradient></defs>{}"
        '<text x="50" y="50" dy="0.35em" text-anchor="middle" font-size="{}" font-weight="800" '
        'fill="#ffffff" font-family="system-ui, sans-serif" letter-spacing="1">{}</text></svg>',
        css_class,
        gradient_id,
        first,
        second,
        backdrop,
        font_size,
        text,
    )


@register.simple_tag
def cover(collab, size: str = "list", css_class: str = "cover") -> SafeString:
    """A collab's cover art at one rendition, or its generated placeholder."""
    image = collab.cover_detail if size == "detail" else collab.cover_list
    if image:
        px = SIZES.get(size, SIZES["list"])
        return format_html(
            '<img class="{}" src="{}" width="{}" height="{}" alt="Cover art of {}" '
            'loading="lazy" decoding="async">',
            css_class,
            image.url,
            px,
            px,
            collab.title,
        )
    return _placeholder(
        seed=collab.slug, text=_initials(collab.title), css_class=css_class, shape="square"
    )


@register.simple_tag
def artist_photo(artist, size: str = "list", css_class: str = "artist-photo") -> SafeString:
    image = artist.photo_detail if size == "detail" else artist.photo_list
    if image:
        px = 640 if size == "detail" else 240
        return format_html(
            '<img class="{}" src="{}" width="{}" height="{}" alt="Photo of {}" '
            'loading="lazy" decoding="async">',
            css_class,
            image.url,
            px,
            px,
            artist.name,
        )
    return _placeholder(
        seed=artist.slug, text=_initials(artist.name), css_class=css_class, shape="circle"
    )


@register.filter
def ranked(collabs, count: str = "vote_count"):
    """{% for collab in collabs|ranked:"vote_count" %}: each with its `place`, shared by
    ties (collabs.models.ranked). Evaluated where the loop runs, so a cached fragment
    around it still costs no query."""
    from collabs.models import ranked as place

    return place(collabs, count)
