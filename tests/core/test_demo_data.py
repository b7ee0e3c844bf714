"""The demo reads like a real community: each discussion its own, some sixty collabs over the
years, crossovers and collabs within K-pop, members who joined on different days; and
`demo_data` is idempotent, also on a database an earlier version filled."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from accounts.demo import DEMO_MEMBERS, EDITOR_USERNAME
from collabs import demo
from collabs.models import Artist, Collab, Credit
from comments.demo import LEGACY_BODIES
from comments.models import Comment, Notification, Thread

pytestmark = pytest.mark.django_db


def demo_data() -> str:
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    User = get_user_model()
    return {
        "members": sorted(User.objects.values_list("username", "date_joined")),
        "comments": sorted(
            Comment.objects.values_list(
                "thread_id", "author__username", "body", "parent_id", "reply_to_id", "created_at"
            )
        ),
        "notifications": sorted(
            Notification.objects.values_list("recipient_id", "comment_id", "kind", "created_at")
        ),
        "threads": sorted(Thread.objects.values_list("pk", "comment_count", "last_activity_at")),
        "collabs": sorted(Collab.objects.values_list("slug", "vote_count", "release_date")),
        "artists": sorted(Artist.objects.values_list("slug", "country", "member_of__slug")),
        "credits": sorted(
            Credit.objects.values_list("collab__slug", "position", "artist__slug", "role")
        ),
    }


def test_running_demo_data_twice_changes_nothing():
    demo_data()
    first = snapshot()
    demo_data()
    assert snapshot() == first


def test_every_discussion_is_its_own():
    demo_data()
    bodies = Counter(Comment.objects.values_list("body", flat=True))
    assert bodies and max(bodies.values()) == 1, bodies.most_common(3)
    discussed = Thread.objects.filter(comment_count__gt=0).count()
    assert discussed >= 8
    for thread in Thread.objects.filter(comment_count__gt=0):
        assert thread.comment_count == Comment.objects.filter(thread=thread).visible().count()


def test_a_member_gets_distinct_notifications():
    demo_data()
    User = get_user_model()
    for member in User.objects.filter(notifications__isnull=False).distinct():
        told = list(
            Notification.objects.filter(recipient=member).values_list(
                "actor__username", "comment__body"
            )
        )
        assert len(told) == len(set(told)), member.username
        excerpts = [body for _, body in told]
        assert len(excerpts) == len(set(excerpts)), member.username
    jay = User.objects.get(username="army_jay")
    replies_to_jay = Notification.objects.filter(recipient=jay, kind="reply")
    assert replies_to_jay.count() == len(set(replies_to_jay.values_list("comment_id")))


def test_some_collabs_are_within_k_pop():
    demo_data()
    crossovers = set(Collab.objects.crossover().values_list("slug", flat=True))
    within = set(Collab.objects.values_list("slug", flat=True)) - crossovers
    assert {"vibe", "eight", "fighting"} <= within
    vibe = Client().get("/collabs/vibe/").content.decode()
    assert "Taeyang" in vibe and "Jimin" in vibe
    # The unit's single shows on its group's page too.
    assert "Fighting" in Client().get("/artists/seventeen/").content.decode()


def test_members_joined_on_different_days_before_they_voted_or_commented():
    demo_data()
    User = get_user_model()
    members = list(User.objects.filter(username__in=[u for u, _, _ in DEMO_MEMBERS]))
    days = {member.date_joined.date() for member in members}
    assert len(days) == len(DEMO_MEMBERS)
    for member in members:
        for voted_at in member.votes.values_list("created_at", flat=True):
            assert member.date_joined < voted_at
        for comment in Comment.objects.filter(author=member):
            assert member.date_joined < comment.created_at
    # Conversations happened over days, not all "just now".
    times = Comment.objects.values_list("created_at", flat=True)
    assert (max(times) - min(times)).days >= 5
    editor = User.objects.get(username=EDITOR_USERNAME)
    assert all(comment_time <= editor.date_joined for comment_time in times)


def test_an_earlier_demo_database_gets_distinct_discussions():
    """Earlier versions copied one conversation into three collabs; demo_data replaces it."""
    demo_data()
    from comments import services

    User = get_user_model()
    members = {u.username: u for u in User.objects.all()}
    legacy = [
        ("blinkforever", "This one lives in my head rent-free. The chorus is **perfect**.", None),
        ("army_jay", "Agreed, but the bridge is the real highlight. @blinkforever fight me 😄", 0),
        ("blinkforever", "No fight needed, @army_jay. Bridge supremacy.", 1),
        ("popfan_lena", "Came for the western artist, stayed for the K-pop side. Classic "
         "crossover.", None),
        ("chartwatcher", "It charted higher in the US than anyone predicted.", 3),
    ]  # fmt: skip
    assert {body for _, body, _ in legacy} == LEGACY_BODIES
    for slug in ("apt", "eyes-closed", "best-of-me", "ice-cream"):
        thread = Collab.objects.get(slug=slug).thread
        posted = []
        for author, body, parent in legacy:
            posted.append(
                services.comment_create(
                    thread=thread,
                    author=members[author],
                    body=body,
                    parent=posted[parent] if parent is not None else None,
                    rate_limited=False,
                )
            )

    demo_data()

    left = Comment.objects.filter(body__in=LEGACY_BODIES).values_list("thread__title", "body")
    assert not left, list(left)
    assert max(Counter(Comment.objects.values_list("body", flat=True)).values()) == 1
    for thread in Thread.objects.all():
        assert thread.comment_count == Comment.objects.filter(thread=thread).visible().count()
    blink = members["blinkforever"]
    assert not Notification.objects.filter(recipient=blink, comment__body__in=LEGACY_BODIES)
    first = snapshot()
    demo_data()
    assert snapshot() == first


def test_the_catalogue_spans_the_years_with_crossovers_and_collabs_within_k_pop():
    demo_data()
    assert Collab.objects.count() == len(demo.COLLABS) >= 60
    crossovers = Collab.objects.crossover()
    within = Collab.objects.exclude(pk__in=crossovers.values("pk"))
    crossover_years = set(crossovers.values_list("release_date__year", flat=True))
    within_years = set(within.values_list("release_date__year", flat=True))
    assert len(crossover_years) >= 10 and len(within_years) >= 10
    assert min(crossover_years | within_years) <= 2012 and max(crossover_years) >= 2025
    assert all(collab.vote_count > 0 for collab in Collab.objects.all())
    # Partners from many countries; the groups' members point at their groups.
    assert len(set(Artist.objects.values_list("country", flat=True))) >= 10
    lisa = Artist.objects.get(slug="lisa")
    assert (lisa.country, lisa.member_of.slug) == ("TH", "blackpink")
    members = Artist.objects.filter(member_of__slug="blackpink").values_list("slug", flat=True)
    assert set(members) == {"jisoo", "jennie", "rose", "lisa"}
    # Taeyang (KR) feat. Lisa (TH): a crossover by the model's measure.
    assert crossovers.filter(slug="shoong").exists()
    assert within.filter(slug__in=["palette", "people-pt-2", "lollipop"]).count() == 3
    people = Collab.objects.for_list().get(slug="people-pt-2")
    assert people.credit_line == "Agust D feat. IU"
    assert "People Pt.2" in Client().get("/artists/suga/").content.decode()


def test_an_earlier_demo_database_gets_the_wider_catalogue(monkeypatch):
    """A database the first demo filled (its 14 collabs) gets the rest on the next run, and
    what it had stays as it was."""
    first = {slug: demo.COLLABS[slug] for slug in demo.FIRST_CATALOGUE}
    with monkeypatch.context() as patched:
        patched.setattr(demo, "COLLABS", first)
        demo_data()
    assert set(Collab.objects.values_list("slug", flat=True)) == set(first)
    before = snapshot()

    demo_data()

    assert Collab.objects.count() == len(demo.COLLABS)
    assert all(collab.vote_count > 0 for collab in Collab.objects.all())
    after = snapshot()
    for key in ("members", "comments"):
        assert after[key] == before[key], key
    for key in ("threads", "collabs", "artists", "credits"):
        assert set(before[key]) <= set(after[key]), key
    demo_data()
    assert snapshot() == after
