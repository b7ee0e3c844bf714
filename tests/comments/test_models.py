"""What the schema and the QuerySets guarantee for discussions."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from comments import services
from comments.markup import render_comment
from comments.models import Comment, CommentLike, Flag, Thread
from core.markdown import render_markdown


def test_thread_links_to_its_owner_page_or_its_own(thread, standalone_thread):
    assert thread.get_absolute_url() == "/comments-test-owner/"
    assert standalone_thread.get_absolute_url() == f"/comments/thread/{standalone_thread.pk}/"


def test_permalink_redirects_to_the_owner_page_anchor(client, thread, member, post):
    comment = post(thread, member)
    response = client.get(comment.get_absolute_url())
    assert response.url == f"/comments-test-owner/#comment-{comment.pk}"


def test_a_member_likes_a_comment_once(thread, member, other, post):
    comment = post(thread, member)
    CommentLike.objects.create(comment=comment, user=other)
    with pytest.raises(IntegrityError):
        CommentLike.objects.create(comment=comment, user=other)


def test_a_member_flags_a_comment_once(thread, member, other, post):
    comment = post(thread, member)
    Flag.objects.create(comment=comment, flagger=other, reason="spam")
    with pytest.raises(IntegrityError):
        Flag.objects.create(comment=comment, flagger=other, reason="off_topic")


def test_depth_is_limited_by_the_database(thread, member):
    with pytest.raises(IntegrityError):
        Comment.objects.create(thread=thread, author=member, body="x", depth=4)


def test_body_length_is_limited_by_the_database(thread, member):
    with pytest.raises(IntegrityError):
        Comment.objects.create(thread=thread, author=member, body="x" * 5001)


def test_for_thread_hides_held_comments_except_from_their_author(thread, member, make_member, post):
    held = post(thread, member, "held")
    visible = post(thread, make_member(), "visible")
    for _ in range(3):
        services.comment_flag(comment=held, user=make_member(), reason="spam")
    assert list(Comment.objects.for_thread(thread)) == [visible]
    assert list(Comment.objects.for_thread(thread, viewer=member)) == [visible, held]


def test_deleted_comment_stays_only_while_it_has_replies(thread, member, other, post):
    parent = post(thread, member, "parent")
    post(thread, other, "child", parent=parent)
    lonely = post(thread, member, "lonely")
    for comment in (parent, lonely):
        services.comment_delete(comment=comment, user=member)
    assert list(Comment.objects.for_thread(thread)) == [parent]


def test_sorts(thread, member, other, post):
    first, second = post(thread, member, "1"), post(thread, member, "2")
    services.comment_like_toggle(comment=first, user=other)
    assert list(Comment.objects.for_thread(thread, sort="new")) == [second, first]
    assert list(Comment.objects.for_thread(thread, sort="old")) == [first, second]
    assert list(Comment.objects.for_thread(thread, sort="top")) == [first, second]
    assert list(Comment.objects.for_thread(thread, sort="bogus")) == [second, first]


def test_descendants_of_fetches_whole_subtrees(thread, member, other, post):
    top = post(thread, member)
    reply = post(thread, other, parent=top)
    deeper = post(thread, member, parent=reply)
    post(thread, other)
    assert list(Comment.objects.descendants_of([top.pk])) == [reply, deeper]


def test_latest_for_home_is_visible_only(thread, member, other, editor, post):
    hidden = post(thread, member, "hidden")
    shown = post(thread, other, "shown")
    services.comment_hide(comment=hidden, editor=editor, reason="Spam")
    assert Comment.objects.visible().latest_for_home(5) == [shown]


def test_moderation_order_puts_held_then_flagged_first(thread, member, make_member, post):
    plain, flagged, held = (post(thread, member, s) for s in ("p", "f", "h"))
    services.comment_flag(comment=flagged, user=make_member(), reason="spam")
    for _ in range(3):
        services.comment_flag(comment=held, user=make_member(), reason="spam")
    assert list(Comment.objects.for_moderation()) == [held, flagged, plain]


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "**bold** _it_ ~~gone~~ `code`",
        "# not a heading\n\n> quote\n\n- a\n- b",
        "[link](https://example.com) <b>raw</b> ![img](https://x.test/i.png)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ],
)
def test_comment_markup_matches_core_markdown_without_mentions(text):
    assert render_comment(text) == render_markdown(text, headings=False)


def test_thread_str_uses_its_title():
    assert str(Thread(title="APT.")) == "APT."
