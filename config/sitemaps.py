"""/sitemap.xml: the public pages only (published articles and collabs, artists with some).

URLs are built on SITE_URL rather than the sites framework's Site row, so they are right
on every deployment without editing the database.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from collabs.models import Artist, Collab
from core.urls import site_scheme_and_domain


class SiteURLSitemap(Sitemap):
    def get_protocol(self, protocol=None) -> str:
        return site_scheme_and_domain()[0]

    def get_domain(self, site=None) -> str:
        return site_scheme_and_domain()[1]


class PagesSitemap(SiteURLSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["home", "collabs:list", "collabs:top", "articles:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(SiteURLSitemap):
    changefreq = "weekly"

    def items(self):
        return Article.objects.published().newest()

    def lastmod(self, item: Article):
        return max(item.updated_at, item.published_at)


class CollabSitemap(SiteURLSitemap):
    changefreq = "daily"

    def items(self):
        return Collab.objects.published().order_by("pk")


class ArtistSitemap(SiteURLSitemap):
    changefreq = "weekly"

    def items(self):
        return Artist.objects.with_published_collabs().order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "collabs": CollabSitemap,
    "artists": ArtistSitemap,
}
