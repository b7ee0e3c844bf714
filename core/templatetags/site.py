"""Template helpers used on every page (loaded as builtins)."""

from __future__ import annotations

import hashlib

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.markdown import render_markdown
from core.urls import absolute_url

register = template.Library()

AVATAR_COLOURS = ["#e6007e", "#7c3aed", "#0ea5e9", "#14b8a6", "#f59e0b", "#ef4444", "#6366f1"]


@register.simple_tag
def avatar(user, size: int = 48, css_class: str = "avatar") -> SafeString:
    """The member's avatar, or a generated one: their initial on a colour from their name."""
    name = getattr(user, "public_name", None) or getattr(user, "username", "") or "?"
    if getattr(user, "avatar", None):
        return format_html(
            '<img class="{}" src="{}" width="{}" height="{}" alt="" loading="lazy">',
            css_class,
            user.avatar.url,
            size,
            size,
        )
    digest = hashlib.sha256((user.username or "").encode()).digest()
    colour = AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]
    return format_html(
        '<svg class="{} avatar-default" width="{}" height="{}" viewBox="0 0 40 40" '
        'aria-hidden="true" focusable="false">'
        '<circle cx="20" cy="20" r="20" fill="{}"/>'
        '<text x="20" y="26" text-anchor="middle" font-size="18" font-weight="700" '
        'fill="#fff" font-family="system-ui, sans-serif">{}</text></svg>',
        css_class,
        size,
        size,
        colour,
        name[:1].upper(),
    )


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.simple_tag
def absolute(path: str) -> str:
    """`path` on the site's public address (SITE_URL): canonical links, Open Graph URLs."""
    return absolute_url(path)
