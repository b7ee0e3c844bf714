"""Recompute every member's look-alike key, e.g. after upgrading confusable-homoglyphs."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.models import User


class Command(BaseCommand):
    help = (
        "Recompute User.username_key from the installed confusables data, as the data "
        "migration did: the older of two look-alike accounts keeps its name, newer ones "
        "are renamed <name>-<id> (logged)."
    )

    def handle(self, *args, **options):
        migration = import_module("accounts.migrations.0002_username_key")

        class SchemaEditor:
            pass

        SchemaEditor.connection = connection
        before = dict(User.objects.values_list("pk", "username_key"))
        with transaction.atomic():
            # Out of the way first, so the new keys cannot collide with stale ones.
            for pk in before:
                User.objects.filter(pk=pk).update(username_key=f"\x01refresh-{pk}")
            migration.fill_username_keys(apps, SchemaEditor())
        after = dict(User.objects.values_list("pk", "username_key"))
        changed = sum(before[pk] != after.get(pk) for pk in before)
        self.stdout.write(f"{changed} of {len(before)} keys changed.")
