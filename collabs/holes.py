"""The catalogue's hole (core/caching.py): what a page shows of a collab that moves with
every vote or is the viewer's own. One kind, "collab", so that a page's collabs are read
once: `{% hole "collab" collab.pk "votes" %}` and the other parts below."""

from __future__ import annotations

from bisect import bisect_left

from django.db.models import Count
from django.template.loader import get_template

from collabs.models import Collab, Vote
from core import caching
from core.caching import kept_in_process, memo_in_process, rows_in_process
from core.holes import TOKEN, count, keyed, token

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
        # All their votes, kept until they vote (their part): one entry a member, for
        # every page they read.
        me = request.user.pk
        mine = memo_in_process(
            f"voted:{me}",
            (caching.part(Vote, me),),
            lambda: set(Vote.objects.filter(user_id=me).values_list("collab_id", flat=True)),
        )
    ranking = None
    if any(part == "rank" for _, part, *_ in parts.values()):
        ranking = memo_in_process("ranking", COLLABS, _ranking)
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
            html[key] = str(_place(ranking, votes))
        elif part == "button":
            button = _button(pk, slug, votes, pk in mine, back[0] if back else "")
            html[key] = button.replace(TOKEN, token(request))
    return html


def _counts(pks: list[int]) -> dict[int, tuple[str, int]]:
    rows = Collab.objects.filter(pk__in=pks).order_by().values_list("pk", "slug", "vote_count")
    return {pk: (slug, votes) for pk, slug, votes in rows}


def _ranking() -> tuple[list[int], list[int], int]:
    """The published collabs' counts of votes, highest first (negated, for bisect), how
    many collabs are ahead of each, and how many there are: one grouped query."""
    groups = (
        Collab.objects.published()
        .order_by("-vote_count")
        .values_list("vote_count")
        .annotate(n=Count("pk"))
    )
    counts, ahead, total = [], [], 0
    for votes, n in groups:
        counts.append(-votes)
        ahead.append(total)
        total += n
    return counts, ahead, total


def _place(ranking, votes: int) -> int:
    """The place in /top/ of all time of a collab with this many votes ("1, 2, 2, 4":
    ties share it)."""
    counts, ahead, total = ranking
    at = bisect_left(counts, -votes)
    return (ahead[at] if at < len(counts) else total) + 1


@kept_in_process(maxsize=4096)
def _button(pk: int, slug: str, votes: int, voted: bool, back: str) -> str:
    """The vote button for one set of facts, rendered once per process; the viewer's CSRF
    token goes in afterwards."""
    collab = Collab(pk=pk, slug=slug, vote_count=votes)
    collab.has_voted = voted
    context = {"collab": collab, "vote_next": back, "csrf_token": TOKEN}
    return get_template("collabs/detail.html#vote-button").render(context)
