"""The catalogue's hole (core/caching.py): what a page shows of a collab that moves with
every vote or is the viewer's own. One kind, "collab", so that a page's collabs are read
once: `{% hole "collab" collab.pk "votes" %}` and the other parts below."""

from __future__ import annotations

from collabs.models import Collab, Vote
from core.caching import memo
from core.holes import count, render

CHIP = '<span class="chip chip-voted">You voted</span>'


def collab(request, keys) -> dict[str, str]:
    """Each key is "<pk> <part>": "votes" (the count now), "s" (the plural ending it calls
    for), "voted" (the "You voted" chip), "rank" (the place in /top/ of all time),
    "button [<page>]" (the vote button, coming back to that page)."""
    parts = {key: key.split(" ", 2) for key in keys}
    pks = {int(pk) for pk, *_ in parts.values()}
    found = {
        c.pk: c for c in Collab.objects.filter(pk__in=pks).order_by().only("slug", "vote_count")
    }
    mine = set()
    if request.user.is_authenticated and any(p[1] in ("voted", "button") for p in parts.values()):
        votes = Vote.objects.filter(user=request.user, collab_id__in=pks)
        mine = set(votes.values_list("collab_id", flat=True))
    html = {}
    for key, (pk, part, *back) in parts.items():
        item = found.get(int(pk))
        if item is None:
            continue
        if part == "votes":
            html[key] = str(item.vote_count)
        elif part == "s":
            html[key] = count(item.vote_count, key)
        elif part == "voted":
            html[key] = CHIP if item.pk in mine else ""
        elif part == "rank":
            html[key] = str(rank(item.vote_count))
        elif part == "button":
            item.has_voted = item.pk in mine
            context = {"collab": item, "vote_next": back[0] if back else ""}
            html[key] = render(request, "collabs/detail.html#vote-button", context)
    return html


def rank(votes: int) -> int:
    """The place of a collab with this many votes among the published ones ("1, 2, 2, 4":
    ties share it), kept until a vote or a change in the catalogue."""
    ahead = Collab.objects.published().filter(vote_count__gt=votes)
    return memo(f"rank:{votes}", ahead.count) + 1
