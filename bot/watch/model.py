"""What a watch is, and what it has seen. Pure."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.answers.models import NonCompliantResource


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


class Seen(BaseModel):
    """What a watch knows of one finding: part of the baseline; being alerted (`alert` is the id
    its message carries in its metadata, to find it after a crash); alerted (with the message's
    ts, where the fix is said); or broken while the watch was muted."""

    state: Literal["baseline", "posting", "alerted", "muted"]
    ts: str | None = None
    alert: str | None = None
    at: float = 0.0
    resource: NonCompliantResource | None = None
