"""The basic catalogue admin: a collab with credits inline, cover art, nomination actions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from collabs.models import Collab, CollabStatus
from tests.collabs.conftest import make_artist, make_collab

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (500, 500), (120, 40, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_an_editor_adds_a_collab_with_credits_and_cover(admin_client, settings):
    aoki, bts = make_artist("Steve Aoki", country="US"), make_artist("BTS")
    data = {
        "title": "Waste It On Me",
        "slug": "waste-it-on-me",
        "release_date": "2018-10-25",
        "status": CollabStatus.PUBLISHED,
        "description": "",
        "nominated_artists": "",
        "nomination_note": "",
        "cover_upload": SimpleUploadedFile("cover.png", _png(), content_type="image/png"),
        **_formset("credits", [
            {"position": "0", "artist": aoki.pk, "join_phrase": " feat. ", "role": "lead"},
            {"position": "1", "artist": bts.pk, "join_phrase": "", "role": "featured"},
        ]),
        **_formset("links", []),
    }  # fmt: skip
    response = admin_client.post(reverse("admin:collabs_collab_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    collab = Collab.objects.for_list().get(slug="waste-it-on-me")
    assert collab.credit_line == "Steve Aoki feat. BTS"  # the join phrase keeps its spaces
    assert collab.thread_id is not None
    assert collab.cover_list.name.endswith(".webp") and collab.cover_detail

    page = admin_client.get(reverse("admin:collabs_collab_changelist"))
    assert "Steve Aoki feat. BTS" in page.content.decode()


def test_a_refused_cover_stores_nothing(admin_client, settings):
    data = {
        "title": "Bad cover",
        "slug": "bad-cover",
        "release_date": "2020-01-01",
        "status": CollabStatus.PUBLISHED,
        "cover_upload": SimpleUploadedFile("cover.png", b"<svg/>", content_type="image/png"),
        **_formset("credits", []),
        **_formset("links", []),
    }
    response = admin_client.post(reverse("admin:collabs_collab_add"), data)
    assert response.status_code == 200
    assert not Collab.objects.exists()
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


def test_the_approve_action_publishes_nominations(admin_client):
    waiting = make_collab("Waiting", (make_artist("A"),), status=CollabStatus.NOMINATED)
    response = admin_client.post(
        reverse("admin:collabs_collab_changelist"),
        {"action": "approve", "_selected_action": [waiting.pk]},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == CollabStatus.PUBLISHED


@pytest.mark.parametrize("model", ["artist", "collab", "genre", "vote"])
def test_admin_lists_load(admin_client, model):
    assert admin_client.get(reverse(f"admin:collabs_{model}_changelist")).status_code == 200
