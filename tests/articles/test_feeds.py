"""The Atom feed and the sitemap list public pages only, with absolute URLs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.articles.conftest import make_article, make_collab

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_feed_is_atom_and_lists_only_published_articles(client):
    published = make_article("Out now")
    make_article("Draft", state="draft")
    make_article("Scheduled", state="scheduled")
    response = client.get(reverse("articles:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Out now"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://127.0.0.1:8000{published.get_absolute_url()}"
    assert entries[0].findtext(f"{ATOM}summary") == published.standfirst
    assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name")
    for element in feed.iter(f"{ATOM}link"):
        assert element.get("href").startswith("http://")


def test_the_sitemap_lists_public_pages_only(client, apt):
    published = make_article("Out now")
    draft = make_article("Draft", state="draft")
    scheduled = make_article("Scheduled", state="scheduled")
    nominated = make_collab("Nominated song", status="nominated")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = ET.fromstring(response.content).iter(f"{SITEMAP}url")
    locations = {url.findtext(f"{SITEMAP}loc") for url in urls}
    base = "http://127.0.0.1:8000"
    assert f"{base}{published.get_absolute_url()}" in locations
    assert f"{base}{apt.get_absolute_url()}" in locations
    assert f"{base}/artists/rose/" in locations and f"{base}/artists/bruno-mars/" in locations
    assert f"{base}/" in locations and f"{base}/articles/" in locations
    for hidden in (draft, scheduled, nominated):
        assert f"{base}{hidden.get_absolute_url()}" not in locations
    # BLACKPINK has no credit of its own here, so no page in the sitemap.
    assert f"{base}/artists/blackpink/" not in locations
