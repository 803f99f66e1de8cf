"""The Slack app: `create_app(settings, deps)` builds the Bolt App that maps slash commands,
mentions, buttons and App Home (handlers/) to the question registry, with one error boundary."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from slack_bolt import App

from bot import boundary
from bot.aws.queue import EventQueue
from bot.deps import Deps, build_deps
from bot.digest.runner import DigestRunner, DigestScheduler
from bot.settings import Settings
from bot.watch.events import EventsListener
from bot.watch.runner import WatchRunner, WatchScheduler
from handlers import register_listeners

log = logging.getLogger(__name__)


def create_app(settings: Settings, deps: Deps | None = None) -> tuple[App, Deps]:
    deps = deps or build_deps(settings)
    if deps.digests is None:
        deps.digests = DigestScheduler(
            deps,
            DigestRunner(deps),
            deps.config.digests,
            timedelta(hours=settings.digest_grace_hours),
            settings.digest_interval,
        )
    if deps.watches is None:
        deps.watches = WatchScheduler(
            deps, WatchRunner(deps), deps.config.configured_watches(), settings.watch_interval
        )
    queue = EventQueue.of(settings)
    if deps.watch_events is None and queue is not None:
        deps.watch_events = EventsListener(deps, deps.watches, queue)
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

    @app.error
    def the_error_boundary(error: Exception, body: dict[str, Any]) -> None:
        """What escaped a listener (every listener answers its own failures politely first): one
        structured log line, through the same boundary."""
        boundary.describe(error, surface="bolt", type=body.get("type"), team=body.get("team_id"))

    return app, deps
