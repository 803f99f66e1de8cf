"""Who may see what: scopes per channel, from the YAML configuration. Pure.

    admins: [U0ADMIN]                 # may refresh, manage digests, run queries in any channel
    default_scope: all                # or none: channels not listed see nothing
    channels:
      C0PAYMENTS: {accounts: ["222222222222", "333333333333"]}
      C0SECURITY: {accounts: all, query: true}

Every answer is filtered to the scope of the channel it is posted in; a DM has the user's scope
(admins everything, others the default).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from bot.errors import UserError

ACCOUNT = re.compile(r"^[0-9]{12}$")


class ChannelAccess(BaseModel):
    accounts: list[str] | Literal["all"] = "all"
    query: bool = False
    watch: bool = False  # anyone in the channel may change its watches (else admins only)

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, value: list[str] | str) -> list[str] | str:
        if isinstance(value, list):
            bad = [a for a in value if not ACCOUNT.match(str(a))]
            if bad:
                raise ValueError(f"not 12-digit account ids: {bad}")
            return sorted({str(a) for a in value})
        return value


class AccessConfig(BaseModel):
    admins: list[str] = Field(default_factory=list)
    default_scope: Literal["all", "none"] = "all"
    channels: dict[str, ChannelAccess] = Field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """The accounts an answer may show (None: all), and whether advanced queries may run."""

    accounts: frozenset[str] | None
    query: bool
    admin: bool = False

    @property
    def everything(self) -> bool:
        return self.accounts is None

    @property
    def nothing(self) -> bool:
        return self.accounts is not None and not self.accounts

    @property
    def name(self) -> str:
        """The scope's part of a cache key: answers for different scopes never share an entry."""
        if self.accounts is None:
            return "all"
        digest = hashlib.sha256(",".join(sorted(self.accounts)).encode()).hexdigest()[:12]
        return f"acct-{digest}"

    def allows(self, account: str) -> bool:
        return self.accounts is None or account in self.accounts


EVERYTHING = Scope(None, query=True, admin=True)


class NotAvailable(UserError):
    def __init__(self, what: str = "That") -> None:
        super().__init__(f"{what} is not available in this channel.")


class QueryNotAllowed(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Advanced queries are not enabled in this channel. An admin can enable them "
            "(`query: true` for the channel in the bot's configuration)."
        )


def scope_for(config: AccessConfig, channel: str | None, user: str | None) -> Scope:
    admin = bool(user) and user in config.admins
    direct = channel is None or channel.startswith("D")
    if direct:
        if admin:
            return Scope(None, query=True, admin=True)
        return Scope(None if config.default_scope == "all" else frozenset(), query=False)
    access = config.channels.get(channel or "")
    accounts: frozenset[str] | None
    if access is None:
        accounts = None if config.default_scope == "all" else frozenset()
        return Scope(accounts, query=admin, admin=admin)
    accounts = None if access.accounts == "all" else frozenset(access.accounts)
    return Scope(accounts, query=access.query or admin, admin=admin)


def may_manage(config: AccessConfig, user: str | None) -> bool:
    """Refresh and digest management: admins, or anyone when no admins are configured."""
    return not config.admins or (user is not None and user in config.admins)
