"""The whole bot on one machine: the simulator (seeded), the Slack stand-in with its playground
page, and the bot serving HTTP through waitress, wired as in production. The one way the demo, the
end-to-end tests and the benchmarks start it.

The bot is reached only through its entry points (create_app, build_deps, Settings, wsgi_app, the
cache), as a deployer reaches it."""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from moto.core.base_backend import BackendDict
from waitress.server import create_server

from bot.app import create_app
from bot.cache.store import Cache, connect
from bot.deps import Deps, build_deps, policy_from
from bot.settings import Settings
from bot.slack.server import WAITRESS_LIMITS, wsgi_app
from playground.page import Playground
from simulator import server as sim_server
from simulator.orggen import OrgSpec, SeededOrg

SIGNING_SECRET = "local-signing-secret"
BOT_TOKEN = "xoxb-local-bot-token"


@dataclass
class Harness:
    url: str
    slack: Playground
    org: SeededOrg
    deps: Deps
    _simulator: sim_server.RunningSimulator
    _http: Any
    _environment: dict[str, str | None] = field(default_factory=dict)  # as it was before start()
    _config_file: str | None = None

    def stop(self) -> None:
        self._http.close()
        self.deps.lane.close()
        self.slack.stop()
        self._simulator.stop()
        self.deps.cache.close()
        BackendDict.reset()
        for name, value in self._environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self._config_file is not None:
            Path(self._config_file).unlink(missing_ok=True)


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
    """Start everything on loopback. `settings` are the bot's (e.g. SLACK_SIGNING_SECRET=...) over
    the harness's own. AWS_ENDPOINT_URL points this process's AWS clients at the simulator until
    `stop()` puts the environment back as it was."""
    aws = {**sim_server.CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1"}
    environment = {name: os.environ.get(name) for name in (*aws, "AWS_ENDPOINT_URL")}
    for name, value in aws.items():
        os.environ.setdefault(name, value)
    BackendDict.reset()
    simulator = sim_server.start(port=0, spec=spec or OrgSpec())
    assert simulator.org is not None
    os.environ["AWS_ENDPOINT_URL"] = simulator.endpoint
    slack = Playground(port=slack_port).start()
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
    slack.attach_bot(f"{url}/slack/events", bot_settings.slack_signing_secret.get_secret_value())
    return Harness(url, slack, simulator.org, deps, simulator, http, environment, config_file)
