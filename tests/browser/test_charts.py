"""The charts and networks with JavaScript off: drawn, named, and each mark a link that
leads where it says, at a laptop's width and a phone's."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from collabs.models import ArtistKind
from tests.collabs.conftest import make_artist, make_collab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def band(transactional_db):
    group = make_artist("BLACKPINK", kind=ArtistKind.GROUP)
    rose = make_artist("Rosé", member_of=group)
    bruno = make_artist("Bruno Mars", country="US")
    gaga = make_artist("Lady Gaga", country="US")
    make_collab("APT.", (rose, " & "), (bruno,), released=date(2024, 10, 18))
    make_collab("Sour Candy", (gaga, " & "), (group,), released=date(2020, 5, 28))
    make_collab("Home", (group,), released=date(2020, 1, 1))
    return group


@pytest.mark.parametrize("width", [1280, 390])
def test_the_rise_charts_lead_into_the_catalogue_without_javascript(
    no_js_context, live_server, band, width
):
    page = no_js_context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/rise/")
    years = page.get_by_role("figure", name="Published collabs per release year")
    expect(years).to_be_visible()
    assert years.locator("svg").bounding_box()["width"] <= width
    # The 2020 crossovers: one of the year's two collabs.
    years.locator('a[href="/collabs/?year=2020&crossover=on"]').click()
    expect(page).to_have_url(f"{live_server.url}/collabs/?year=2020&crossover=on")
    expect(page.locator(".results-summary strong")).to_have_text("1")
    page.go_back()
    countries = page.get_by_role("figure", name="K-pop collabs per year and partner country")
    countries.locator('a[href="/collabs/?year=2024&country=US"]').click()
    expect(page.locator(".results-summary strong")).to_have_text("1")
    expect(page.get_by_label("Partner country")).to_have_value("US")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_artists_network_links_to_each_artist_without_javascript(
    no_js_context, live_server, band, width
):
    page = no_js_context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{band.get_absolute_url()}")
    network = page.get_by_role("figure", name="BLACKPINK, its members")
    expect(network).to_be_visible()
    assert network.locator("svg").bounding_box()["width"] <= width
    expect(network.locator("a.network-node")).to_have_count(4)
    network.locator('a.network-node[href="/artists/bruno-mars/"]').click()
    expect(page).to_have_url(f"{live_server.url}/artists/bruno-mars/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bruno Mars")
