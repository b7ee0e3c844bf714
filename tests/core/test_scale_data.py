"""The benchmark's scale data generator: a tiny run, every counter equals its rows, and the
catalogue spreads over the years and over partner countries."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from accounts.models import User
from articles.models import Article
from collabs.models import Artist, Collab, Vote, hot_term
from comments.models import MAX_DEPTH, Comment, Thread
from core.management.commands.generate_scale_data import (
    BIG_COLLAB_SLUG,
    BIG_GROUP_SLUG,
    FIRST_YEAR,
    LAST_YEAR,
)

pytestmark = pytest.mark.django_db

TINY = {"collabs": 30, "members": 20, "artists": 12, "votes": 100, "comments": 80,
        "big_thread": 25, "articles": 3, "quiet": True}  # fmt: skip


def test_a_tiny_run_makes_the_sizes_asked_for_with_exact_counters():
    call_command("generate_scale_data", **TINY)
    assert Collab.objects.count() == 30
    assert User.objects.count() == 20
    assert Artist.objects.count() == 12
    assert Vote.objects.count() == 100
    assert Comment.objects.count() == 80
    assert Article.objects.count() == 3
    for collab in Collab.objects.annotate(n_votes=Count("votes")):
        assert collab.vote_count == collab.n_votes
        expected = sum(hot_term(v.created_at) for v in collab.votes.all())
        assert collab.hot_score == pytest.approx(expected)
    for thread in Thread.objects.annotate(
        visible=Count("comments", filter=Q(comments__state="visible"))
    ):
        assert thread.comment_count == thread.visible
    for comment in Comment.objects.annotate(n_likes=Count("likes")):
        assert comment.like_count == comment.n_likes


def test_the_big_discussion_is_a_reply_tree_and_the_big_group_has_collabs():
    call_command("generate_scale_data", **TINY)
    big = Collab.objects.get(slug=BIG_COLLAB_SLUG)
    comments = list(Comment.objects.filter(thread=big.thread))
    assert len(comments) == 25 == big.thread.comment_count
    assert {c.depth for c in comments} <= set(range(1, MAX_DEPTH + 1))
    replies = [c for c in comments if c.parent_id]
    assert replies and all(c.root_id and c.depth == 1 + c.parent.depth for c in replies)
    assert Collab.objects.featuring(BIG_GROUP_SLUG).exists()


def test_it_refuses_a_database_that_has_a_catalogue():
    call_command("generate_scale_data", **TINY)
    with pytest.raises(CommandError, match="already has collabs"):
        call_command("generate_scale_data", **TINY)


def test_release_years_grow_towards_recent_ones_and_partners_come_from_many_countries():
    call_command("generate_scale_data", **{**TINY, "collabs": 600, "artists": 120})
    per_year = Counter(Collab.objects.values_list("release_date__year", flat=True))
    assert min(per_year) >= FIRST_YEAR and max(per_year) <= LAST_YEAR
    assert len(per_year) >= 15
    early = sum(per_year[y] for y in range(FIRST_YEAR, FIRST_YEAR + 4))
    recent = sum(per_year[y] for y in range(LAST_YEAR - 3, LAST_YEAR + 1))
    assert recent > 3 * early
    countries = Counter(Artist.objects.values_list("country", flat=True))
    assert countries.most_common(1)[0][0] == "KR"
    assert len(set(countries) - {"KR"}) >= 8
    crossovers = Collab.objects.crossover().count()
    assert 0 < crossovers < Collab.objects.count()
    # Crossovers spread over the years too, not only the catalogue.
    crossover_years = set(Collab.objects.crossover().values_list("release_date__year", flat=True))
    assert len(crossover_years) >= 12
    for collab in Collab.objects.annotate(n_votes=Count("votes")):
        assert collab.vote_count == collab.n_votes
