"""The catalogue's holes (core/caching.py): vote counts, vote buttons, "You voted", ranks."""

from __future__ import annotations

from functools import partial

from collabs.models import Collab, Vote
from core.caching import memo
from core.holes import count, ids, render


def _voted_ids(request, pks) -> set[int]:
    if not request.user.is_authenticated:
        return set()
    votes = Vote.objects.filter(user=request.user, collab_id__in=pks)
    return set(votes.values_list("collab_id", flat=True))


def votes(request, keys) -> dict[str, str]:
    """ "12": collab 12's vote count now; "12 s": the plural ending it calls for."""
    found = Collab.objects.filter(pk__in=ids(keys)).order_by()
    counts = dict(found.values_list("pk", "vote_count"))
    return {key: count(counts.get(int(key.split()[0])), key) for key in keys}


def voted(request, keys) -> dict[str, str]:
    """The "You voted" chip on the cards of collabs the member voted for."""
    mine = _voted_ids(request, ids(keys))
    chip = '<span class="chip chip-voted">You voted</span>'
    return {key: chip if int(key) in mine else "" for key in keys}


def vote_buttons(request, keys) -> dict[str, str]:
    """ "12" or "12 /articles/x/": collab 12's vote button, coming back to that page."""
    collabs = Collab.objects.filter(pk__in=ids(keys)).order_by().only("slug", "vote_count")
    found = {c.pk: c for c in collabs}
    mine = _voted_ids(request, found)
    buttons = {}
    for key in keys:
        pk, *back = key.split(" ", 1)
        collab = found.get(int(pk))
        if collab is not None:
            collab.has_voted = collab.pk in mine
            context = {"collab": collab, "vote_next": back[0] if back else ""}
            buttons[key] = render(request, "collabs/detail.html#vote-button", context)
    return buttons


def ranks(request, keys) -> dict[str, str]:
    """A collab's place in /top/ of all time ("1, 2, 2, 4": ties share it)."""

    def rank(pk: int):
        collab = Collab.objects.published().filter(pk=pk).order_by().only("vote_count").first()
        return collab and Collab.objects.published().rank_of(collab)

    return {key: str(memo(f"rank:{key}", partial(rank, int(key))) or "?") for key in keys}
