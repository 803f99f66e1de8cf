"""Posting digests: exactly once per channel and day across any number of replicas.

    due (schedule.py) -> claim the run (a Redis lease) -> already done? stop
      -> a previous attempt died mid-post? look for its message in the channel (metadata) -> done
      -> build today's snapshot (AWS, with retries; else the last one, with a note)
      -> write the intent, post, record the message ts as done, upload the trend into the thread

A process killed before posting leaves no intent: the next tick (any replica) posts. One killed
after posting is found by its message's metadata, so it is never posted twice.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import metrics
from bot.access.scopes import scope_for
from bot.cache.lease import REDIS_ERRORS, Lease
from bot.digest import chart
from bot.digest import message as digest
from bot.digest.message import Waiving
from bot.digest.schedule import DigestSubscription, Occurrence, occurrence
from bot.digest.snapshot_plan import take_snapshot
from bot.digest.snapshots import Snapshot, SnapshotStore
from bot.errors import AwsError, UserError
from bot.jobs import JobDesk, Ticker, find_posted
from bot.slack import blocks
from bot.waivers import apply
from bot.waivers.model import Book, Waiver, expiring

log = logging.getLogger(__name__)


DigestDesk = JobDesk  # what the digest uses of the bot's dependencies

EVENT_TYPE = "compliance_digest"
RUN_TTL = int(timedelta(days=3).total_seconds())
SNAPSHOT_REUSE = timedelta(hours=1)


class SubscriptionStore:
    """Subscriptions made in Slack, in Redis so they survive restarts and every replica sees them."""

    def __init__(self, deps: DigestDesk) -> None:
        self.redis = deps.cache.redis
        self.key = f"{deps.cache.policy.prefix}:digest:subs"

    def all(self) -> list[DigestSubscription]:
        raw: dict[bytes, bytes] = self.redis.hgetall(self.key)  # type: ignore[assignment]
        return [DigestSubscription.model_validate_json(v) for _, v in sorted(raw.items())]

    def put(self, subscription: DigestSubscription) -> None:
        self.redis.hset(self.key, subscription.channel, subscription.model_dump_json())

    def delete(self, channel: str) -> bool:
        return bool(self.redis.hdel(self.key, channel))


class DigestRunner:
    def __init__(
        self,
        deps: DigestDesk,
        retry_delays: Sequence[float] = (2.0, 8.0, 30.0),
        lease_seconds: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.deps = deps
        self.snapshots = SnapshotStore(deps.cache.redis, deps.cache.policy.prefix)
        self.retry_delays = retry_delays
        self.lease_seconds = lease_seconds
        self.sleep = sleep
        self.prefix = f"{deps.cache.policy.prefix}:digest"

    # --- scheduled runs -----------------------------------------------------------------------

    def run(self, subscription: DigestSubscription, due: Occurrence) -> str:
        """Post the scheduled digest unless some replica already did. Returns what happened."""
        redis = self.deps.cache.redis
        done_key, intent_key = f"{self.prefix}:done:{due.run_id}", f"{self.prefix}:intent:{due.run_id}"
        if redis.exists(done_key):
            return "already posted"
        lease = Lease(redis, f"{self.prefix}:lock:{due.run_id}", self.lease_seconds)
        if not lease.acquire():
            return "another replica is posting"
        with lease:
            if redis.exists(done_key):
                return "already posted"
            intent = redis.get(intent_key)
            if intent is not None:
                found = self._find_posted(subscription.channel, due.run_id, float(json.loads(intent)["at"]))
                if found:
                    redis.set(done_key, found, ex=RUN_TTL)
                    log.warning("digest %s was posted by a replica that died before recording it", due.run_id)
                    return "recovered"
            late = None
            if due.is_late:
                late = (
                    f":clock3: Posted late: it was due at {subscription.time} {subscription.timezone}, "
                    f"{int(due.late.total_seconds() // 60)} min ago, while no replica was up."
                )
            message, png = self._content(
                subscription.aggregator, due.local_date.isoformat(), late, subscription.channel
            )
            redis.set(intent_key, json.dumps({"at": time.time()}), ex=RUN_TTL)
            ts = self._post(subscription.channel, due.run_id, message, png)
            redis.set(done_key, ts, ex=RUN_TTL)
            return "posted"

    def post_now(self, channel: str, aggregator: str | None = None) -> str:
        """`digest now`: post the digest into the channel at once (not counted as the day's run)."""
        day = self.deps.clock().date().isoformat()
        message, png = self._content(aggregator, day, None, channel)
        return self._post(channel, f"{channel}:now:{time.time()}", message, png)

    # --- building -----------------------------------------------------------------------------

    def _content(
        self, aggregator: str | None, day_label: str, late: str | None, channel: str
    ) -> tuple[dict[str, Any], bytes]:
        """The digest as the channel may see it: limited to its scope's accounts."""
        name = self.deps.plans.name(aggregator)
        scope = scope_for(self.deps.access, channel, None)
        if scope.nothing:
            return blocks.text_message(
                "Compliance data is not available in this channel, so there is no digest to post here."
            ), b""
        today, degraded = self._snapshot(name)
        now = self.deps.clock()
        if today is None:
            return blocks.text_message(
                ":warning: AWS Config could not be read for today's digest and no earlier snapshot "
                "exists. `/compliance health` shows the aggregator's state.",
                "Compliance digest unavailable",
            ), b""
        previous = self.snapshots.previous(name, today.day)
        today = today.limited_to(scope.accounts)
        previous = previous.limited_to(scope.accounts) if previous else None
        today, previous, waiving = self._waived(name, today, previous, scope.accounts, now)
        message = digest.message(today, previous, day_label, now, late, degraded, aggregator, waiving)
        png = chart.trend_png(self.snapshots.history(name, today.day, accounts=scope.accounts))
        return message, png

    def _waived(
        self,
        aggregator: str,
        today: Snapshot,
        previous: Snapshot | None,
        accounts: frozenset[str] | None,
        now: datetime,
    ) -> tuple[Snapshot, Snapshot | None, Waiving]:
        """Both snapshots without the findings waived now (so the delta is what changed in AWS,
        not what was waived), and what the waivers did. The snapshots stay stored as AWS gave
        them: waivers apply as the digest is shown."""
        kept = self.deps.waivers.all() if self.deps.waivers is not None else []
        mine = [w for w in kept if accounts is None or w.account_id in accounts]
        book = Book(mine, now, aggregator)
        today, waived = apply.snapshot(today, book)
        previous = apply.snapshot(previous, book)[0] if previous is not None else None
        ended: list[Waiver] = []
        if previous is not None:  # in force at the previous snapshot, over by now
            then = Book(mine, previous.taken_at, aggregator).waivers
            ended = sorted((w for w in then if w.expires_at <= now), key=lambda w: w.expires_at)
        return today, previous, Waiving(waived, expiring(book.waivers, now), ended)

    def _snapshot(self, aggregator: str) -> tuple[Snapshot | None, str | None]:
        """Today's snapshot, taken now (with retries) unless a recent one exists; if AWS stays
        unavailable, the last snapshot with a note saying how old it is."""
        now = self.deps.clock()
        recent = self.snapshots.get(aggregator, now.date().isoformat())
        if recent is not None and now - recent.taken_at < SNAPSHOT_REUSE:
            return recent, None
        error: Exception | None = None
        for attempt, delay in enumerate([0.0, *self.retry_delays]):
            if delay:
                self.sleep(delay)
            try:
                snapshot: Snapshot = take_snapshot(self.deps.plans, aggregator).data
                self.snapshots.save(snapshot)
                return snapshot, None
            except (AwsError, UserError) as failure:
                error = failure
                log.warning("digest snapshot attempt %s for %s failed: %s", attempt + 1, aggregator, failure)
        last = self.snapshots.latest(aggregator)
        note = (
            (
                f":warning: AWS Config could not be read just now ({blocks.refusal_text(str(error))}); these "
                "figures are from the "
                f"snapshot of {last.taken_at:%Y-%m-%d %H:%M} UTC."
            )
            if last
            else None
        )
        return last, note

    # --- Slack --------------------------------------------------------------------------------

    def _post(self, channel: str, run_id: str, message: dict[str, Any], png: bytes) -> str:
        posted = self.deps.slack.chat_postMessage(
            channel=channel, **message, metadata={"event_type": EVENT_TYPE, "event_payload": {"run": run_id}}
        )
        ts = str(posted["ts"])
        if not png:
            return ts
        try:
            self.deps.slack.files_upload_v2(
                channel=channel,
                thread_ts=ts,
                content=png,
                filename="compliance-trend.png",
                title="Compliance, last 30 days",
            )
        except Exception:  # the chart is a bonus: the digest itself is posted and recorded
            log.exception("digest %s: the trend chart could not be uploaded", run_id)
        return ts

    def _find_posted(self, channel: str, run_id: str, since: float) -> str | None:
        return find_posted(self.deps.slack, channel, EVENT_TYPE, "run", run_id, since)


class DigestScheduler(Ticker):
    """Checks every `interval` seconds which digests are due and runs them (any replica may)."""

    name = "digest"

    def __init__(
        self,
        deps: DigestDesk,
        runner: DigestRunner,
        configured: Sequence[DigestSubscription],
        grace: timedelta,
        interval: float = 30.0,
    ) -> None:
        self.deps = deps
        self.runner = runner
        self.configured = list(configured)
        self.store = SubscriptionStore(deps)
        self.grace = grace
        self.interval = interval
        super().__init__()

    def subscriptions(self) -> list[DigestSubscription]:
        by_channel = {s.channel: s for s in self.configured}
        try:
            by_channel.update({s.channel: s for s in self.store.all()})
        except REDIS_ERRORS as error:
            log.warning(
                "digest subscriptions made in Slack are unreadable (%s); using the configured ones", error
            )
        return list(by_channel.values())

    def tick(self, now: datetime | None = None) -> dict[str, str]:
        now = now or datetime.now(UTC)
        outcomes = {}
        for subscription in self.subscriptions():
            due = occurrence(subscription, now, self.grace)
            if due is None:
                continue
            try:
                outcomes[due.run_id] = self.runner.run(subscription, due)
            except Exception:  # one channel's failure must not stop the others, nor the loop
                log.exception("digest %s failed; the next tick tries again", due.run_id)
                outcomes[due.run_id] = "failed"
            metrics.DIGEST_RUNS.labels(outcomes[due.run_id]).inc()
        return outcomes
