"""The caching model attacked from outside (core/caching.py): what a hostile member,
visitor or editor might try against the one page per URL and its holes.

- No member's state reaches another member or a visitor, whatever headers, parameters
  or order the requests come in.
- Nothing a member writes or a URL carries is taken for a hole; a hole of an unknown
  kind or with an odd key leaves the page standing.
- What a member or an editor changes shows on the next request, everywhere it shows.
- Non-HTML responses and error pages carry no marker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from collabs import services as collab_services
from comments import services as comment_services
from comments.models import Comment
from core import caching
from tests.articles.conftest import make_article
from tests.factories import MemberFactory

HEADERS = [
    {},
    {"HX-Request": "true"},
    {"HX-Request": "true", "HX-Boosted": "true"},
    {"HX-Request": "true", "HX-History-Restore-Request": "true"},
]


def get(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert caching._mark() not in html, url
    return html


def logged_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def cast(apt):
    """Alice voted, liked Carol's comment, wrote one of her own and has one held; Bob
    did nothing."""
    alice = MemberFactory(username="alice", display_name="Alice Wonder")
    bob = MemberFactory(username="bob", display_name="Bob Builder")
    carol = MemberFactory(username="carol")
    collab_services.vote_toggle(user=alice, collab=apt)
    carols = comment_services.comment_create(
        thread=apt.thread, author=carol, body="Carol speaks", rate_limited=False
    )
    comment_services.comment_like_toggle(comment=carols, user=alice)
    comment_services.comment_create(
        thread=apt.thread, author=alice, body="Alice speaks", rate_limited=False
    )
    held = comment_services.comment_create(
        thread=apt.thread, author=alice, body="Alice whispers", rate_limited=False
    )
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.HELD)
    return alice, bob


def _urls(apt, article):
    artist = apt.credits.first().artist
    return [
        reverse("home"),
        reverse("collabs:list"),
        reverse("collabs:list") + "?sort=new&q=apt",
        apt.get_absolute_url(),
        apt.get_absolute_url() + "?sort=top&comments_page=1",
        apt.get_absolute_url() + "?comments_page=99&sort=%3Cx%3E",
        reverse("collabs:artist", args=[artist.slug]),
        reverse("collabs:top"),
        reverse("collabs:rise"),
        reverse("collabs:graph"),
        reverse("articles:list"),
        article.get_absolute_url(),
    ]


def _alices(html: str) -> list[str]:
    """What of Alice's own state shows in a page."""
    signs = ["including yours", "like-chip-on", "chip-voted", "Alice whispers", "Delete", "Edit"]
    found = [sign for sign in signs if sign in html]
    if 'class="nav-profile" href="/u/alice/"' in html:
        found.append("her corner")
    return found


@pytest.mark.parametrize("headers", HEADERS, ids=["plain", "htmx", "boosted", "history"])
def test_nothing_of_alices_reaches_bob_or_a_visitor(apt, cast, headers):
    alice, bob = cast
    article = make_article("Summer", featured=[apt])
    clients = {"alice": logged_in(alice), "bob": logged_in(bob), "visitor": Client()}
    for url in _urls(apt, article):
        # Alice first, so that whatever her request leaves behind is there for the others.
        pages = {name: get(client, url, **headers) for name, client in clients.items()}
        assert not _alices(pages["bob"]), (url, _alices(pages["bob"]))
        assert not _alices(pages["visitor"]), (url, _alices(pages["visitor"]))
        assert "Log out" not in pages["visitor"], url
        alices_token = clients["alice"].cookies["csrftoken"].value
        assert alices_token not in pages["bob"] + pages["visitor"]
    page = get(clients["alice"], apt.get_absolute_url())
    assert "including yours" in page and "Alice whispers" in page and "Delete" in page


# Markers: nothing but a template makes one; a bad one breaks nothing ---------------------


def _request(user=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = {}
    return request


@pytest.mark.django_db
def test_a_hole_of_an_unknown_kind_or_an_odd_key_is_left_empty(apt):
    content = "".join(
        [
            caching.hole("nonesuch", "1"),
            caching.hole("collab", "x votes"),
            caching.hole("collab", ""),
            caching.hole("thread", "abc count"),
            caching.hole("actions", "1.5"),
            caching.hole("actions", ""),
            caching.hole("collab", f"{apt.pk} nonesuch"),
            caching.hole("collab", f"{apt.pk} votes"),
        ]
    )
    assert caching.fill(_request(), content) == "0"


def test_a_page_with_a_malformed_hole_still_answers(client, apt, monkeypatch):
    real = caching.hole

    def with_odd_ones(kind, key=""):
        # Every hole of the page comes with one of no known kind and one with no id.
        return caching.mark_safe(real("nonesuch", "x") + real("collab", "") + real(kind, key))

    monkeypatch.setattr(caching, "hole", with_odd_ones)  # as {% hole %} calls it
    get(client, apt.get_absolute_url())
    get(client, reverse("collabs:list"), **{"HX-Request": "true"})


def test_what_members_write_is_never_taken_for_a_hole(apt, member):
    """The marker is derived from the secret key: text that looks like one made with
    another key, or like the hole syntax, is shown as written."""
    forged = "h0123456789abcdef0123[nonesuch|x] [collab|1 votes] [account|]"
    member.display_name = forged[:40]
    member.save()
    comment_services.comment_create(
        thread=apt.thread, author=member, body=forged, rate_limited=False
    )
    client = logged_in(member)
    page = get(client, apt.get_absolute_url())
    assert "[nonesuch|x]" in page
    page = get(Client(), reverse("collabs:list") + "?q=%5Bcollab%7C1+votes%5D")
    assert "[collab|1 votes]" in page or "collab|1 votes" in page


# What changes shows on the next request, everywhere -----------------------------------


def test_a_vote_shows_at_once_on_every_page_for_the_voter(apt, member, catalogue):
    article = make_article("Summer", featured=[apt])
    client, visitor = logged_in(member), Client()
    artist = apt.credits.first().artist
    urls = [
        apt.get_absolute_url(),
        reverse("collabs:list"),
        reverse("collabs:top"),
        reverse("collabs:artist", args=[artist.slug]),
        reverse("home"),
        article.get_absolute_url(),
    ]
    for url in urls:  # cached, as everyone sees them before the vote
        get(client, url), get(visitor, url)
    response = client.post(reverse("collabs:vote", args=[apt.slug]))
    assert response.status_code in (200, 302)
    page = get(client, apt.get_absolute_url())
    assert "including yours" in page and "<strong>1</strong> vote" in page
    assert "including yours" in get(client, article.get_absolute_url())
    for url in (urls[1], urls[3]):
        assert "chip-voted" in get(client, url), url
    assert "<strong>1</strong> vote" in get(visitor, reverse("collabs:top"))
    assert "<strong>1</strong> vote" in get(visitor, apt.get_absolute_url())
    assert "chip-voted" not in get(visitor, reverse("collabs:list"))


def test_a_rename_shows_at_once_in_the_header_and_on_comments(apt, member):
    comment_services.comment_create(
        thread=apt.thread, author=member, body="Hello there", rate_limited=False
    )
    client, visitor = logged_in(member), Client()
    urls = [apt.get_absolute_url(), reverse("home")]
    for url in urls:
        get(client, url), get(visitor, url)
    member.display_name = "Zed Renamed"
    member.save()
    for url in urls:
        assert "Zed Renamed" in get(visitor, url), url
        page = get(client, url)
        assert page.count("Zed Renamed") >= 2, url  # the header and the comment


def test_moderation_lock_and_mute_show_at_once(apt, member, editor):
    comment = comment_services.comment_create(
        thread=apt.thread, author=MemberFactory(), body="Rude words", rate_limited=False
    )
    client, visitor = logged_in(member), Client()
    url = apt.get_absolute_url()
    assert "Rude words" in get(visitor, url)
    assert "Post comment" in get(client, url)
    comment_services.comment_hide(comment=comment, editor=editor, reason="rude")
    assert "Rude words" not in get(visitor, url)
    assert "Rude words" not in get(client, url)
    comment_services.member_mute(
        member=member, editor=editor, until=timezone.now() + timedelta(hours=1), reason="cool off"
    )
    page = get(client, url)
    assert "Post comment" not in page and "You are muted" in page
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert "Post comment" in get(client, url)
    comment_services.thread_lock(thread=apt.thread, editor=editor, reason="heat")
    page = get(client, url)
    assert "Post comment" not in page and "locked" in page
    assert "Log in</a> or" not in get(visitor, url)


def test_the_edit_window_closes_on_the_page(apt, member):
    comment_services.comment_create(
        thread=apt.thread, author=member, body="Fresh", rate_limited=False
    )
    client = logged_in(member)
    url = apt.get_absolute_url()
    assert ">Edit</a>" in get(client, url)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        page = get(client, url)
        assert ">Edit</a>" not in page and "Delete" in page


def test_an_unread_notification_shows_in_the_header_at_once(apt, member):
    client = logged_in(member)
    url = apt.get_absolute_url()
    mine = comment_services.comment_create(
        thread=apt.thread, author=member, body="Mine", rate_limited=False
    )
    page = get(client, url)
    assert 'class="badge"' not in page
    other = MemberFactory()
    comment_services.comment_create(
        thread=apt.thread, author=other, body="Reply", parent=mine, rate_limited=False
    )
    assert 'class="badge"' in get(client, url)


def test_a_scheduled_article_goes_live_for_visitors(apt, settings):
    article = make_article("Soon", state="scheduled")
    visitor = Client()
    assert visitor.get(article.get_absolute_url()).status_code == 404
    later = article.published_at + timedelta(seconds=settings.PAGE_CACHE_SECONDS + 1)
    with time_machine.travel(later):
        assert "Soon" in get(visitor, article.get_absolute_url())
        assert "Soon" in get(visitor, reverse("articles:list"))


def test_a_draft_preview_never_reaches_visitors_or_members(editor, member):
    article = make_article("Secret draft", state="draft")
    url = article.get_absolute_url()
    staff = logged_in(editor)
    page = get(staff, url)
    assert "Secret draft" in page
    for client in (Client(), logged_in(member)):
        assert client.get(url).status_code == 404
        assert "Secret draft" not in get(client, reverse("articles:list"))
        assert "Secret draft" not in get(client, reverse("home"))
    # And the editor gets their own page, not the visitors' 404.
    assert "Secret draft" in get(staff, url)


# Non-HTML and error responses ----------------------------------------------------------


@pytest.mark.parametrize("headers", HEADERS[:2], ids=["plain", "htmx"])
def test_feeds_sitemap_export_and_errors_carry_no_marker(apt, member, headers):
    make_article("Summer", featured=[apt])
    for client in (Client(), logged_in(member)):
        for url in [reverse("articles:feed"), reverse("sitemap"), "/robots.txt"]:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            assert caching._mark().encode() not in response.content, url
        for url in ["/collabs/no-such/", "/articles/no-such/", "/top/1800/", "/u/nobody/"]:
            response = client.get(url, headers=headers)
            assert response.status_code == 404, url
            assert caching._mark().encode() not in response.content, url
    response = logged_in(member).get(reverse("accounts:export"))
    assert caching._mark().encode() not in response.content


def test_a_vote_leaves_trending_when_its_week_is_over(apt, member):
    collab_services.vote_toggle(user=member, collab=apt)
    visitor = Client()
    week = 'vote <span class="ranking-votes-when">this week'
    assert week in get(visitor, reverse("collabs:top"))
    voted = timezone.now()
    with time_machine.travel(voted + timedelta(days=7, minutes=-1)):
        assert "No votes this week" not in get(visitor, reverse("collabs:top"))
    # The page is kept PAGE_CACHE_SECONDS at most; what it shows must not outlast it.
    with time_machine.travel(voted + timedelta(days=7, minutes=2)):
        if not isinstance(cache, LocMemCache):
            cache.clear()  # Redis keeps its own clock, which does not travel
        assert "No votes this week" in get(visitor, reverse("collabs:top"))


@pytest.mark.parametrize("path", ["/", "/collabs/", "/no-such/"])
def test_a_page_refused_before_its_holes_are_filled_gives_no_marker_away(db, path, member):
    """A bad Host header is refused by a middleware outside HoleMiddleware: its error page
    (base.html, with the header's hole) is filled all the same, or the marker would show,
    and a member could write working holes into a comment (the viewer's CSRF token in a
    link's address)."""
    for client in (Client(), logged_in(member)):
        response = client.get(path, HTTP_HOST="evil.example")
        assert response.status_code == 400
        html = response.content.decode()
        assert caching._mark() not in html
        assert "Log in" in html
