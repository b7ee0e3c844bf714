"""The catalogue's hole (core/caching.py): what a page shows of a collab that moves with
every vote or is the viewer's own. One kind, "collab", so that a page's collabs are read
once: `{% hole "collab" collab.pk "votes" %}` and the other parts below."""

from __future__ import annotations

from django.db.models import Count, Q
from django.template.loader import get_template

from collabs.models import Collab, Vote
from core.caching import kept_in_process, memo_in_process, rows_in_process
from core.holes import TOKEN, count, digest, keyed, token

CHIP = '<span class="chip chip-voted">You voted</span>'
# What the catalogue's holes read: the collabs, their counters included.
COLLABS = ("t:collabs_collab", "t:collabs_collab#counters")


def collab(request, keys) -> dict[str, str]:
    """Each key is "<pk> <part>": "votes" (the count now), "s" (the plural ending it calls
    for), "voted" (the "You voted" chip), "rank" (the place in /top/ of all time),
    "button [<page>]" (the vote button, coming back to that page)."""
    parts = keyed(keys, maxsplit=2, least=2)
    pks = sorted({pk for pk, *_ in parts.values()})
    rows = rows_in_process("collabs", COLLABS, pks, _counts)
    mine = set()
    if request.user.is_authenticated and any(p[1] in ("voted", "button") for p in parts.values()):
        me = request.user.pk
        mine = memo_in_process(
            f"voted:{me}:{digest(pks)}",
            ("t:collabs_vote",),
            lambda: set(
                Vote.objects.filter(user_id=me, collab_id__in=pks).values_list(
                    "collab_id", flat=True
                )
            ),
        )
    counts = {rows[pk][1] for pk, part, *_ in parts.values() if part == "rank" and pk in rows}
    places = rows_in_process("ranks", COLLABS, counts, _places) if counts else {}
    html = {}
    for key, (pk, part, *back) in parts.items():
        if pk not in rows:
            continue
        slug, votes = rows[pk]
        if part == "votes":
            html[key] = str(votes)
        elif part == "s":
            html[key] = count(votes, key)
        elif part == "voted":
            html[key] = CHIP if pk in mine else ""
        elif part == "rank":
            html[key] = str(places[votes])
        elif part == "button":
            button = _button(pk, slug, votes, pk in mine, back[0] if back else "")
            html[key] = button.replace(TOKEN, token(request))
    return html


def _counts(pks: list[int]) -> dict[int, tuple[str, int]]:
    rows = Collab.objects.filter(pk__in=pks).order_by().values_list("pk", "slug", "vote_count")
    return {pk: (slug, votes) for pk, slug, votes in rows}


def _places(counts: list[int]) -> dict[int, int]:
    """The place of a collab with each of these counts of votes among the published ones
    ("1, 2, 2, 4": ties share it), in one query."""
    ahead = Collab.objects.published().filter(vote_count__gt=min(counts))
    found = ahead.aggregate(**{f"n{n}": Count("pk", filter=Q(vote_count__gt=n)) for n in counts})
    return {n: found[f"n{n}"] + 1 for n in counts}


@kept_in_process(maxsize=4096)
def _button(pk: int, slug: str, votes: int, voted: bool, back: str) -> str:
    """The vote button for one set of facts, rendered once per process; the viewer's CSRF
    token goes in afterwards."""
    collab = Collab(pk=pk, slug=slug, vote_count=votes)
    collab.has_voted = voted
    context = {"collab": collab, "vote_next": back, "csrf_token": TOKEN}
    return get_template("collabs/detail.html#vote-button").render(context)
