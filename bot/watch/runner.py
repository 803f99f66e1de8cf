"""Alerting: each watch ticks every COMPLIANCE_WATCH_INTERVAL seconds, on one replica at a time.

    tick(watch) -> its lease (one replica) -> read what it sees now (poll.py)
      -> no baseline yet? record it, alert nothing (a configured watch says so in its channel)
      -> an alert a replica died posting? find it by its message's metadata, else post it again
      -> new findings: write them as "posting" (the intent), post one alert (or one summary of a
         burst, with the CSV in its thread), record them as alerted with the message's ts
      -> fixed findings: drop them, then say so in their alerts' threads (at most once)

A process killed before posting leaves the intent: the next tick looks for the message and posts
only if it is not there. So an alert is posted once across replicas and restarts.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from bot.access.scopes import scope_for
from bot.answers.models import NonCompliantResource
from bot.cache.lease import REDIS_ERRORS, Lease
from bot.jobs import JobDesk, Ticker, find_posted
from bot.presenters.export import csv_text
from bot.presenters.rule import resource_rows
from bot.waivers.model import Book
from bot.watch import message, poll
from bot.watch.model import Seen, Watch, key_parts, resource_of
from bot.watch.store import WatchStore

log = logging.getLogger(__name__)


class WatchRunner:
    def __init__(self, deps: JobDesk, lease_seconds: float = 120.0) -> None:
        self.deps = deps
        self.store = WatchStore(deps.cache.redis, deps.cache.policy.prefix)
        self.lease_seconds = lease_seconds

    def tick(self, watch: Watch) -> str:
        """Alert what is new in the watch's scope since its last tick, unless another replica is
        doing it now. Returns what happened."""
        lease = Lease(self.deps.cache.redis, f"{self.store.prefix}:{watch.id}:lock", self.lease_seconds)
        if not lease.acquire():
            return "another replica is ticking"
        with lease:
            scope = scope_for(self.deps.access, watch.channel, None)
            if scope.nothing:  # a channel that sees nothing is alerted of nothing
                return "outside the channel's scope"
            seen = self.store.seen(watch)
            book = Book(self.deps.waivers.in_force() if self.deps.waivers else (), self.deps.clock())
            counts = _reread_ended(self.store.counts(watch), seen, book)
            reading = poll.read(self.deps.plans, watch, counts, set(seen), scope.accounts)
            if not self.store.ready(watch):
                self.store.record(
                    watch,
                    {k: Seen(state="baseline", at=time.time()) for k in reading.findings},
                    counts=reading.counts,
                    ready=True,
                )
                if watch.source == "config":  # a watch made in Slack said so when it was made
                    self.deps.slack.chat_postMessage(
                        channel=watch.channel, **message.baseline(watch, len(reading.findings))
                    )
                return "baseline"
            self._recover(watch, {k: s for k, s in seen.items() if s.state == "posting"})
            present = {
                k: r if r is not None else (seen[k].resource if k in seen else None)
                for k, r in reading.findings.items()
            }
            waived = {k: r for k, r in present.items() if book.of(*key_parts(k)) is not None}
            # New findings, and waived ones that still break now that their waiver has ended.
            new = {
                k: r
                for k, r in present.items()
                if k not in waived and r is not None and (k not in seen or seen[k].state == "waived")
            }
            gone = [k for k in seen if k not in reading.findings]
            newly_waived = {k: r for k, r in waived.items() if k not in seen or seen[k].state != "waived"}
            self.store.record(
                watch, {k: Seen(state="waived", at=time.time(), resource=r) for k, r in newly_waived.items()}
            )
            if new:
                self._alert(watch, new)
            self.store.record(watch, {}, gone=gone, counts=reading.counts)
            self._say_in_threads(watch, {k: seen[k] for k in gone}, message.fixed)
            self._say_in_threads(watch, {k: seen[k] for k in newly_waived if k in seen}, message.waived)
            return f"{len(new)} new, {len(gone)} fixed"

    # --- alerting -----------------------------------------------------------------------------

    def _alert(self, watch: Watch, new: dict[str, NonCompliantResource]) -> None:
        if self.store.muted(watch):
            self.store.record(watch, {k: Seen(state="muted", at=time.time()) for k in new})
            return
        ordered = sorted(new.items(), key=lambda kv: kv[0])
        alert = hashlib.sha256(("\n".join(k for k, _ in ordered) + watch.id).encode()).hexdigest()[:20]
        now = time.time()
        self.store.record(
            watch, {k: Seen(state="posting", alert=alert, at=now, resource=r) for k, r in ordered}
        )
        self._post(watch, alert, [r for _, r in ordered], [k for k, _ in ordered])

    def _post(self, watch: Watch, alert: str, resources: list[NonCompliantResource], keys: list[str]) -> None:
        posted = self.deps.slack.chat_postMessage(
            channel=watch.channel,
            **message.alert(watch, resources),
            metadata={"event_type": message.EVENT_TYPE, "event_payload": {"alert": alert}},
        )
        ts = str(posted["ts"])
        self.store.record(
            watch,
            {k: Seen.alerted(ts) for k in keys},
        )
        if len(resources) > message.BURST:
            self._upload(watch, ts, resources)

    def _upload(self, watch: Watch, ts: str, resources: list[NonCompliantResource]) -> None:
        try:
            self.deps.slack.files_upload_v2(
                channel=watch.channel,
                thread_ts=ts,
                content=csv_text(resource_rows(resources)),
                filename="compliance-watch.csv",
                title=f"{len(resources)} newly non-compliant resources",
            )
        except Exception:  # the summary is posted and recorded; the CSV is its appendix
            log.exception("watch %s: the burst's CSV could not be uploaded", watch.id)

    def _recover(self, watch: Watch, posting: dict[str, Seen]) -> None:
        """Alerts a replica died while posting: recorded if their message is in the channel, else
        posted now."""
        by_alert: dict[str, list[tuple[str, Seen]]] = {}
        for key, state in posting.items():
            by_alert.setdefault(state.alert or "", []).append((key, state))
        for alert, items in by_alert.items():
            since = min(s.at for _, s in items)
            ts = find_posted(self.deps.slack, watch.channel, message.EVENT_TYPE, "alert", alert, since)
            resources = [s.resource for _, s in items if s.resource is not None]
            keys = [k for k, s in items if s.resource is not None]
            if ts is not None:
                self.store.record(
                    watch,
                    {k: Seen.alerted(ts) for k in keys},
                )
                log.warning("watch alert %s was posted by a replica that died before recording it", alert)
            elif resources:
                self._post(watch, alert, resources, keys)

    def _say_in_threads(
        self,
        watch: Watch,
        changed: dict[str, Seen],
        note: Callable[[list[NonCompliantResource | None], list[str]], dict[str, Any]],
    ) -> None:
        """One message per alert thread, naming the alerted findings that are fixed (or waived)
        (after the record: a crash here loses the note, never doubles it)."""
        by_thread: dict[str, list[tuple[str, Seen]]] = {}
        for key, state in changed.items():
            if state.state == "alerted" and state.ts:
                by_thread.setdefault(state.ts, []).append((key, state))
        for ts, items in by_thread.items():
            try:
                self.deps.slack.chat_postMessage(
                    channel=watch.channel,
                    thread_ts=ts,
                    **note([s.resource or resource_of(k) for k, s in items], [k for k, _ in items]),
                )
            except Exception:
                log.exception("watch %s: a note could not be said in thread %s", watch.id, ts)


def _reread_ended(counts: dict[str, str], seen: dict[str, Seen], book: Book) -> dict[str, str]:
    """The counts to compare with, less those of the places where a waiver ended on a finding
    the watch knows only by its key (part of the baseline when it was waived): that place is
    read again, so the finding is alerted with its details if it still breaks."""
    places = {
        key_parts(k)[1:3]
        for k, s in seen.items()
        if s.state == "waived" and s.resource is None and book.of(*key_parts(k)) is None
    }
    if not places:
        return counts
    return {k: v for k, v in counts.items() if tuple(k.split("|")[1:3]) not in places}


class WatchScheduler(Ticker):
    """Ticks every watch (made in Slack, or configured) every `interval` seconds (any replica may)."""

    name = "watch"

    def __init__(
        self, deps: JobDesk, runner: WatchRunner, configured: Sequence[Watch], interval: float = 300.0
    ) -> None:
        self.deps = deps
        self.runner = runner
        self.configured = list(configured)
        self.interval = interval
        super().__init__()

    def watches(self) -> list[Watch]:
        by_id = {w.id: w for w in self.configured}
        try:
            by_id.update({w.id: w for w in self.runner.store.all()})
        except REDIS_ERRORS as error:
            log.warning("watches made in Slack are unreadable (%s); ticking the configured ones", error)
        return list(by_id.values())

    def tick(self) -> dict[str, str]:
        outcomes = {}
        for watch in self.watches():
            try:
                outcomes[watch.id] = self.runner.tick(watch)
            except Exception:  # one watch's failure must not stop the others, nor the loop
                log.exception("watch %s (%s) failed; the next tick tries again", watch.id, watch.label)
                outcomes[watch.id] = "failed"
        return outcomes
