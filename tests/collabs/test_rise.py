"""/rise/: per-year figures equal what the catalogue counts behind each link, published
collabs only; fixed query counts; charts with names, tables and links; the country filter."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from collabs import rise
from collabs.models import CollabStatus
from tests.collabs.conftest import make_artist, make_collab
from tests.queries import cold_fresh_cached

pytestmark = pytest.mark.django_db

PAGE_WEIGHT = 150_000


def catalogue_count(client, **params) -> int:
    """How many collabs the catalogue lists for these filters (its own count)."""
    response = client.get(reverse("collabs:list"), params)
    assert response.status_code == 200
    return response.context["page"].paginator.count


@pytest.fixture
def unpublished(catalogue):
    """A nominated and a rejected crossover, in a year of their own and in a published
    year: neither may be counted anywhere."""
    rose = catalogue["apt"].credits.all()[0].artist
    guest = make_artist("Unpublished Guest", country="FR")
    for status, year in [(CollabStatus.NOMINATED, 2031), (CollabStatus.REJECTED, 2024)]:
        make_collab(f"Not yet {status}", (rose, " & "), (guest,), released=date(year, 5, 1),
                    status=status)  # fmt: skip
    return guest


def test_each_years_figures_are_the_catalogues_own(client, catalogue, unpublished):
    figures = rise.compute()
    assert [y.year for y in figures.years] == sorted({c.release_date.year for c in
                                                      catalogue.values()})  # fmt: skip
    for year in figures.years:
        assert year.collabs == catalogue_count(client, year=year.year)
        assert year.crossovers == catalogue_count(client, year=year.year, crossover="on")
    assert figures.total == catalogue_count(client)
    assert figures.crossovers == catalogue_count(client, crossover="on")


def test_each_partner_countrys_figures_are_the_catalogues_own(client, catalogue, unpublished):
    figures = rise.compute()
    assert figures.countries, "the demo catalogue has partners"
    assert "KR" not in {c.code for c in figures.countries}
    for country in figures.countries:
        assert country.collabs == catalogue_count(client, country=country.code)
        for year in figures.years:
            counted = figures.partner_counts.get((year.year, country.code), 0)
            assert counted == catalogue_count(client, year=year.year, country=country.code)


def test_nominated_and_rejected_collabs_are_never_counted(catalogue):
    before = rise.compute()
    rose = catalogue["apt"].credits.all()[0].artist
    guest = make_artist("Unpublished Guest", country="FR")
    for status, year in [(CollabStatus.NOMINATED, 2031), (CollabStatus.REJECTED, 2024)]:
        make_collab(f"Not yet {status}", (rose, " & "), (guest,), released=date(year, 5, 1),
                    status=status)  # fmt: skip
    after = rise.compute()
    assert after == before
    assert 2031 not in {y.year for y in after.years}
    assert "FR" not in {c.code for c in after.countries}
    assert "unpublished-guest" not in {a.slug for a in after.most_international}


def test_the_most_international_artists_count_distinct_partners_from_elsewhere(db):
    solo, other_kr = make_artist("Solo"), make_artist("Other KR")
    us, gb = make_artist("US Star", country="US"), make_artist("GB Star", country="GB")
    make_collab("One", (solo, " & "), (us,))
    make_collab("Two", (solo, " & "), (us,))  # the same partner again: still one
    make_collab("Three", (solo, " x "), (gb, " & "), (other_kr,))  # a compatriot: not counted
    partners = {a.slug: a.partners for a in rise.compute().most_international}
    assert partners["solo"] == 2
    assert partners["us-star"] == 1
    assert partners["gb-star"] == 2  # Solo and Other KR
    assert partners["other-kr"] == 1


def test_the_page_draws_each_chart_with_a_name_a_table_and_links(client, catalogue):
    html = client.get(reverse("collabs:rise")).content.decode()
    assert "<h1>The rise of worldwide collaborations</h1>" in html
    # Each chart: a figure named by its caption, the SVG named too, and a table alternative.
    for chart in ("years", "countries"):
        assert f'<figure class="chart" aria-labelledby="{chart}-caption">' in html
        assert f'<figcaption id="{chart}-caption">' in html
        assert f'aria-labelledby="{chart}-caption">' in html
    assert html.count("<table") == 2 and html.count("<caption>") == 2
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2
    links = {unescape(h) for svg in svgs for h in re.findall(r'href="([^"]+)"', svg)}
    figures = rise.compute()
    for year in figures.years:
        assert f"/collabs/?year={year.year}" in links
        if year.crossovers:
            assert f"/collabs/?year={year.year}&crossover=on" in links
    for country in figures.chart_countries:
        assert f"/collabs/?country={country.code}" in links
    assert "/collabs/?year=2024&country=US" in links
    # Nothing needs JavaScript: no script of the page's own beyond the site's.
    assert "<script" not in "".join(svgs)


def test_the_header_and_the_catalogue_link_to_the_page(client, catalogue):
    rise_url = reverse("collabs:rise")
    page = client.get(rise_url).content.decode()
    assert f'<a href="{rise_url}" aria-current="page">Rise</a>' in page
    catalogue_page = client.get(reverse("collabs:list")).content.decode()
    assert f'<a href="{rise_url}">Rise</a>' in catalogue_page
    assert f'<a href="{rise_url}">See the rise' in catalogue_page


def test_an_empty_catalogue_has_a_page_too(client, db):
    response = client.get(reverse("collabs:rise"))
    assert response.status_code == 200
    assert "No collabs yet." in response.content.decode()


# Queries ------------------------------------------------------------------------


def grow_catalogue(start: int, stop: int) -> None:
    """Collabs start..stop-1 over several years and countries, a few nominated."""
    countries = ["US", "GB", "JP", "BR", "FR"]
    for i in range(start, stop):
        kr = make_artist(f"KR {i}")
        guest = make_artist(f"Guest {i}", country=countries[i % len(countries)])
        credits = [(kr, " feat. "), (guest,)] if i % 4 else [(kr,)]
        status = CollabStatus.NOMINATED if i % 7 == 6 else CollabStatus.PUBLISHED
        make_collab(f"Song {i}", *credits, released=date(2015 + i % 10, 1, 1), status=status)


# (cold, fresh, cached): tests/queries.py. Cold: the memo's table versions and the four
# aggregates of rise.compute(): per year, crossovers per year, partner
# countries, most international artists; nothing per row. Fresh: the memo's versions.
# Cached: the page's.
RISE_QUERIES = (5, 1, 1)


def test_the_page_costs_a_fixed_number_of_queries(client, db, settings):
    for start, stop in [(0, 3), (3, 60)]:
        grow_catalogue(start, stop)
        assert cold_fresh_cached(client, reverse("collabs:rise"), settings) == RISE_QUERIES


@pytest.mark.parametrize("collabs", [30, 300])
def test_at_scale_the_queries_stay_and_the_page_stays_light(client, db, settings, collabs):
    call_command(
        "generate_scale_data", collabs=collabs, members=20, artists=collabs // 3 + 12,
        votes=100, comments=20, big_thread=5, articles=1, quiet=True, stdout=None,
    )  # fmt: skip
    assert cold_fresh_cached(client, reverse("collabs:rise"), settings) == RISE_QUERIES
    response = client.get(reverse("collabs:rise"))
    assert len(response.content) <= PAGE_WEIGHT


# The country filter ---------------------------------------------------------------


def test_the_catalogue_filters_by_partner_country(client, catalogue):
    assert catalogue_count(client, country="us") == catalogue_count(client, country="US") > 0
    html = client.get(reverse("collabs:list"), {"country": "us"}).content.decode()
    assert '<option value="US" selected>United States</option>' in html
    # South Korea itself: every collab crediting a Korean artist.
    assert catalogue_count(client, country="KR") == catalogue_count(client) - sum(
        1
        for c in catalogue.values()
        if c.is_published and not any(cr.artist.country == "KR" for cr in c.credits.all())
    )


@pytest.mark.parametrize(
    "value", ["ZZ", "usa", "a\x00b", "x" * 10_000, "\u202eus", "../../etc/passwd", "-1"]
)
def test_an_unknown_country_is_said_and_every_country_shown(client, catalogue, value):
    response = client.get(reverse("collabs:list"), {"country": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a country code (such as US or GB), so every country is shown." in html
    assert response.context["page"].paginator.count == catalogue_count(client)


@pytest.mark.parametrize("path", ["/rise/", "/graph/"])
@pytest.mark.parametrize("value", ["a%00b", "%ff%fe", "9" * 5000])
def test_hostile_query_parameters_change_nothing(client, catalogue, path, value):
    plain = client.get(path)
    response = client.get(f"{path}?year={value}&country={value}&utm_source={value}")
    assert response.status_code == 200
    assert response.content.count(b"<svg") == plain.content.count(b"<svg")
