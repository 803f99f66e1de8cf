"""Redis, and the port `serve` listens on."""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlsplit, urlunsplit

from bot.cache.lease import REDIS_ERRORS
from bot.cache.store import connect
from bot.setup.result import Check, fail, ok, one_line, warn


def shown(url: str) -> str:
    """A Redis URL without its password, for a line people paste into tickets."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def redis_check(url: str | None) -> Check:
    if not url:
        return ok("Redis", "none configured (REDIS_URL): an in-process cache, shared by no other replica.")
    try:
        connect(url).ping()
    except REDIS_ERRORS as error:
        return warn(
            "Redis",
            f"{shown(url)} does not answer ({type(error).__name__}: {one_line(str(error))[:120]}): "
            "answers will be computed uncached, and Slack's retries are not deduplicated across replicas.",
            "Start Redis or correct REDIS_URL (redis://host:6379/0, rediss:// for TLS).",
        )
    return ok("Redis", f"{shown(url)} answers.")


def port_check(host: str, port: int) -> Check:
    """Whether `serve` can listen: tried by binding, as the server will (SO_REUSEADDR, as waitress)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return fail("PORT", port_message(host, port, error), port_fix())
    return ok("PORT", f"{host}:{port} is free.")


def port_message(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"{host}:{port} is already in use by another process."
    if error.errno == errno.EACCES:
        return f"{host}:{port} needs privileges this process does not have."
    return f"cannot listen on {host}:{port} ({one_line(str(error))})."


def port_fix() -> str:
    return "Stop what listens there, or set PORT (or serve --port) to a free port above 1023."
