"""Helpers for article tests: collabs and articles made through the services, as the site does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles import services as article_services
from articles.models import ArticleStatus
from collabs import services as collab_services
from collabs.models import CollabStatus
from collabs.services import CreditSpec


@pytest.fixture
def rose_and_bruno(db):
    """Rosé & Bruno Mars, as the catalogue knows them."""
    blackpink = collab_services.artist_create(
        name="BLACKPINK", slug="blackpink", country="KR", kind="group", korean_name="블랙핑크"
    )
    rose = collab_services.artist_create(
        name="Rosé",
        slug="rose",
        country="KR",
        korean_name="로제",
        other_names="Roseanne Park, Park Chae-young, Rose",
        member_of=blackpink,
    )
    bruno = collab_services.artist_create(name="Bruno Mars", slug="bruno-mars", country="US")
    return rose, bruno


@pytest.fixture
def apt(rose_and_bruno):
    rose, bruno = rose_and_bruno
    return collab_services.collab_create(
        title="APT.",
        slug="apt",
        release_date=date(2024, 10, 18),
        credits=[CreditSpec(artist=rose, join_phrase=" & "), CreditSpec(artist=bruno)],
    )


def make_collab(title: str, *, status: str = CollabStatus.PUBLISHED, artist=None):
    credits = [CreditSpec(artist=artist)] if artist else []
    return collab_services.collab_create(
        title=title, release_date=date(2024, 1, 1), status=status, credits=credits
    )


def make_article(title: str = "A story", *, state: str = "published", featured=(), **kwargs):
    """state: published (an hour ago), scheduled (in a day), or draft."""
    now = timezone.now()
    status, published_at = {
        "published": (ArticleStatus.PUBLISHED, now - timedelta(hours=1)),
        "scheduled": (ArticleStatus.PUBLISHED, now + timedelta(days=1)),
        "draft": (ArticleStatus.DRAFT, None),
    }[state]
    fields = {
        "standfirst": f"The standfirst of {title}.",
        "body": f"## About {title}\n\nSome **words** about it.",
        "status": status,
        "published_at": published_at,
        **kwargs,
    }
    return article_services.article_create(title=title, featured=featured, **fields)
