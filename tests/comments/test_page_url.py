"""A thread's page_url is a path on this site, never a way off it (issue 12 item 7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Thread, is_site_path
from tests.comments.conftest import OPEN

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "https://evil.example/",
    "http://evil.example/collabs/apt/",
    "//evil.example/collabs/apt/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "///evil.example/",
    "data:text/html,<script>alert(1)</script>",
    "collabs/apt/",
    "/collabs/apt/\x00",
    "/collabs/\napt/",
    "/collabs/ apt/",
    "/collabs/apt/\u202e",
    "mailto:someone@example.com",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_only_site_paths_are_accepted(url):
    assert not is_site_path(url)
    with pytest.raises(ValidationError):
        services.thread_create(page_url=url, title="t", public_from=OPEN)
    thread = services.thread_create(page_url="/collabs/apt/", title="t", public_from=OPEN)
    with pytest.raises(ValidationError):
        services.thread_set_page(thread=thread, page_url=url, title="t")
    assert Thread.objects.get(pk=thread.pk).page_url == "/collabs/apt/"


@pytest.mark.parametrize("url", ["/collabs/apt/", "/articles/k-pop/?x=1#top", "/로제/"])
def test_site_paths_are_accepted(url):
    assert is_site_path(url)
    thread = services.thread_create(page_url=url, title="t", public_from=OPEN)
    assert thread.get_absolute_url() == url


def _change(client, thread, page_url):
    return client.post(
        reverse("admin:comments_thread_change", args=[thread.pk]),
        {"title": thread.title, "page_url": page_url},
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://evil.example/", "//evil.example"])
def test_the_admin_refuses_an_off_site_page_url(editor, url):
    thread = services.thread_create(page_url="/collabs/apt/", title="APT.", public_from=OPEN)
    client = Client()
    client.force_login(editor)
    response = _change(client, thread, url)
    assert response.status_code == 200
    assert "Enter a path on this site" in response.content.decode()
    assert Thread.objects.get(pk=thread.pk).page_url == "/collabs/apt/"
    assert _change(client, thread, "/collabs/apt-2/").status_code == 302
    assert Thread.objects.get(pk=thread.pk).page_url == "/collabs/apt-2/"


@pytest.mark.parametrize("url", HOSTILE)
def test_a_bad_row_from_before_redirects_nowhere_off_site(member, url):
    """Rows written before validation: the permalink and the thread page stay on the site."""
    if "\x00" in url and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL cannot store a NUL character: no such row can exist there")
    thread = services.thread_create(page_url="/collabs/apt/", title="APT.", public_from=OPEN)
    comment = services.comment_create(thread=thread, author=member, body="APT. forever")
    Thread.objects.filter(pk=thread.pk).update(page_url=url)
    response = Client().get(reverse("comments:permalink", args=[comment.pk]))
    assert response.status_code == 302
    own_page = reverse("comments:thread", args=[thread.pk])
    assert response["Location"] == f"{own_page}#comment-{comment.pk}"
    page = Client().get(own_page)
    assert page.status_code == 200
    assert "Go to the page this discussion belongs to" not in page.content.decode()
    assert "evil.example" not in page.content.decode()
    assert "javascript:" not in page.content.decode().lower()
