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
