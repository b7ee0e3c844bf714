"""Shared links get a preview: every page's <head> has a description, a canonical address
and Open Graph / Twitter tags, all absolute on the configured SITE_URL."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collabs import services as collab_services
from core import images
from tests.images import image_bytes
from tests.pages import PAGES, get

pytestmark = pytest.mark.django_db

SITE = "https://crossover.example"

# Pages of the site's own layout (base.html): the admin has Django's, partials have none.
SHARED_PAGES = [
    page
    for page in PAGES
    if page.html and "htmx" not in page.name and not page.name.startswith("admin")
]
# SPEC §3's public page types: each must preview well when a fan shares it.
PUBLIC = {
    "home",
    "collabs",
    "collab-detail",
    "artist",
    "top",
    "top-year",
    "articles",
    "article",
    "profile",
    "search",
}


class HeadTags(HTMLParser):
    """<meta> and <link rel="canonical"> in <head>: {name or property: [content, …]}."""

    def __init__(self):
        super().__init__()
        self.tags: dict[str, list[str]] = {}
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif self.in_head and tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.tags.setdefault(key, []).append(attrs.get("content") or "")
        elif self.in_head and tag == "link" and attrs.get("rel") == "canonical":
            self.tags.setdefault("canonical", []).append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head_tags(html: str) -> dict[str, list[str]]:
    parser = HeadTags()
    parser.feed(html)
    return parser.tags


def one(tags, key) -> str:
    assert len(tags.get(key, [])) == 1, f"{key}: {tags.get(key)}"
    value = tags[key][0]
    assert value.strip(), f"{key} is empty"
    return value


def test_every_page_type_is_in_the_check():
    assert not PUBLIC - {page.name for page in SHARED_PAGES}


@pytest.mark.parametrize("page", SHARED_PAGES, ids=lambda page: page.name)
def test_every_page_has_description_canonical_and_share_tags_on_site_url(
    page, client, people, settings
):
    settings.SITE_URL = SITE
    response = get(page, client, people)
    assert response.status_code == page.status
    tags = head_tags(response.content.decode())

    assert len(one(tags, "description")) > 20
    for key in ("canonical", "og:url", "og:image"):
        assert one(tags, key).startswith(f"{SITE}/"), key
    assert one(tags, "og:url") == one(tags, "canonical")
    for key in ("og:title", "og:description", "og:type", "og:site_name", "twitter:card"):
        one(tags, key)
    assert one(tags, "og:description") == one(tags, "description")
    assert one(tags, "twitter:card") == "summary_large_image"
    assert one(tags, "og:site_name") == "Crossover"
    assert "127.0.0.1" not in str(tags)


def test_each_page_previews_what_it_shows(client, people, settings):
    settings.SITE_URL = SITE
    collab = people.collab
    tags = head_tags(client.get(collab.get_absolute_url()).content.decode())
    assert one(tags, "og:title") == "APT. — Rosé & Bruno Mars"
    assert one(tags, "og:url") == f"{SITE}{collab.get_absolute_url()}"
    assert "APT." in one(tags, "og:description")
    # No cover yet: the site's default image, 1200×630.
    assert one(tags, "og:image") == f"{SITE}/static/img/share-default.png"

    image = images.clean_image(SimpleUploadedFile("cover.png", image_bytes("PNG")))
    collab_services.collab_cover_set(collab=collab, image=image)
    collab.refresh_from_db()
    tags = head_tags(client.get(collab.get_absolute_url()).content.decode())
    assert one(tags, "og:image") == f"{SITE}{collab.cover_detail.url}"
    assert one(tags, "og:image:alt") == "Cover art of APT."

    article = head_tags(client.get(people.article.get_absolute_url()).content.decode())
    assert one(article, "og:type") == "article"
    assert one(article, "og:title") == "K-pop meets the world"
    assert one(article, "og:description") == "The collabs that crossed over."

    profile = head_tags(client.get(f"/u/{people.member.username}/").content.decode())
    assert one(profile, "og:type") == "profile"


def test_share_tags_escape_hostile_titles(client, people, settings):
    """A title with quotes and markup stays inside its attribute."""
    collab = people.collab
    collab.title = '"><script>alert(1)</script>'
    collab.save(update_fields=["title"])
    html = client.get(collab.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    tags = head_tags(html)
    assert one(tags, "og:title").startswith('"><script>alert(1)</script>')


def test_the_default_share_image_is_1200_by_630():
    from pathlib import Path

    from PIL import Image

    path = Path(__file__).resolve().parents[2] / "static/img/share-default.png"
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
