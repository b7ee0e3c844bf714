"""The caching model (core/caching.py): what is served is what a fresh render shows.

- Every table's writes move its version, by a trigger: a write through a view, the admin,
  the shell, a management command or a task makes the pages showing it fresh.
- Pages are the same for everyone outside their holes: two members and a visitor get the
  same page once the holes are cut out.
- What a vote or a comment changes, and what it leaves cached.
"""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.tasks import task
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collabs import services as collab_services
from collabs.models import Collab
from comments import services as comment_services
from comments.models import Comment
from core import caching
from tests.articles.conftest import make_article
from tests.factories import MemberFactory

HX = {"HX-Request": "true"}


@pytest.fixture
def visitor():
    from django.test import Client

    return Client()


@pytest.fixture
def published_article(apt):
    return make_article("Crossover summer", featured=[apt])


def fetch(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


# Versions: triggers on every table ---------------------------------------------------


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_every_table_a_page_may_show_has_its_version_triggers():
    existing = _triggers()
    tables = caching.tracked_tables()
    assert {"collabs_collab", "comments_comment", "articles_article", "accounts_user"} <= set(
        tables
    )
    for table in tables:
        for event in ("i", "u", "d"):
            assert f"version_{table}_{event}" in existing, table
    # Sessions and the task queue change on every login and task: no page shows them.
    assert "django_session" not in tables


@pytest.mark.django_db
def test_a_vote_moves_only_the_counters_version_of_the_collab(member, apt):
    before = caching.versions(["t:collabs_collab", "t:collabs_collab#counters", "t:collabs_vote"])
    collab_services.vote_toggle(user=member, collab=apt)
    after = caching.versions(before)
    assert after["t:collabs_collab"] == before["t:collabs_collab"]
    assert after["t:collabs_collab#counters"] == before["t:collabs_collab#counters"] + 1
    # Moved (on PostgreSQL once per statement: the toggle's delete and insert are two).
    assert after["t:collabs_vote"] > before["t:collabs_vote"]


@pytest.mark.django_db
def test_a_comment_moves_its_threads_part(member, apt):
    thread = apt.thread
    name = f"p:comments_comment/{thread.pk}"
    before = caching.versions([name, "t:comments_comment"])
    comment_services.comment_create(thread=thread, author=member, body="Hello", rate_limited=False)
    after = caching.versions(before)
    assert after[name] == before[name] + 1
    assert after["t:comments_comment"] == before["t:comments_comment"] + 1


# Five ways to write, one result: the page is fresh on the next request -----------------


@task
def rename_collab(pk: int, title: str) -> None:
    Collab.objects.filter(pk=pk).update(title=title)


def _rename_by_shell(apt, title, **_):
    call_command("shell", command=f"from collabs.models import Collab; "
                 f"Collab.objects.filter(pk={apt.pk}).update(title={title!r})")  # fmt: skip


def _rename_by_command(apt, title, tmp_path, **_):
    fixture = tmp_path / "rename.json"
    row = json.loads(__import__("django.core.serializers", fromlist=["x"]).serialize("json", [apt]))
    row[0]["fields"]["title"] = title
    fixture.write_text(json.dumps(row))
    call_command("loaddata", str(fixture), verbosity=0)


def _rename_by_task(apt, title, **_):
    rename_collab.enqueue(apt.pk, title)


def _rename_by_admin(apt, title, editor_client, **_):
    url = reverse("admin:collabs_collab_change", args=[apt.pk])
    page = editor_client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "all"):
            value = [v.pk for v in value.all()]
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = "" if value is None else value
    data["title"] = title
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for index, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                value = inline[name].value()
                data[f"{inline.prefix}-{name}"] = "" if value is None else value
            del index
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _rename_by_view(apt, title, **_):
    # No view renames a collab; a member's comment is the write a view makes.
    raise NotImplementedError


WRITERS = {
    "shell": _rename_by_shell,
    "management command": _rename_by_command,
    "task": _rename_by_task,
    "admin": _rename_by_admin,
}


@pytest.mark.parametrize("how", WRITERS)
def test_a_write_anywhere_makes_the_page_fresh(how, client, apt, editor, tmp_path):
    from django.test import Client

    editor_client = Client()
    editor_client.force_login(editor)
    url = apt.get_absolute_url()
    page, _ = fetch(client, url)
    assert "APT." in page
    _, queries = fetch(client, url)
    WRITERS[how](apt, "APT. (Live)", tmp_path=tmp_path, editor_client=editor_client)
    page, _ = fetch(client, url)
    assert "APT. (Live)" in page
    assert "APT. (Live)" in fetch(client, reverse("collabs:list"))[0]


@pytest.mark.parametrize("url", ["/collabs/", "/", "/top/"])
def test_a_credit_or_an_artist_changed_from_the_shell_shows_on_the_cards(client, apt, url):
    """Cards and leaderboards take their credit lines from the process (with_card_credits):
    a credit or an artist written from anywhere shows on the next page."""
    from collabs.models import Artist, Credit

    fetch(client, url)
    assert "Bruno Mars" in fetch(client, url)[0]
    credit = Credit.objects.filter(collab=apt, artist__name="Bruno Mars").get()
    Artist.objects.filter(pk=credit.artist_id).update(name="Bruno Renamed")
    page = re.sub(r'<p class="lead">.*?</p>', "", fetch(client, url)[0])  # the home page's
    assert "Bruno Renamed" in page and "Bruno Mars" not in page
    Credit.objects.filter(pk=credit.pk).update(credited_as="B. Mars")
    assert "B. Mars" in fetch(client, url)[0]


def test_what_a_collab_page_keeps_follows_its_credits_genres_and_links(client, apt, catalogue):
    """The collab page keeps its collab (with credits, genres and links) and its related
    collabs as memo values: a write to any of them, from anywhere, shows at once."""
    from collabs.models import Artist, Genre, ListeningLink

    url = apt.get_absolute_url()
    fetch(client, url)
    fetch(client, url)
    ListeningLink.objects.create(collab=apt, label="Bandcamp", url="https://example.org/apt")
    assert "Bandcamp" in fetch(client, url)[0]
    genre = Genre.objects.create(name="Hyperpop", slug="hyperpop")
    apt.genres.add(genre)
    assert "Hyperpop" in fetch(client, url)[0]
    Artist.objects.filter(credits__collab=apt, name="Bruno Mars").update(name="Bruno Renamed")
    assert "Bruno Renamed" in fetch(client, url)[0]
    Collab.objects.filter(pk=apt.pk).update(status="nominated")
    assert client.get(url).status_code == 404


def test_a_comment_posted_through_the_view_shows_at_once(visitor, member_client, apt):
    client = visitor
    url = apt.get_absolute_url()
    assert "Best song of the year" not in fetch(client, url)[0]
    member_client.get(url)
    response = member_client.post(
        reverse("comments:post", args=[apt.thread_id]), {"body": "Best song of the year"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert "Best song of the year" in fetch(client, url)[0]
    assert "Best song of the year" in fetch(member_client, url)[0]


# What a vote and a comment leave cached --------------------------------------------------


def test_a_vote_leaves_the_collab_page_cached_with_its_count_now(client, member, apt, catalogue):
    url = apt.get_absolute_url()
    fetch(client, url)
    cached, hit_queries = fetch(client, url)
    assert "<strong>0</strong> votes" in cached
    collab_services.vote_toggle(user=member, collab=apt)
    page, queries = fetch(client, url)
    assert "<strong>1</strong> vote" in page
    # Still the cached page, its holes filled anew; the rank (a memo following the
    # counters) is counted again: its versions, the collab and those ahead of it.
    assert queries <= hit_queries + 4
    # The catalogue is in order of votes: it is rendered again.
    listing, listing_queries = fetch(client, reverse("collabs:list"))
    again, hit = fetch(client, reverse("collabs:list"))
    assert hit < listing_queries


def test_a_comment_leaves_other_discussions_cached(client, member, catalogue):
    apt, other = catalogue["apt"], catalogue["eyes-closed"]
    fetch(client, other.get_absolute_url())
    _, hit = fetch(client, other.get_absolute_url())
    comment_services.comment_create(
        thread=apt.thread, author=member, body="So catchy", rate_limited=False
    )
    _, queries = fetch(client, other.get_absolute_url())
    # Still the cached page; its holes read the comment counts again (one moved).
    assert queries <= hit + 1
    assert "So catchy" in fetch(client, apt.get_absolute_url())[0]


# The same page for everyone, outside its holes ------------------------------------------

_HOLE = re.compile(r"<!--([a-z_-]+)-->.*?<!--/\1-->", re.DOTALL)


def _outside_holes(html: str) -> str:
    return _HOLE.sub("<!--hole-->", html)


def _pages(apt, article):
    return [
        reverse("home"),
        reverse("collabs:list"),
        reverse("collabs:list") + "?sort=new&crossover=on",
        apt.get_absolute_url(),
        reverse("collabs:artist", args=[apt.credits.first().artist.slug]),
        reverse("collabs:top"),
        reverse("articles:list"),
        article.get_absolute_url(),
    ]


def test_two_members_and_a_visitor_see_the_same_page_outside_its_holes(
    client, apt, monkeypatch, published_article
):
    monkeypatch.setattr(caching, "SHOW_HOLES", True)
    alice, bob = MemberFactory(username="alice"), MemberFactory(username="bob")
    # Alice has voted, commented and liked; Bob has done nothing.
    collab_services.vote_toggle(user=alice, collab=apt)
    comment = comment_services.comment_create(
        thread=apt.thread, author=bob, body="First!", rate_limited=False
    )
    comment_services.comment_like_toggle(comment=comment, user=alice)
    comment_services.comment_create(
        thread=apt.thread, author=alice, body="Mine", rate_limited=False
    )
    from django.test import Client

    clients = {"visitor": client}
    for member in (alice, bob):
        clients[member.username] = Client()
        clients[member.username].force_login(member)
    for url in _pages(apt, published_article):
        pages = {name: fetch(c, url)[0] for name, c in clients.items()}
        assert "alice" in pages["alice"] and "Log in" in pages["visitor"]
        shared = {name: _outside_holes(page) for name, page in pages.items()}
        assert shared["alice"] == shared["bob"] == shared["visitor"], url
    # Inside the holes each has their own: Alice's vote and her own comment's Delete.
    page = fetch(clients["alice"], apt.get_absolute_url())[0]
    assert "including yours" in page and "Delete" in page
    page = fetch(clients["bob"], apt.get_absolute_url())[0]
    assert "including yours" not in page


def test_a_member_with_a_comment_held_for_review_sees_it_in_place(client, apt, member):
    comment = comment_services.comment_create(
        thread=apt.thread, author=member, body="Hmm", rate_limited=False
    )
    Comment.objects.filter(pk=comment.pk).update(state=Comment.State.HELD)
    fetch(client, apt.get_absolute_url())  # the shared page, without it
    client.force_login(member)
    page, _ = fetch(client, apt.get_absolute_url())
    assert "held for review" in page and "Hmm" in page


def test_what_the_process_keeps_of_a_member_follows_writes_from_anywhere(client, apt, member):
    """Their votes, likes and hidden comments are kept in the process (memo_in_process)
    while those tables are unchanged: a write from elsewhere (another worker, the shell)
    shows on their next page."""
    from comments.models import CommentLike

    comment = comment_services.comment_create(
        thread=apt.thread, author=member, body="Mine, for now", rate_limited=False
    )
    client.force_login(member)
    page = fetch(client, apt.get_absolute_url())[0]
    assert 'aria-pressed="false"' in page and "held for review" not in page
    apt.votes.create(user=member)
    CommentLike.objects.create(comment=comment, user=member)
    page = fetch(client, apt.get_absolute_url())[0]
    assert 'class="btn vote-btn" aria-pressed="true"' in page
    assert 'class="like-chip like-chip-on" aria-pressed="true"' in page
    Comment.objects.filter(pk=comment.pk).update(state=Comment.State.HELD)
    page = fetch(client, apt.get_absolute_url())[0]
    assert "held for review" in page and "Mine, for now" in page


def test_a_discussions_footers_follow_their_own_thread(client, apt, member):
    """The comments' footers (like counts, Edit and Delete) are kept in the process by
    their thread's part: a comment in another discussion reads none of them again, and a
    write to one of this discussion's comments, or a like, shows on the next page."""
    mine = comment_services.comment_create(
        thread=apt.thread, author=member, body="Footer test", rate_limited=False
    )
    elsewhere = comment_services.thread_create(title="Elsewhere", public_from=timezone.now())
    someone = MemberFactory()
    url = apt.get_absolute_url()
    client.force_login(member)
    fetch(client, url)
    comment_services.comment_create(
        thread=elsewhere, author=someone, body="Not here", rate_limited=False
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert 'FROM "comments_comment"' not in " ".join(q["sql"] for q in queries)
    assert "Delete" in page
    Comment.objects.filter(pk=mine.pk).update(like_count=7)
    assert re.search(r"like-chip[^>]*>.*?7", fetch(client, url)[0], re.S)
    other = comment_services.comment_create(
        thread=apt.thread, author=someone, body="Here too", rate_limited=False
    )
    assert f'href="{other.flag_url}"' in fetch(client, url)[0]  # its footer: Flag


def test_the_members_row_and_header_kept_in_the_process_follow_writes(client, apt, member):
    """The member's row and their header's facts are kept in the process too: a new name,
    a deactivated account, a new notification or a mute shows on their next page."""
    from accounts.models import User

    client.force_login(member)
    url = apt.get_absolute_url()
    fetch(client, url)
    page, queries = fetch(client, url)
    assert queries == 1  # the page's versions: the member and their facts are kept
    assert "Post comment" in page and 'class="badge"' not in page
    User.objects.filter(pk=member.pk).update(display_name="Renamed Fan")
    assert "Renamed Fan" in fetch(client, "/")[0]
    other = MemberFactory()
    comment_services.comment_create(
        thread=apt.thread, author=other, body=f"@{member.username} hi", rate_limited=False
    )
    assert 'class="badge">1<' in fetch(client, url)[0]
    comment_services.member_mute(
        member=member, editor=MemberFactory(is_staff=True), until=timezone.now()
        + timedelta(hours=1), reason="cool off",
    )  # fmt: skip
    page = fetch(client, url)[0]
    assert "You are muted" in page and "Post comment" not in page
    User.objects.filter(pk=member.pk).update(is_active=False)
    page = fetch(client, url)[0]
    assert "Renamed Fan" not in page and "Log in" in page


def test_the_header_follows_time_where_no_write_marks_it(client, member, editor):
    """A mention in a discussion that opens later counts once it opens, and a mute ends on
    time, with nothing written at either moment."""
    later = timezone.now() + timedelta(hours=1)
    thread = comment_services.thread_create(title="Soon", public_from=timezone.now())
    comment_services.comment_create(
        thread=thread, author=MemberFactory(), body=f"@{member.username} soon", rate_limited=False
    )
    comment_services.threads_set_public_from(thread_ids=[thread.pk], public_from=later)
    comment_services.member_mute(member=member, editor=editor, until=later, reason="cool off")
    client.force_login(member)
    assert 'class="badge"' not in fetch(client, "/")[0]
    with time_machine.travel(later + timedelta(seconds=1)):
        assert 'class="badge">1<' in fetch(client, "/")[0]
        from comments.viewer import viewer_facts

        request = type("Request", (), {"user": member})()
        assert viewer_facts(request).mute is None


def test_a_pages_copy_in_the_process_keeps_no_longer_than_the_shared_one(settings):
    """A page copied from the shared cache into the process keeps only for the time it
    had left: PAGE_CACHE_SECONDS bounds how long any copy is served. A stale copy here
    gives way to a fresh shared one (another process made it anew) instead of a render.
    (With Redis the two are apart; without it they are one, so apart here.)"""
    from django.core.cache import caches

    settings.CACHES = {**settings.CACHES, "local": {**settings.CACHES["local"]}}
    settings.CACHES["local"]["LOCATION"] = "apart"
    caches._settings = caches.settings = settings.CACHES
    try:
        caching._keep("k", ("entry",), 60)
        assert caching._kept("k", bool)[0] == "entry"
        caches["local"].clear()
        assert caching._kept("k", bool)[0] == "entry"  # from the shared cache, copied here
        assert caches["local"].get("k")[0] == "entry"
        caches["local"].clear()
        cache.set("k", ("entry", 0.0), 60)  # its time is up, as far as copies go
        assert caching._kept("k", bool) is None and caches["local"].get("k") is None
        caching._keep("k", ("old",), 60)
        cache.set("k", ("new", time.time() + 60), 60)
        assert caching._kept("k", lambda entry: entry[0] == "new")[0] == "new"
        assert caches["local"].get("k")[0] == "new"
    finally:
        caches["local"].clear()


def test_junk_parameters_share_the_plain_pages_entry(client, apt):
    url = apt.get_absolute_url()
    fetch(client, url)
    _, hit = fetch(client, url)
    page, queries = fetch(client, url + "?utm_source=x&fbclid=y")
    assert queries == hit and "utm_source" not in page


# Query counts: fixed, and a cached page costs a few --------------------------------------


def test_a_cached_page_costs_its_version_check_and_its_holes(client, apt, member):
    url = apt.get_absolute_url()
    _, fresh = fetch(client, url)
    _, hit = fetch(client, url)
    # The page's versions; the holes: the rank (a memo: its versions), the vote button,
    # the related cards' vote counts, the comment counts (cards and discussion).
    assert hit <= 6 < fresh
    client.force_login(member)
    fetch(client, url)  # the session, once
    _, member_hit = fetch(client, url)
    # The member, their facts (header, comment form), votes and own hidden comments are
    # kept in the process (memo_in_process) while their tables are unchanged.
    assert member_hit <= hit


_TOKENS = re.compile(r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)"')
_NONCES = re.compile(r'nonce="([^"]+)"')


def test_visitors_share_one_filled_copy_each_with_their_own_token_and_nonce(apt, catalogue):
    """A kept page's holes are filled once per process for every visitor
    (filled_for_visitors): the next visitor's page costs its version check alone, and
    carries a CSRF token made from their own cookie and a nonce of its own."""
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    first, second = Client(), Client()
    url = apt.get_absolute_url()
    fetch(first, url)  # rendered and kept
    first_page, _ = fetch(first, url)  # its holes filled for visitors, and kept
    page, queries = fetch(second, url)
    assert queries == 1
    same = lambda html: _NONCES.sub("", _TOKENS.sub("", html))  # noqa: E731
    assert same(page) == same(first_page) and "Log in" in page
    for client, html in ((first, first_page), (second, page)):
        tokens = _TOKENS.findall(html)
        assert len(tokens) >= 2, "<body>'s hx-headers and the vote button's form"
        secret = client.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert set(_NONCES.findall(first_page)).isdisjoint(_NONCES.findall(page))
    assert caching._mark() not in page


def test_the_visitors_copy_follows_likes_votes_and_the_pages_own_time(
    client, apt, member, settings
):
    comment = comment_services.comment_create(
        thread=apt.thread, author=member, body="So good", rate_limited=False
    )
    url = apt.get_absolute_url()
    fetch(client, url)
    page, _ = fetch(client, url)
    assert '<span class="like-count">0</span>' in page
    liker = MemberFactory()
    comment_services.comment_like_toggle(comment=comment, user=liker)
    collab_services.vote_toggle(user=liker, collab=apt)
    page, _ = fetch(client, url)
    assert '<span class="like-count">1</span>' in page and "<strong>1</strong> vote" in page
    # The copy is kept no longer than the page: once that has gone, both are made anew.
    _, hit = fetch(client, url)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS + 1)):
        _, later = fetch(client, url)
        _, again = fetch(client, url)
    assert hit == again == 1 < later


def _reads_votes(client, url) -> tuple[str, bool]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return page, any('"collabs_vote"' in q["sql"] for q in queries.captured_queries)


def test_a_members_own_votes_are_read_again_after_their_vote_not_after_others(client, apt, member):
    """Votes are split by member (CACHING_PARTS): another member's vote leaves this one's
    kept in the process, their own is shown at once; their part is read with the
    versions, so a cached page still costs one query."""
    client.force_login(member)
    url = apt.get_absolute_url()
    fetch(client, url)
    fetch(client, url)
    assert fetch(client, url)[1] == 1
    collab_services.vote_toggle(user=MemberFactory(), collab=apt)
    page, read = _reads_votes(client, url)
    assert "<strong>1</strong> vote" in page and 'aria-pressed="true"' not in page
    assert not read
    collab_services.vote_toggle(user=member, collab=apt)
    page, read = _reads_votes(client, url)
    assert "<strong>2</strong> votes" in page and 'aria-pressed="true"' in page
    assert read


def test_holes_are_filled_in_every_html_response(client, apt):
    page = fetch(client, apt.get_absolute_url())[0]
    assert caching._mark() not in page
    response = client.get(reverse("collabs:list"), headers=HX)
    assert caching._mark() not in response.content.decode()


def test_rows_kept_in_the_process_grow_and_follow_their_versions(apt, member):
    """rows_in_process: pks asked for later are read alone and kept with the others; a
    vote reads every kept pk again, in one query."""
    from collabs.services import CreditSpec

    artist = apt.credits.first().artist
    other = collab_services.collab_create(
        title="Other", release_date=apt.release_date, credits=[CreditSpec(artist=artist)]
    )
    asked = []

    def fetch(pks):
        asked.append(pks)
        return dict(Collab.objects.filter(pk__in=pks).values_list("pk", "vote_count"))

    def rows(*pks):
        return caching.rows_in_process("counts", ("t:collabs_collab#counters",), pks, fetch)

    assert rows(apt.pk) == {apt.pk: 0}
    assert rows(apt.pk) == {apt.pk: 0} and len(asked) == 1
    assert rows(other.pk) == {apt.pk: 0, other.pk: 0} and asked[-1] == [other.pk]
    collab_services.vote_toggle(user=member, collab=apt)
    assert rows(other.pk)[apt.pk] == 1 and asked[-1] == sorted([apt.pk, other.pk])
    assert len(asked) == 3
    # An entry holding 500 ids starts over: a vote never reads more than that again.
    squares = lambda pks: {pk: pk * pk for pk in pks}  # noqa: E731
    caching.rows_in_process("squares", (), range(500), squares)
    assert caching.rows_in_process("squares", (), [1000], squares) == {1000: 1000000}


def test_memo_follows_the_tables_it_read(apt, member):
    calls = []

    def produce():
        calls.append(1)
        return Collab.objects.count()

    assert caching.memo("count", produce) == caching.memo("count", produce)
    assert len(calls) == 1
    collab_services.vote_toggle(user=member, collab=apt)  # counters only: kept
    caching.memo("count", produce)
    assert len(calls) == 1
    Collab.objects.filter(pk=apt.pk).update(title="APT!")
    caching.memo("count", produce)
    assert len(calls) == 2


def test_redis_down_pages_still_answer(client, apt, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from django.core.cache import caches

    caches._settings = caches.settings = settings.CACHES
    try:
        for _ in range(2):
            assert client.get(apt.get_absolute_url()).status_code == 200
    finally:
        cache.close()
