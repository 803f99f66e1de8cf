"""NextToken pagination, as AWS does it: opaque tokens bound to the query that made them.

The first page computes the whole, deterministically ordered result and keeps it under a
snapshot id (bounded per backend), so later pages are cheap and consistent. A token names the
query's fingerprint, so a token from another query, or garbage, is InvalidNextTokenException.
Snapshots do not survive a restart; an evicted snapshot is recomputed, which gives the same
rows because the order is deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from simulator.errors import InvalidLimitException, InvalidNextTokenException
from simulator.state import SimState

T = TypeVar("T")
MAX_SNAPSHOTS = 256


def page_size(limit: Any, maximum: int, default: int | None = None) -> int:
    """The page size AWS would use: 0 or absent means the default (the maximum unless said)."""
    if limit is None or limit == 0:
        return default or maximum
    if not isinstance(limit, int) or limit < 0 or limit > maximum:
        raise InvalidLimitException(
            f"Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value "
            f"less than or equal to {maximum}"
        )
    return limit


def fingerprint(operation: str, params: dict[str, Any]) -> str:
    relevant = {k: v for k, v in params.items() if k not in ("NextToken", "Limit", "MaxResults")}
    blob = json.dumps([operation, relevant], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def paginate(
    state: SimState,
    operation: str,
    params: dict[str, Any],
    size: int,
    compute: Callable[[], Sequence[T]],
) -> tuple[list[T], str | None]:
    """One page of `compute()`'s rows and the token of the next page, if any."""
    print_ = fingerprint(operation, params)
    token = params.get("NextToken")
    if token:
        snapshot_id, offset = _decode(token, print_)
        cached = state.pages.get(snapshot_id)
        rows: Sequence[T] = cached[1] if cached and cached[0] == print_ else compute()
    else:
        snapshot_id, offset = uuid.uuid4().hex[:12], 0
        rows = compute()
    page = list(rows[offset : offset + size])
    if offset + size >= len(rows):
        state.pages.pop(snapshot_id, None)
        return page, None
    if snapshot_id not in state.pages:
        if len(state.pages) >= MAX_SNAPSHOTS:
            state.pages.pop(next(iter(state.pages)))
        state.pages[snapshot_id] = (print_, list(rows))
    return page, _encode(snapshot_id, print_, offset + size)


def _encode(snapshot_id: str, print_: str, offset: int) -> str:
    raw = json.dumps({"s": snapshot_id, "q": print_, "o": offset}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(token: Any, print_: str) -> tuple[str, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        snapshot_id, query, offset = data["s"], data["q"], data["o"]
    except (ValueError, TypeError, KeyError):
        raise InvalidNextTokenException() from None
    if query != print_ or not isinstance(offset, int) or offset < 0:
        raise InvalidNextTokenException()
    return str(snapshot_id), offset
