"""Daily compliance snapshots in Redis: the single source of a digest's delta and its trend.

One snapshot per aggregator and UTC day, compressed, kept for a bounded number of days."""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import date, datetime, timedelta

import redis
from pydantic import BaseModel, ConfigDict, Field

from bot.answers.coverage import problems_in_scope
from bot.answers.models import SourceProblem

RETENTION_DAYS = 90  # day summaries: what the 30-day trend reads, and the bound of the history
# Whole snapshots (every finding, ~2 MB compressed at 10,000 accounts): a digest reads only the
# latest before today (for "newly non-compliant / fixed"), so a week of them is enough even when
# digests were missed for days; 90 would be ~190 MB at 10,000 accounts.
SNAPSHOT_DAYS = 8
Finding = tuple[str, str, str, str, str]  # account, region, logical rule, resource type, resource id


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)

    aggregator: str
    taken_at: datetime
    compliant_resources: int
    non_compliant_resources: int
    compliant_rules: int
    non_compliant_rules: int
    findings: list[Finding] = Field(default_factory=list)
    problems: list[SourceProblem] = Field(default_factory=list)
    compliant_by_account: dict[str, int] = Field(default_factory=dict)
    rules_by_account: dict[str, tuple[int, int]] = Field(default_factory=dict)  # compliant, non-compliant
    # Accounts inferred not to record compliance items: findings read from the compliance APIs,
    # compliant resources not counted.
    without_compliance_items: list[str] = Field(default_factory=list)
    capped: bool = False  # some rule counts are AWS's lower bounds
    truncated: bool = False  # some details were not read (detail_call_cap): findings are a lower bound

    @property
    def day(self) -> date:
        return self.taken_at.date()

    def limited_to(self, accounts: frozenset[str] | None) -> Snapshot:
        """The snapshot as a channel scoped to `accounts` may see it: every total recomputed from
        those accounts alone."""
        if accounts is None:
            return self
        findings = [f for f in self.findings if f[0] in accounts]
        rules = {a: r for a, r in self.rules_by_account.items() if a in accounts}
        compliant = {a: n for a, n in self.compliant_by_account.items() if a in accounts}
        return self.model_copy(
            update={
                "findings": findings,
                "problems": problems_in_scope(self.problems, accounts.__contains__),
                "compliant_by_account": compliant,
                "rules_by_account": rules,
                "without_compliance_items": [a for a in self.without_compliance_items if a in accounts],
                "compliant_resources": sum(compliant.values()),
                "non_compliant_resources": len({f[:2] + f[3:] for f in findings}),
                "compliant_rules": sum(c for c, _ in rules.values()),
                "non_compliant_rules": sum(n for _, n in rules.values()),
            }
        )


class DaySummary(BaseModel):
    """What the trend needs of one day, kept beside its snapshot so that 30 days of trend read
    30 small records rather than 30 snapshots of every finding."""

    taken_at: datetime
    compliant_resources: int
    non_compliant_resources: int
    compliant_by_account: dict[str, int] = Field(default_factory=dict)
    non_compliant_by_account: dict[str, int] = Field(default_factory=dict)  # distinct resources

    @classmethod
    def of(cls, snapshot: Snapshot) -> DaySummary:
        resources = Counter(account for account, *_ in {f[:2] + f[3:] for f in snapshot.findings})
        return cls(
            taken_at=snapshot.taken_at,
            compliant_resources=snapshot.compliant_resources,
            non_compliant_resources=snapshot.non_compliant_resources,
            compliant_by_account=snapshot.compliant_by_account,
            non_compliant_by_account=dict(resources),
        )

    def point(self, accounts: frozenset[str] | None) -> tuple[date, int, int]:
        """(day, non-compliant resources, compliant resources), within `accounts` if given (the
        same figures as `Snapshot.limited_to`)."""
        if accounts is None:
            return self.taken_at.date(), self.non_compliant_resources, self.compliant_resources

        def total(counts: dict[str, int]) -> int:
            return sum(n for a, n in counts.items() if a in accounts)

        return self.taken_at.date(), total(self.non_compliant_by_account), total(self.compliant_by_account)


class SnapshotStore:
    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        retention_days: int = RETENTION_DAYS,
        snapshot_days: int = SNAPSHOT_DAYS,
    ) -> None:
        """Bounded: `snapshot_days` whole snapshots and `retention_days` day summaries per
        aggregator (older ones are dropped as each day is saved)."""
        self.client = client
        self.prefix = prefix
        self.retention_days = retention_days
        self.snapshot_days = snapshot_days

    def _key(self, aggregator: str) -> str:
        return f"{self.prefix}:snap:{aggregator}"

    def _summary_key(self, aggregator: str) -> str:
        return f"{self.prefix}:snapsum:{aggregator}"

    def save(self, snapshot: Snapshot) -> None:
        day = snapshot.day.isoformat()
        # Bytes straight from the serializer: no intermediate str of the whole snapshot.
        blob = zlib.compress(Snapshot.__pydantic_serializer__.to_json(snapshot), 6)
        summary = zlib.compress(DaySummary.__pydantic_serializer__.to_json(DaySummary.of(snapshot)), 6)
        pipe = self.client.pipeline()
        pipe.hset(self._key(snapshot.aggregator), day, blob)
        pipe.hset(self._summary_key(snapshot.aggregator), day, summary)
        pipe.execute()
        self._prune(self._key(snapshot.aggregator), snapshot.day - timedelta(days=self.snapshot_days))
        self._prune(
            self._summary_key(snapshot.aggregator), snapshot.day - timedelta(days=self.retention_days)
        )

    def _prune(self, key: str, before: date) -> None:
        fields: list[bytes] = self.client.hkeys(key)  # type: ignore[assignment]
        old = [d for d in fields if d.decode() < before.isoformat()]
        if old:
            self.client.hdel(key, *old)

    def days(self, aggregator: str) -> list[str]:
        """The days with a whole snapshot."""
        keys: list[bytes] = self.client.hkeys(self._key(aggregator))  # type: ignore[assignment]
        return sorted(d.decode() for d in keys)

    def summary_days(self, aggregator: str) -> list[str]:
        keys: list[bytes] = self.client.hkeys(self._summary_key(aggregator))  # type: ignore[assignment]
        return sorted(d.decode() for d in keys)

    def get(self, aggregator: str, day: str) -> Snapshot | None:
        raw = self.client.hget(self._key(aggregator), day)
        if raw is None:
            return None
        try:
            # pydantic's JSON parser shares repeated strings (accounts, regions, rules, types).
            return Snapshot.model_validate_json(zlib.decompress(bytes(raw)))  # type: ignore[arg-type]
        except (zlib.error, ValueError):
            return None

    def previous(self, aggregator: str, before: date) -> Snapshot | None:
        earlier = [d for d in self.days(aggregator) if d < before.isoformat()]
        return self.get(aggregator, earlier[-1]) if earlier else None

    def latest(self, aggregator: str) -> Snapshot | None:
        days = self.days(aggregator)
        return self.get(aggregator, days[-1]) if days else None

    def history(
        self, aggregator: str, until: date, days: int = 30, accounts: frozenset[str] | None = None
    ) -> list[tuple[date, int, int]]:
        """(day, non-compliant resources, compliant resources) for the last `days` days."""
        start = (until - timedelta(days=days - 1)).isoformat()
        # Summaries, and the days saved before summaries existed (read from their snapshots).
        known = set(self.summary_days(aggregator)) | set(self.days(aggregator))
        wanted = sorted(d for d in known if start <= d <= until.isoformat())
        if not wanted:
            return []
        raw: list[bytes | None] = self.client.hmget(self._summary_key(aggregator), wanted)  # type: ignore[assignment]
        points = []
        for day, summary in zip(wanted, raw, strict=True):
            point = self._point(aggregator, day, summary, accounts)
            if point is not None:
                points.append(point)
        return points

    def _point(
        self, aggregator: str, day: str, summary: bytes | None, accounts: frozenset[str] | None
    ) -> tuple[date, int, int] | None:
        if summary is not None:
            try:
                return DaySummary.model_validate_json(zlib.decompress(summary)).point(accounts)
            except (zlib.error, ValueError):
                pass
        # A day saved without its summary (or a damaged one): read the whole snapshot.
        snapshot = self.get(aggregator, day)
        if snapshot is None:
            return None
        return DaySummary.of(snapshot).point(accounts)
