"""What a watch is, and what it has seen. Pure."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.answers.models import NonCompliantResource
from bot.aws.console import console_url


class Watch(BaseModel):
    """A channel's watch: one logical rule (or every rule), optionally one account and one region."""

    model_config = ConfigDict(frozen=True)

    channel: str
    rule: str | None = None  # None: every rule
    account: str | None = None
    region: str | None = None
    aggregator: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    source: Literal["slack", "config"] = "slack"

    @property
    def id(self) -> str:
        """The same scope in the same channel is one watch, however often it is asked for."""
        what = "|".join(
            (self.channel, self.rule or "*", self.account or "*", self.region or "*", self.aggregator or "")
        )
        return hashlib.sha256(what.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        """The watch as the command that makes it: `watch s3-encryption account 1111...`."""
        parts = [self.rule or ("account" if self.account and not self.rule else "all")]
        if self.rule is None and self.account:
            parts = ["account", self.account]
        elif self.account:
            parts += ["account", self.account]
        if self.region:
            parts += ["region", self.region]
        return " ".join(parts)


def finding_key(resource: NonCompliantResource) -> str:
    """One finding: a resource breaking a logical rule."""
    return "|".join(
        (resource.rule, resource.account_id, resource.region, resource.resource_type, resource.resource_id)
    )


def key_parts(key: str) -> tuple[str, str, str, str, str]:
    """A finding's key as (logical rule, account, region, resource type, resource id)."""
    rule, account, region, kind, resource = key.split("|", 4)
    return rule, account, region, kind, resource


def resource_of(key: str) -> NonCompliantResource:
    """A finding as its key names it (no annotation, no physical rule names), with its console link."""
    rule, account, region, kind, resource = key_parts(key)
    return NonCompliantResource(
        account_id=account,
        region=region,
        resource_type=kind,
        resource_id=resource,
        rule=rule,
        rule_names=[],
        console_url=console_url(kind, resource, region),
    )


class Seen(BaseModel):
    """What a watch knows of one finding: part of the baseline; being alerted (`alert` is the id
    its message carries in its metadata, to find it after a crash); alerted (with the message's
    ts, where the fix is said); broken while the watch was muted; or broken but waived (alerted
    if it still breaks when its waiver ends)."""

    state: Literal["baseline", "posting", "alerted", "muted", "waived"]
    ts: str | None = None
    alert: str | None = None
    at: float = 0.0
    resource: NonCompliantResource | None = None

    @classmethod
    def alerted(cls, ts: str) -> Seen:
        """An alerted finding: its message's ts only. Its details were in the alert; the fix note
        names it from its key (at 10,000 accounts, a finding's details would double what watches
        keep in Redis: bench/redis_sizing.py)."""
        return cls(state="alerted", ts=ts, at=time.time())
