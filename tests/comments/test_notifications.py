"""Notifications as a member meets them: who is told, what the list shows, where links go,
and excerpts escaped once wherever a comment is quoted (home, profile, notifications)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, Notification

LOOKS_ESCAPED = "Gaga & BLACKPINK <3 — R&B"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Who is told ---------------------------------------------------------------------------


def test_reply_to_a_level_3_comment_notifies_the_member_answered(
    thread, member, other, make_member, post
):
    third, replier = make_member(), make_member()
    top = post(thread, member, "Level 1")
    second = post(thread, other, "Level 2", parent=top)
    deep = post(thread, third, "Level 3", parent=second)

    answer = post(thread, replier, "Answering level 3", parent=deep)

    answer.refresh_from_db()
    # SPEC: it hangs at level 3, under the level-2 comment, but answers the level-3 one.
    assert (answer.depth, answer.parent_id, answer.reply_to_id) == (3, second.pk, deep.pk)
    told = Notification.objects.filter(comment=answer)
    assert [(n.recipient_id, n.kind) for n in told] == [(third.pk, "reply")]
    assert not Notification.objects.filter(recipient=other, comment=answer).exists()


def test_level_2_author_is_told_when_they_are_the_one_answered(
    thread, member, other, make_member, post
):
    replier = make_member()
    top = post(thread, member, "Level 1")
    second = post(thread, other, "Level 2", parent=top)
    answer = post(thread, replier, "Answering level 2", parent=second)
    assert answer.reply_to_id == second.pk
    assert list(Notification.objects.filter(comment=answer).values_list("recipient_id")) == [
        (other.pk,)
    ]


# Opening a notification -------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_to_the_reply(thread, member, other, post):
    mine = post(thread, member, "Mine")
    reply = post(thread, other, "A reply", parent=mine)
    notification = Notification.objects.get(recipient=member)
    client = client_for(member)

    page = client.get(reverse("notifications")).content.decode()
    assert f'href="/notifications/{notification.pk}/"' in page

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/comments-test-owner/#comment-{reply.pk}"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(reverse("notifications")).context["unread_notification_count"] == 0


def test_another_members_notification_is_404_and_stays_unread(thread, member, other, post):
    post(thread, other, "A reply", parent=post(thread, member, "Mine"))
    notification = Notification.objects.get(recipient=member)

    assert client_for(other).get(f"/notifications/{notification.pk}/").status_code == 404
    assert client_for(member).get("/notifications/999999/").status_code == 404
    visitor = Client().get(f"/notifications/{notification.pk}/")
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_deleted_reply_says_so_and_links_nowhere(thread, member, other, post):
    reply = post(thread, other, "Soon gone", parent=post(thread, member, "Mine"))
    notification = Notification.objects.get(recipient=member)
    services.comment_delete(comment=reply, user=other)

    page = client_for(member).get(reverse("notifications")).content.decode()

    assert "This reply was deleted." in page
    assert "View reply" not in page
    assert f"comment-{reply.pk}" not in page
    # Its address still works: marked read, and to the discussion, not a dead anchor.
    response = client_for(member).get(f"/notifications/{notification.pk}/")
    assert response["Location"] == "/comments-test-owner/"


def test_author_is_told_when_an_editor_removes_their_comment(
    thread, member, other, editor, post, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://crossover.example"
    member.email_notifications = True
    member.save(update_fields=["email_notifications"])
    comment = post(thread, member, "Fan-war bait")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, editor=editor, reason="Fan-war bait")

    notice = Notification.objects.get(recipient=member)
    assert (notice.kind, notice.reason) == ("removed", "Fan-war bait")
    assert notice.comment_id == comment.pk
    page = client_for(member).get(reverse("notifications")).content.decode()
    assert "An editor removed your comment" in page
    assert '<p class="notification-excerpt">Reason: Fan-war bait</p>' in page
    assert mail.outbox[-1].to == [member.email]
    assert mail.outbox[-1].subject == "[Crossover] An editor removed your comment"
    assert "Fan-war bait" in mail.outbox[-1].body
    assert f"https://crossover.example/notifications/{notice.pk}/" in mail.outbox[-1].body
    assert "https://crossover.example/accounts/profile/" in mail.outbox[-1].body

    # The thread tells the author why, and only the author.
    mine = client_for(member).get(f"/comments/thread/{thread.pk}/").content.decode()
    others = client_for(other).get(f"/comments/thread/{thread.pk}/").content.decode()
    assert "An editor removed your comment" in mine and "Fan-war bait" in mine
    assert "An editor removed your comment" not in others
    assert "Fan-war bait" not in others


def test_removing_twice_after_a_restore_notifies_again_once(thread, member, editor, post):
    comment = post(thread, member, "Hmm")
    services.comment_hide(comment=comment, editor=editor, reason="First reason")
    services.notifications_mark_all_read(user=member)
    services.comment_restore(comment=comment, editor=editor, reason="On appeal")
    services.comment_hide(comment=comment, editor=editor, reason="Second reason")

    notice = Notification.objects.get(recipient=member)
    assert (notice.reason, notice.read_at) == ("Second reason", None)


# Escaped once -----------------------------------------------------------------------------


def test_excerpts_are_escaped_once_on_home_notifications_and_profile(thread, member, other, post):
    post(thread, other, f"@{member.username} {LOOKS_ESCAPED}")
    post(thread, other, "This is **perfect**")

    home = Client().get("/").content.decode()
    notifications = client_for(member).get(reverse("notifications")).content.decode()
    profile = Client().get(f"/u/{other.username}/").content.decode()

    once = "Gaga &amp; BLACKPINK &lt;3 — R&amp;B"
    for page in (home, notifications, profile):
        assert once in page
        assert "&amp;amp;" not in page and "&amp;lt;" not in page
    assert "This is perfect" in home
    assert "This is perfect" in profile
    assert "**perfect**" not in profile and "**perfect**" not in home


def test_excerpt_is_plain_text_of_the_rendered_comment(thread, member, post):
    comment = post(thread, member, f"**perfect** [link](https://example.org)\n\n{LOOKS_ESCAPED}")
    assert comment.excerpt == f"perfect link {LOOKS_ESCAPED}"
    services.comment_delete(comment=comment, user=member)
    assert Comment.objects.get(pk=comment.pk).excerpt == ""


# Times ---------------------------------------------------------------------------------


def test_a_new_comment_was_posted_just_now_not_0_minutes_ago(thread, member, other, post):
    post(thread, other, f"@{member.username} hello")
    for page in (
        Client().get("/").content.decode(),
        client_for(member).get(reverse("notifications")).content.decode(),
        Client().get(f"/comments/thread/{thread.pk}/").content.decode(),
    ):
        assert "just now" in page
        assert "0\xa0minutes" not in page
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        # Five minutes on, what was cached for "just now" has expired (Redis keeps its own
        # time, which does not travel: its entries are let go of here).
        cache.clear()
        page = Client().get(f"/comments/thread/{thread.pk}/").content.decode()
    assert "5\xa0minutes ago" in page and "just now" not in page


def test_hostile_notification_addresses_answer_404(member):
    client = client_for(member)
    for path in ("/notifications/99999999999999999999999/", "/notifications/0/"):
        assert client.get(path).status_code == 404, path


def test_the_removal_notice_stays_with_its_author_on_cached_pages(
    thread, member, other, make_member, editor, post, settings
):
    """With the page cache on, the author's own render shows the notice; the shared render
    (other members, visitors) never does."""
    settings.PAGE_CACHE_SECONDS = 60
    comment = post(thread, member, "Borderline")
    post(thread, other, "Unrelated")
    services.comment_hide(comment=comment, editor=editor, reason="Personal attack")
    url = f"/comments/thread/{thread.pk}/"
    third = make_member()
    for _ in range(2):  # the second request of each may come from the cache
        for viewer in (other, third):
            page = client_for(viewer).get(url).content.decode()
            assert "Personal attack" not in page and "An editor removed your comment" not in page
        assert "Personal attack" not in Client().get(url).content.decode()
        mine = client_for(member).get(url).content.decode()
        assert "An editor removed your comment" in mine and "Personal attack" in mine


def test_reply_email_quotes_the_reply_as_written_and_links_on_site_url(
    thread, member, other, post, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://crossover.example"
    member.email_notifications = True
    member.save(update_fields=["email_notifications"])
    mine = post(thread, member, "Mine")
    with django_capture_on_commit_callbacks(execute=True):
        post(thread, other, f"**{LOOKS_ESCAPED}**", parent=mine)
    (message,) = mail.outbox
    assert f"\n{LOOKS_ESCAPED}\n" in message.body
    assert "&amp;" not in message.body and "**" not in message.body
    notice = Notification.objects.get(recipient=member)
    assert f"https://crossover.example/notifications/{notice.pk}/" in message.body
    assert message.subject.startswith("[Crossover] ")
