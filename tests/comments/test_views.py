"""Discussion pages and actions, full page and htmx, with and without permission."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, ModerationAction, Notification
from core.caching import clear_local
from tests.comments.conftest import OPEN
from tests.factories import UserFactory
from tests.queries import cold_fresh_cached

HTMX = {"HX-Request": "true"}


def thread_url(thread) -> str:
    return reverse("comments:thread", args=[thread.pk])


def post_url(thread) -> str:
    return reverse("comments:post", args=[thread.pk])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The discussion page ------------------------------------------------------------------


def test_visitor_reads_and_is_invited_to_log_in(client, standalone_thread, member, post):
    post(standalone_thread, member, "Hello **world**")
    response = client.get(thread_url(standalone_thread))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>world</strong>" in html
    assert "Log in</a> or" in html
    assert "Post comment" not in html


def test_member_sees_the_comment_box_and_own_actions(standalone_thread, member, other, post):
    post(standalone_thread, member, "Mine")
    post(standalone_thread, other, "Theirs")
    html = client_for(member).get(thread_url(standalone_thread)).content.decode()
    assert '<label for="comment-new-body">Comment</label>' in html
    assert '<button type="submit" class="btn btn-primary">Post comment</button>' in html
    assert html.count(">Edit</a>") == 1
    assert html.count(">Delete</button>") == 1
    assert html.count(">Reply</a>") == 2


def test_unverified_member_is_asked_to_verify(standalone_thread, user):
    client = client_for(user)
    assert "Verify your email" in client.get(thread_url(standalone_thread)).content.decode()
    response = client.post(post_url(standalone_thread), {"body": "Hi"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_visitor_post_goes_to_login_and_back(client, standalone_thread):
    response = client.post(post_url(standalone_thread), {"body": "Hi"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    response = client.post(post_url(standalone_thread), {"body": "Hi"}, headers=HTMX)
    assert response.headers["HX-Redirect"].startswith(reverse("account_login"))


def test_forged_post_without_csrf_token_fails(standalone_thread, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(post_url(standalone_thread), {"body": "Forged"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


# Posting -------------------------------------------------------------------------------


def test_post_without_js_redirects_to_the_owner_page_anchor(thread, member):
    response = client_for(member).post(post_url(thread), {"body": "No JS here"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"/comments-test-owner/#comment-{comment.pk}"


def test_post_with_htmx_returns_the_comment_and_a_fresh_form(standalone_thread, member):
    response = client_for(member).post(
        post_url(standalone_thread), {"body": "In place"}, headers=HTMX
    )
    html = response.content.decode()
    comment = Comment.objects.get()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'<li class="comment depth-1" id="comment-{comment.pk}">' in html
    assert "data-autofocus" in html
    assert f'id="comment-form-{standalone_thread.pk}" hx-swap-oob="true"' in html
    assert "1 comment</span>" in html


def test_too_long_comment_gets_a_clear_message(standalone_thread, member):
    client = client_for(member)
    response = client.post(post_url(standalone_thread), {"body": "x" * 5001}, headers=HTMX)
    assert response.status_code == 422
    assert "at most 5,000 characters; this one has 5,001" in response.content.decode()
    assert response.headers["HX-Retarget"] == f"#comment-form-{standalone_thread.pk}"
    assert not Comment.objects.exists()


def test_reply_with_htmx_is_retargeted_under_its_parent(standalone_thread, member, other, post):
    parent = post(standalone_thread, other, "Parent")
    client = client_for(member)
    form = client.get(reverse("comments:reply", args=[parent.pk]), headers=HTMX)
    assert 'data-autofocus=""' in form.content.decode()
    assert "Post reply" in form.content.decode()
    response = client.post(
        reverse("comments:reply", args=[parent.pk]), {"body": "Child"}, headers=HTMX
    )
    reply = Comment.objects.get(parent=parent)
    assert response.headers["HX-Retarget"] == f"#replies-{parent.pk}"
    assert response.headers["HX-Reswap"] == "beforeend"
    html = response.content.decode()
    assert f'id="comment-{reply.pk}"' in html
    assert f'<div class="reply-slot" id="reply-slot-{parent.pk}" hx-swap-oob="true">' in html
    assert Notification.objects.get().recipient == other


def test_reply_without_js_has_its_own_page(standalone_thread, member, other, post):
    parent = post(standalone_thread, other, "Parent")
    client = client_for(member)
    page = client.get(reverse("comments:reply", args=[parent.pk]))
    assert "<html" in page.content.decode()
    assert "Post reply" in page.content.decode()
    response = client.post(reverse("comments:reply", args=[parent.pk]), {"body": "Child"})
    reply = Comment.objects.get(parent=parent)
    assert response.url == f"{thread_url(standalone_thread)}#comment-{reply.pk}"


def test_sixth_comment_in_a_minute_gets_429_and_is_not_stored(standalone_thread, member):
    client = client_for(member)
    for n in range(5):
        assert client.post(post_url(standalone_thread), {"body": f"n{n}"}).status_code == 302
    response = client.post(post_url(standalone_thread), {"body": "sixth"}, headers=HTMX)
    assert response.status_code == 429
    assert "try again in" in response.content.decode()
    assert int(response.headers["Retry-After"]) <= 60
    assert response.headers["HX-Retarget"] == f"#comment-form-{standalone_thread.pk}"
    assert Comment.objects.count() == 5
    plain = client.post(post_url(standalone_thread), {"body": "sixth"})
    assert plain.status_code == 429
    assert "<html" in plain.content.decode()


def test_young_account_gets_429_after_three(standalone_thread):
    from tests.factories import MemberFactory

    client = client_for(MemberFactory())
    for n in range(3):
        client.post(post_url(standalone_thread), {"body": f"n{n}"})
    response = client.post(post_url(standalone_thread), {"body": "fourth"})
    assert response.status_code == 429
    assert Comment.objects.count() == 3


def test_locked_thread_says_so_and_refuses(standalone_thread, member, editor):
    services.thread_lock(thread=standalone_thread, editor=editor, reason="Heated")
    client = client_for(member)
    html = client.get(thread_url(standalone_thread)).content.decode()
    assert "This discussion is locked" in html
    assert "Post comment" not in html
    response = client.post(post_url(standalone_thread), {"body": "Let me in"}, headers=HTMX)
    # Locked meanwhile: a conflict with the page the member wrote on (a mute is a 403).
    assert response.status_code == 409
    assert "This discussion is locked by the editors" in response.content.decode()
    assert not Comment.objects.exists()


def test_muted_member_is_told_why(standalone_thread, member, editor):
    services.member_mute(
        member=member,
        editor=editor,
        until=timezone.now() + timedelta(days=3),
        reason="Fan-war bait",
    )
    client = client_for(member)
    html = client.get(thread_url(standalone_thread)).content.decode()
    assert "You are muted until" in html
    assert "Fan-war bait" in html
    response = client.post(post_url(standalone_thread), {"body": "Hello?"})
    assert response.status_code == 403
    assert "You are muted until" in response.content.decode()
    assert not Comment.objects.exists()


# Edit, delete, like ------------------------------------------------------------------------


def test_editing_or_deleting_someone_elses_comment_is_refused(
    standalone_thread, member, other, post
):
    theirs = post(standalone_thread, other, "Theirs")
    client = client_for(member)
    for url in (reverse("comments:edit", args=[theirs.pk]),):
        assert client.get(url).status_code == 403
        assert client.post(url, {"body": "Hijacked"}).status_code == 403
    assert client.post(reverse("comments:delete", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("comments:edit", args=[999_999]), {"body": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.body, theirs.state) == ("Theirs", "visible")


def test_edit_in_place_then_refused_after_fifteen_minutes(standalone_thread, member, post):
    client = client_for(member)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        comment = post(standalone_thread, member, "Tpyo")
        url = reverse("comments:edit", args=[comment.pk])
        form = client.get(url, headers=HTMX).content.decode()
        assert "Tpyo</textarea>" in form
        response = client.post(url, {"body": "Typo fixed"}, headers=HTMX)
        html = response.content.decode()
        assert "<p>Typo fixed</p>" in html
        assert "edited" in html
        traveller.shift(timedelta(minutes=16))
        assert client.post(url, {"body": "Later"}).status_code == 403
        page = client.get(thread_url(standalone_thread)).content.decode()
        assert ">Edit</a>" not in page
    comment.refresh_from_db()
    assert comment.body == "Typo fixed"


def test_delete_keeps_a_placeholder_only_when_replies_hang_under_it(
    standalone_thread, member, other, post
):
    lonely = post(standalone_thread, member, "Lonely")
    parent = post(standalone_thread, member, "Parent")
    post(standalone_thread, other, "Child", parent=parent)
    client = client_for(member)

    response = client.post(reverse("comments:delete", args=[lonely.pk]), headers=HTMX)
    assert response.headers["HX-Reswap"] == "delete"
    assert response.headers["HX-Retarget"] == f"#comment-{lonely.pk}"
    response = client.post(reverse("comments:delete", args=[parent.pk]), headers=HTMX)
    assert "HX-Reswap" not in response.headers
    assert "[deleted]" in response.content.decode()

    page = Client().get(thread_url(standalone_thread)).content.decode()
    assert f'id="comment-{lonely.pk}"' not in page
    assert f'id="comment-{parent.pk}"' in page
    assert "[deleted]" in page and "Parent" not in page and "Child" in page


def test_delete_without_js_redirects_back(standalone_thread, member, post):
    comment = post(standalone_thread, member)
    response = client_for(member).post(reverse("comments:delete", args=[comment.pk]))
    assert response.status_code == 302
    assert response.url.endswith(f"#comment-{comment.pk}")


def test_like_toggles_in_place_and_without_js(standalone_thread, member, other, post):
    comment = post(standalone_thread, other)
    client = client_for(member)
    url = reverse("comments:like", args=[comment.pk])
    html = client.post(url, headers=HTMX).content.decode()
    assert 'aria-pressed="true"' in html
    assert '<span class="like-count">1</span>' in html
    assert client.post(url).status_code == 302
    comment.refresh_from_db()
    assert comment.like_count == 0


# Flags and moderation ---------------------------------------------------------------------


def test_flags_hold_a_comment_and_an_editor_restores_it(
    standalone_thread, member, make_member, admin_client, post
):
    comment = post(standalone_thread, member, "Controversial take")
    flag_url = reverse("comments:flag", args=[comment.pk])
    first = client_for(make_member())
    assert "Harassment or fan-war bait" in first.get(flag_url, headers=HTMX).content.decode()
    assert first.post(flag_url, {"reason": "spam"}, headers=HTMX).status_code == 200
    again = first.post(flag_url, {"reason": "spam"}, headers=HTMX)
    assert again.status_code == 409
    assert "already flagged" in again.content.decode()
    for _ in range(2):
        client_for(make_member()).post(flag_url, {"reason": "off_topic"})
    comment.refresh_from_db()
    assert comment.state == Comment.State.HELD

    assert "Controversial take" not in Client().get(thread_url(standalone_thread)).content.decode()
    own_view = client_for(member).get(thread_url(standalone_thread)).content.decode()
    assert "Controversial take" in own_view and "held for review" in own_view

    changelist = reverse("admin:comments_comment_changelist")
    ask = admin_client.post(changelist, {"action": "restore", "_selected_action": [comment.pk]})
    assert "Reason (shown publicly" in ask.content.decode()
    admin_client.post(
        changelist,
        {
            "action": "restore",
            "_selected_action": [comment.pk],
            "apply": "1",
            "reason": "Within the rules",
        },
    )
    comment.refresh_from_db()
    assert comment.state == Comment.State.VISIBLE
    assert "Controversial take" in Client().get(thread_url(standalone_thread)).content.decode()
    log = Client().get(reverse("moderation_log")).content.decode()
    assert "restored a comment" in log and "Within the rules" in log
    for flagger in comment.flags.select_related("flagger"):
        assert flagger.flagger.username not in log


def test_the_moderation_log_links_each_target(client, people, make_member, editor):
    """A comment's entry links to its permalink (which leads to its place on the collab
    page), a discussion's to its page, a member's to their profile; a target that is gone
    stays plain text."""
    from accounts.services import user_delete

    collab = people.collab
    comment = services.comment_create(
        thread=collab.thread, author=make_member(), body="Fan-war bait", rate_limited=False
    )
    services.comment_hide(comment=comment, editor=editor, reason="Fan-war bait")
    services.thread_lock(thread=collab.thread, editor=editor, reason="Cooling off")
    muted = make_member(username="loudfan")
    services.member_mute(
        member=muted, editor=editor, until=timezone.now() + timedelta(days=1), reason="Spam"
    )
    gone = make_member(username="leaving")
    services.member_mute(
        member=gone, editor=editor, until=timezone.now() + timedelta(days=1), reason="Spam"
    )
    user_delete(user=gone)

    response = client.get(reverse("moderation_log"))
    assert response.status_code == 200
    html = response.text
    permalink = reverse("comments:permalink", args=[comment.pk])
    assert f'<a href="{permalink}">Comment #{comment.pk} by @' in html
    assert f'<a href="{collab.get_absolute_url()}">Discussion “APT.”</a>' in html
    assert f'<a href="{muted.get_absolute_url()}">@loudfan until' in html
    assert '<td data-label="Target">A member who has since left</td>' in html
    # The permalink takes a visitor to the comment's place on the collab page.
    followed = client.get(permalink)
    assert followed.status_code == 302
    assert followed["Location"] == f"{collab.get_absolute_url()}#{comment.anchor}"
    assert client.get(followed["Location"]).status_code == 200


def test_admin_lists_held_and_flagged_comments_first(
    standalone_thread, member, make_member, admin_client, post
):
    plain = post(standalone_thread, member, "plain")
    flagged = post(standalone_thread, member, "flagged")
    held = post(standalone_thread, member, "held")
    services.comment_flag(comment=flagged, user=make_member(), reason="spam")
    for _ in range(3):
        services.comment_flag(comment=held, user=make_member(), reason="spam")
    response = admin_client.get(reverse("admin:comments_comment_changelist"))
    rows = [c.pk for c in response.context["cl"].result_list]
    assert rows == [held.pk, flagged.pk, plain.pk]


def test_admin_locks_a_thread_with_a_reason(standalone_thread, admin_client):
    admin_client.post(
        reverse("admin:comments_thread_changelist"),
        {
            "action": "lock",
            "_selected_action": [standalone_thread.pk],
            "apply": "1",
            "reason": "Cooling off",
        },
    )
    standalone_thread.refresh_from_db()
    assert standalone_thread.is_locked
    assert ModerationAction.objects.get().reason == "Cooling off"


def test_admin_mutes_a_member_through_the_service(member, admin_client, admin_user):
    until = timezone.now() + timedelta(days=1)
    response = admin_client.post(
        reverse("admin:comments_mute_add"),
        {
            "member": member.pk,
            "until_0": until.strftime("%Y-%m-%d"),
            "until_1": until.strftime("%H:%M:%S"),
            "reason": "Spamming links",
        },
    )
    assert response.status_code == 302
    action = ModerationAction.objects.get()
    assert (action.action, action.member, action.editor) == ("mute", member, admin_user)
    assert services.active_mute(member) is not None


# Notifications -----------------------------------------------------------------------------


def test_notifications_unread_first_and_mark_read(standalone_thread, member, other, post):
    for n in range(3):
        post(standalone_thread, other, f"@{member.username} number {n}")
    client = client_for(member)
    first = Notification.objects.order_by("created_at").first()
    page = client.get(reverse("notifications")).content.decode()
    assert page.count("notification-unread") == 3
    assert '<span class="badge">3' in page

    response = client.post(reverse("notification_read", args=[first.pk]), headers=HTMX)
    html = response.content.decode()
    assert "notification-unread" not in html
    assert 'id="nav-notifications" href="/notifications/" hx-swap-oob="true"' in html
    assert '<span class="badge">2' in html

    page = client.get(reverse("notifications")).content.decode()
    assert page.index("number 2") < page.index("number 1") < page.index("number 0")

    response = client.post(reverse("notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.unread().exists()


def test_notifications_htmx_partial(standalone_thread, member, other, post):
    post(standalone_thread, other, f"@{member.username}")
    response = client_for(member).get(reverse("notifications"), headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html and 'id="notification-list"' in html


def test_other_members_notifications_are_not_yours(standalone_thread, member, other, post):
    post(standalone_thread, member, f"@{other.username}")
    notification = Notification.objects.get()
    response = client_for(member).post(reverse("notification_read", args=[notification.pk]))
    assert response.status_code == 404


# Query counts ----------------------------------------------------------------------------------


def _fill(thread, authors, total: int, post):
    """`total` comments: one in fifty top-level, the rest replies spread down three levels."""
    created: list[Comment] = []
    top_level = max(1, total // 50)
    for n in range(total):
        author = authors[n % len(authors)]
        parent = created[n // 2] if n >= top_level else None
        created.append(post(thread, author, f"Comment {n} @{authors[0].username}", parent=parent))
    return created


@pytest.mark.parametrize("as_member", [False, True], ids=["visitor", "member"])
def test_thread_page_queries_do_not_grow_with_comments(
    settings, make_member, post, no_rate_limits, as_member
):
    authors = [make_member() for _ in range(4)]
    viewer = authors[1]
    small = services.thread_create(title="small", public_from=OPEN)
    large = services.thread_create(title="large", public_from=OPEN)
    _fill(small, authors, 5, post)
    comments = _fill(large, authors, 500, post)
    for comment in comments[:50]:
        services.comment_like_toggle(comment=comment, user=viewer)
    client = client_for(viewer) if as_member else Client()

    client.get(thread_url(small))  # warm the session
    # Cold, fresh and cached alike (tests/queries.py).
    small_counts = cold_fresh_cached(client, thread_url(small), settings)
    assert cold_fresh_cached(client, thread_url(large), settings) == small_counts
    response = client.get(thread_url(large))
    assert response.content.decode().count('class="comment depth-') == 500


def test_notifications_and_moderation_log_queries_are_constant(
    django_assert_num_queries, member, make_member, editor, post, no_rate_limits
):
    thread = services.thread_create(title="t", public_from=OPEN)
    client = client_for(member)
    others = [make_member() for _ in range(3)]

    def fill(n):
        for i in range(n):
            comment = post(thread, others[i % 3], f"@{member.username} {i}")
            services.comment_hide(comment=comment, editor=editor, reason=f"reason {i}")

    fill(3)
    client.get(reverse("notifications"))
    client.get(reverse("moderation_log"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Each count with nothing kept in the process (the writes between would make some of
    # it stale, some not): the same cost for 3 rows and for 30.
    clear_local()
    with CaptureQueriesContext(connection) as notifications_3:
        client.get(reverse("notifications"))
    clear_local()
    with CaptureQueriesContext(connection) as log_3:
        client.get(reverse("moderation_log"))
    fill(27)
    clear_local()
    with django_assert_num_queries(len(notifications_3)):
        page = client.get(reverse("notifications")).content.decode()
    assert page.count('class="notification ') == 30
    clear_local()
    with django_assert_num_queries(len(log_3)):
        page = client.get(reverse("moderation_log")).content.decode()
    assert page.count("<tr>") == 31


def test_more_comments_page_with_and_without_htmx(
    standalone_thread, make_member, post, no_rate_limits
):
    authors = [make_member() for _ in range(2)]
    for n in range(25):
        post(standalone_thread, authors[n % 2], f"Top {n}")
    page = Client().get(thread_url(standalone_thread)).content.decode()
    assert "Show more comments" in page and "Top 24" in page and "Top 4" not in page
    more = reverse("comments:more", args=[standalone_thread.pk]) + "?comments_page=2"
    partial = Client().get(more, headers=HTMX).content.decode()
    assert (
        "<html" not in partial and "Top 4" in partial and "Top 5" not in partial.split("Top 4")[1]
    )
    no_js = Client().get(f"{thread_url(standalone_thread)}?comments_page=2")
    assert (
        "Top 0" in no_js.content.decode() and "Back to the first comments" in no_js.content.decode()
    )


def test_anonymous_user_never_sees_held_comments(standalone_thread, make_member, post):
    UserFactory()  # an unrelated, unverified account changes nothing
    author = make_member()
    comment = post(standalone_thread, author, "Held text")
    for _ in range(3):
        services.comment_flag(comment=comment, user=make_member(), reason="spam")
    assert "Held text" not in Client().get(thread_url(standalone_thread)).content.decode()


def test_admin_pages_render_for_editors(standalone_thread, member, editor, admin_client, post):
    comment = post(standalone_thread, member)
    services.comment_hide(comment=comment, editor=editor, reason="Spam")
    services.member_mute(
        member=member, editor=editor, until=timezone.now() + timedelta(days=1), reason="Spam"
    )
    for name in ("comment", "thread", "mute", "moderationaction"):
        response = admin_client.get(reverse(f"admin:comments_{name}_changelist"))
        assert response.status_code == 200, name
    assert admin_client.get(reverse("admin:comments_mute_add")).status_code == 200
    change = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert change.status_code == 200


def test_profile_shows_latest_comments(client, standalone_thread, member, post):
    post(standalone_thread, member, "On my profile")
    page = client.get(member.get_absolute_url()).content.decode()
    assert "Latest comments" in page and "On my profile" in page
