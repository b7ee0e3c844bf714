"""The per-member parts of a page that is otherwise the same for every member.

A member's collab page differs from another member's in a few places only: the
header (name, avatar, unread notifications), whether each collab shown has their
vote, whether each comment has their like, and whether they may post. Everything
else — the collab, its rank, 20 comment trees — is the same for all of them. So
core.page_cache renders such a page once per content generation for a stand-in
member (`SharedViewer`: logged in, no votes, no likes, no comments, not staff),
with each per-member part marked by a slot, and fills the slots in per request:

    {% viewer_slot "voted" collab %}…markup using collab.has_voted…{% endviewer_slot %}

A slot kind, registered by the app that owns the state (`register`), either names
the few *variants* the part can take (voted or not) and how to set an object up to
render each (`apply`): every variant is rendered in advance, and per request the
kind's `resolve` says, in one query for the whole page, which one this member gets;
or it is *live* (`render`): rendered per request from a small template.

When a member's page would differ from the shared one beyond its slots (their own
comment is on it, with Edit and Delete; they are muted), `resolve` — or the view,
during the shared render — raises `Personal`, and the page is rendered for them
alone, as it always was. Outside a shared render a slot renders its content
normally, so templates read the same either way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser


class Personal(Exception):  # noqa: N818 - a signal, not an error
    """This member's page differs from the shared one beyond its slots."""


class SharedViewer(AnonymousUser):
    """Some member, while a page shared by all members renders: logged in, and nothing
    of theirs anywhere (no id any row can match, no name, no permissions)."""

    id = pk = 0
    username = ""
    public_name = ""
    is_shared_viewer = True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    def __str__(self) -> str:
        return "SharedViewer"


SHARED_VIEWER = SharedViewer()


@dataclass(frozen=True)
class SlotKind:
    name: str
    # Variant slots: the values, first the stand-in member's own; how to set an object
    # up to render one; what identifies the object for `resolve`.
    variants: tuple = ()
    apply: Callable[[object, Hashable], None] | None = None
    key: Callable[[object], Hashable] | None = None
    # (request, keys) -> {key: variant} for request.user; may raise Personal.
    resolve: Callable | None = None
    # Live slots: (request) -> html, rendered per request.
    render: Callable | None = None

    @property
    def live(self) -> bool:
        return self.render is not None


KINDS: dict[str, SlotKind] = {}


def register(kind: SlotKind) -> None:
    if kind.live == bool(kind.variants):
        raise ValueError(f"Slot kind {kind.name!r} must be either live or have variants.")
    KINDS[kind.name] = kind


def sharing(request) -> bool:
    """True while `request` renders the page shared by all members."""
    return getattr(request, "viewer_slots", None) is not None


@dataclass
class Recorder:
    """Collects a shared render's slots: (kind, key, {variant: html} or None for live)."""

    mark: str
    slots: list

    def add(self, kind: str, key, variants: dict | None) -> str:
        self.slots.append((kind, key, variants))
        return f"{self.mark}{len(self.slots) - 1}."


def render_slot(request, name: str, obj, render: Callable[[], str]) -> str:
    """What a {% viewer_slot %} outputs: its content, or in a shared render a marker."""
    recorder: Recorder | None = getattr(request, "viewer_slots", None)
    if recorder is None:
        return render()
    kind = KINDS[name]
    if kind.live:
        return recorder.add(name, None, None)
    variants = {}
    try:
        for variant in kind.variants:
            kind.apply(obj, variant)
            variants[variant] = render()
    finally:
        kind.apply(obj, kind.variants[0])
    return recorder.add(name, kind.key(obj), variants)


def fill(request, content: str, slots: list, mark: str) -> str:
    """The shared page with every slot filled for request.user (raises Personal)."""
    wanted: dict[str, set] = defaultdict(set)
    for kind, key, variants in slots:
        if variants is not None:
            wanted[kind].add(key)
    states = {kind: KINDS[kind].resolve(request, keys) for kind, keys in wanted.items()}
    pattern = re.compile(re.escape(mark) + r"(\d+)\.")

    def html_for(match: re.Match) -> str:
        kind, key, variants = slots[int(match[1])]
        html = KINDS[kind].render(request) if variants is None else variants[states[kind][key]]
        return pattern.sub(html_for, html) if mark in html else html

    return pattern.sub(html_for, content)
