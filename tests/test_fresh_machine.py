"""The README's test command on a fresh machine, for real: a pytest session in a process of its own,
with no REDIS_URL and the machine's Redis on 6379 hidden from it (COMPLIANCE_TESTS_IGNORE_LOCAL_REDIS,
honoured by tests/support/cache.py: the machine's Redis keeps running for everyone else), starts a
redis-server of its own, runs Redis tests on it (also from spawned processes) and stops it; without
redis-server it says in one line what to install."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import cache as session_redis

ROOT = Path(__file__).resolve().parent.parent
# Tests that need Redis: the shared `prefix` fixture, and single flight across spawned processes.
SUBSET = ("tests/access/test_audit.py", "tests/cache/test_cache.py::test_single_flight_across_processes")


def fresh(**extra: str) -> dict[str, str]:
    """This process's environment as a fresh machine would have it: no Redis configured, none seen."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", session_redis.OWN_URL)}
    return {**env, session_redis.IGNORE_DEFAULT: "1", **extra}


def pytest_in(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_a_session_without_redis_starts_its_own_and_stops_it() -> None:
    done = pytest_in(fresh(), *SUBSET)
    header = re.search(r"redis: a redis-server of this session's own on 127\.0\.0\.1:(\d+)", done.stdout)
    assert header is not None, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    port = int(header.group(1))
    assert port != 6379 and not listening(port)  # stopped with the session


def test_without_redis_server_one_line_says_what_to_install(tmp_path: Path) -> None:
    done = pytest_in(fresh(PATH=str(tmp_path)), "tests/access/test_audit.py")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    (line,) = [line for line in done.stderr.splitlines() if line.strip()]
    assert "apt-get install redis-server" in line and "set REDIS_URL" in line
    assert "passed" not in done.stdout and "Traceback" not in done.stderr


def test_the_header_never_shows_a_redis_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_redis, "REDIS_URL", "redis://:sesame@redis.internal:6380/0")
    monkeypatch.setattr(session_redis, "OWN", None)
    monkeypatch.setattr(session_redis, "MISSING", None)
    assert session_redis.describe() == "redis: redis.internal:6380"
