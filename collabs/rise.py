"""The figures of /rise/: published collabs and crossovers per release year, K-pop's
partner countries per year, and the artists with the most international partners.

Each figure is one aggregate query over the published catalogue, with the catalogue's
own definitions (CollabQuerySet.crossover(), with_partner_from()), so every number
equals what the catalogue counts behind its link. `figures()` is memoised as "rise".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractYear

from collabs.countries import COUNTRIES, KOREA
from collabs.models import Collab, Credit
from core.caching import memo

# The partner countries the year × country chart shows (the most frequent), and the
# artists the "most international" list names: enough to read, few enough for a phone.
CHART_COUNTRIES = 8
TOP_ARTISTS = 12


@dataclass(frozen=True)
class Year:
    year: int
    collabs: int
    crossovers: int

    @property
    def share(self) -> float:
        """The crossovers' share of the year's collabs, 0 to 1."""
        return self.crossovers / self.collabs if self.collabs else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.share)


@dataclass(frozen=True)
class Country:
    code: str
    collabs: int  # K-pop collabs with an artist from here, over every year

    @property
    def name(self) -> str:
        return COUNTRIES.get(self.code, self.code)


@dataclass(frozen=True)
class Partners:
    name: str
    slug: str
    country: str
    partners: int  # distinct artists from another country credited with them

    @property
    def country_name(self) -> str:
        return COUNTRIES.get(self.country, self.country)


@dataclass(frozen=True)
class Rise:
    years: list[Year]  # oldest first
    countries: list[Country]  # K-pop's partner countries, most collabs first
    # {(year, country code): K-pop collabs that year with an artist from that country}
    partner_counts: dict[tuple[int, str], int] = field(default_factory=dict)
    most_international: list[Partners] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(y.collabs for y in self.years)

    @property
    def crossovers(self) -> int:
        return sum(y.crossovers for y in self.years)

    @property
    def chart_countries(self) -> list[Country]:
        return self.countries[:CHART_COUNTRIES]

    def grid(self) -> list[tuple[Year, list[tuple[Country, int]]]]:
        """Each year with the chart countries' counts, in the chart's order."""
        return [
            (y, [(c, self.partner_counts.get((y.year, c.code), 0)) for c in self.chart_countries])
            for y in self.years
        ]


def _per_year(collabs) -> dict[int, int]:
    rows = collabs.annotate(year=ExtractYear("release_date")).order_by().values("year")
    return {row["year"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def compute() -> Rise:
    """Four aggregate queries, whatever the size of the catalogue."""
    published = Collab.objects.published()
    totals = _per_year(published)
    crossovers = _per_year(published.crossover())
    years = [Year(y, totals[y], crossovers.get(y, 0)) for y in sorted(totals)]

    # K-pop collabs (a Korean artist credited) and the other countries credited on them;
    # KOREA itself is no partner. Counted per collab, as with_partner_from() filters.
    kpop = Credit.objects.filter(collab=OuterRef("collab_id"), artist__country=KOREA)
    partner_rows = (
        Credit.objects.filter(Exists(kpop), collab__status="published")
        .exclude(artist__country=KOREA)
        .annotate(year=ExtractYear("collab__release_date"))
        .order_by()
        .values("year", "artist__country")
        .annotate(n=Count("collab_id", distinct=True))
    )
    partner_counts = {(r["year"], r["artist__country"]): r["n"] for r in partner_rows}
    # A collab has one release year: the years' counts add up to the country's.
    by_country: dict[str, int] = {}
    for (_, code), n in partner_counts.items():
        by_country[code] = by_country.get(code, 0) + n
    countries = [
        Country(code, n)
        for code, n in sorted(by_country.items(), key=lambda item: (-item[1], item[0]))
    ]

    # Distinct partner artists from another country, through the collabs' other credits.
    partners = (
        Credit.objects.filter(collab__status="published")
        .order_by()
        .values("artist_id", "artist__name", "artist__slug", "artist__country")
        .annotate(
            partners=Count(
                "collab__credits__artist",
                distinct=True,
                filter=~Q(collab__credits__artist__country=F("artist__country")),
            )
        )
        .filter(partners__gt=0)
        .order_by("-partners", "artist__name", "artist_id")[:TOP_ARTISTS]
    )
    most_international = [
        Partners(r["artist__name"], r["artist__slug"], r["artist__country"], r["partners"])
        for r in partners
    ]
    return Rise(years, countries, partner_counts, most_international)


def figures() -> Rise:
    return memo("rise", compute)


# Drawing: SVG geometry in user units. An SVG is shown SCALE pixels a unit, and shrinks
# with its column on a phone (max-width: 100%): its labels stay 11 px or more at 390 px.
SCALE = 1.35
BAR_LABEL = 52  # the years' column
BAR_MAX = 170  # the longest bar
BAR_TEXT = 110  # "12 of 20 · 60%" after the bar
BAR_ROW = 32
GRID_LABEL = 52
GRID_COLUMN = 44
GRID_HEAD = 30
GRID_ROW = 36


@dataclass(frozen=True)
class Box:
    """An SVG's viewBox (width, height) and the width it is shown at."""

    width: int
    height: int

    @property
    def shown(self) -> int:
        return round(self.width * SCALE)


@dataclass(frozen=True)
class Bar:
    year: Year
    y: float
    width: float  # every collab of the year
    crossover_width: float
    text_x: float


def year_bars(rise: Rise) -> tuple[list[Bar], Box]:
    """(bars, box) of the collabs-per-year chart: one row per year."""
    most = max((y.collabs for y in rise.years), default=1) or 1
    bars = [
        Bar(
            year=y,
            y=4 + i * BAR_ROW,
            width=round(max(y.collabs / most * BAR_MAX, 2), 1),
            crossover_width=round(y.crossovers / most * BAR_MAX, 1),
            text_x=round(BAR_LABEL + y.collabs / most * BAR_MAX + 6, 1),
        )
        for i, y in enumerate(rise.years)
    ]
    return bars, Box(BAR_LABEL + BAR_MAX + BAR_TEXT, 8 + len(bars) * BAR_ROW)


@dataclass(frozen=True)
class Cell:
    country: Country
    count: int
    x: float
    r: float


def partner_grid(rise: Rise) -> tuple[list, list, Box]:
    """(columns, rows, box) of the year × partner-country chart: columns are
    (country, x), rows (year, y, cells); a cell's circle grows with its count."""
    countries = rise.chart_countries
    most = max(rise.partner_counts.values(), default=1) or 1
    columns = [(c, GRID_LABEL + i * GRID_COLUMN + GRID_COLUMN / 2) for i, c in enumerate(countries)]
    rows = [
        (
            year,
            GRID_HEAD + i * GRID_ROW + GRID_ROW / 2,
            [
                Cell(c, n, x, round(9 + 8 * (n / most) ** 0.5, 1) if n else 2.5)
                for (c, n), (_, x) in zip(cells, columns, strict=True)
            ],
        )
        for i, (year, cells) in enumerate(rise.grid())
    ]
    width = GRID_LABEL + len(countries) * GRID_COLUMN + 4
    return columns, rows, Box(width, GRID_HEAD + len(rows) * GRID_ROW)
