"""Model constraints and QuerySet reads: credits, artist pages, crossovers, search, rankings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from collabs import services
from collabs.models import (
    HOT_EPOCH,
    HOT_HALF_LIFE,
    Collab,
    Credit,
    ListeningLink,
    Vote,
    collaborators_of,
    hot_term,
    ranked,
)
from tests.collabs.conftest import make_artist, make_collab
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_second_vote_by_the_same_member_is_refused_by_the_database(member, apt):
    Vote.objects.create(user=member, collab=apt)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=member, collab=apt)
    assert Vote.objects.filter(collab=apt).count() == 1


@pytest.mark.parametrize(
    ("slug", "line"),
    [
        ("waste-it-on-me", "Steve Aoki feat. BTS"),
        ("sour-candy", "Lady Gaga & BLACKPINK"),
        ("apt", "Rosé & Bruno Mars"),
        ("mic-drop-steve-aoki-remix", "BTS & Steve Aoki feat. Desiigner"),
        ("5-4-3-pretty-woman", "S.Coups & Mingyu feat. Lay Bankz"),
    ],
)
def test_the_credit_line_is_rendered_from_the_credits(catalogue, slug, line):
    collab = Collab.objects.for_list().get(slug=slug)
    assert collab.credit_line == line
    assert line not in collab.title


def test_producers_and_writers_stay_out_of_the_credit_line(db):
    singer, producer = make_artist("Singer"), make_artist("Maker", country="US")
    collab = make_collab(
        "Song", (singer, " & "), (producer, "", "producer"), released=date(2024, 2, 2)
    )
    collab = Collab.objects.for_list().get(pk=collab.pk)
    assert collab.credit_line == "Singer"
    assert [c.display_name for c in collab.other_credits] == ["Maker"]


def test_credited_as_overrides_the_artist_name(db):
    artist = make_artist("Park Chae-young")
    collab = make_collab("Song", (artist,))
    Credit.objects.filter(collab=collab).update(credited_as="ROSÉ")
    assert Collab.objects.for_list().get(pk=collab.pk).credit_line == "ROSÉ"


def test_two_credits_cannot_share_a_position(db):
    artist = make_artist("Solo")
    collab = make_collab("Song", (artist,))
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(collab=collab, artist=artist, position=0)


def test_apt_shows_on_roses_page_and_on_blackpinks(artists, apt):
    assert apt in Collab.objects.featuring(artists["rose"])
    assert apt in Collab.objects.featuring(artists["blackpink"])
    assert apt not in Collab.objects.featuring(artists["bts"])


def test_a_members_page_includes_the_groups_collabs(artists, catalogue):
    on_jisoos_page = set(Collab.objects.featuring(artists["jisoo"]).values_list("slug", flat=True))
    assert on_jisoos_page == {"eyes-closed", "sour-candy", "ice-cream"}


def test_a_groups_page_has_its_members_collabs_once_each(artists):
    slugs = list(Collab.objects.featuring(artists["blackpink"]).values_list("slug", flat=True))
    assert sorted(slugs) == ["apt", "eyes-closed", "ice-cream", "sour-candy"]


def test_collaborators_leave_out_the_group_and_its_members(artists):
    blackpink = type(artists["blackpink"]).objects.for_page().get(slug="blackpink")
    collabs = Collab.objects.featuring(blackpink).for_list()
    names = [a.name for a in collaborators_of(blackpink, collabs)]
    assert names == ["Bruno Mars", "Lady Gaga", "Selena Gomez", "Zayn"]
    rose = type(blackpink).objects.for_page().get(slug="rose")
    rose_collabs = Collab.objects.featuring(rose).for_list()
    assert [a.name for a in collaborators_of(rose, rose_collabs)] == ["Bruno Mars"]


def test_crossover_means_credits_from_more_than_one_country(catalogue):
    korean = make_artist("Seoul One")
    also_korean = make_artist("Seoul Two")
    local = make_collab("Local", (korean, " & "), (also_korean,))
    solo = make_collab("Solo", (korean,))
    crossovers = set(Collab.objects.crossover())
    assert local not in crossovers and solo not in crossovers
    assert catalogue["apt"] in crossovers and catalogue["eyes-closed"] in crossovers
    # The demo's collabs within K-pop (a feature across groups, a unit's single) are not.
    within_kpop = {catalogue[slug] for slug in ("vibe", "eight", "fighting")}
    assert not within_kpop & crossovers
    assert Collab.objects.crossover().count() == len(catalogue) - len(within_kpop)


@pytest.mark.parametrize("query", ["Rosé", "rosé", "로제", "Roseanne Park", "roseanne", "APT"])
def test_search_finds_a_collab_by_any_of_an_artists_names(apt, query):
    assert list(Collab.objects.search(query)) == [apt]


def test_search_by_group_name_finds_the_members_collabs(catalogue):
    found = set(Collab.objects.search("BLACKPINK").values_list("slug", flat=True))
    assert found == {"apt", "eyes-closed", "sour-candy", "ice-cream"}


def test_listening_links_must_be_https(apt):
    link = ListeningLink(collab=apt, label="Old", url="http://example.com/apt")
    with pytest.raises(ValidationError):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()


def _vote_at(collab, when, n=1):
    for _ in range(n):
        services.vote_cast(user=MemberFactory(), collab=collab, at=when)


def test_hot_orders_by_recent_votes_and_top_by_all_votes(db):
    artist = make_artist("Artist")
    old_favourite = make_collab("Old favourite", (artist,), released=date(2020, 1, 1))
    fresh = make_collab("Fresh", (artist,), released=date(2025, 5, 1))
    rising = make_collab("Rising", (artist,), released=date(2025, 4, 1))
    now = timezone.now()
    _vote_at(old_favourite, now - timedelta(days=30), n=3)
    _vote_at(fresh, now)
    _vote_at(rising, now - timedelta(days=6), n=2)

    assert list(Collab.objects.top()) == [old_favourite, rising, fresh]
    assert list(Collab.objects.hot()) == [rising, fresh, old_favourite]

    # The stored score orders exactly like Σ 2^(−age / half-life) computed now…
    def decayed(collab, at):
        return sum(2 ** (-(at - v.created_at) / HOT_HALF_LIFE) for v in collab.votes.all())

    by_decay = sorted(Collab.objects.all(), key=lambda c: decayed(c, now), reverse=True)
    assert by_decay == list(Collab.objects.hot())
    # …and, because every term shares one factor, at any later moment too.
    later = now + timedelta(days=100)
    with time_machine.travel(later):
        by_decay_later = sorted(Collab.objects.all(), key=lambda c: decayed(c, later), reverse=True)
        assert by_decay_later == list(Collab.objects.hot())


def test_hot_score_is_the_sum_of_vote_terms(db):
    collab = make_collab("Song", (make_artist("A"),))
    times = [HOT_EPOCH + timedelta(days=d) for d in (0, 7, 14)]
    for at in times:
        services.vote_cast(user=MemberFactory(), collab=collab, at=at)
    collab.refresh_from_db()
    assert collab.hot_score == pytest.approx(1 + 2 + 4)
    assert collab.hot_score == pytest.approx(sum(hot_term(at) for at in times))


def test_ties_are_broken_by_votes_then_release_date_then_id(db):
    artist = make_artist("A")
    older = make_collab("Older", (artist,), released=date(2020, 1, 1))
    newer = make_collab("Newer", (artist,), released=date(2021, 1, 1))
    twin = make_collab("Twin", (artist,), released=date(2021, 1, 1))
    assert list(Collab.objects.top()) == [newer, twin, older]
    assert list(Collab.objects.hot()) == [newer, twin, older]
    # The order is fixed, but collabs with as many votes share their place.
    assert [Collab.objects.rank_of(c) for c in (newer, twin, older)] == [1, 1, 1]


def test_rank_of_and_with_rank_give_the_places_top_lists_show(catalogue):
    """Competition ranking: "1, 2, 2, 4", the same as /top/ shows."""
    now = timezone.now()
    for i, collab in enumerate(catalogue.values()):
        _vote_at(collab, now - timedelta(days=i), n=i % 4)
    ordered = ranked(Collab.objects.top(), "vote_count")
    with_rank = dict(Collab.objects.with_rank().values_list("pk", "rank"))
    for collab in ordered:
        assert collab.place == 1 + sum(c.vote_count > collab.vote_count for c in ordered)
        assert Collab.objects.rank_of(collab) == collab.place == with_rank[collab.pk]
    assert len({c.place for c in ordered}) < len(ordered)  # some places are shared


def test_trending_counts_the_votes_of_the_last_week(db):
    artist = make_artist("Artist")
    old_favourite = make_collab("Old favourite", (artist,))
    fresh = make_collab("Fresh", (artist,))
    forgotten = make_collab("Forgotten", (artist,))
    now = timezone.now()
    _vote_at(old_favourite, now - timedelta(days=30), n=10)
    _vote_at(old_favourite, now - timedelta(days=1))
    _vote_at(fresh, now - timedelta(hours=2), n=2)
    _vote_at(forgotten, now - timedelta(days=8), n=5)
    trending = list(Collab.objects.trending())
    assert [(c.title, c.recent_votes) for c in trending] == [("Fresh", 2), ("Old favourite", 1)]
    # A week on, nothing is trending.
    assert not Collab.objects.trending(now=now + timedelta(days=8)).exists()
