"""Editors pick the member to mute in the admin, without seeing members otherwise.

Issue 12, item 7: the admin's member picker for mutes answered 403 to editors (they
could not mute anyone without a workaround), and the confirmation named a user id.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Mute
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def picker(client, term: str, **params):
    query = {"app_label": "comments", "model_name": "mute", "field_name": "member", "term": term}
    query.update(params)
    return client.get(reverse("admin:autocomplete"), query)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_finds_a_member_in_the_mute_picker(editor_client):
    troll = MemberFactory(username="fanwar_troll", email="troll-private@example.com")
    MemberFactory(username="kind_fan")
    response = picker(editor_client, "fanwar")
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(troll.pk), "text": "fanwar_troll"}]
    # Emails stay private: searching by one finds nobody.
    assert picker(editor_client, "troll-private").json()["results"] == []


def test_an_editor_mutes_a_member_through_the_admin(editor_client, editor):
    troll = MemberFactory(username="fanwar_troll")
    form = editor_client.get(reverse("admin:comments_mute_add"))
    assert form.status_code == 200
    assert "admin-autocomplete" in form.text
    until = timezone.now() + timedelta(days=1)
    response = editor_client.post(
        reverse("admin:comments_mute_add"),
        {
            "member": troll.pk,
            "until_0": until.strftime("%Y-%m-%d"),
            "until_1": until.strftime("%H:%M:%S"),
            "reason": "Fan-war bait",
        },
        follow=True,
    )
    assert response.status_code == 200
    mute = Mute.objects.get()
    assert (mute.member, mute.created_by) == (troll, editor)
    # The confirmation names the member, not their id.
    assert "Mute of fanwar_troll until" in response.text
    assert f"Mute of {troll.pk} " not in response.text


def test_the_picker_opens_nothing_else_to_editors(editor_client, member):
    assert editor_client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert (
        editor_client.get(reverse("admin:accounts_user_change", args=[member.pk])).status_code
        == 403
    )
    # Only for a member field of a model the editor may add or change.
    assert (
        picker(
            editor_client, "", app_label="accounts", model_name="user", field_name="groups"
        ).status_code
        == 403
    )
    assert (
        picker(
            editor_client,
            "",
            app_label="comments",
            model_name="moderationaction",
            field_name="editor",
        ).status_code
        == 403
    )


def test_members_and_visitors_get_no_picker(client, member):
    assert picker(client, "a").status_code == 302
    client.force_login(member)
    assert picker(client, "a").status_code in (302, 403)
