"""Absolute URLs on the site's public address (SITE_URL), for feeds, sitemaps and meta tags."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    if urlsplit(path).scheme:
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def site_scheme_and_domain() -> tuple[str, str]:
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme or "https", parts.netloc
