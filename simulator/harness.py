"""The whole bot on one machine: the simulator (seeded), a Slack stand-in, and the bot serving
HTTP through waitress, wired as in production. Used by the end-to-end tests' benches and the demo."""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from moto.core.base_backend import BackendDict
from waitress.server import create_server

from bot.app import create_app
from bot.cache.store import Cache, connect
from bot.deps import Deps, build_deps, policy_from
from bot.settings import Settings
from bot.slack.server import WAITRESS_LIMITS, wsgi_app
from simulator import server as sim_server
from simulator.orggen import OrgSpec, SeededOrg
from simulator.slack_api import SlackStandIn

SIGNING_SECRET = "local-signing-secret"
BOT_TOKEN = "xoxb-local-bot-token"


@dataclass
class Harness:
    url: str
    slack: SlackStandIn
    org: SeededOrg
    deps: Deps
    _simulator: sim_server.RunningSimulator
    _http: Any

    def stop(self) -> None:
        self._http.close()
        self.slack.stop()
        self._simulator.stop()
        self.deps.cache.close()
        BackendDict.reset()


def start(
    spec: OrgSpec | None = None,
    redis_url: str | None = None,
    port: int = 0,
    threads: int = 16,
    cache_prefix: str | None = None,
    slack_port: int = 0,
    config: dict[str, Any] | Callable[[SeededOrg], dict[str, Any]] | None = None,
    **settings: Any,
) -> Harness:
    """Start everything on loopback; AWS_ENDPOINT_URL points this process's AWS clients at the
    simulator (so run it in a process of its own, or restore the variable after)."""
    for name, value in {**sim_server.CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(name, value)
    BackendDict.reset()
    simulator = sim_server.start(port=0, spec=spec or OrgSpec())
    assert simulator.org is not None
    os.environ["AWS_ENDPOINT_URL"] = simulator.endpoint
    slack = SlackStandIn(port=slack_port).start()
    config_file = None
    if config is not None:
        text = yaml.safe_dump(config(simulator.org) if callable(config) else config)
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
            handle.write(text)
        config_file = handle.name
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "COMPLIANCE_AGGREGATOR": simulator.org.aggregator_name,
        "COMPLIANCE_AGGREGATOR_REGION": "us-east-1",
        "COMPLIANCE_ROLE_ARN": simulator.org.role_arn,
        "REDIS_URL": redis_url,
        "COMPLIANCE_CONFIG": config_file,
        **settings,
    }
    bot_settings = Settings(**values)
    cache = Cache(
        connect(redis_url), policy_from(bot_settings, prefix=cache_prefix or f"cb-{uuid.uuid4().hex[:8]}")
    )
    app, deps = create_app(bot_settings, build_deps(bot_settings, cache=cache))
    http: Any = create_server(
        wsgi_app(app, deps), host="127.0.0.1", port=port, threads=threads, **WAITRESS_LIMITS
    )
    threading.Thread(target=http.run, daemon=True).start()
    url = f"http://127.0.0.1:{http.effective_port}"
    slack.attach_bot(f"{url}/slack/events", SIGNING_SECRET)
    return Harness(url, slack, simulator.org, deps, simulator, http)
