"""Serving: HTTP through waitress (a production WSGI server) with POST /slack/events for
commands, events and interactivity, GET /healthz and GET /metrics; or Socket Mode when
SLACK_APP_TOKEN is set, with /healthz and /metrics still served on PORT by the same WSGI code
(`health_app`, alone in a `HealthServer`)."""

from __future__ import annotations

import hmac
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot import metrics
from bot.deps import Deps
from bot.settings import Settings
from bot.slack.health import Health

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


MAX_BODY = 1 << 20  # Slack's payloads are a few KiB; 1 MiB leaves room and bounds memory
SIGNATURE_WINDOW = 5 * 60  # seconds: Slack's own replay window
# waitress: it buffers a body itself before the app sees it, so its own limits are the levers;
# slow or idle connections are closed after `channel_timeout` seconds.
WAITRESS_LIMITS: dict[str, Any] = {
    "max_request_body_size": MAX_BODY,
    "connection_limit": 1000,
    "channel_timeout": 15,
    "cleanup_interval": 5,
}


def _refuse(start_response: Callable[..., Any], status: str, reason: str, size: int) -> Iterable[bytes]:
    """One structured line for a refused request (its size and why), never its body."""
    log.warning(
        json.dumps({"event": "request_refused", "status": status[:3], "reason": reason, "bytes": size})
    )
    body = reason.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _may_scrape(settings: Settings, environ: dict[str, Any]) -> bool:
    """GET /metrics is open unless COMPLIANCE_METRICS_TOKEN is set; then it needs that bearer."""
    token = settings.metrics_token
    if token is None or not token.get_secret_value():
        return True
    given = environ.get("HTTP_AUTHORIZATION", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token.get_secret_value()}".encode())


def _declared_size(environ: dict[str, Any]) -> int:
    """The body's declared size; -1 when it is not a number."""
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return -1


def _gate(deps: Deps, verifier: SignatureVerifier, environ: dict[str, Any]) -> tuple[str, str] | None:
    """Why a POST to the events path is refused, as (HTTP status, reason), or None. Cheap checks
    first, before any body is read: its size, the signature headers, the timestamp's window;
    then the signature over the (bounded) body, which is put back for Bolt; then replays."""
    size = _declared_size(environ)
    if size < 0:
        return "400 Bad Request", "bad content length"
    if size > MAX_BODY:
        return "413 Content Too Large", "body too large"
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    if not signature or not timestamp:
        return "401 Unauthorized", "not signed"
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return "401 Unauthorized", "bad timestamp"
    if not signature.isascii() or len(signature) > 128:
        return "401 Unauthorized", "bad signature"
    if abs(time.time() - int(timestamp)) > SIGNATURE_WINDOW:
        return "401 Unauthorized", "stale timestamp"
    body = environ["wsgi.input"].read(size) if size else b""
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        body.decode("utf-8")  # Slack sends UTF-8; the verifier (and Bolt) would fail on anything else
    except UnicodeDecodeError:
        return "400 Bad Request", "not UTF-8"
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return "401 Unauthorized", "bad signature"
    if not deps.dedupe.first_time(f"signature:{signature}"):
        return "401 Unauthorized", "replayed request"
    return None


def _json(start_response: Callable[..., Any], status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


HEALTH_PATHS = frozenset({"/healthz", "/metrics"})
STATUS_LINES = {200: "200 OK", 503: "503 Service Unavailable"}


def health_app(deps: Deps, connected: Callable[[], bool] | None = None) -> Callable[..., Iterable[bytes]]:
    """GET /healthz and GET /metrics, for both modes: `wsgi_app` routes them here, and Socket Mode
    serves this alone (`connected`: whether its socket is up; None in HTTP mode)."""
    health = Health(deps.cache, connected)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method == "GET":
            code, report = health.report()
            return _json(start_response, STATUS_LINES[code], report)
        if path == "/metrics" and method == "GET":
            if not _may_scrape(deps.settings, environ):
                return _refuse(start_response, "401 Unauthorized", "metrics need the token", 0)
            metrics_body = metrics.render()
            start_response(
                "200 OK",
                [("Content-Type", "text/plain; version=0.0.4"), ("Content-Length", str(len(metrics_body)))],
            )
            return [metrics_body]
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return application


def wsgi_app(app: App, deps: Deps) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = SignatureVerifier(deps.settings.slack_signing_secret.get_secret_value())
    health = health_app(deps)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in HEALTH_PATHS and environ.get("REQUEST_METHOD") == "GET":
            return health(environ, start_response)
        if environ.get("PATH_INFO") == EVENTS_PATH and environ.get("REQUEST_METHOD") == "POST":
            refused = _gate(deps, verifier, environ)
            if refused is not None:
                return _refuse(start_response, *refused, max(0, _declared_size(environ)))
            try:
                return slack(environ, start_response)
            except Exception:  # a signed but malformed payload: Bolt could not read it
                log.exception("a signed request could not be handled")
                return _refuse(start_response, "400 Bad Request", "malformed payload", 0)
        return slack(environ, start_response)

    return application


def mode(settings: Settings) -> str:
    """Socket Mode when an app-level token is configured, else HTTP."""
    token = settings.slack_app_token
    return "socket" if token is not None and token.get_secret_value() else "http"


def serve_http(app: App, deps: Deps, host: str = "0.0.0.0", port: int = 3000) -> None:
    from waitress import serve

    log.info("serving Slack HTTP mode on %s:%s%s", host, port, EVENTS_PATH)
    serve(
        wsgi_app(app, deps),
        host=host,
        port=port,
        threads=max(8, deps.settings.listener_workers),
        ident="compliance-bot",
        **WAITRESS_LIMITS,
    )


class HealthServer:
    """`health_app` alone on its own port, served by waitress in a thread: in Socket Mode nothing
    else listens, yet probes, the image's HEALTHCHECK and Prometheus still need /healthz and
    /metrics on PORT."""

    def __init__(self, application: Callable[..., Iterable[bytes]], host: str, port: int) -> None:
        from waitress.server import create_server

        self._map: dict[int, Any] = {}  # its own sockets, closed together by `stop`
        # Probes and scrapes only: a few threads, tiny bodies, slow clients cut as in HTTP mode.
        self._server: Any = create_server(
            application,
            map=self._map,
            host=host,
            port=port,
            threads=2,
            ident="compliance-bot",
            **{**WAITRESS_LIMITS, "max_request_body_size": 1024, "connection_limit": 100},
        )
        self._thread = threading.Thread(target=self._server.run, name="health-server", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket and every open connection from waitress's own loop (its
        trigger runs the closing there), so its loop ends at once instead of after idle
        clients time out."""
        from waitress import wasyncore

        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
        self._thread.join(timeout=5)
        self._server.task_dispatcher.shutdown()


def serve_socket_mode(app: App, deps: Deps, host: str = "0.0.0.0", port: int | None = None) -> None:
    """Connect out to Slack (blocking), with /healthz and /metrics on `port` (default: PORT)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = deps.settings.slack_app_token
    assert token is not None
    handler = SocketModeHandler(app, token.get_secret_value())
    health = HealthServer(
        health_app(deps, connected=handler.client.is_connected),
        host,
        deps.settings.port if port is None else port,
    ).start()
    log.info("serving Slack Socket Mode; /healthz and /metrics on %s:%s", host, health.port)
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        health.stop()
