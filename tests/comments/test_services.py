"""Discussion writes: posting rules, notifications, likes, flags, moderation, account hooks."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.services import user_delete, user_export
from comments import services
from comments.models import Comment, CommentLike, Flag, ModerationAction, Notification, Thread
from tests.factories import MemberFactory


def refreshed(obj):
    obj.refresh_from_db()
    return obj


# Posting ------------------------------------------------------------------------


def test_comment_renders_safe_markdown_and_counts(thread, member, post):
    comment = post(thread, member, "**Bold** and [a link](https://example.com)")
    assert "<strong>Bold</strong>" in comment.body_html
    assert 'rel="nofollow ugc noopener"' in comment.body_html
    thread = refreshed(thread)
    assert thread.comment_count == 1
    assert thread.last_activity_at == comment.created_at


def test_body_limit_is_5000_characters(thread, member, post):
    post(thread, member, "x" * 5000)
    with pytest.raises(services.CommentRefused, match="at most 5,000 characters"):
        post(thread, member, "x" * 5001)


def test_replies_nest_three_levels_then_attach_at_the_third(thread, member, other, post):
    top = post(thread, member, "1")
    second = post(thread, other, "2", parent=top)
    third = post(thread, member, "3", parent=second)
    fourth = post(thread, other, "4", parent=third)
    assert (top.depth, second.depth, third.depth, fourth.depth) == (1, 2, 3, 3)
    assert fourth.parent_id == second.pk
    assert {second.root_id, third.root_id, fourth.root_id} == {top.pk}


def test_locked_thread_refuses_and_says_why(thread, member, editor, post):
    services.thread_lock(thread=thread, editor=editor, reason="Fan war")
    with pytest.raises(services.CommentRefused, match="locked"):
        post(thread, member)
    services.thread_unlock(thread=thread, editor=editor, reason="Calm again")
    post(thread, member)


def test_muted_member_is_refused_until_the_mute_ends(thread, member, editor, post):
    until = timezone.now() + timedelta(days=2)
    services.member_mute(member=member, editor=editor, until=until, reason="Repeated insults")
    with pytest.raises(services.CommentRefused, match="muted until .*Repeated insults"):
        post(thread, member)
    with time_machine.travel(until + timedelta(seconds=1)):
        post(thread, member)


def test_unmute_lifts_the_mute_now(thread, member, editor, post):
    services.member_mute(
        member=member, editor=editor, until=timezone.now() + timedelta(days=1), reason="Spam"
    )
    services.member_unmute(member=member, editor=editor, reason="Appeal accepted")
    post(thread, member)


# Rate limits ----------------------------------------------------------------------


def test_sixth_comment_within_a_minute_is_refused_and_not_stored(thread, member, post):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            post(thread, member)
            traveller.shift(timedelta(seconds=5))
        with pytest.raises(services.RateLimited) as refused:
            post(thread, member)
        assert 0 < refused.value.retry_after <= 60
        assert "try again in" in refused.value.messages[0]
        assert Comment.objects.filter(author=member).count() == 5
        traveller.shift(timedelta(seconds=refused.value.retry_after))
        post(thread, member)


def test_deleting_does_not_reset_the_rate_limit(thread, member, post):
    for _ in range(5):
        services.comment_delete(comment=post(thread, member), user=member)
    with pytest.raises(services.RateLimited):
        post(thread, member)


def test_young_accounts_get_three_comments_in_ten_minutes(thread, post):
    newcomer = MemberFactory()  # joined just now
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            post(thread, newcomer)
            traveller.shift(timedelta(minutes=2))
        with pytest.raises(services.RateLimited) as refused:
            post(thread, newcomer)
        assert refused.value.retry_after > 60
        assert "minutes" in refused.value.messages[0]


# Mentions and notifications ---------------------------------------------------------


def test_mention_links_the_profile_and_notifies(thread, member, other, post):
    comment = post(thread, member, f"Agree with @{other.username.upper()}!")
    assert f'<a href="/u/{other.username}/" rel="nofollow ugc noopener">@' in comment.body_html
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (other, Notification.Kind.MENTION)
    assert notification.actor == member


def test_unknown_names_and_self_mentions_stay_quiet(thread, member, post):
    comment = post(thread, member, f"@nobody_here and me, @{member.username}")
    assert "/u/nobody_here/" not in comment.body_html
    assert "@nobody_here" in comment.body_html
    assert not Notification.objects.exists()


def test_mentions_in_code_and_links_are_not_rewritten(thread, member, other, post):
    comment = post(thread, member, f"`@{other.username}` and [@{other.username}](https://x.test)")
    assert f"/u/{other.username}/" not in comment.body_html


def test_reply_notifies_the_parent_author_once(thread, member, other, post):
    parent = post(thread, member, "Top")
    post(thread, other, f"Replying and mentioning @{member.username}", parent=parent)
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (member.pk, Notification.Kind.REPLY)
    ]


def test_replying_to_yourself_notifies_nobody(thread, member, post):
    parent = post(thread, member, "Top")
    post(thread, member, "Me again", parent=parent)
    assert not Notification.objects.exists()


def test_notification_email_goes_after_commit_if_wanted(
    thread, member, other, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(thread, member, f"Hey @{other.username}")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [other.email]
    assert "mentioned you" in mail.outbox[0].subject

    other.email_notifications = False
    other.save()
    with django_capture_on_commit_callbacks(execute=True):
        post(thread, member, f"Hey again @{other.username}")
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 2


def test_mark_read_and_mark_all_read(thread, member, other, post):
    for _ in range(3):
        post(thread, other, f"@{member.username}")
    first = Notification.objects.first()
    services.notification_mark_read(user=member, notification_id=first.pk)
    assert Notification.objects.for_recipient(member).unread().count() == 2
    with pytest.raises(Notification.DoesNotExist):
        services.notification_mark_read(user=other, notification_id=first.pk)
    assert services.notifications_mark_all_read(user=member) == 2
    assert not Notification.objects.unread().exists()


# Edit and delete ---------------------------------------------------------------------


def test_author_edits_within_fifteen_minutes_only(thread, member, post):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        comment = post(thread, member, "Frist")
        traveller.shift(timedelta(minutes=14))
        services.comment_edit(comment=comment, user=member, body="First")
        assert refreshed(comment).body_html == "<p>First</p>\n"
        assert comment.edited_at is not None
        traveller.shift(timedelta(minutes=2))
        with pytest.raises(PermissionDenied):
            services.comment_edit(comment=comment, user=member, body="Too late")


def test_only_the_author_edits_or_deletes(thread, member, other, post):
    comment = post(thread, member)
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=other, body="Hijack")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=other)
    assert refreshed(comment).state == Comment.State.VISIBLE


def test_delete_blanks_the_comment_and_fixes_the_count(thread, member, post):
    comment = post(thread, member, "Regret")
    services.comment_delete(comment=comment, user=member)
    comment = refreshed(comment)
    assert (comment.state, comment.body, comment.body_html) == ("deleted", "", "")
    assert refreshed(thread).comment_count == 0


# Likes and flags -----------------------------------------------------------------------


def test_like_toggles_with_an_exact_count(thread, member, other, make_member, post):
    comment = post(thread, member)
    assert services.comment_like_toggle(comment=comment, user=other).like_count == 1
    third = make_member()
    assert services.comment_like_toggle(comment=comment, user=third).like_count == 2
    result = services.comment_like_toggle(comment=comment, user=other)
    assert (result.liked, result.like_count) == (False, 1)
    assert refreshed(comment).like_count == CommentLike.objects.filter(comment=comment).count()


def test_three_flags_from_different_members_hold_a_comment(thread, member, make_member, post):
    comment = post(thread, member)
    flaggers = [make_member() for _ in range(3)]
    services.comment_flag(comment=comment, user=flaggers[0], reason="spam")
    services.comment_flag(comment=comment, user=flaggers[1], reason="off_topic")
    assert refreshed(comment).state == Comment.State.VISIBLE
    with pytest.raises(services.AlreadyFlagged):
        services.comment_flag(comment=comment, user=flaggers[1], reason="spam")
    assert refreshed(comment).state == Comment.State.VISIBLE
    services.comment_flag(comment=comment, user=flaggers[2], reason="harassment")
    assert refreshed(comment).state == Comment.State.HELD
    assert refreshed(thread).comment_count == 0


def test_own_comment_cannot_be_flagged(thread, member, post):
    with pytest.raises(services.CommentRefused):
        services.comment_flag(comment=post(thread, member), user=member, reason="spam")


# Moderation ---------------------------------------------------------------------------


def test_hide_and_restore_are_logged_with_reasons(thread, member, editor, post):
    comment = post(thread, member)
    services.comment_hide(comment=comment, editor=editor, reason="Personal information")
    assert refreshed(comment).state == Comment.State.REMOVED
    assert refreshed(thread).comment_count == 0
    services.comment_restore(comment=comment, editor=editor, reason="Edited out by author")
    assert refreshed(comment).state == Comment.State.VISIBLE
    assert refreshed(thread).comment_count == 1
    log = list(ModerationAction.objects.for_log().values_list("action", "reason", "editor_name"))
    assert log == [
        ("restore", "Edited out by author", editor.public_name),
        ("hide", "Personal information", editor.public_name),
    ]


def test_moderation_needs_a_reason(thread, member, editor, post):
    with pytest.raises(ValidationError):
        services.comment_hide(comment=post(thread, member), editor=editor, reason="  ")
    assert not ModerationAction.objects.exists()


def test_restoring_a_held_comment_resolves_its_flags(thread, member, make_member, editor, post):
    comment = post(thread, member)
    for _ in range(3):
        services.comment_flag(comment=comment, user=make_member(), reason="spam")
    services.comment_restore(comment=comment, editor=editor, reason="Not spam")
    assert refreshed(comment).state == Comment.State.VISIBLE
    assert not Flag.objects.filter(status=Flag.Status.OPEN).exists()


# Account hooks ---------------------------------------------------------------------------


def test_account_deletion_keeps_thread_shape_and_exact_counts(
    thread, member, other, make_member, post
):
    mine = post(thread, member, "Mine")
    reply = post(thread, other, "Reply", parent=mine)
    theirs = post(thread, other, "Theirs")
    services.comment_like_toggle(comment=theirs, user=member)
    services.comment_like_toggle(comment=theirs, user=make_member())
    services.comment_flag(comment=reply, user=member, reason="spam")

    user_delete(user=member)

    mine = refreshed(mine)
    assert (mine.state, mine.author_id, mine.body, mine.body_html) == ("deleted", None, "", "")
    assert refreshed(theirs).like_count == 1 == CommentLike.objects.count()
    assert not Flag.objects.exists()
    assert refreshed(thread).comment_count == 2
    assert Thread.objects.get().comments.count() == 3


def test_export_holds_comments_likes_and_flags(thread, member, other, post):
    post(thread, member, "Exported words")
    theirs = post(thread, other)
    services.comment_like_toggle(comment=theirs, user=member)
    services.comment_flag(comment=theirs, user=member, reason="off_topic")
    data = user_export(user=member)
    assert [c["body"] for c in data["comments"]] == ["Exported words"]
    assert data["comments"][0]["discussion"] == "/comments-test-owner/"
    assert [like["comment"] for like in data["comment_likes"]] == [theirs.pk]
    assert [flag["reason"] for flag in data["comment_flags"]] == ["off_topic"]


def test_demo_conversation_is_idempotent(thread):
    from django.utils import timezone

    from accounts.demo import MEMBER_PASSWORD, ensure_member
    from comments.demo import add_demo_comments

    conversation = [
        ("blinkforever", "First", None, 5),
        ("army_jay", "A reply", 0, 3),
        ("blinkforever", "A reply to the reply", 1, 1),
    ]
    for username in {author for author, *_ in conversation}:
        ensure_member(username, password=MEMBER_PASSWORD)
    start = timezone.now()
    add_demo_comments(thread, conversation, start=start)
    add_demo_comments(thread, conversation, start=start)
    assert Comment.objects.filter(thread=thread).count() == len(conversation)
    assert Notification.objects.count() == 2
    first = Comment.objects.get(body="First")
    assert first.created_at == start - timedelta(hours=5)
