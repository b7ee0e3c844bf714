"""A discussion is visible exactly where its owner is (SPEC §4 Trust, issue 12 item 2).

For each owner that visitors may not see (a draft article, a scheduled article, a
nominated collab, a rejected collab): its thread, comments, replies and excerpts are 404 or
absent everywhere for visitors and members, nobody can post in it (the database is
unchanged), and editors can still preview the discussion.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services as article_services
from articles.models import ArticleStatus
from collabs import services as collab_services
from collabs.models import CollabStatus
from comments import services
from comments.models import Comment, CommentLike, Flag, Notification, Thread
from core.caching import clear_local
from tests.factories import MemberFactory

TITLE = "Zyxwv Secret Crossover"
BODY = "qwertyuiop hidden words"
REPLY = "asdfghjkl hidden reply"

HIDDEN_OWNERS = ["draft_article", "scheduled_article", "nominated_collab", "rejected_collab"]


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _seasoned():
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30))


def _make_owner(kind: str, *, nominator):
    """The owner, made through the services, in a state visitors may not see."""
    if kind.endswith("article"):
        scheduled = kind == "scheduled_article"
        return article_services.article_create(
            title=TITLE,
            standfirst="Not out yet.",
            body="Soon.",
            status=ArticleStatus.PUBLISHED if scheduled else ArticleStatus.DRAFT,
            published_at=timezone.now() + timedelta(days=1) if scheduled else None,
        )
    collab = collab_services.collab_nominate(
        user=nominator,
        title=TITLE,
        artists="Someone & Someone Else",
        release_date=date(2025, 1, 1),
        link="https://www.youtube.com/watch?v=x",
    )
    if kind == "rejected_collab":
        collab_services.nominations_decide(collabs=[collab], approve=False)
        collab.refresh_from_db()
    return collab


def _posted_before_the_fix(thread: Thread, author, body: str, parent=None) -> Comment:
    """Members could post in such threads until now: rows like these exist. Posted through
    the service while the thread was (wrongly) open, then the thread is closed again."""
    closed_from = Thread.objects.get(pk=thread.pk).public_from
    services.threads_set_public_from(thread_ids=[thread.pk], public_from=timezone.now())
    comment = services.comment_create(thread=thread, author=author, body=body, parent=parent)
    services.threads_set_public_from(thread_ids=[thread.pk], public_from=closed_from)
    thread.refresh_from_db()
    return comment


@pytest.fixture(params=HIDDEN_OWNERS)
def hidden(request, db, editor):
    """An owner visitors may not see, with a comment and a reply (mentioning its author)."""
    author, replier = _seasoned(), _seasoned()
    owner = _make_owner(request.param, nominator=author)
    thread = owner.thread
    comment = _posted_before_the_fix(thread, author, BODY)
    reply = _posted_before_the_fix(thread, replier, f"@{author.username} {REPLY}", parent=comment)
    return type(
        "Hidden",
        (),
        {
            "kind": request.param,
            "owner": owner,
            "thread": thread,
            "comment": comment,
            "reply": reply,
            "author": author,
            "replier": replier,
            "editor": editor,
        },
    )


def _counts() -> tuple[int, int, int, int]:
    return (
        Comment.objects.count(),
        CommentLike.objects.count(),
        Flag.objects.count(),
        Notification.objects.count(),
    )


# The thread's own pages -----------------------------------------------------------------


def test_the_thread_is_not_public(hidden):
    assert hidden.thread.is_public is False
    assert not Thread.objects.public().filter(pk=hidden.thread.pk).exists()


@pytest.mark.parametrize("who", ["visitor", "member", "author"])
def test_reading_surfaces_are_404(hidden, who):
    viewer = {"visitor": None, "member": _seasoned(), "author": hidden.author}[who]
    client = client_for(viewer)
    thread_id, comment_id = hidden.thread.pk, hidden.comment.pk
    for url, headers in [
        (reverse("comments:thread", args=[thread_id]), {}),
        (reverse("comments:more", args=[thread_id]), {"HX-Request": "true"}),
        (reverse("comments:more", args=[thread_id]), {}),
        (reverse("comments:permalink", args=[comment_id]), {}),
        (reverse("comments:permalink", args=[comment_id]), {"HX-Request": "true"}),
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert TITLE not in response.content.decode()
        assert BODY not in response.content.decode()


@pytest.mark.parametrize("who", ["member", "author", "editor"])
def test_nobody_can_post_reply_edit_delete_like_or_flag(hidden, who):
    viewer = {"member": _seasoned(), "author": hidden.author, "editor": hidden.editor}[who]
    client = client_for(viewer)
    comment_id = hidden.comment.pk
    before = _counts()
    bodies = {c.pk: (c.body, c.state) for c in Comment.objects.all()}
    attempts = [
        ("post", reverse("comments:post", args=[hidden.thread.pk]), {"body": "Let me in"}),
        ("post", reverse("comments:reply", args=[comment_id]), {"body": "Let me in"}),
        ("get", reverse("comments:reply", args=[comment_id]), {}),
        ("post", reverse("comments:edit", args=[comment_id]), {"body": "Changed"}),
        ("get", reverse("comments:edit", args=[comment_id]), {}),
        ("post", reverse("comments:delete", args=[comment_id]), {}),
        ("post", reverse("comments:like", args=[comment_id]), {}),
        ("post", reverse("comments:flag", args=[comment_id]), {"reason": "spam"}),
        ("get", reverse("comments:flag", args=[comment_id]), {}),
    ]
    for method, url, data in attempts:
        for headers in ({}, {"HX-Request": "true"}):
            response = getattr(client, method)(url, data, headers=headers)
            assert response.status_code == 404, (method, url, headers)
            assert BODY not in response.content.decode()
    assert _counts() == before
    assert {c.pk: (c.body, c.state) for c in Comment.objects.all()} == bodies


def test_the_service_refuses_a_comment_even_from_an_editor(hidden):
    before = _counts()
    for author in (_seasoned(), hidden.editor):
        with pytest.raises(services.CommentRefused, match="opens when its page is published"):
            services.comment_create(thread=hidden.thread, author=author, body="Sneaky")
    assert _counts() == before


def test_an_editor_previews_the_discussion_without_a_form(hidden):
    client = client_for(hidden.editor)
    response = client.get(reverse("comments:thread", args=[hidden.thread.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert TITLE in page and BODY in page and REPLY in page
    assert "Preview." in page
    assert "Post comment" not in page
    assert "opens when its page is published" in page
    assert ">Reply<" not in page and ">Flag<" not in page and ">Edit<" not in page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    more = client.get(
        reverse("comments:more", args=[hidden.thread.pk]), headers={"HX-Request": "true"}
    )
    assert more.status_code == 200
    permalink = client.get(reverse("comments:permalink", args=[hidden.comment.pk]))
    assert permalink.status_code == 302
    thread_page = reverse("comments:thread", args=[hidden.thread.pk])
    assert permalink["Location"] == f"{thread_page}#comment-{hidden.comment.pk}"
    assert client.get(permalink["Location"]).status_code == 200


def test_staff_without_the_editors_permissions_cannot_preview(hidden):
    staff = MemberFactory(is_staff=True)
    response = client_for(staff).get(reverse("comments:thread", args=[hidden.thread.pk]))
    assert response.status_code == 404


# Where excerpts of comments show ----------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member", "editor"])
def test_home_latest_comments_leave_it_out(hidden, who):
    viewer = {"visitor": None, "member": _seasoned(), "editor": hidden.editor}[who]
    # A public discussion's comment does show: the block is there, this one is not in it.
    shown = collab_services.collab_create(title="Public One", release_date=date(2024, 1, 1))
    services.comment_create(thread=shown.thread, author=_seasoned(), body="public words")
    page = client_for(viewer).get("/").content.decode()
    assert "public words" in page
    assert TITLE not in page and BODY not in page and REPLY not in page


@pytest.mark.parametrize("who", ["visitor", "member", "author"])
def test_profiles_leave_it_out(hidden, who):
    viewer = {"visitor": None, "member": _seasoned(), "author": hidden.author}[who]
    for member in (hidden.author, hidden.replier):
        response = client_for(viewer).get(member.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert TITLE not in page and BODY not in page and REPLY not in page


def test_notifications_leave_it_out(hidden):
    mentioned = hidden.author  # the reply answers and mentions them
    assert Notification.objects.filter(recipient=mentioned).exists()
    client = client_for(mentioned)
    response = client.get(reverse("notifications"))
    page = response.content.decode()
    assert TITLE not in page and REPLY not in page
    assert "No notifications yet" in page
    # The header's unread count leaves it out too.
    assert "unread</span>" not in client.get(reverse("notifications")).content.decode()
    assert "unread</span>" not in client.get(reverse("moderation_log")).content.decode()
    # While a mention in a public discussion shows and counts.
    shown = collab_services.collab_create(title="Public One", release_date=date(2024, 1, 1))
    services.comment_create(
        thread=shown.thread, author=_seasoned(), body=f"@{mentioned.username} public words"
    )
    page = client.get(reverse("notifications")).content.decode()
    assert "public words" in page and REPLY not in page
    assert '1<span class="visually-hidden"> unread</span>' in page
    notification = Notification.objects.get(recipient=mentioned, comment__thread=hidden.thread)
    read = client.post(
        reverse("notification_read", args=[notification.pk]), headers={"HX-Request": "true"}
    )
    assert read.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_search_feed_and_sitemap_leave_it_out(hidden):
    client = Client()
    for url in ["/search/?q=Zyxwv", "/articles/feed/", "/sitemap.xml", "/articles/", "/collabs/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert TITLE not in response.content.decode(), url
        assert BODY not in response.content.decode(), url


def test_the_moderation_log_leaves_it_out(hidden):
    services.comment_hide(comment=hidden.comment, editor=hidden.editor, reason="Off topic here")
    page = Client().get(reverse("moderation_log")).content.decode()
    assert TITLE not in page
    assert "Off topic here" not in page


def test_owner_page_is_404_to_visitors_and_members(hidden):
    for viewer in (None, _seasoned()):
        response = client_for(viewer).get(hidden.owner.get_absolute_url())
        assert response.status_code == 404


# When the owner goes public, so does the discussion ----------------------------------------


def _comment_shows_to_visitors(hidden) -> bool:
    client = Client()
    thread_page = client.get(reverse("comments:thread", args=[hidden.thread.pk]))
    home = client.get("/").content.decode()
    return thread_page.status_code == 200 and BODY in home


def test_a_scheduled_article_opens_its_discussion_at_its_time(db, editor):
    author = _seasoned()
    article = _make_owner("scheduled_article", nominator=None)
    at = article.published_at
    before = _counts()
    with time_machine.travel(at - timedelta(minutes=1)):
        with pytest.raises(services.CommentRefused):
            services.comment_create(thread=article.thread, author=author, body=BODY)
        assert Client().get(reverse("comments:thread", args=[article.thread.pk])).status_code == 404
        response = client_for(author).post(
            reverse("comments:post", args=[article.thread.pk]), {"body": BODY}
        )
        assert response.status_code == 404
        assert _counts() == before
    with time_machine.travel(at + timedelta(minutes=1)):
        response = client_for(author).post(
            reverse("comments:post", args=[article.thread.pk]), {"body": BODY}
        )
        assert response.status_code == 302
        assert Comment.objects.filter(thread=article.thread, body=BODY).exists()
        thread = Client().get(reverse("comments:thread", args=[article.thread.pk]))
        assert thread.status_code == 200 and BODY in thread.content.decode()
        assert BODY in Client().get("/").content.decode()
        assert BODY in Client().get(author.get_absolute_url()).content.decode()


def test_approving_a_nomination_opens_its_discussion(db, editor):
    nominator = _seasoned()
    collab = _make_owner("nominated_collab", nominator=nominator)
    collab_services.collab_credits_set(
        collab=collab,
        credits=[
            collab_services.CreditSpec(
                artist=collab_services.artist_create(name="Somebody", country="KR")
            )
        ],
    )
    assert collab_services.nominations_decide(collabs=[collab], approve=True) == 1
    collab.thread.refresh_from_db()
    assert collab.thread.is_public
    services.comment_create(thread=collab.thread, author=nominator, body=BODY)
    assert BODY in Client().get("/").content.decode()


def test_unpublishing_an_article_closes_its_discussion(db):
    author = _seasoned()
    article = article_services.article_create(
        title=TITLE,
        standfirst="Out.",
        body="Out now.",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    services.comment_create(thread=article.thread, author=author, body=BODY)
    assert BODY in Client().get("/").content.decode()
    article_services.articles_unpublish(articles=[article])
    assert BODY not in Client().get("/").content.decode()
    assert Client().get(reverse("comments:thread", args=[article.thread.pk])).status_code == 404
    article_services.articles_publish(articles=[article])
    assert BODY in Client().get("/").content.decode()


def test_saving_an_article_follows_its_status_and_time(db):
    article = _make_owner("draft_article", nominator=None)
    assert article.thread.public_from is None
    at = timezone.now() + timedelta(hours=3)
    article.status, article.published_at = ArticleStatus.PUBLISHED, at
    article_services.article_save(article=article)
    assert Thread.objects.get(pk=article.thread.pk).public_from == at
    article.status = ArticleStatus.DRAFT
    article_services.article_save(article=article)
    assert Thread.objects.get(pk=article.thread.pk).public_from is None


def test_a_collab_saved_as_rejected_closes_its_discussion(db):
    collab = collab_services.collab_create(title=TITLE, release_date=date(2024, 1, 1))
    assert collab.thread.is_public
    opened = collab.thread.public_from
    collab.status = CollabStatus.REJECTED
    collab.save()
    collab_services.collab_thread_sync(collab=collab)
    assert Thread.objects.get(pk=collab.thread.pk).public_from is None
    collab.status = CollabStatus.PUBLISHED
    collab.save()
    collab_services.collab_thread_sync(collab=collab)
    assert Thread.objects.get(pk=collab.thread.pk).public_from > opened


def test_the_data_migration_opens_published_owners_threads_only(db):
    """Existing rows: comments 0004 added public_from empty; collabs 0003 and articles 0004
    open the published owners' discussions."""
    from importlib import import_module

    from django.apps import apps

    published = collab_services.collab_create(title="Out", release_date=date(2024, 1, 1))
    nominated = _make_owner("nominated_collab", nominator=_seasoned())
    live = article_services.article_create(
        title="Live",
        standfirst="s",
        body="b",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=2),
    )
    scheduled = _make_owner("scheduled_article", nominator=None)
    draft = _make_owner("draft_article", nominator=None)
    Thread.objects.update(public_from=None)  # as the schema migration leaves them

    import_module(
        "collabs.migrations.0003_published_collabs_open_their_discussions"
    ).open_published(apps, None)
    import_module(
        "articles.migrations.0004_published_articles_open_their_discussions"
    ).open_published(apps, None)

    def public_from(owner):
        return Thread.objects.get(pk=owner.thread_id).public_from

    assert public_from(published) == published.created_at
    assert public_from(nominated) is None
    assert public_from(live) == live.published_at
    assert public_from(scheduled) == scheduled.published_at  # opens at its time
    assert public_from(draft) is None


def test_a_notification_email_is_not_sent_once_its_discussion_closed(db, mailoutbox):
    """The email task runs after commit; if the article was unpublished meanwhile, the
    excerpt and title stay unsent."""
    from comments.tasks import send_notification_emails

    author, replier = _seasoned(), _seasoned()
    article = article_services.article_create(
        title=TITLE,
        standfirst="Out.",
        body="Out now.",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    parent = services.comment_create(thread=article.thread, author=author, body=BODY)
    services.comment_create(thread=article.thread, author=replier, body=REPLY, parent=parent)
    notification = Notification.objects.get(recipient=author)
    mailoutbox.clear()
    article_services.articles_unpublish(articles=[article])
    assert send_notification_emails.call([notification.pk]) == 0
    assert mailoutbox == []
    article_services.articles_publish(articles=[article])
    assert send_notification_emails.call([notification.pk]) == 1


def test_unpublishing_updates_the_cached_home_page(db, settings, editor):
    """With the page cache on, an article unpublished in the admin takes its discussion's
    comments off the cached home page at once."""
    settings.PAGE_CACHE_SECONDS = 60
    article = article_services.article_create(
        title=TITLE,
        standfirst="Out.",
        body="Out now.",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    services.comment_create(thread=article.thread, author=_seasoned(), body=BODY)
    visitor = Client()
    assert BODY in visitor.get("/").content.decode()
    assert BODY in visitor.get("/").content.decode()  # now from the cache
    response = client_for(editor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    assert BODY not in visitor.get("/").content.decode()
    assert visitor.get(reverse("comments:thread", args=[article.thread.pk])).status_code == 404


@pytest.mark.parametrize("kind", ["article", "collab"])
def test_deleting_the_owner_closes_its_discussion(db, settings, editor, kind):
    """An article or collab an editor deletes in the admin takes its discussion with it:
    its thread (kept, PROTECT) stayed public, with the deleted page's title and comments
    on the home page, the author's profile, the thread page and the comment's address."""
    settings.PAGE_CACHE_SECONDS = 60
    if kind == "article":
        owner = article_services.article_create(
            title=TITLE,
            standfirst="Out.",
            body="Out now.",
            status=ArticleStatus.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=1),
        )
        delete_url = reverse("admin:articles_article_delete", args=[owner.pk])
    else:
        owner = collab_services.collab_create(title=TITLE, release_date=date(2024, 1, 1))
        delete_url = reverse("admin:collabs_collab_delete", args=[owner.pk])
    author = _seasoned()
    comment = services.comment_create(thread=owner.thread, author=author, body=BODY)
    visitor = Client()
    pages = ["/", reverse("comments:thread", args=[owner.thread.pk]), author.get_absolute_url()]
    for url in pages:
        visitor.get(url)  # cached
    response = client_for(editor).post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not type(owner).objects.filter(pk=owner.pk).exists()
    assert Thread.objects.get(pk=owner.thread.pk).public_from is None
    for url in ["/", author.get_absolute_url()]:
        page = visitor.get(url).content.decode()
        assert BODY not in page and TITLE not in page, url
    assert visitor.get(pages[1]).status_code == 404
    assert visitor.get(reverse("comments:permalink", args=[comment.pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/comments/thread/99999999999999999999999/",
        "/comments/thread/9223372036854775808/more/",
        "/comments/2147483648/",
        "/comments/99999999999999999999999/reply/",
    ],
)
def test_huge_ids_are_404_not_5xx(db, url):
    assert client_for(_seasoned()).get(url).status_code == 404


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_lists_filter_in_their_own_queries(db, who):
    """Home, a profile and notifications cost the same with 3 or 30 hidden comments (cold:
    every cache empty)."""
    mentioned = _seasoned()
    viewer = mentioned if who == "member" else None
    shown = collab_services.collab_create(title="Public One", release_date=date(2024, 1, 1))
    services.comment_create(thread=shown.thread, author=_seasoned(), body="public words")

    def hide(n):
        for i in range(n):
            owner = _make_owner("draft_article", nominator=None)
            body = f"@{mentioned.username} hiddenmark{i}"
            _posted_before_the_fix(owner.thread, _seasoned(), body)

    def count(client, url) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()  # cold: every query the page makes (with Redis, the
        clear_local()  # process keeps copies of its own)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client = client_for(viewer)
    urls = ["/", mentioned.get_absolute_url()]
    if viewer is not None:
        urls.append(reverse("notifications"))
    hide(3)
    for url in urls:
        count(client, url)  # warm the session and site caches
    counts = {url: count(client, url) for url in urls}
    hide(27)
    for url in urls:
        assert count(client, url) == counts[url]
        assert "hiddenmark" not in client.get(url).content.decode()
