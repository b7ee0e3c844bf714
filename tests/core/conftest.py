"""The catalogue's fixtures, for the site-wide tests here (tests/collabs/conftest.py)."""

from tests.collabs.conftest import apt, artists, catalogue  # noqa: F401 - fixtures
