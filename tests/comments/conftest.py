"""Fixtures for the discussion tests: a thread, more members, posting through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from comments import services
from tests.factories import MemberFactory

# A discussion public since long ago, as a published owner's is (comments.models.Thread);
# before any date a test travels to.
OPEN = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
def thread(db):
    return services.thread_create(
        page_url="/comments-test-owner/", title="APT. discussion", public_from=OPEN
    )


@pytest.fixture
def standalone_thread(db):
    """A thread with no owner page: it lives on /comments/thread/<id>/."""
    return services.thread_create(title="Standalone", public_from=OPEN)


def _seasoned(**kwargs):
    # Older than a day, so only the per-minute rate limit applies.
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **kwargs)


@pytest.fixture
def member(db):
    return _seasoned()


@pytest.fixture
def other(db):
    return _seasoned()


@pytest.fixture
def make_member(db):
    return _seasoned


@pytest.fixture
def no_rate_limits(settings):
    """Lift the comment limits (rate and young members' links) for tests posting in bulk."""
    unlimited = {"limit": 1_000_000, "period": 60}
    settings.CROSSOVER_LIMITS = {
        **settings.CROSSOVER_LIMITS,
        "comments": unlimited,
        "comments_young": unlimited,
        "comment_links_young": 1_000_000,
    }


@pytest.fixture
def post(db):
    def do_post(thread, author, body="A comment", parent=None):
        return services.comment_create(thread=thread, author=author, body=body, parent=parent)

    return do_post
