"""Collaboration networks, drawn: an artist's own (artist pages) and the site's most
connected artists (/graph/), laid out the same way every time for the same data.

The graph is a networkx Graph whose nodes are artist pks: an edge joins two artists
credited on the same published collab (its weight: how many), or a group and its member.
It is laid out by networkx's spring layout (Fruchterman–Reingold, on numpy), seeded and
over the nodes in pk order, so the same data always gives the same picture. Layouts are
memoised (core.caching.memo).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
from django.db.models import Count, F, Q
from django.urls import reverse

from collabs.countries import COUNTRIES, KOREA
from collabs.models import Artist, Collab, CollabStatus, Credit
from core.caching import memo

# An artist page's network: the artist (and a group's members) and at most this many
# artists in all, those sharing the most collabs with them first. The site's: the most
# connected artists. Edges beyond the caps (the weakest) are left out of the drawing:
# they would only add weight to the page.
ARTIST_NODES = 40
ARTIST_EDGES = 120
SITE_NODES = 60
SITE_EDGES = 180

# The drawing's box, in SVG user units: square, so it reads as well on a phone as on a
# laptop (the SVG scales to the column's width), and the smaller the fewer the artists,
# so that a small network's labels stay large on a phone. Labels are LABEL_SIZE units high.
SIZE = 440
SMALLEST = 280
MARGIN = 34
LABEL_SIZE = 12
PHONE_LABEL_SIZE = 14  # static/css/site.css, under 600 px
LABEL_CHARS = 16
# Names written beside their nodes: the centre and the most connected. The others are
# named by their link's title and in the list under the drawing; sixty labels would only
# hide one another.
LABELS = 24
# The ideal distance between nodes, as a multiple of FR's sqrt(area / nodes).
SPREAD = 2.0
SEED = 1
ITERATIONS = 80


@dataclass(frozen=True)
class Node:
    pk: int
    name: str
    url: str
    country: str
    x: float
    y: float
    r: float
    label_y: float  # below the node, or above it near the bottom edge
    anchor: str  # "middle"; "start" or "end" near the left or right edge
    center: bool = False
    labelled: bool = True

    @property
    def korean(self) -> bool:
        return self.country == KOREA

    @property
    def country_name(self) -> str:
        return COUNTRIES.get(self.country, self.country)

    @property
    def label(self) -> str:
        """The name, shortened to fit beside the others."""
        return _label_text(self.name)


@dataclass(frozen=True)
class Edge:
    a: int
    b: int
    weight: int  # shared published collabs (0 for a membership alone)
    member: bool  # a group and its member
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Network:
    nodes: list[Node]
    edges: list[Edge]
    size: int = SIZE

    def adjacency(self) -> list[tuple[Node, list[Node]]]:
        """Each artist (by name) with the artists joined to them in the drawing (by name):
        the drawing as a list."""
        by_pk = {n.pk: n for n in self.nodes}
        linked: dict[int, set[int]] = {n.pk: set() for n in self.nodes}
        for edge in self.edges:
            linked[edge.a].add(edge.b)
            linked[edge.b].add(edge.a)
        order = sorted(self.nodes, key=lambda n: (not n.center, n.name.casefold(), n.pk))
        return [
            (node, sorted((by_pk[pk] for pk in linked[node.pk]), key=lambda n: n.name.casefold()))
            for node in order
        ]


def layout(graph: nx.Graph, *, pinned=None) -> dict[int, tuple[float, float]]:
    """Positions (unit square): networkx's spring layout (Fruchterman–Reingold), `pinned`
    held at the centre. Deterministic: the graph is rebuilt with its nodes and edges in
    sorted order and the layout's generator is seeded with SEED, so the same data draws
    the same picture whatever order it was read in."""
    nodes = sorted(graph.nodes)
    if len(nodes) < 2:
        return dict.fromkeys(nodes, (0.5, 0.5))
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_weighted_edges_from(
        sorted(
            (min(a, b), max(a, b), 1 + math.log(data.get("weight") or 1))
            for a, b, data in graph.edges(data=True)
        )
    )
    pinned_at = {pinned: (0.5, 0.5)} if pinned is not None else None
    positions = nx.spring_layout(
        ordered,
        k=SPREAD / math.sqrt(len(nodes)),
        pos=pinned_at,
        fixed=[pinned] if pinned is not None else None,
        iterations=ITERATIONS,
        seed=SEED,
    )
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def box_size(nodes: int) -> int:
    return min(SIZE, SMALLEST + 5 * nodes)


def _fit(positions: dict, size: int, pinned=None) -> dict[int, tuple[float, float]]:
    """Unit-square positions stretched to fill the drawing's box within its margins."""
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    if pinned is not None:
        # Symmetric about the pinned centre, so it stays in the middle of the box.
        half = max(max(abs(v - 0.5) for v in xs), max(abs(v - 0.5) for v in ys)) or 0.5
        low_x = low_y = 0.5 - half
        span_x = span_y = 2 * half
    else:
        low_x, low_y = min(xs), min(ys)
        span_x, span_y = (max(xs) - low_x) or 1, (max(ys) - low_y) or 1
    inner = size - 2 * MARGIN
    return {
        node: (
            round(MARGIN + (x - low_x) / span_x * inner, 1),
            round(MARGIN + (y - low_y) / span_y * inner, 1),
        )
        for node, (x, y) in positions.items()
    }


def _label_text(name: str) -> str:
    if len(name) <= LABEL_CHARS:
        return name
    return name[: LABEL_CHARS - 1].rstrip() + "…"


def _labels(order, at, radius, names, size) -> dict[int, tuple[float, str, bool]]:
    """{pk: (label_y, anchor, shown)}: each label under its node, or over it where under
    is taken (or off the drawing), flush with it near a side; shown for the first LABELS
    nodes of `order` whose label clears the labels already placed and every other node
    (sized for a phone's larger text)."""
    char, height = 0.6 * PHONE_LABEL_SIZE, PHONE_LABEL_SIZE
    nodes = {
        pk: (x - radius[pk], y - radius[pk], x + radius[pk], y + radius[pk])
        for pk, (x, y) in at.items()
    }
    placed: list[tuple[float, float, float, float]] = []
    labels = {}

    def clear(box, pk) -> bool:
        others = [b for other, b in nodes.items() if other != pk]
        return all(
            box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1]
            for b in placed + others
        )

    for pk in order:
        x, y, r = at[pk][0], at[pk][1], radius[pk]
        anchor = "start" if x < size * 0.15 else "end" if x > size * 0.85 else "middle"
        width = len(_label_text(names[pk])) * char
        left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
        spots = [round(y + r + LABEL_SIZE, 1), round(y - r - 4, 1)]
        if y + r + LABEL_SIZE + 2 > size:
            spots.reverse()
        shown = False
        for label_y in spots:
            box = (left, label_y - height, left + width, label_y + 2)
            if len(placed) < LABELS and clear(box, pk):
                placed.append(box)
                shown = True
                break
        labels[pk] = (label_y if shown else spots[0], anchor, shown)
    return labels


def draw(graph: nx.Graph, people: dict[int, dict], *, center=None, max_edges: int) -> Network:
    """Lay `graph` out and keep what the drawing needs. `people`: {pk: {"name", "slug",
    "country"}} for every node."""
    if graph.number_of_edges() > max_edges:
        # The strongest ties, memberships and the centre's first; the rest are not drawn.
        ranked = sorted(
            graph.edges(data=True),
            key=lambda e: (
                not e[2].get("member"),
                center not in (e[0], e[1]),
                -e[2].get("weight", 0),
                min(e[0], e[1]),
                max(e[0], e[1]),
            ),
        )
        kept = nx.Graph()
        kept.add_nodes_from(graph.nodes)
        kept.add_edges_from(ranked[:max_edges])
        graph = kept
    size = box_size(graph.number_of_nodes())
    at = _fit(layout(graph, pinned=center), size, pinned=center)
    degree = dict(graph.degree(weight="weight"))
    biggest = max(degree.values(), default=1) or 1
    radius = {
        pk: 12.0 if pk == center else round(4 + 5 * math.sqrt(degree[pk] / biggest), 1)
        for pk in graph.nodes
    }
    order = sorted(graph.nodes, key=lambda pk: (pk != center, -degree[pk], pk))
    labels = _labels(order, at, radius, {pk: people[pk]["name"] for pk in order}, size)
    nodes = [
        Node(
            pk=pk,
            name=people[pk]["name"],
            url=reverse("collabs:artist", kwargs={"slug": people[pk]["slug"]}),
            country=people[pk]["country"],
            x=at[pk][0],
            y=at[pk][1],
            r=radius[pk],
            label_y=labels[pk][0],
            anchor=labels[pk][1],
            center=pk == center,
            labelled=labels[pk][2],
        )
        # The labelled last: drawn over the others, so nothing covers their names.
        for pk in sorted(graph.nodes, key=lambda pk: (labels[pk][2], pk))
    ]
    edges = [
        Edge(
            a=a,
            b=b,
            weight=data.get("weight", 0),
            member=bool(data.get("member")),
            x1=at[a][0],
            y1=at[a][1],
            x2=at[b][0],
            y2=at[b][1],
        )
        for a, b, data in sorted(
            (min(a, b), max(a, b), data) for a, b, data in graph.edges(data=True)
        )
    ]
    return Network(nodes, edges, size)


def _person(artist: Artist) -> dict:
    return {"name": artist.name, "slug": artist.slug, "country": artist.country}


def artist_graph(artist: Artist, collabs: Iterable[Collab]) -> tuple[nx.Graph, dict]:
    """The artist, a group's members and the artist's own group, and everyone credited
    with any of them on `collabs` (published, with credits and artists prefetched):
    (graph, people). Capped at ARTIST_NODES, those sharing the most collabs first."""
    members = list(artist.members.all())
    centres = {artist.pk, *(m.pk for m in members)}
    people = {artist.pk: _person(artist), **{m.pk: _person(m) for m in members}}
    graph = nx.Graph()
    graph.add_node(artist.pk)
    for member in members:
        graph.add_edge(artist.pk, member.pk, member=True, weight=0)
    if artist.member_of_id:
        people[artist.member_of_id] = _person(artist.member_of)
        graph.add_edge(artist.member_of_id, artist.pk, member=True, weight=0)
    shared: Counter[int] = Counter()
    for collab in collabs:
        if collab.status != CollabStatus.PUBLISHED:
            continue
        credits = list(collab.credits.all())
        credited = sorted({c.artist_id for c in credits})
        if not centres.intersection(credited):
            continue
        for credit in credits:
            people.setdefault(credit.artist_id, _person(credit.artist))
        for pk in credited:
            graph.add_node(pk)
            if pk not in centres:
                shared[pk] += 1
        for a, b in combinations(credited, 2):
            data = graph.get_edge_data(a, b) or {"weight": 0, "member": False}
            graph.add_edge(a, b, weight=data["weight"] + 1, member=data["member"])
    fixed = [pk for pk in graph.nodes if pk in centres or pk == artist.member_of_id]
    others = sorted(
        (pk for pk in graph.nodes if pk not in fixed),
        key=lambda pk: (-shared[pk], people[pk]["name"].casefold(), pk),
    )
    keep = set(fixed) | set(others[: max(ARTIST_NODES - len(fixed), 0)])
    return graph.subgraph(keep).copy(), people


def artist_network(artist: Artist, collabs: Iterable[Collab]) -> Network:
    """The drawing of artist_graph(); no query of its own (it reads what the page has).

    The layout is the costly part: it is kept under a digest of everything the drawing
    shows (nodes, their names and countries, edges and weights), so it never needs
    invalidating."""
    graph, people = artist_graph(artist, collabs)
    shown = (
        artist.pk,
        sorted((pk, sorted(people[pk].items())) for pk in graph.nodes),
        sorted(
            (min(a, b), max(a, b), sorted(data.items())) for a, b, data in graph.edges(data=True)
        ),
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    return memo(
        f"network:{digest}", lambda: draw(graph, people, center=artist.pk, max_edges=ARTIST_EDGES)
    )


def site_graph() -> tuple[nx.Graph, dict]:
    """The SITE_NODES artists with the most distinct collaborators on published collabs,
    the collabs between them and the memberships: two queries."""
    published = Credit.objects.filter(collab__status=CollabStatus.PUBLISHED)
    most_connected = list(
        published.order_by()
        .values("artist_id", "artist__name", "artist__slug", "artist__country", "artist__member_of")
        .annotate(
            collaborators=Count(
                "collab__credits__artist",
                distinct=True,
                filter=~Q(collab__credits__artist=F("artist")),
            ),
        )
        .filter(collaborators__gt=0)
        .order_by("-collaborators", "artist__name", "artist_id")[:SITE_NODES]
    )
    people = {
        row["artist_id"]: {
            "name": row["artist__name"],
            "slug": row["artist__slug"],
            "country": row["artist__country"],
        }
        for row in most_connected
    }
    graph = nx.Graph()
    graph.add_nodes_from(people)
    if not people:
        return graph, people
    pairs = (
        published.filter(
            artist_id__in=list(people),
            collab__credits__artist_id__in=list(people),
            artist_id__lt=F("collab__credits__artist_id"),
        )
        .order_by()
        .values("artist_id", "collab__credits__artist_id")
        .annotate(shared=Count("collab_id", distinct=True))
    )
    for row in pairs:
        graph.add_edge(
            row["artist_id"], row["collab__credits__artist_id"], weight=row["shared"], member=False
        )
    for row in most_connected:
        group = row["artist__member_of"]
        if group in people:
            shared = graph.get_edge_data(group, row["artist_id"], {}).get("weight", 0)
            graph.add_edge(group, row["artist_id"], member=True, weight=shared)
    return graph, people


def site_network() -> Network:
    def produce() -> Network:
        graph, people = site_graph()
        return draw(graph, people, max_edges=SITE_EDGES)

    return memo("network:site", produce)
