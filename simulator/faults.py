"""Faults the simulator can inject into its aggregate operations, for tests, demos and benches:
AWS errors (throttling, access denied, 5xx) at a rate, latency, and empty pages. Real HTTP
responses reach the real clients; nothing is patched on the client side.

`FAULTS.empty_pages = "always"`: every page of the five operations that AWS lets answer an empty
page with a NextToken (DescribeAggregateComplianceByConfigRules,
GetAggregateComplianceDetailsByConfigRule, GetAggregateConfigRuleComplianceSummary,
DescribeAggregateComplianceByConformancePacks, GetAggregateConformancePackComplianceSummary) is
preceded by such an empty page, and the last rows carry a token to a final empty page; see
`paging.EmptyPages`. `FAULTS.clear()` turns it off with the rest.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

from moto.core.exceptions import JsonRESTError


class InjectedError(JsonRESTError):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code, message)
        self.code = status  # the HTTP status moto answers with


@dataclass
class Fault:
    code: str
    message: str = "Injected by the simulator"
    status: int = 400
    rate: float = 1.0
    operations: frozenset[str] = frozenset()  # snake_case names; empty means every operation
    delay: float = 0.0  # seconds to hang first: longer than the client's read timeout is a timeout


@dataclass
class Faults:
    latency_seconds: float = 0.0
    errors: list[Fault] = field(default_factory=list)
    empty_pages: Literal["never", "always"] = "never"
    _random: random.Random = field(default_factory=lambda: random.Random(0))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        self.latency_seconds = 0.0
        self.errors = []
        self.empty_pages = "never"

    def apply(self, operation: str) -> None:
        """Sleep the latency, then maybe raise an injected error (called outside the data lock)."""
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        for fault in list(self.errors):
            if fault.operations and operation not in fault.operations:
                continue
            with self._lock:
                hit = self._random.random() < fault.rate
            if hit:
                if fault.delay:
                    time.sleep(fault.delay)
                raise InjectedError(fault.code, fault.message, fault.status)


FAULTS = Faults()

THROTTLING = Fault("ThrottlingException", "Rate exceeded", 400)
ACCESS_DENIED = Fault("AccessDeniedException", "User is not authorized to perform this operation", 400)
INTERNAL = Fault("InternalFailure", "Internal failure", 500)
UNAVAILABLE = Fault("ServiceUnavailable", "Service unavailable", 503)


def hang(seconds: float, rate: float = 1.0) -> Fault:
    """A call that hangs for `seconds` (past the client's timeout) and then fails."""
    return Fault("RequestTimeout", "The simulator hung on purpose", 504, rate=rate, delay=seconds)
