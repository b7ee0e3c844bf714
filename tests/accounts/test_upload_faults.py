"""Uploads when things go wrong: a full disk, decompression bombs, and how media are served."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image

from accounts import services
from core import images
from core.storage import MediaStorage
from tests.images import image_bytes, stored_files, upload, valid_upload

pytestmark = pytest.mark.django_db


class DiskFullStorage(MediaStorage):
    """Writes half the file, then fails as a full disk does."""

    def _save(self, name, content):
        data = content.read()

        class HalfThenFull(ContentFile):
            def chunks(self, chunk_size=None):
                yield data[: len(data) // 2]
                raise OSError(errno.ENOSPC, "No space left on device")

        return super()._save(name, HalfThenFull(data, name=name))


class RefusingStorage(MediaStorage):
    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


def temp_uploads() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("*.upload*"))


@pytest.mark.parametrize("storage", [DiskFullStorage, RefusingStorage], ids=["partial", "refused"])
def test_full_disk_during_avatar_upload(storage, member_client, member, settings):
    services.profile_update(
        user=member,
        display_name="Before",
        bio="",
        hide_votes=False,
        email_notifications=True,
        avatar=ContentFile(image_bytes("PNG"), name="old.png"),
    )
    old_avatar = member.avatar.name
    media = Path(settings.MEDIA_ROOT)
    files_before, temps_before = stored_files(media), temp_uploads()

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.{storage.__name__}"},
    }
    member.avatar.storage = storages["default"]
    response = member_client.post(
        "/accounts/profile/",
        {"display_name": "After", "bio": "new bio", "avatar": valid_upload("JPEG")},
    )
    assert response.status_code == 503
    assert "We could not store your new avatar just now" in response.text
    assert 'role="alert"' in response.text
    member.refresh_from_db()
    assert (member.display_name, member.bio, member.avatar.name) == ("Before", "", old_avatar)
    assert stored_files(media) == files_before
    assert temp_uploads() <= temps_before
    # The site keeps serving, the member's session included.
    assert member_client.get("/").status_code == 200
    assert member_client.get(f"/u/{member.username}/").status_code == 200
    assert member_client.get("/accounts/profile/").status_code == 200


def test_avatar_names_are_random_and_never_the_uploaded_name(member_client, member, settings):
    names = set()
    for _ in range(2):
        member_client.post(
            "/accounts/profile/", {"display_name": "x", "avatar": upload("me.png", image_bytes())}
        )
        member.refresh_from_db()
        names.add(member.avatar.name)
    assert len(names) == 2
    assert all("me" not in Path(name).stem and name.endswith(".webp") for name in names)


def test_pillow_decompression_bomb_warning_is_a_refusal(settings, monkeypatch):
    # Our own pixel limit is set high, so only Pillow's warning can refuse this.
    settings.IMAGE_UPLOAD_MAX_PIXELS = 10**9
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)
    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("big.png", image_bytes("PNG", (150, 150))))
    assert refused.value.code == "too_many_pixels"


def test_local_media_are_served_with_their_stored_type_and_nosniff(member_client, member, client):
    member_client.post("/accounts/profile/", {"display_name": "x", "avatar": valid_upload("PNG")})
    member.refresh_from_db()
    response = client.get(member.avatar.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    # A file whose name says HTML is still never sniffed into a page.
    storage = member.avatar.storage
    name = storage.save("avatars/trick.txt", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{name}")
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
