"""The real Redis the tests share; each test keeps to a key prefix of its own (the `prefix` fixture
in tests/conftest.py) and removes its keys afterwards."""

from __future__ import annotations

REDIS_URL = "redis://127.0.0.1:6379/0"
