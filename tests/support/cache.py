"""The real Redis the tests share, named in this one place (`REDIS_URL`): REDIS_URL when it is set,
else the Redis listening on 127.0.0.1:6379, else a redis-server of the session's own on a free
port, started when this module is first imported (tests/conftest.py imports it) and stopped when
the session ends (`stop_own`). Each test keeps to a key prefix of its own (the `prefix` fixture in
tests/conftest.py) and removes its keys afterwards."""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import redis

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 6379
DEFAULT_URL = f"redis://{DEFAULT_HOST}:{DEFAULT_PORT}/0"
# Set by the session that started its own redis-server, so that processes it spawns (which import
# this module again) use that one rather than start another.
OWN_URL = "COMPLIANCE_TESTS_OWN_REDIS_URL"
# Tests of the fresh-machine path set this to pretend nothing listens on 6379 (tests/test_fresh_machine.py).
IGNORE_DEFAULT = "COMPLIANCE_TESTS_IGNORE_LOCAL_REDIS"
INSTALL = (
    "the tests need Redis: none listens on 127.0.0.1:6379, REDIS_URL is unset and redis-server "
    "is not installed; install it (apt-get install redis-server) or set REDIS_URL"
)


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """In the child: be killed when the test session dies, even by SIGKILL (Linux)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class OwnRedis:
    """A redis-server of the session's own: loopback only, nothing written to disk."""

    def __init__(self, binary: str) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # only prctl, before exec: safe
        )
        with redis.Redis(port=self.port, socket_connect_timeout=0.2) as client:
            deadline = time.monotonic() + 10
            while self.process.poll() is None and time.monotonic() < deadline:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on 127.0.0.1:{self.port}")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _resolve() -> tuple[str, OwnRedis | None, str | None]:
    """(the URL, the server this process started or None, what to install or None)."""
    for name in (OWN_URL, "REDIS_URL"):
        if os.environ.get(name):
            return os.environ[name], None, None
    if not os.environ.get(IGNORE_DEFAULT) and _listening(DEFAULT_HOST, DEFAULT_PORT):
        return DEFAULT_URL, None, None
    binary = shutil.which("redis-server")
    if binary is None:
        return DEFAULT_URL, None, INSTALL
    own = OwnRedis(binary)
    os.environ[OWN_URL] = own.url
    atexit.register(own.stop)  # should the session end without unconfiguring
    return own.url, own, None


REDIS_URL, OWN, MISSING = _resolve()


def describe() -> str:
    """One line for the session's header: which Redis, never its password."""
    where = urlsplit(REDIS_URL)
    place = f"{where.hostname}:{where.port or DEFAULT_PORT}"
    if OWN is not None:
        return (
            f"redis: a redis-server of this session's own on {place} (none on 127.0.0.1:6379, no REDIS_URL)"
        )
    return f"redis: {place}" if MISSING is None else f"redis: {MISSING}"


def stop_own() -> None:
    if OWN is not None:
        OWN.stop()
