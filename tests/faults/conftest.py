"""Fixtures that break things on purpose live in tests/conftest.py (redis_server)."""
