"""Serving: HTTP through waitress (a production WSGI server) with POST /slack/events for
commands, events and interactivity and GET /healthz; or Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import Deps
from bot.settings import Settings

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def wsgi_app(app: App, deps: Deps) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

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
