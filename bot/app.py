"""The Slack app: `create_app(settings, deps)` builds the dependencies once and the Bolt App that
maps slash commands, mentions, buttons and App Home to the cached query layer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.access.audit import Audit
from bot.access.scopes import AccessConfig
from bot.aws.aggregator import AggregatorService
from bot.aws.session import config_client
from bot.cache.store import Cache, connect
from bot.config import ComplianceConfig, load_config
from bot.digest.runner import DigestRunner, DigestScheduler
from bot.questions.answerer import Answerer, policy_from
from bot.questions.rules import RuleCatalog
from bot.settings import Settings
from bot.slack.dedupe import Dedupe

log = logging.getLogger(__name__)


@dataclass
class Deps:
    """Everything the handlers use, built once and passed down (no module-level clients)."""

    settings: Settings
    answerer: Answerer
    cache: Cache
    slack: WebClient
    dedupe: Dedupe
    catalog: RuleCatalog
    clock: Callable[[], datetime]
    working_after: float = 1.0  # seconds before a visible "working on it"
    digests: DigestScheduler | None = None
    audit: Audit = field(default_factory=lambda: Audit(None, None))
    config: ComplianceConfig = field(default_factory=ComplianceConfig)
    access: AccessConfig = field(default_factory=AccessConfig)


def slack_client(settings: Settings) -> WebClient:
    """Slack's Web API client, retrying 429s (after Retry-After), 5xx and dropped connections."""
    return WebClient(
        token=settings.slack_bot_token.get_secret_value() or None,
        base_url=settings.slack_api_url,
        retry_handlers=[
            # Within Slack's limits, an answer is retried for about a minute before it is given up
            # (and logged as such: bot/slack/delivery.py).
            ConnectionErrorRetryHandler(max_retry_count=4),
            RateLimitErrorRetryHandler(max_retry_count=10),
            ServerErrorRetryHandler(max_retry_count=6),
        ],
    )


def build_deps(
    settings: Settings,
    service: AggregatorService | None = None,
    cache: Cache | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Deps:
    config = load_config(settings.config_file)
    catalog = RuleCatalog.default(config.aliases)
    clock = clock or (lambda: datetime.now(UTC))
    cache = cache or Cache(connect(settings.redis_url), policy_from(settings), clock=clock)
    service = service or AggregatorService(config_client(settings), settings, catalog, clock=clock)
    return Deps(
        settings=settings,
        answerer=Answerer(service, cache),
        cache=cache,
        slack=slack_client(settings),
        dedupe=Dedupe(cache),
        catalog=catalog,
        clock=clock,
        config=config,
        access=config.access(),
        audit=Audit(cache.redis, f"{cache.policy.prefix}:audit" if config.audit_stream else None, clock),
    )


def create_app(settings: Settings, deps: Deps | None = None) -> tuple[App, Deps]:
    from handlers import register_listeners

    deps = deps or build_deps(settings)
    if deps.digests is None:
        deps.digests = DigestScheduler(
            deps,
            DigestRunner(deps),
            deps.config.digests,
            timedelta(hours=settings.digest_grace_hours),
            settings.digest_interval,
        )
    app = App(
        client=deps.slack,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.listener_workers, thread_name_prefix="slack-listener"
        ),
        raise_error_for_unhandled_request=False,
        # Acks run on the request's own thread and return at once; the work runs in lazy
        # listeners on the executor. (Otherwise acks queue behind slow answers for a worker.)
        process_before_response=True,
    )
    register_listeners(app, deps)
    return app, deps
