"""Pages shared by all members, with each member's own parts filled in per request.

core/viewer_slots.py: the page is rendered once for a stand-in member, and each
member's header, votes, likes and comment form are put in per request. These tests
show what a member would notice if it went wrong: someone else's name, vote, like,
token or comment controls, or a count older than the last change.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments import services as comment_services
from comments.models import Comment
from core.page_cache import csrf_placeholder, nonce_placeholder, slot_mark
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def logged_in(user, *, csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client


def share(*paths: str) -> None:
    """Put the shared page in the cache: the first member to ask in a generation gets
    their own page, the second has the shared one rendered (core/page_cache.py)."""
    bystander = logged_in(MemberFactory())
    for path in paths:
        bystander.get(path)
        bystander.get(path)


def token_in(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def header(html: str) -> str:
    return html.split('<main id="main"')[0]


def test_each_member_sees_their_own_header_vote_and_token(people):
    url = people.collab.get_absolute_url()
    voter, other = people.member, MemberFactory(username="second_fan", display_name="Second Fan")
    voter_client = logged_in(voter, csrf_checks=True)
    other_client = logged_in(other, csrf_checks=True)
    voter_client.get(url)  # fills the shared page
    token = token_in(voter_client.get(url).content.decode())
    assert voter_client.post(f"{url}vote/", headers={**HX, "X-CSRFToken": token}).status_code == 200

    share(url)
    voter_page = voter_client.get(url).content.decode()
    other_page = other_client.get(url).content.decode()
    assert 'aria-pressed="true"' in voter_page and "including yours" in voter_page
    assert 'aria-pressed="false"' in other_page and "including yours" not in other_page
    assert "<strong>1</strong> vote<" in other_page  # the count is everyone's, and fresh
    assert voter.public_name in header(voter_page) and "Second Fan" not in header(voter_page)
    assert "Second Fan" in header(other_page) and voter.public_name not in header(other_page)
    for page in (voter_page, other_page):
        assert slot_mark() not in page
        assert csrf_placeholder() not in page and nonce_placeholder() not in page
    # Each token is the member's own: it works for them...
    other_token = token_in(other_page)
    assert other_token != token_in(voter_page)
    response = other_client.post(f"{url}vote/", headers={**HX, "X-CSRFToken": other_token})
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()


def test_cards_show_each_members_own_votes(people):
    voter, other = logged_in(people.member), logged_in(MemberFactory())
    other.get("/collabs/")
    voter.post(f"{people.collab.get_absolute_url()}vote/", headers=HX)
    paths = ("/", "/collabs/", f"/artists/{people.artist.slug}/")
    share(*paths)
    for path in paths:
        assert "You voted" in voter.get(path).content.decode(), path
        assert "You voted" not in other.get(path).content.decode(), path


def test_each_member_sees_their_own_likes(people):
    liker, other = logged_in(MemberFactory()), logged_in(MemberFactory())
    url = people.collab.get_absolute_url()
    other.get(url)
    response = liker.post(f"/comments/{people.comment.pk}/like/", headers=HX)
    assert response.status_code == 200
    share(url)
    assert 'like-chip like-chip-on" aria-pressed="true"' in liker.get(url).content.decode()
    other_page = other.get(url).content.decode()
    assert "like-chip-on" not in other_page and 'aria-pressed="false"' in other_page


def test_the_author_gets_their_own_controls_and_others_can_flag(people):
    url = people.collab.get_absolute_url()
    reader, author = logged_in(MemberFactory()), logged_in(people.member)
    share(url)
    reader_page = reader.get(url).content.decode()
    author_page = author.get(url).content.decode()
    assert "Edit</a>" in author_page and ">Delete</button>" in author_page
    assert "Flag</a>" not in author_page
    assert "Edit</a>" not in reader_page and "Flag</a>" in reader_page


def test_a_held_comment_shows_to_its_author_only(people):
    held = comment_services.comment_create(
        thread=people.collab.thread, author=MemberFactory(), body="Held back", rate_limited=False
    )
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.HELD)
    url = people.collab.get_absolute_url()
    reader = logged_in(MemberFactory())
    share(url)
    assert "Held back" not in reader.get(url).content.decode()
    author = logged_in(held.author)
    page = author.get(url).content.decode()
    assert "Held back" in page and "held for review" in page
    assert "Held back" not in reader.get(url).content.decode()


def test_the_comment_form_follows_each_members_standing(people):
    url = people.collab.get_absolute_url()
    verified = logged_in(MemberFactory())
    unverified = logged_in(UserFactory())
    muted_member = MemberFactory()
    comment_services.member_mute(
        member=muted_member,
        editor=people.editor,
        until=timezone.now() + timedelta(days=1),
        reason="spam",
    )
    muted = logged_in(muted_member)
    share(url)
    assert ">Post comment</button>" in verified.get(url).content.decode()
    page = unverified.get(url).content.decode()
    assert "Verify your email address" in page and ">Post comment</button>" not in page
    page = muted.get(url).content.decode()
    assert "You are muted until" in page and ">Post comment</button>" not in page


def test_a_member_sees_a_new_comment_and_count_at_once(people):
    url = people.collab.get_absolute_url()
    reader, writer = logged_in(MemberFactory()), Client()
    writer.force_login(MemberFactory())
    assert "Second thoughts" not in reader.get(url).content.decode()
    writer.post(f"/comments/thread/{people.collab.thread_id}/post/", {"body": "Second thoughts"})
    share(url)
    page = reader.get(url).content.decode()
    assert "Second thoughts" in page and "2 comments" in page


def test_editors_get_their_own_page(people):
    """Staff may see drafts and moderation controls: never from, nor into, the shared page."""
    from articles import services as article_services

    draft = article_services.article_create(
        title="Draft news", standfirst="Soon.", body="Soon.", author=people.editor
    )
    editor = logged_in(people.editor)
    assert editor.get(draft.get_absolute_url()).status_code == 200
    assert logged_in(MemberFactory()).get(draft.get_absolute_url()).status_code == 404


def test_a_message_is_shown_to_its_member_and_not_shared(people):
    url = people.collab.get_absolute_url()
    member = Client()
    member.force_login(people.member)
    member.get(url)
    response = member.post(f"{url}vote/")  # no htmx: a redirect back
    assert response.status_code == 302
    member.post("/accounts/logout/")
    member.force_login(people.member)
    other = logged_in(MemberFactory())
    assert "logged out" not in other.get(url).content.decode()


def test_the_shared_page_is_rendered_for_the_second_member_to_ask(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = people.collab.get_absolute_url()
    costs = []
    for reader in [logged_in(MemberFactory()) for _ in range(3)]:
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(url).status_code == 200
        costs.append(len(queries))
    # Their own page, as always; the shared page rendered and stored; the shared page.
    assert costs[0] > 5 and costs[1] > 5 and costs[2] == 5


def test_a_members_shared_collab_page_costs_five_queries_however_long_the_thread(
    people, django_assert_num_queries
):
    url = people.collab.get_absolute_url()
    reader = logged_in(MemberFactory())
    share(url)

    def cost() -> None:
        # User; page facts (notifications, email, mute and the content generation);
        # their votes, likes, and held comments among the page's collabs, comments
        # and thread.
        with django_assert_num_queries(5):
            assert reader.get(url).status_code == 200

    cost()
    for n in range(30):
        comment_services.comment_create(
            thread=people.collab.thread, author=MemberFactory(), body=f"#{n}", rate_limited=False
        )
    share(url)  # the new generation's shared page
    cost()


@pytest.mark.parametrize(("path", "queries"), [("/", 3), ("/collabs/", 3), ("/top/", 2)])
def test_a_members_shared_list_page_costs_the_same_however_many_collabs(
    path, queries, people, django_assert_num_queries
):
    from collabs import services as collab_services

    collab_services.vote_toggle(user=people.member, collab=people.collab)  # one trending card
    reader = logged_in(MemberFactory())
    share(path)

    def cost() -> None:
        # User; page facts with the content generation; their votes among the cards
        # (the leaderboard shows no vote state).
        with django_assert_num_queries(queries):
            assert reader.get(path).status_code == 200

    cost()
    for n in range(15):
        collab_services.collab_create(
            title=f"Collab {n}", release_date=people.collab.release_date, credits=[]
        )
    share(path)
    cost()
