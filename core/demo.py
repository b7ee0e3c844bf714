"""Demo data, site level: the sites framework's Site row names Crossover at SITE_URL."""

from __future__ import annotations

from core.sites import site_sync


def load(*, log) -> None:
    if site_sync():
        log("The site row now follows SITE_NAME and SITE_URL.")
