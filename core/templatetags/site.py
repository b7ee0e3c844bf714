"""Template helpers used on every page (loaded as builtins)."""

from __future__ import annotations

import hashlib

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

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


@register.simple_tag
def hole(kind: str, *parts) -> str:
    """{% hole "votes" collab.pk %}: a part of the page that is each viewer's own or moves
    with every vote, filled in per response (core/caching.py, settings.CACHING_HOLES).
    Extra parts join the key with spaces: {% hole "votes" collab.pk "s" %}."""
    from core.caching import hole as marker

    return marker(kind, " ".join(str(part) for part in parts))


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.simple_tag
def absolute(path: str) -> str:
    """`path` on the site's public address (SITE_URL): canonical links, Open Graph URLs."""
    return absolute_url(path)


@register.filter
def ago(value) -> str:
    """ "5 minutes ago", or "just now" for anything under a minute (never "0 minutes ago")."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value)} ago"


class CaptureNode(template.Node):
    # Blocks inside stay overridable by child templates ({% extends %} finds them here).
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        # Rendered (so escaped) already; only the whitespace is tidied for an attribute.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """{% capture "name" %}…{% endcapture %}: render the inside (blocks included) into the
    context variable `name` instead of the page. base.html captures each page's title,
    description and address once, and includes/meta.html writes every tag from them."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture %} takes one name.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1].strip("\"'"))


@register.simple_tag
def site_name() -> str:
    """settings.SITE_NAME: what the site calls itself in titles, tags and mail."""
    from django.conf import settings

    return settings.SITE_NAME
