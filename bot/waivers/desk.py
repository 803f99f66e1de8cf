"""The waivers in one place: those made in Slack (Redis) and those declared in the configuration
file (kept in git), and who may approve them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.access.scopes import AccessConfig
from bot.cache.lease import REDIS_ERRORS
from bot.waivers.model import Waiver
from bot.waivers.store import WaiverStore

log = logging.getLogger(__name__)


class Waivers:
    def __init__(
        self,
        store: WaiverStore,
        configured: Sequence[Waiver],
        approvers: Sequence[str],
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.configured = [w.model_copy(update={"source": "config"}) for w in configured]
        self.approvers = frozenset(approvers)
        self.clock = clock

    def all(self) -> list[Waiver]:
        """Every waiver kept: in force, or expired lately. A configured waiver wins over one made
        in Slack for the same finding (git is the record)."""
        by_id: dict[str, Waiver] = {}
        try:
            by_id.update({w.id: w for w in self.store.all(self.clock())})
        except REDIS_ERRORS as error:
            log.warning("waivers made in Slack are unreadable (%s); applying the configured ones", error)
        by_id.update({w.id: w for w in self.configured})
        return sorted(by_id.values(), key=lambda w: (w.expires_at, w.rule, w.account_id, w.resource_id))

    def in_force(self) -> list[Waiver]:
        now = self.clock()
        return [w for w in self.all() if w.active(now)]

    def may_approve(self, access: AccessConfig, user: str | None) -> bool:
        """Admins and the configured approvers; anyone where neither is configured (the demo)."""
        if not access.admins and not self.approvers:
            return True
        return user is not None and (user in access.admins or user in self.approvers)

    def is_configured(self, waiver_id: str) -> bool:
        return any(w.id == waiver_id for w in self.configured)
