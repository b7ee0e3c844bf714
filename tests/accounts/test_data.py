"""Data export and account deletion."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD
from tests.images import stored_files, valid_upload

pytestmark = pytest.mark.django_db


def test_export_is_a_json_download_of_the_members_data(member_client, member):
    member.bio = "Hello from Seoul"
    member.save()
    response = member_client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["username"] == member.username
    assert data["email"] == member.email
    assert data["bio"] == "Hello from Seoul"
    assert data["emails"] == [{"email": member.email, "verified": True, "primary": True}]


def test_export_requires_login(client, db):
    assert client.get(reverse("accounts:export")).status_code == 302


def test_deletion_needs_the_password(member_client, member):
    response = member_client.post(
        reverse("accounts:delete"), {"password": "wrong", "confirm": "on"}
    )
    assert response.status_code == 200
    assert b"That password is not right." in response.content
    assert User.objects.filter(pk=member.pk).exists()


def test_deletion_removes_member_and_logs_out(
    member_client, member, settings, django_capture_on_commit_callbacks
):
    member_client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "x", "bio": "", "avatar": valid_upload("PNG")},
    )
    assert stored_files(settings.MEDIA_ROOT)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"}
        )
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert "_auth_user_id" not in member_client.session
    assert stored_files(settings.MEDIA_ROOT) == []
    assert member_client.get(f"/u/{member.username}/").status_code == 404


def test_deletion_page_requires_login(client, db):
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302


def test_deletion_keeps_threads_and_counts_exact(client):
    """SPEC §4: comments stay as "[deleted]", votes and likes go, counts stay exact."""
    from datetime import date, timedelta

    from django.utils import timezone

    from collabs import services as collab_services
    from collabs.models import Collab, Vote
    from comments import services as comment_services
    from comments.models import Comment, CommentLike
    from tests.factories import MemberFactory

    old = timezone.now() - timedelta(days=30)
    leaving, staying = MemberFactory(date_joined=old), MemberFactory(date_joined=old)
    collab = collab_services.collab_create(title="APT.", release_date=date(2024, 10, 18))
    for voter in (leaving, staying):
        collab_services.vote_toggle(user=voter, collab=collab)
    parent = comment_services.comment_create(
        thread=collab.thread, author=leaving, body="My secret opinion", rate_limited=False
    )
    reply = comment_services.comment_create(
        thread=collab.thread, author=staying, body="Agreed!", parent=parent, rate_limited=False
    )
    comment_services.comment_like_toggle(comment=reply, user=leaving)

    client.force_login(leaving)
    client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    collab = Collab.objects.get(pk=collab.pk)
    assert collab.vote_count == Vote.objects.filter(collab=collab).count() == 1
    reply.refresh_from_db()
    assert reply.like_count == CommentLike.objects.filter(comment=reply).count() == 0
    parent = Comment.objects.get(pk=parent.pk)
    assert parent.author is None and parent.body == ""
    page = client.get(collab.get_absolute_url()).content.decode()
    assert "[deleted]" in page and "My secret opinion" not in page and "Agreed!" in page
