"""Alerts within seconds where the organization forwards AWS Config's "Config Rules Compliance
Change" events to an SQS queue (COMPLIANCE_EVENTS_QUEUE_URL): each event ticks the watches whose
scope it falls in at once, so their alert does not wait for the interval; the interval's poll
still runs and reconciles (a lost or late event is caught by it). A tick is idempotent and alerts
once (runner.py), so an event delivered twice, or with the poll, alerts nothing twice."""

from __future__ import annotations

import json
import logging

from bot.aws.client import Tally
from bot.aws.queue import EventQueue
from bot.errors import AwsError
from bot.jobs import JobDesk, Ticker
from bot.watch.model import Watch
from bot.watch.poll import matcher_of
from bot.watch.runner import WatchScheduler

log = logging.getLogger(__name__)
WAIT_SECONDS = 10  # SQS long polling: one call per this long when the queue is quiet


def change_of(body: str) -> tuple[str, str, str, str] | None:
    """(account, region, rule as named in the account, new compliance) of a compliance-change
    event, or None for anything else (the queue may carry other events)."""
    try:
        event = json.loads(body)
        detail = event["detail"]
        if event.get("detail-type") != "Config Rules Compliance Change":
            return None
        return (
            str(detail["awsAccountId"]),
            str(detail["awsRegion"]),
            str(detail["configRuleName"]),
            str(detail["newEvaluationResult"]["complianceType"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


class EventsListener(Ticker):
    """Reads the queue in a thread of its own (each read waits for events, so no pause between
    them) and ticks the watches each change concerns."""

    name = "watch-events"
    interval = 0.0
    join_seconds = WAIT_SECONDS + 5.0

    def __init__(self, deps: JobDesk, watches: WatchScheduler, queue: EventQueue) -> None:
        self.deps = deps
        self.watches = watches
        self.queue = queue
        super().__init__()

    def concerned(self, account: str, region: str, rule_name: str) -> list[Watch]:
        catalog = self.deps.plans.catalog_of(Tally())
        return [
            watch
            for watch in self.watches.watches()
            if watch.account in (None, account)
            and watch.region in (None, region)
            and (watch.rule is None or matcher_of(catalog, watch.rule).matches(rule_name))
        ]

    def once(self, wait: int = WAIT_SECONDS) -> int:
        """Read one batch of events, tick the watches they concern, delete them. Returns how
        many events were read."""
        messages = self.queue.receive(wait)
        due: dict[str, Watch] = {}
        for _, body in messages:
            change = change_of(body)
            if change is not None:
                account, region, rule_name, _ = change
                due.update({w.id: w for w in self.concerned(account, region, rule_name)})
        for watch in due.values():
            try:
                self.watches.runner.tick(watch)
            except Exception:  # the poll will catch it; the other watches go on
                log.exception("watch %s: an event's tick failed; the next poll reads it", watch.id)
        self.queue.delete([handle for handle, _ in messages])  # after the ticks: none is lost
        return len(messages)

    def tick(self) -> None:
        try:
            self.once()
        except AwsError as error:
            log.warning("the events queue could not be read (%s); the poll goes on", error)
            self._stop.wait(5)
