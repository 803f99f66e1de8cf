"""Attach the simulator's operations to moto's config service, idempotently.

moto routes a request by looking up the snake_case operation among ConfigResponse's functions
on every call, so a function set on the class is served under `mock_aws()` and by
`ThreadedMotoServer` alike, even after the server started. Subclassing would not be routed.
Every request the simulator serves, and the aggregator requests moto serves, first pass the
input validation AWS does on the server (`simulator.validation`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from moto.config.responses import ConfigResponse
from moto.core.responses import ActionResult

from simulator import accounts, direct, operations, sources
from simulator.faults import FAULTS
from simulator.state import LOCK
from simulator.validation import validate

log = logging.getLogger(__name__)

Operation = Callable[[str, str, dict[str, Any]], dict[str, Any]]

# moto has these, but they read only the aggregator's own account or store nothing: replace them.
REPLACED: tuple[Operation, ...] = (
    operations.list_aggregate_discovered_resources,
    operations.batch_get_aggregate_resource_config,
    operations.put_evaluations,
)
# moto lacks these; if a future moto implements one natively, keep moto's.
ADDED: tuple[Operation, ...] = (
    operations.describe_aggregate_compliance_by_config_rules,
    operations.get_aggregate_compliance_details_by_config_rule,
    operations.get_aggregate_config_rule_compliance_summary,
    operations.get_aggregate_discovered_resource_counts,
    operations.get_aggregate_resource_config,
    operations.describe_configuration_aggregator_sources_status,
    operations.select_aggregate_resource_config,
    operations.describe_aggregate_compliance_by_conformance_packs,
    operations.get_aggregate_conformance_pack_compliance_summary,
    operations.put_organization_config_rule,
    operations.describe_organization_config_rules,
)
# moto serves these well enough, but without AWS's validation of names (aggregator names).
VALIDATED = ("put_configuration_aggregator", "describe_configuration_aggregators")
_MARK = "_compliance_sim"


def _served(operation: Operation) -> Operation:
    """The operation as every request meets it: injected faults, AWS's input validation, then the
    operation under the data lock."""

    def serve(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        FAULTS.apply(operation.__name__)
        validate(operation.__name__, params)
        with LOCK:
            return operation(account, region, params)

    return serve


def _handler(operation: Operation) -> Callable[[ConfigResponse], ActionResult]:
    served = _served(operation)

    def handle(self: ConfigResponse) -> ActionResult:
        return ActionResult(served(self.current_account, self.region, json.loads(self.body or "{}")))

    handle.__name__ = operation.__name__
    setattr(handle, _MARK, True)
    return handle


def _validated(name: str, native: Callable[[ConfigResponse], Any]) -> Callable[[ConfigResponse], Any]:
    def handle(self: ConfigResponse) -> Any:
        validate(name, json.loads(self.body or "{}"))
        return native(self)

    handle.__name__ = name
    setattr(handle, _MARK, True)
    return handle


def install() -> list[str]:
    """Register every operation; returns the names now served by the simulator."""
    accounts.install()
    sources.install_membership()
    for name in VALIDATED:
        native = ConfigResponse.__dict__[name]
        if not getattr(native, _MARK, False):
            setattr(ConfigResponse, name, _validated(name, native))
    served = []
    routes: dict[str, Operation] = {}
    for operation in (*REPLACED, *ADDED):
        name = operation.__name__
        current = ConfigResponse.__dict__.get(name)
        if current is not None and getattr(current, _MARK, False):
            served.append(name)
            continue
        if current is not None and operation in ADDED:
            log.warning("moto implements %s natively now; keeping moto's", name)
            continue
        setattr(ConfigResponse, name, _handler(operation))
        served.append(name)
    for operation in (*REPLACED, *ADDED):
        if operation.__name__ in served:
            routes[_pascal(operation.__name__)] = _served(operation)
    direct.install(routes)
    return served


def _pascal(snake: str) -> str:
    return "".join(part.title() for part in snake.split("_"))
