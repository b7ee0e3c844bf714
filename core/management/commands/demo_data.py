"""Load Crossover's demo content. Idempotent: running it twice changes nothing.

Each app that has demo content provides `<app>/demo.py` with a `load(*, log)`
function; they run in INSTALLED_APPS order, so lower layers load first. A loader
may return text to show at the very end (the logins), where it is easy to find.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo content (the seed article, its collabs and artists, demo members)."

    def handle(self, *args, **options) -> None:
        closing = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                if text := import_module(module_name).load(log=self.stdout.write):
                    closing.append(text)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        for text in closing:
            self.stdout.write(self.style.WARNING(text))
