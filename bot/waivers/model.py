"""What a waiver is, and which findings it covers. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_DAYS = 365  # a longer acceptance is a policy, not a waiver: renew it with a new reason
REASON_CHARS = 500
KEPT_AFTER_EXPIRY = timedelta(days=30)  # an expired waiver stays listed (and in the store) this long
EXPIRING_SOON = timedelta(days=7)  # named in the digest


class Waiver(BaseModel):
    """One accepted finding: a resource breaking a logical rule, in one account and region, until
    `expires_at`. `resource_type` None (a waiver written in the configuration file without it)
    covers the resource id under any type."""

    # Unknown keys refused: a misspelt `resource_typ` in the configuration file would waive the id
    # under every type.
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str  # the logical rule
    account_id: str = Field(pattern=r"^[0-9]{12}$")
    region: str
    resource_id: str
    resource_type: str | None = None
    resource_name: str | None = None
    resource_arn: str | None = None
    expires_at: datetime
    reason: str = Field(min_length=1, max_length=REASON_CHARS)
    approved_by: str | None = None
    created_at: datetime | None = None
    aggregator: str | None = None
    source: Literal["slack", "config"] = "slack"

    @field_validator("expires_at", mode="before")
    @classmethod
    def _end_of_day(cls, value: object) -> object:
        """A date (as the configuration file writes `expires_at: 2026-12-31`) waives through that
        day, UTC; a time without a zone is UTC."""
        if isinstance(value, str) and len(value) == 10:
            value = date.fromisoformat(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime.combine(value + timedelta(days=1), time.min).replace(tzinfo=UTC)
        return value

    @field_validator("expires_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    @classmethod
    def of_finding(
        cls,
        finding: tuple[str, str, str, str, str],
        expires_at: datetime,
        reason: str,
        approved_by: str | None = None,
        **more: object,
    ) -> Waiver:
        """A waiver of one finding as the digest's snapshot holds it (account, region, logical
        rule, resource type, resource id)."""
        account, region, rule, kind, resource = finding
        return cls.model_validate(
            {
                "rule": rule,
                "account_id": account,
                "region": region,
                "resource_id": resource,
                "resource_type": kind,
                "expires_at": expires_at,
                "reason": reason,
                "approved_by": approved_by,
                **more,
            }
        )

    @property
    def id(self) -> str:
        """One waiver per finding: waiving it again replaces it (a new expiry, a new reason)."""
        what = "|".join((self.rule, self.account_id, self.region, self.resource_id, self.aggregator or ""))
        return hashlib.sha256(what.encode()).hexdigest()[:16]

    def active(self, now: datetime) -> bool:
        return now < self.expires_at

    def covers(self, rule: str, account_id: str, region: str, resource_type: str, resource_id: str) -> bool:
        return (rule, account_id, region, resource_id) == (
            self.rule,
            self.account_id,
            self.region,
            self.resource_id,
        ) and self.resource_type in (None, resource_type)

    @property
    def label(self) -> str:
        """The waived finding in words: `bucket-1 (AWS::S3::Bucket) in 111122223333 us-east-1`."""
        kind = f" ({self.resource_type})" if self.resource_type else ""
        return f"{self.resource_name or self.resource_id}{kind} in {self.account_id} {self.region}"


class Book:
    """The waivers in force at one moment, indexed by finding, for the pure code that applies them."""

    def __init__(self, waivers: Iterable[Waiver], now: datetime, aggregator: str | None = None) -> None:
        self.now = now
        self.waivers = [
            w for w in waivers if w.active(now) and (aggregator is None or w.aggregator in (None, aggregator))
        ]
        self._by_place: dict[tuple[str, str, str, str], list[Waiver]] = {}
        for w in self.waivers:
            self._by_place.setdefault((w.rule, w.account_id, w.region, w.resource_id), []).append(w)

    def __bool__(self) -> bool:
        return bool(self.waivers)

    def of(
        self, rule: str, account_id: str, region: str, resource_type: str, resource_id: str
    ) -> Waiver | None:
        """The waiver in force for this finding, if any."""
        for w in self._by_place.get((rule, account_id, region, resource_id), ()):
            if w.resource_type in (None, resource_type):
                return w
        return None

    def for_rule(self, rule: str) -> list[Waiver]:
        return [w for w in self.waivers if w.rule == rule]


def expiring(waivers: Iterable[Waiver], now: datetime, within: timedelta = EXPIRING_SOON) -> list[Waiver]:
    """Waivers in force that end within `within`, soonest first."""
    return sorted((w for w in waivers if now < w.expires_at <= now + within), key=lambda w: w.expires_at)


def days(text: str) -> int:
    """`30d` -> 30, within 1..MAX_DAYS; else ValueError."""
    if not (text.endswith("d") and text[:-1].isdigit()):
        raise ValueError(text)
    n = int(text[:-1])
    if not 1 <= n <= MAX_DAYS:
        raise ValueError(text)
    return n
