"""Site-wide search: collabs, artists and published articles, ranked, grouped by kind.

On PostgreSQL the ranking is full-text (SearchVector / SearchRank; articles with English
stemming, names with the 'simple' configuration so nothing is stemmed away), and a plain
substring match is OR-ed in so that partial names and Hangul ("로제") still match whatever
the server's text-search parser makes of them. On SQLite the same substring match decides,
ranked by where it matched (exact title, title prefix, title, elsewhere). Each kind is one
query (collab cards add their credits' prefetch): four queries, whatever the data.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Window

from articles.models import Article
from collabs.models import Artist, Collab

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
PER_KIND = 20


@dataclass
class ResultGroup:
    kind: str
    label: str
    noun: str
    items: list = field(default_factory=list)

    @property
    def count(self) -> int:
        # Every row carries the group's total (a window count), so no extra query.
        return self.items[0].total if self.items else 0


@dataclass
class SearchResults:
    query: str
    groups: list[ResultGroup] = field(default_factory=list)
    problem: str = ""
    # Said above the results: what was done to the query (it was cut short).
    note: str = ""

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def found(self) -> list[ResultGroup]:
        return [group for group in self.groups if group.items]


def clean_query(raw: str | None) -> str:
    """One line of at most MAX_QUERY_LENGTH characters, spaces collapsed."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH].strip()


def _unreadable(query: str) -> bool:
    """Control characters (NUL among them, which PostgreSQL refuses outright) are in no
    title, name or article."""
    return any(unicodedata.category(c) == "Cc" for c in query)


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _substring_rank(query: str, *tiers: tuple[str, int]) -> Case:
    """The best tier a row matches: ("title__iexact", 4), ("title__istartswith", 3)…"""
    return Case(
        *(When(Q(**{lookup: query}), then=Value(score)) for lookup, score in tiers),
        default=Value(0),
        output_field=IntegerField(),
    )


def _full_text(qs: QuerySet, query: str, *, fields: dict[str, str], config: str, also: Q):
    """Rows whose vector matches `query`, or that match `also`; relevance = rank + tier."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = None
    for name, weight in fields.items():
        part = SearchVector(name, weight=weight, config=config)
        vector = part if vector is None else vector + part
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return qs.annotate(document=vector, fts_rank=SearchRank(vector, search_query)).filter(
        Q(document=search_query) | also
    )


def _with_total(qs: QuerySet) -> QuerySet:
    return qs.annotate(total=Window(Count("pk")))


def search_collabs(query: str, *, user=None) -> QuerySet:
    tier = _substring_rank(
        query, ("title__iexact", 4), ("title__istartswith", 3), ("title__icontains", 2)
    )
    matches = Collab.objects.published().search(query)
    if _on_postgres():
        qs = _full_text(
            Collab.objects.published(),
            query,
            fields={"title": "A", "description": "C"},
            config="simple",
            also=Q(pk__in=matches.values("pk")),
        ).annotate(relevance=F("fts_rank") + tier)
    else:
        # Credited artists, under any of their names, rank below a title match.
        qs = matches.annotate(relevance=tier)
    return (
        _with_total(qs)
        .for_list(user=user)
        .order_by("-relevance", "-vote_count", "-release_date", "pk")
    )


def search_artists(query: str) -> QuerySet:
    tier = _substring_rank(
        query,
        ("name__iexact", 5),
        ("korean_name__iexact", 5),
        ("name__istartswith", 4),
        ("korean_name__istartswith", 4),
        ("name__icontains", 3),
        ("korean_name__icontains", 3),
        ("other_names__icontains", 2),
    )
    matches = Artist.objects.search(query)
    if _on_postgres():
        qs = _full_text(
            Artist.objects.all(),
            query,
            fields={"name": "A", "korean_name": "A", "other_names": "B"},
            config="simple",
            also=Q(pk__in=matches.values("pk")),
        ).annotate(relevance=F("fts_rank") + tier)
    else:
        qs = matches.annotate(relevance=tier)
    return _with_total(qs).select_related("member_of").order_by("-relevance", "name", "pk")


def search_articles(query: str) -> QuerySet:
    tier = _substring_rank(
        query,
        ("title__iexact", 4),
        ("title__icontains", 3),
        ("standfirst__icontains", 2),
        ("body__icontains", 1),
    )
    published = Article.objects.published()
    if _on_postgres():
        qs = _full_text(
            published,
            query,
            fields={"title": "A", "standfirst": "B", "body": "C"},
            config="english",
            also=Q(title__icontains=query) | Q(standfirst__icontains=query),
        ).annotate(relevance=F("fts_rank") + tier)
    else:
        qs = published.filter(
            Q(title__icontains=query) | Q(standfirst__icontains=query) | Q(body__icontains=query)
        ).annotate(relevance=tier)
    return _with_total(qs).for_list().order_by("-relevance", "-published_at", "pk")


def site_search(raw_query: str | None, *, user=None) -> SearchResults:
    query = clean_query(raw_query)
    if not query:
        return SearchResults(query="")
    if _unreadable(query):
        readable = "".join(c if unicodedata.category(c) != "Cc" else " " for c in query)
        return SearchResults(
            query=clean_query(readable),
            problem="That search holds a control character that no title or name has, "
            "so it was not run. Try typing it again.",
        )
    if len(query) < MIN_QUERY_LENGTH:
        return SearchResults(
            query=query, problem=f"Type at least {MIN_QUERY_LENGTH} characters to search."
        )
    cut = len(" ".join((raw_query or "").split())) > MAX_QUERY_LENGTH
    return SearchResults(
        query=query,
        note=f"Only the first {MAX_QUERY_LENGTH} characters were searched for." if cut else "",
        groups=[
            ResultGroup(
                "collabs", "Collabs", "collab", list(search_collabs(query, user=user)[:PER_KIND])
            ),
            ResultGroup("artists", "Artists", "artist", list(search_artists(query)[:PER_KIND])),
            ResultGroup("articles", "Articles", "article", list(search_articles(query)[:PER_KIND])),
        ],
    )
