"""Collaboration networks: an artist page's and /graph/'s nodes and edges are the
published credits; the layout is the same for the same data; fixed queries; light pages."""

from __future__ import annotations

import random
import re
from datetime import date

import networkx as nx
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from collabs import network
from collabs.models import Artist, ArtistKind, Collab, CollabStatus
from tests.collabs.conftest import make_artist, make_collab
from tests.queries import cold_fresh_cached

pytestmark = pytest.mark.django_db

PAGE_WEIGHT = 150_000
# What an artist page's network (drawing and list) may add to the page.
NETWORK_WEIGHT = 40_000


def network_section(response) -> bytes:
    html = response.content
    start = html.index(b'<section class="card chart-card" aria-labelledby="network-heading">')
    return html[start : html.index(b"</section>", start)]


@pytest.fixture
def band(db):
    """A group with two members; their published collabs, and unpublished ones."""
    group = make_artist("Group", kind=ArtistKind.GROUP)
    one = make_artist("One", member_of=group)
    two = make_artist("Two", member_of=group)
    us1, us2 = make_artist("US One", country="US"), make_artist("US Two", country="US")
    gb = make_artist("GB One", country="GB")
    hidden = make_artist("Only Nominated", country="FR")
    make_collab("Solo hit", (one, " & "), (us1,))
    make_collab("Big one", (group, " & "), (us2, " feat. "), (gb,))
    make_collab("Again", (group, " & "), (us2,))
    make_collab("Not yet", (two, " & "), (hidden,), status=CollabStatus.NOMINATED)
    make_collab("Never", (group, " & "), (hidden,), status=CollabStatus.REJECTED)
    return {a.slug: a for a in Artist.objects.all()}


def page_collabs(artist: Artist) -> list[Collab]:
    """What the artist page fetches (collabs.views.artist_detail)."""
    return list(Collab.objects.published().featuring(artist).for_list().latest())


def artist_graph(slug: str):
    artist = Artist.objects.for_page().get(slug=slug)
    return network.artist_graph(artist, page_collabs(artist))


def edges(graph) -> dict[tuple[str, str], tuple[int, bool]]:
    slugs = {a.pk: a.slug for a in Artist.objects.all()}
    return {
        tuple(sorted((slugs[a], slugs[b]))): (data["weight"], data["member"])
        for a, b, data in graph.edges(data=True)
    }


def test_a_groups_network_is_its_members_and_everyone_credited_with_them(band):
    graph, people = artist_graph("group")
    assert {people[pk]["slug"] for pk in graph.nodes} == {
        "group", "one", "two", "us-one", "us-two", "gb-one",
    }  # fmt: skip
    assert edges(graph) == {
        ("group", "one"): (0, True),
        ("group", "two"): (0, True),
        ("one", "us-one"): (1, False),
        ("group", "us-two"): (2, False),
        ("gb-one", "group"): (1, False),
        ("gb-one", "us-two"): (1, False),
    }


def test_a_members_network_has_their_group_but_not_its_collabs(band):
    graph, people = artist_graph("one")
    assert {people[pk]["slug"] for pk in graph.nodes} == {"one", "group", "us-one"}
    assert edges(graph) == {("group", "one"): (0, True), ("one", "us-one"): (1, False)}


def test_the_site_network_is_the_published_credits(band):
    graph, people = network.site_graph()
    # Everyone with a collaborator on a published collab; the nominee's partner has none.
    assert {p["slug"] for p in people.values()} == {"group", "one", "us-one", "us-two", "gb-one"}
    assert edges(graph) == {
        ("group", "one"): (0, True),  # a member, and no collab together
        ("one", "us-one"): (1, False),
        ("group", "us-two"): (2, False),
        ("gb-one", "group"): (1, False),
        ("gb-one", "us-two"): (1, False),
    }


def test_the_drawing_caps_its_nodes_keeping_the_closest(db):
    star = make_artist("Star")
    guests = [make_artist(f"Guest {i:02}", country="US") for i in range(network.ARTIST_NODES + 5)]
    for i, guest in enumerate(guests):
        make_collab(f"Song {i}", (star, " & "), (guest,))
    make_collab("Encore", (star, " & "), (guests[-1],))  # the last guest, twice
    graph, people = artist_graph("star")
    assert graph.number_of_nodes() == network.ARTIST_NODES
    kept = {people[pk]["slug"] for pk in graph.nodes}
    assert {"star", guests[-1].slug} <= kept


def test_the_layout_is_the_same_for_the_same_data(band):
    artist = Artist.objects.for_page().get(slug="group")
    first = network.artist_network(artist, page_collabs(artist))
    again = network.artist_network(artist, page_collabs(artist))
    assert first == again
    # Whatever order the graph was built in.
    graph, people = network.artist_graph(artist, page_collabs(artist))
    shuffled = nx.Graph()
    nodes = list(graph.nodes)
    random.Random(7).shuffle(nodes)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(reversed(list(graph.edges(data=True))))
    assert network.draw(shuffled, people, center=artist.pk, max_edges=99) == first
    # The centre sits in the middle; every node inside the box.
    centre = next(n for n in first.nodes if n.center)
    assert (centre.x, centre.y) == (first.size / 2, first.size / 2)
    assert all(0 <= n.x <= first.size and 0 <= n.y <= first.size for n in first.nodes)


def test_the_same_data_draws_the_same_page(client, band):
    url = reverse("collabs:artist", args=["group"])
    svg = re.findall(r'<svg class="network".*?</svg>', client.get(url).content.decode(), re.S)
    assert len(svg) == 1
    cache.clear()
    assert re.findall(r'<svg class="network".*?</svg>', client.get(url).content.decode(),
                      re.S) == svg  # fmt: skip


def test_each_node_links_to_its_artist_and_the_list_says_the_same(client, band):
    html = client.get(reverse("collabs:artist", args=["group"])).content.decode()
    figure = html[html.index('<figure class="chart network-chart"') : html.index("</figure>")]
    assert 'aria-labelledby="artist-network-caption"' in figure
    assert "<figcaption" in figure
    svg = figure[figure.index("<svg") : figure.index("</svg>")]
    linked = set(re.findall(r'<a class="network-node[^"]*" href="/artists/([^/]+)/"', svg))
    assert linked == {"group", "one", "two", "us-one", "us-two", "gb-one"}
    listing = html[html.index('<ul class="network-list">') :]
    listing = listing[: listing.index("</ul>")]
    group_line = next(line for line in listing.split("<li>") if line.startswith(
        '<a href="/artists/group/">'))  # fmt: skip
    assert set(re.findall(r'href="/artists/([^/]+)/"', group_line)) == {
        "group", "one", "two", "us-two", "gb-one",
    }  # fmt: skip
    assert "Only Nominated" not in html


def test_an_artist_without_collabs_draws_nothing(client, db):
    make_artist("Alone")
    html = client.get(reverse("collabs:artist", args=["alone"])).content.decode()
    assert '<svg class="network"' not in html and "Collaboration network" not in html


def test_the_graph_page(client, band):
    response = client.get(reverse("collabs:graph"))
    html = response.content.decode()
    assert "<h1>The collaboration network</h1>" in html
    assert '<figcaption id="site-network-caption">' in html
    assert html.count('class="network-node') == 5
    assert '<ul class="network-list">' in html


# Queries and weight -------------------------------------------------------------------

# (cold, fresh, cached): tests/queries.py. /graph/ cold: the memo's table versions, the
# most connected artists, then the collabs between them; fresh: the memo's versions;
# cached: the page's.
GRAPH_QUERIES = (3, 1, 1)
# The artist page as before (artist with group, members, collabs, credits): the network
# is drawn from those (a memo); the cards' holes.
ARTIST_QUERIES = (7, 5, 1)


def grow(start: int, stop: int, group: Artist) -> None:
    for i in range(start, stop):
        member = make_artist(f"Member {i}", member_of=group)
        guest = make_artist(f"Guest {i}", country="US")
        other = make_artist(f"Other {i}", country="GB")
        make_collab(f"Song {i}", (member, " feat. "), (guest, " & "), (other,))
        make_collab(f"Group song {i}", (group, " x "), (guest,), released=date(2020, 1, 1))


def test_the_pages_cost_a_fixed_number_of_queries(client, db, settings):
    group = make_artist("Big Group", kind=ArtistKind.GROUP)
    for start, stop in [(0, 3), (3, 60)]:
        grow(start, stop, group)
        assert cold_fresh_cached(client, reverse("collabs:graph"), settings) == GRAPH_QUERIES
        assert cold_fresh_cached(client, group.get_absolute_url(), settings) == ARTIST_QUERIES
        response = client.get(group.get_absolute_url())
        # The page lists every collab (as before); what the network adds stays small.
        assert len(network_section(response)) <= NETWORK_WEIGHT


@pytest.mark.parametrize("collabs", [30, 600])
def test_at_scale_the_queries_stay_and_the_pages_stay_light(client, db, settings, collabs):
    call_command(
        "generate_scale_data", collabs=collabs, members=20, artists=collabs // 3 + 12,
        votes=100, comments=20, big_thread=5, articles=1, quiet=True, stdout=None,
    )  # fmt: skip
    assert cold_fresh_cached(client, reverse("collabs:graph"), settings) == GRAPH_QUERIES
    response = client.get(reverse("collabs:graph"))
    assert len(response.content) <= PAGE_WEIGHT
    assert response.content.count(b'class="network-node') <= network.SITE_NODES
    big = reverse("collabs:artist", args=["scale-big-group"])
    assert cold_fresh_cached(client, big, settings) == ARTIST_QUERIES
    response = client.get(big)
    assert 0 < response.content.count(b'class="network-node') <= network.ARTIST_NODES
    assert len(network_section(response)) <= NETWORK_WEIGHT


def test_a_new_collab_shows_in_the_network_at_once(client, db):
    """The drawing is kept under a digest of what it shows: a new collab is a new key."""
    rose, bruno = make_artist("Rosé"), make_artist("Bruno Mars", country="US")
    make_collab("APT.", (rose, " & "), (bruno,))
    assert b"Lady Gaga" not in network_section(client.get(rose.get_absolute_url()))
    gaga = make_artist("Lady Gaga", country="US")
    make_collab("Sour Candy", (gaga, " & "), (rose,))
    assert b"Lady Gaga" in network_section(client.get(rose.get_absolute_url()))
