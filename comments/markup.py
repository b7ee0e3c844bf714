"""Comment bodies to safe HTML: core.markdown's comment rules plus @mentions linked to profiles."""

from __future__ import annotations

import html
import re

from django.urls import reverse
from django.utils.html import strip_tags
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from core.markdown import sanitise

# Django usernames: letters, digits and @ . + - _; a trailing dot or dash ends a sentence.
MENTION_RE = re.compile(r"(?<![\w.@/+-])@([\w][\w.+-]{0,149})")


def mention_candidates(text: str) -> set[str]:
    """Lower-cased names that look like @mentions in Markdown source (code included)."""
    return {match.rstrip(".-+").lower() for match in MENTION_RE.findall(text or "")}


# An address a reader could follow even where Markdown made no link of it.
BARE_URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S", re.IGNORECASE)


def count_links(text: str) -> int:
    """How many links a comment body carries: Markdown links and autolinks, plus bare URLs
    (not clickable here, as linkify is off, but still what a spammer posts). @mentions are
    not links in the source and are not counted."""
    count = 0
    for block in _COMMENT.parse(text or ""):
        if block.type in ("fence", "code_block"):
            count += len(BARE_URL_RE.findall(block.content))
        inside_link = 0
        for token in block.children or ():
            if token.type == "link_open":
                count += 1
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            elif token.type in ("text", "code_inline") and not inside_link:
                count += len(BARE_URL_RE.findall(token.content))
    return count


def _split_mentions(content: str, known: dict[str, str]) -> list[tuple[str, str | None]]:
    """[(text, username-or-None)]: pieces of a text node, mentions of known members marked."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in MENTION_RE.finditer(content):
        name = match.group(1).rstrip(".-+")
        username = known.get(name.lower())
        if username is None:
            continue
        start, end = match.start(), match.start() + 1 + len(name)
        if start > position:
            pieces.append((content[position:start], None))
        pieces.append((content[start:end], username))
        position = end
    if position < len(content):
        pieces.append((content[position:], None))
    return pieces


def _link_mentions(state: StateCore) -> None:
    known: dict[str, str] = state.env.get("mentions") or {}
    if not known:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type != "text" or inside_link or "@" not in token.content:
                children.append(token)
                continue
            for text, username in _split_mentions(token.content, known):
                if username is None:
                    plain = Token("text", "", 0)
                    plain.content = text
                    children.append(plain)
                    continue
                link_open = Token("link_open", "a", 1)
                link_open.attrSet("href", reverse("accounts:profile", args=[username]))
                label = Token("text", "", 0)
                label.content = text
                children.extend([link_open, label, Token("link_close", "a", -1)])
        block.children = children


def _parser() -> MarkdownIt:
    # Same rules as core.markdown.render_markdown(text, headings=False); a test keeps them equal.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.disable("image")
    md.disable("heading").disable("lheading")
    md.core.ruler.push("mentions", _link_mentions)
    return md


_COMMENT = _parser()


def render_comment(text: str, *, mentions: dict[str, str] | None = None) -> str:
    """Sanitised HTML for a comment body; `mentions` maps lower-cased names to usernames."""
    return sanitise(_COMMENT.render(text or "", {"mentions": mentions or {}}))


def plain_text(body_html: str) -> str:
    """What a reader sees of rendered (sanitised) comment HTML, as plain text: tags dropped,
    entities decoded once ("&amp;" is "&"), whitespace collapsed. Escape it when showing it
    in HTML (templates do), never before: escaping twice showed "&amp;amp;"."""
    return " ".join(html.unescape(strip_tags(body_html or "")).split())
