"""A member discusses in Chromium: everything in place with htmx, and the same post without JS."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from comments import services
from tests.factories import MemberFactory, make_apt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def base_url(live_server):
    # pytest-playwright's own base_url fixture trips pytest 9's deprecation of
    # instance-method session fixtures, which this suite turns into errors.
    return live_server.url


def _signed_in(context, live_server, user) -> None:
    """Give a browser context the member's session (login itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def members(db):
    joined = timezone.now() - timedelta(days=30)
    return (
        MemberFactory(username="alice_k", display_name="Alice", date_joined=joined),
        MemberFactory(username="bora", display_name="Bora", date_joined=joined),
    )


@pytest.fixture
def discussion(members):
    """APT.'s page, with one comment from Bora to reply to."""
    apt, _ = make_apt()
    bora_comment = services.comment_create(
        thread=apt.thread, author=members[1], body="APT. is the crossover of the decade."
    )
    return apt.thread, bora_comment


def test_member_discusses_without_a_page_reload(page, live_server, members, discussion):
    alice, _ = members
    thread, bora_comment = discussion
    _signed_in(page.context, live_server, alice)
    page.goto(f"{live_server.url}/collabs/apt/")
    page.evaluate("window.__noReload = 'still here'")

    # Post a comment.
    page.get_by_label("Comment", exact=True).fill("Rosé and Bruno Mars forever")
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator(".comment-card", has_text="Rosé and Bruno Mars forever")
    expect(mine).to_be_visible()
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")
    expect(page.locator(".discussion-count")).to_have_text("2 comments")

    # Reply to Bora: the form opens under the comment, focused.
    bora_card = page.locator(f"#comment-card-{bora_comment.pk}")
    bora_card.get_by_role("link", name="Reply").click()
    reply_box = page.get_by_label("Reply", exact=True)
    expect(reply_box).to_be_focused()
    reply_box.fill("Totally agree, @bora")
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator(f"#replies-{bora_comment.pk} .comment-card", has_text="Totally agree")
    expect(reply).to_be_visible()
    expect(reply.get_by_role("link", name="@bora")).to_have_attribute("href", "/u/bora/")
    expect(page.get_by_label("Reply", exact=True)).to_have_count(0)

    # Edit my comment.
    mine.get_by_role("link", name="Edit").click()
    edit_box = page.get_by_label("Edit comment")
    expect(edit_box).to_be_focused()
    edit_box.fill("Rosé and Bruno Mars **forever**")
    page.get_by_role("button", name="Save").click()
    mine = page.locator(".comment-card", has_text="Rosé and Bruno Mars forever")
    expect(mine.locator("strong")).to_have_text("forever")
    expect(mine).to_contain_text("edited")

    # Like Bora's comment.
    like = bora_card.get_by_role("button", name=re.compile("Like"))
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(bora_card.locator(".like-count")).to_have_text("1")

    # Post another comment and delete it.
    page.get_by_label("Comment", exact=True).fill("Oops, wrong thread")
    page.get_by_role("button", name="Post comment").click()
    oops = page.locator(".comment-card", has_text="Oops, wrong thread")
    expect(oops).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    oops.get_by_role("button", name="Delete").click()
    expect(oops).to_have_count(0)

    assert page.evaluate("window.__noReload") == "still here"

    # Everything survives a reload.
    page.reload()
    assert page.evaluate("window.__noReload") is None
    expect(page.locator(".comment-card", has_text="Rosé and Bruno Mars forever")).to_contain_text(
        "edited"
    )
    expect(
        page.locator(f"#replies-{bora_comment.pk} .comment-card", has_text="Totally agree")
    ).to_be_visible()
    expect(
        page.locator(f"#comment-card-{bora_comment.pk}").get_by_role(
            "button", name=re.compile("Like")
        )
    ).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Oops, wrong thread")).to_have_count(0)


def test_posting_works_with_javascript_off(no_js_context, live_server, members, discussion):
    alice, _ = members
    thread, bora_comment = discussion
    _signed_in(no_js_context, live_server, alice)
    page = no_js_context.new_page()
    page.goto(f"{live_server.url}/collabs/apt/")
    page.get_by_label("Comment", exact=True).fill("Posted the old-fashioned way")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert re.search(r"/collabs/apt/#comment-\d+$", page.url)
    expect(page.locator(".comment-card", has_text="Posted the old-fashioned way")).to_be_visible()

    # Reply without JS: its own page, then back to the thread.
    page.locator(f"#comment-card-{bora_comment.pk}").get_by_role("link", name="Reply").click()
    page.get_by_label("Reply", exact=True).fill("No-JS reply")
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    expect(
        page.locator(f"#replies-{bora_comment.pk} .comment-card", has_text="No-JS reply")
    ).to_be_visible()
