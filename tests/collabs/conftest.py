"""Catalogue fixtures: artists and collabs made the way the site makes them (services)."""

from __future__ import annotations

from datetime import date

import pytest

from collabs import demo, services
from collabs.models import Artist, Collab, CreditRole
from collabs.services import CreditSpec


def make_artist(name: str, country: str = "KR", **kwargs) -> Artist:
    return services.artist_create(name=name, country=country, **kwargs)


def make_collab(title: str, *credits, released: date = date(2024, 1, 1), **kwargs) -> Collab:
    """make_collab("APT.", (rose, " & "), (bruno, "")): credits as (artist, join[, role])."""
    specs = [
        CreditSpec(artist=c[0], join_phrase=c[1] if len(c) > 1 else "",
                   role=c[2] if len(c) > 2 else CreditRole.LEAD)
        for c in credits
    ]  # fmt: skip
    return services.collab_create(title=title, release_date=released, credits=specs, **kwargs)


@pytest.fixture
def catalogue(db):
    """The demo catalogue of the seed article and the first three within K-pop, which these
    tests know by heart (no demo members, so no votes)."""
    demo.load(log=lambda message: None, only=demo.FIRST_CATALOGUE)
    return {c.slug: c for c in Collab.objects.all()}


@pytest.fixture
def artists(catalogue):
    return {a.slug: a for a in Artist.objects.all()}


@pytest.fixture
def apt(catalogue):
    return catalogue["apt"]
