"""/rise/, /graph/ and an artist page cost the same queries at 10 and 10,000 collabs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.management.commands.generate_scale_data import BIG_GROUP_SLUG
from tests.collabs.test_network import ARTIST_QUERIES, GRAPH_QUERIES
from tests.collabs.test_rise import RISE_QUERIES
from tests.queries import cold_fresh_cached


@pytest.mark.parametrize("collabs", [10, 10_000])
def test_the_drawn_pages_cost_the_same_at_10_and_10000_collabs(client, db, settings, collabs):
    call_command(
        "generate_scale_data", collabs=collabs, artists=max(12, collabs // 10), members=20,
        votes=200, comments=20, big_thread=5, articles=1, quiet=True, stdout=None,
    )  # fmt: skip
    assert cold_fresh_cached(client, reverse("collabs:rise"), settings) == RISE_QUERIES
    assert cold_fresh_cached(client, reverse("collabs:graph"), settings) == GRAPH_QUERIES
    artist = reverse("collabs:artist", args=[BIG_GROUP_SLUG])
    assert cold_fresh_cached(client, artist, settings) == ARTIST_QUERIES
