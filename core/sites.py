"""The sites framework's Site row follows SITE_NAME and SITE_URL.

Django's own pages and third-party apps (the admin's "view on site", allauth) read the
Site row; our settings are the one place the site's name and address are written, so the
row is brought in line by a migration, after every `migrate` or `flush` (post_migrate,
core/apps.py: the sites framework would otherwise recreate "example.com") and by every
`demo_data` run.
"""

from __future__ import annotations

from django.conf import settings

from core.urls import site_scheme_and_domain


def site_sync(site_model=None, *, using: str = "default") -> bool:
    """Point Site SITE_ID at SITE_NAME / SITE_URL's host. True if the row changed."""
    if site_model is None:
        from django.contrib.sites.models import Site as site_model
    domain, name = site_scheme_and_domain()[1], settings.SITE_NAME
    site, created = site_model.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": name}
    )
    if not created:
        if (site.domain, site.name) == (domain, name):
            return False
        site.domain, site.name = domain, name
        site.save(using=using, update_fields=["domain", "name"])
    if hasattr(site_model.objects, "clear_cache"):
        site_model.objects.clear_cache()
    return True
