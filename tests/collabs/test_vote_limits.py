"""Young members' votes: 20 an hour (every click), then 429 with when to try again.

The limit is counted by core.ratelimit in the cache; the clock is moved with
time_machine, which the counter and the cache's expiry both read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from collabs.models import Collab, Vote
from tests.collabs.conftest import make_artist, make_collab
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def apt(db):
    return make_collab("APT.", (make_artist("Rosé"), " & "), (make_artist("Bruno Mars", "US"),))


def vote(client, collab, **headers):
    return client.post(f"/collabs/{collab.slug}/vote/", headers=headers)


def count(collab) -> int:
    return Collab.objects.get(pk=collab.pk).vote_count


def test_a_young_member_gets_20_votes_an_hour_then_429_in_place(client, apt, clock):
    member = MemberFactory()  # joined just now
    client.force_login(member)
    for n in range(20):
        response = vote(client, apt, **HTMX)
        assert response.status_code == 200
        assert count(apt) == (n + 1) % 2  # cast, take back, cast…
    assert not Vote.objects.filter(user=member).exists()

    refused = vote(client, apt, **HTMX)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 2 * 3600
    # The vote-button partial, as it stands, with the reason and when to retry.
    assert refused.text.lstrip().startswith(f'<div id="vote-{apt.slug}"')
    assert 'aria-pressed="false"' in refused.text
    assert "New members can vote 20 times an hour during their first day." in refused.text
    assert "Try again in" in refused.text
    assert count(apt) == 0 and not Vote.objects.filter(user=member).exists()

    # Without htmx: the site's 429 page.
    page = vote(client, apt)
    assert page.status_code == 429
    assert page["Retry-After"]
    assert 'class="site-header"' in page.text
    assert "New members can vote 20 times an hour" in page.text
    assert count(apt) == 0

    clock.shift(timedelta(seconds=wait))
    assert vote(client, apt, **HTMX).status_code == 200
    assert count(apt) == 1


def test_the_limit_ends_when_the_account_is_a_day_old(client, apt, clock):
    member = MemberFactory()
    client.force_login(member)
    for _ in range(20):
        vote(client, apt)
    assert vote(client, apt).status_code == 429
    clock.shift(timedelta(days=1))
    for _ in range(25):
        assert vote(client, apt, **HTMX).status_code == 200
    assert count(apt) == 1


def test_older_members_are_not_limited(client, apt, clock):
    member = MemberFactory(date_joined=START - timedelta(days=2))
    client.force_login(member)
    for _ in range(41):
        assert vote(client, apt, **HTMX).status_code == 200
    assert count(apt) == 1


def test_the_limit_is_per_member(client, apt, clock):
    first, second = MemberFactory(), MemberFactory()
    client.force_login(first)
    for _ in range(20):
        vote(client, apt)
    assert vote(client, apt).status_code == 429
    client.force_login(second)
    assert vote(client, apt, **HTMX).status_code == 200
    assert count(apt) == 1


def test_the_limit_comes_from_settings(client, apt, clock, settings):
    settings.CROSSOVER_LIMITS = {
        **settings.CROSSOVER_LIMITS,
        "votes_young": {"limit": 2, "period": 600},
    }
    client.force_login(MemberFactory())
    assert vote(client, apt).status_code == 302
    assert vote(client, apt).status_code == 302
    refused = vote(client, apt, **HTMX)
    assert refused.status_code == 429
    assert "New members can vote 2 times in 10 minutes" in refused.text


def test_votes_are_refused_with_503_when_the_cache_cannot_count(client, apt, clock, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "retry_after": 0},
        }
    }
    client.force_login(MemberFactory())
    response = vote(client, apt, **HTMX)
    assert response.status_code == 503
    assert count(apt) == 0
