"""Safe Markdown: CommonMark with raw HTML off, no images, output sanitised by nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

from core.caching import kept_in_process

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _parser(*, headings: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.disable("image")
    if not headings:
        md.disable("heading").disable("lheading")
    return md


_EDITORIAL = _parser(headings=True)
_COMMENT = _parser(headings=False)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def render_markdown(text: str, *, headings: bool = True) -> str:
    """Render Markdown source to sanitised HTML, safe to mark_safe()."""
    return _render(text or "", headings)


@kept_in_process(maxsize=512)
def _render(text: str, headings: bool) -> str:
    # Kept by the text itself: an edited text is another key, so nothing is invalidated.
    return sanitise((_EDITORIAL if headings else _COMMENT).render(text))
