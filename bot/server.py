"""Serving: HTTP through waitress (a production WSGI server) with POST /slack/events for
commands, events and interactivity and GET /healthz; or Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot import metrics
from bot.app import Deps
from bot.settings import Settings

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def _replayed(deps: Deps, verifier: SignatureVerifier, environ: dict[str, Any]) -> bool:
    """A validly signed request seen before (a replay within Slack's 5-minute window). The body is
    read here and put back for Bolt, which verifies the signature itself too."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    if not signature or not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return False  # Bolt answers 401 for these
    return not deps.dedupe.first_time(f"signature:{signature}")


def wsgi_app(app: App, deps: Deps) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = SignatureVerifier(deps.settings.slack_signing_secret.get_secret_value())

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            healthy = deps.cache.ping()
            body = json.dumps(
                {"status": "ok" if healthy else "degraded", "cache": deps.cache.stats()}
            ).encode()
            start_response(
                "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if environ.get("PATH_INFO") == "/metrics" and environ.get("REQUEST_METHOD") == "GET":
            metrics_body = metrics.render()
            start_response(
                "200 OK",
                [("Content-Type", "text/plain; version=0.0.4"), ("Content-Length", str(len(metrics_body)))],
            )
            return [metrics_body]
        if (
            environ.get("PATH_INFO") == EVENTS_PATH
            and environ.get("REQUEST_METHOD") == "POST"
            and _replayed(deps, verifier, environ)
        ):
            log.warning("refused a replayed Slack request (same signature seen before)")
            body = b"replayed request"
            start_response(
                "401 Unauthorized", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
            )
            return [body]
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
    )


def serve_socket_mode(app: App, deps: Deps) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = deps.settings.slack_app_token
    assert token is not None
    log.info("serving Slack Socket Mode")
    SocketModeHandler(app, token.get_secret_value()).start()  # type: ignore[no-untyped-call]
