from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _site_follows_settings(sender, using="default", **kwargs) -> None:
    """After every migrate (and flush), the Site row names SITE_NAME at SITE_URL, as the
    sites framework's own post_migrate handler would otherwise leave it "example.com"."""
    from django.contrib.sites.models import Site
    from django.db import connections

    from core.sites import site_sync

    if Site._meta.db_table in connections[using].introspection.table_names():
        site_sync(using=using)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Crossover core"

    def ready(self) -> None:
        # Core migrates after django.contrib.sites (INSTALLED_APPS order), so this runs
        # after the sites framework has made its default row.
        post_migrate.connect(_site_follows_settings, sender=self)
        from core.caching import install_triggers

        # Every table's writes bump its version (core/caching.py), however they are made.
        post_migrate.connect(install_triggers, sender=self)
