"""The collab page carries its discussion: posting lands there, and size costs no queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments import services as comment_services
from comments.models import Comment
from tests.collabs.conftest import make_artist, make_collab
from tests.factories import MemberFactory
from tests.queries import cold_fresh_cached

pytestmark = pytest.mark.django_db


def seasoned_member():
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30))


def fill(thread, authors, total):
    created = []
    for n in range(total):
        parent = created[n // 2] if n >= max(1, total // 50) else None
        created.append(
            comment_services.comment_create(
                thread=thread,
                author=authors[n % len(authors)],
                body=f"Comment {n}",
                parent=parent,
                rate_limited=False,
            )
        )
    return created


def test_comment_posted_without_js_lands_on_the_collab_page(client):
    rose, bruno = make_artist("Rosé"), make_artist("Bruno Mars", country="US")
    apt = make_collab("APT.", (rose, " & "), (bruno,))
    member = seasoned_member()
    client.force_login(member)
    response = client.post(f"/comments/thread/{apt.thread.pk}/post/", {"body": "APT. APT."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/collabs/apt/#comment-{comment.pk}"
    page = client.get("/collabs/apt/").content.decode()
    assert "APT. APT." in page
    assert "1 comment" in page


@pytest.mark.parametrize("as_member", [False, True], ids=["visitor", "member"])
def test_collab_page_queries_are_the_same_with_5_and_500_comments(as_member, settings):
    rose, bruno = make_artist("Rosé"), make_artist("Bruno Mars", country="US")
    small = make_collab("Small Talk", (rose, " & "), (bruno,))
    large = make_collab("Big Talk", (rose, " & "), (bruno,))
    authors = [seasoned_member() for _ in range(4)]
    fill(small.thread, authors, 5)
    fill(large.thread, authors, 500)
    client = Client()
    if as_member:
        client.force_login(authors[0])

    client.get(small.get_absolute_url())  # warm the session cache
    small_counts = cold_fresh_cached(client, small.get_absolute_url(), settings)
    large_counts = cold_fresh_cached(client, large.get_absolute_url(), settings)
    # (cold, fresh, cached): see tests/collabs/test_views.py's PAGES for what each is.
    assert small_counts == large_counts == ((20, 2, 1) if as_member else (14, 2, 1))
