"""Profile pages and profile editing, including avatar uploads."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from tests.factories import MemberFactory
from tests.images import bad_uploads, stored_files, valid_upload

pytestmark = pytest.mark.django_db


def edit(client, **data):
    payload = {
        "display_name": "Rosie Fan",
        "bio": "APT. forever",
        "email_notifications": "on",
    }
    payload.update(data)
    return client.post(reverse("accounts:profile_edit"), payload)


def test_public_profile_shows_name_bio_and_join_date(client, member):
    member.bio = "I vote for every BLACKPINK collab."
    member.save()
    response = client.get(f"/u/{member.username}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert member.public_name in content
    assert "I vote for every BLACKPINK collab." in content
    assert f"joined {member.date_joined:%B %Y}" in content


def test_profile_username_is_case_insensitive(client, member):
    response = client.get(f"/u/{member.username.upper()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/u/{member.username}/"


def test_unknown_profile_is_404(client, db):
    assert client.get("/u/nobody-here/").status_code == 404


def test_profile_queries_do_not_grow_with_comments_and_votes(client, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from collabs import services as collab_services
    from collabs.models import Collab
    from comments import services as comment_services

    member = MemberFactory(date_joined=timezone.now() - timedelta(days=30))
    url = f"/u/{member.username}/"

    def add_activity(count: int) -> None:
        for _ in range(count):
            n = Collab.objects.count()
            collab = collab_services.collab_create(
                title=f"Song {n}", release_date=timezone.now().date()
            )
            collab_services.vote_toggle(user=member, collab=collab)
            comment_services.comment_create(
                thread=collab.thread, author=member, body=f"Comment {n}", rate_limited=False
            )

    # The member, their latest comments (with threads), their voted collabs (with credits);
    # the cards' holes: the versions, vote counts and comment counts.
    add_activity(2)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    add_activity(20)
    MemberFactory.create_batch(5)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_edit_requires_login(client):
    response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_edit_saves_display_name_and_bio(member_client, member):
    response = edit(member_client)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Rosie Fan"
    assert member.bio == "APT. forever"


def test_bio_over_500_characters_is_refused(member_client, member):
    response = edit(member_client, bio="x" * 501)
    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    member.refresh_from_db()
    assert member.bio == ""


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_avatar_is_reencoded_square_without_exif(member_client, member, settings, fmt):
    exif = fmt in {"JPEG", "PNG", "WEBP"}
    response = edit(member_client, avatar=valid_upload(fmt, size=(640, 400), exif=exif))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.avatar.name.startswith("avatars/")
    assert member.avatar.name.endswith(".webp")
    with Image.open(io.BytesIO(member.avatar.read())) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (256, 256)
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert len(stored_files(settings.MEDIA_ROOT)) == 1


@pytest.mark.parametrize("case", list(bad_uploads()))
def test_bad_avatar_is_refused_and_nothing_is_stored(member_client, member, settings, case):
    response = edit(member_client, avatar=bad_uploads()[case])
    # Refused: 422 (not 200), with the form and the reason shown.
    assert response.status_code == 422
    assert "<form" in response.text
    content = response.content.decode()
    assert 'class="error"' in content
    assert any(
        phrase in content
        for phrase in ("not a JPEG, PNG, WebP or GIF", "not a readable", "at most 5", "megapixels")
    )
    member.refresh_from_db()
    assert not member.avatar
    assert member.display_name != "Rosie Fan"
    assert stored_files(settings.MEDIA_ROOT) == []


def test_new_avatar_replaces_old_file(
    member_client, member, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edit(member_client, avatar=valid_upload("PNG"))
    member.refresh_from_db()
    first = member.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        edit(member_client, avatar=valid_upload("JPEG"))
    member.refresh_from_db()
    assert member.avatar.name != first
    assert [p.name for p in stored_files(settings.MEDIA_ROOT)] == [
        member.avatar.name.split("/")[-1]
    ]


def test_remove_avatar(member_client, member, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        edit(member_client, avatar=valid_upload("PNG"))
        edit(member_client, remove_avatar="on")
    member.refresh_from_db()
    assert not member.avatar
    assert stored_files(settings.MEDIA_ROOT) == []


def test_profile_shows_uploaded_avatar_or_generated_default(client, member_client, member):
    response = client.get(f"/u/{member.username}/")
    assert b"avatar-default" in response.content
    edit(member_client, avatar=valid_upload("PNG"))
    member.refresh_from_db()
    response = client.get(f"/u/{member.username}/")
    assert member.avatar.url.encode() in response.content
