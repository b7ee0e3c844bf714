"""Abuse limits on discussions: young members' links, likes a day, flags a day.

Clocks are moved with time_machine: the database counts (flags) and the cache
counts (likes, core.ratelimit) both read it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from comments import services
from comments.markup import count_links
from comments.models import Comment, CommentLike, Flag
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HTMX = {"HX-Request": "true"}
THREE_LINKS = (
    "Stream it: [Spotify](https://open.spotify.com/x), <https://music.apple.com/y> "
    "and https://youtube.com/z"
)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def older(**kwargs):
    return MemberFactory(date_joined=START - timedelta(days=30), **kwargs)


def comments_by(author, thread, n: int) -> list[Comment]:
    return [
        services.comment_create(thread=thread, author=author, body=f"#{i}", rate_limited=False)
        for i in range(n)
    ]


# Links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "links"),
    [
        ("no links, @someone mentioned", 0),
        ("[one](https://a.example) and <https://b.example>", 2),
        (THREE_LINKS, 3),
        ("[https://a.example](https://a.example)", 1),
        ("bare www.a.example and `https://b.example` in code", 2),
        ("[ref][1]\n\n[1]: https://a.example", 1),
    ],
)
def test_links_are_counted_the_way_a_reader_sees_them(body, links):
    assert count_links(body) == links


def test_a_young_member_may_post_two_links_not_three(thread, clock):
    young = MemberFactory()
    client = client_for(young)
    url = reverse("comments:post", args=[thread.pk])

    refused = client.post(url, {"body": THREE_LINKS}, headers=HTMX)
    assert refused.status_code == 422
    assert "at most 2 links in a comment during their first day" in refused.text
    assert "this one has 3" in refused.text
    assert 'name="body"' in refused.text  # the form, kept for fixing
    plain = client.post(url, {"body": THREE_LINKS})
    assert plain.status_code == 422
    assert "at most 2 links" in plain.text
    assert not Comment.objects.exists()

    assert (
        client.post(url, {"body": "[one](https://a.example) https://b.example"}).status_code == 302
    )
    assert Comment.objects.count() == 1

    clock.shift(timedelta(days=1))
    assert client.post(url, {"body": THREE_LINKS}).status_code == 302
    assert Comment.objects.count() == 2


def test_replies_and_edits_are_held_to_the_same_links_rule(thread, clock):
    young = MemberFactory()
    client = client_for(young)
    first = services.comment_create(thread=thread, author=older(), body="APT. forever")
    reply = client.post(
        reverse("comments:reply", args=[first.pk]), {"body": THREE_LINKS}, headers=HTMX
    )
    assert reply.status_code == 422 and "at most 2 links" in reply.text

    own = services.comment_create(thread=thread, author=young, body="Fine")
    edit = client.post(reverse("comments:edit", args=[own.pk]), {"body": THREE_LINKS})
    assert edit.status_code == 422 and "at most 2 links" in edit.text
    own.refresh_from_db()
    assert own.body == "Fine" and own.edited_at is None
    assert Comment.objects.count() == 2


def test_older_members_may_post_more_links(thread, clock):
    response = client_for(older()).post(
        reverse("comments:post", args=[thread.pk]), {"body": THREE_LINKS}
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == THREE_LINKS


# Likes ------------------------------------------------------------------------------


def test_likes_are_capped_at_50_a_day(thread, clock):
    targets = comments_by(older(), thread, 52)
    liker = older()
    client = client_for(liker)
    for comment in targets[:50]:
        assert client.post(reverse("comments:like", args=[comment.pk])).status_code == 302
    assert CommentLike.objects.filter(user=liker).count() == 50

    url = reverse("comments:like", args=[targets[50].pk])
    refused = client.post(url, headers=HTMX)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 2 * 24 * 3600
    # The like button in place, unpressed, with the reason and when to retry.
    assert refused.text.lstrip().startswith('<form class="like-form"')
    assert 'aria-pressed="false"' in refused.text
    assert "You can like 50 comments a day. Try again in" in refused.text
    page = client.post(url)
    assert page.status_code == 429 and 'class="site-header"' in page.text
    assert "You can like 50 comments a day." in page.text
    assert CommentLike.objects.filter(user=liker).count() == 50
    assert Comment.objects.get(pk=targets[50].pk).like_count == 0

    # Taking a like back is not limited.
    unlike = client.post(reverse("comments:like", args=[targets[0].pk]), headers=HTMX)
    assert unlike.status_code == 200 and 'aria-pressed="false"' in unlike.text

    clock.shift(timedelta(seconds=wait))
    assert client.post(url, headers=HTMX).status_code == 200
    assert CommentLike.objects.filter(user=liker).count() == 50


def test_the_like_cap_is_per_member(thread, clock, settings):
    settings.CROSSOVER_LIMITS = {**settings.CROSSOVER_LIMITS, "likes": {"limit": 1, "period": 60}}
    first, second = comments_by(older(), thread, 2)
    one, other = client_for(older()), client_for(older())
    assert one.post(reverse("comments:like", args=[first.pk])).status_code == 302
    assert one.post(reverse("comments:like", args=[second.pk])).status_code == 429
    assert other.post(reverse("comments:like", args=[second.pk])).status_code == 302


# Flags ------------------------------------------------------------------------------


def test_flags_are_capped_at_20_a_day(thread, clock):
    targets = comments_by(older(), thread, 22)
    flagger = older()
    client = client_for(flagger)
    for comment in targets[:20]:
        url = reverse("comments:flag", args=[comment.pk])
        assert client.post(url, {"reason": "spam"}, headers=HTMX).status_code == 200
    assert Flag.objects.filter(flagger=flagger).count() == 20

    url = reverse("comments:flag", args=[targets[20].pk])
    refused = client.post(url, {"reason": "spam"}, headers=HTMX)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 24 * 3600
    assert "You can flag 20 comments a day. Please try again in 24 hours." in refused.text
    plain = client.post(url, {"reason": "spam"})
    assert plain.status_code == 429 and "You can flag 20 comments a day." in plain.text
    assert Flag.objects.filter(flagger=flagger).count() == 20

    clock.shift(timedelta(hours=23, minutes=59))
    assert client.post(url, {"reason": "spam"}).status_code == 429
    clock.shift(timedelta(minutes=1))
    assert client.post(url, {"reason": "spam"}).status_code == 302
    assert Flag.objects.filter(flagger=flagger).count() == 21


def test_the_flag_cap_applies_to_young_members_too_and_is_per_member(thread, clock, settings):
    settings.CROSSOVER_LIMITS = {**settings.CROSSOVER_LIMITS, "flags": {"limit": 1, "period": 60}}
    first, second = comments_by(older(), thread, 2)
    young = MemberFactory()
    services.comment_flag(comment=first, user=young, reason="spam")
    with pytest.raises(services.RateLimited):
        services.comment_flag(comment=second, user=young, reason="spam")
    services.comment_flag(comment=second, user=older(), reason="spam")
    assert Flag.objects.count() == 2
