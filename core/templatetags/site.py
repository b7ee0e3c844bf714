"""Template helpers used on every page (loaded as builtins)."""

from __future__ import annotations

import hashlib

from django import template
from django.core.cache import cache
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


class SharedNode(template.Node):
    def __init__(self, nodelist, parts, structure):
        self.nodelist, self.parts, self.structure = nodelist, parts, structure

    def render(self, context) -> str:
        from core.page_cache import enabled, fragment_key

        request = context.get("request")
        values = [part.resolve(context) for part in self.parts]
        if request is None or not enabled() or None in values:
            return self.nodelist.render(context)
        values.append(_for_cache(request))
        key = fragment_key(request, "|".join(map(str, values)), structure=self.structure)
        return _stored_render(key, self.nodelist, context, request)


def _stored_render(key: str, nodelist, context, request) -> SafeString:
    """The fragment cached under `key`, or rendered and cached. The live values it holds
    placeholders for ({% live %}) are kept with it, and given again to each response
    that shows it (core.page_cache.live_value)."""
    stored = cache.get(key)
    if stored is None:
        outer = request.__dict__.pop("live_known", None) if request is not None else None
        html = nodelist.render(context)
        known = request.__dict__.pop("live_known", {}) if request is not None else {}
        if request is not None:
            request.live_known = {**(outer or {}), **known}
        stored = (html, known)
        cache.set(key, stored, template_settings().PAGE_CACHE_SECONDS)
    html, known = stored
    if known:
        request.__dict__.setdefault("live_known", {}).update(known)
    return mark_safe(html)  # noqa: S308 - rendered by this template just now or earlier


def _for_cache(request) -> bool:
    """Whether this rendering is for the page cache: then a fragment holds placeholders
    ({% live %}) where another rendering holds the values, and the two are kept apart."""
    return getattr(request, "page_cache_placeholders", False)


def template_settings():
    from django.conf import settings

    return settings


@register.tag
def shared(parser, token):
    """{% shared "name" value… %}…{% endshared %}: a fragment that is the same for every
    viewer, rendered once per content generation (see core/page_cache.py) for each set
    of values. Querysets used only inside it are lazy, so a cached fragment costs no
    query. Never put a CSRF token, a nonce or anything about the viewer inside. A value
    of None renders without the cache (e.g. for free-text searches).

    Ending with the word `structure`, it is kept through votes and comments, until
    the next other write: for fragments that show no count and no ranking."""
    bits = token.split_contents()[1:]
    structure = bits[-1] == "structure"
    parts = [parser.compile_filter(bit) for bit in bits[: -1 if structure else None]]
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(nodelist, parts, structure)


class MemoNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist, self.parts = nodelist, parts

    def render(self, context) -> str:
        from core.page_cache import enabled

        if not enabled():
            return self.nodelist.render(context)
        for_cache = _for_cache(context.get("request"))
        values = repr([for_cache, *(part.resolve(context) for part in self.parts)])
        key = f"memo:{hashlib.sha256(values.encode()).hexdigest()}"
        return _stored_render(key, self.nodelist, context, context.get("request"))


@register.tag
def memo(parser, token):
    """{% memo "name" value… %}…{% endmemo %}: a fragment cached under its values alone.

    List every value the fragment shows: the key is all there is to tell one rendering
    from another, so no write needs to invalidate it (a collab card keeps its cached
    HTML through a vote on another collab). Never put a CSRF token, a nonce or anything
    about the viewer inside, unless it is one of the values."""
    parts = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, parts)


class ViewerSlotNode(template.Node):
    def __init__(self, nodelist, name, obj):
        self.nodelist, self.name, self.obj = nodelist, name, obj

    def render(self, context) -> str:
        from core.viewer_slots import render_slot

        obj = self.obj.resolve(context) if self.obj is not None else None
        html = render_slot(
            context.get("request"), self.name, obj, lambda: self.nodelist.render(context)
        )
        return mark_safe(html)  # noqa: S308 - rendered by this template, or a marker


@register.tag
def viewer_slot(parser, token):
    """{% viewer_slot "kind" object %}…{% endviewer_slot %}: a part of the page that
    depends on the member viewing it (see core/viewer_slots.py). Renders its content as
    usual, except while core.page_cache renders a page shared by all members."""
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            '{% viewer_slot "kind" [object] %} takes a quoted kind and an optional object.'
        )
    obj = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    nodelist = parser.parse(("endviewer_slot",))
    parser.delete_first_token()
    return ViewerSlotNode(nodelist, bits[1][1:-1], obj)


@register.simple_tag(takes_context=True)
def live(context, name: str, key, value, form: str = "n") -> str:
    """{% live "votes" collab.pk collab.vote_count %}: `value`, which changes with writes
    a cached page does not depend on; a cached page gets it filled in per response, as it
    is then (core.page_cache.LIVE_VALUES). `key` is a slug or an id. With form "s", the
    plural ending the value calls for ("vote{% live … "s" %}")."""
    from core.page_cache import live_value

    return live_value(context.get("request"), name, key, value, form)


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
