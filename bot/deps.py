"""Everything the surfaces use, built once and passed down: `build_deps(settings)`. No module-level
clients; the Slack app (bot/app.py), the digest and the CLI take what they need from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.access.audit import Audit
from bot.access.scopes import AccessConfig
from bot.aws.session import config_client
from bot.cache import store as cache_module
from bot.cache.store import Cache, CachePolicy, connect
from bot.config import ComplianceConfig, load_config
from bot.digest.runner import DigestScheduler
from bot.errors import UserError
from bot.questions.answerer import Answerer, ttls
from bot.questions.interpreter import Interpreter
from bot.questions.plans.context import PlanContext
from bot.questions.rules import RuleCatalog
from bot.settings import Settings
from bot.slack.dedupe import Dedupe
from bot.slack.lanes import SlowLane
from bot.waivers.desk import Waivers
from bot.waivers.store import WaiverStore
from bot.watch.events import EventsListener
from bot.watch.runner import WatchScheduler


def policy_from(settings: Settings, prefix: str = cache_module.PREFIX) -> CachePolicy:
    return CachePolicy(
        ttls={**ttls(), **settings.cache_ttls},
        max_stale=settings.cache_max_stale,
        # A waiter waits for another replica's computation as long as a question may take.
        wait_timeout=settings.question_time_limit + 30,
        prefix=prefix,
    )


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
    lane: SlowLane = field(init=False)
    digests: DigestScheduler | None = None
    watches: WatchScheduler | None = None
    watch_events: EventsListener | None = None  # with COMPLIANCE_EVENTS_QUEUE_URL
    audit: Audit = field(default_factory=lambda: Audit(None, None))
    config: ComplianceConfig = field(default_factory=ComplianceConfig)
    access: AccessConfig = field(default_factory=AccessConfig)
    interpreter: Interpreter = field(init=False)
    waivers: Waivers | None = None

    def __post_init__(self) -> None:
        self.interpreter = Interpreter(self.catalog, self.config.synonyms, self.config.account_names)
        self.lane = SlowLane(
            self.settings.slow_workers, self.settings.answer_deadline, self.settings.question_time_limit
        )

    @property
    def plans(self) -> PlanContext:
        return self.answerer.service


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
    service: PlanContext | None = None,
    cache: Cache | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Deps:
    config = load_config(settings.config_file)
    catalog = RuleCatalog.default(config.aliases)
    clock = clock or (lambda: datetime.now(UTC))
    cache = cache or Cache(connect(settings.redis_url), policy_from(settings), clock=clock)
    service = service or PlanContext(config_client(settings), settings, catalog, clock=clock)
    waivers = Waivers(
        WaiverStore(cache.redis, cache.policy.prefix),
        [w.model_copy(update={"rule": _logical(catalog, w.rule)}) for w in config.waivers],
        config.waiver_approvers,
        clock,
    )
    return Deps(
        settings=settings,
        answerer=Answerer(service, cache, waivers.in_force),
        waivers=waivers,
        cache=cache,
        slack=slack_client(settings),
        dedupe=Dedupe(cache),
        catalog=catalog,
        clock=clock,
        config=config,
        access=config.access(),
        audit=Audit(cache.redis, f"{cache.policy.prefix}:audit" if config.audit_stream else None, clock),
    )


def _logical(catalog: RuleCatalog, rule: str) -> str:
    """A configured waiver's rule as its logical name (an alias or a member name is accepted)."""
    try:
        return catalog.resolve(rule)
    except UserError:
        return rule.strip()
