"""NextToken pagination, as AWS does it: opaque tokens bound to the query that made them.

The first page computes the whole, deterministically ordered result and keeps it under a
snapshot id (bounded per backend), so later pages are cheap and consistent. A token names the
query's fingerprint, so a token from another query, or garbage, is InvalidNextTokenException.
Snapshots do not survive a restart; an evicted snapshot is recomputed, which gives the same
rows because the order is deterministic.

Five operations may answer an empty page that still carries a NextToken ("The results can return
an empty result page, but if you have a nextToken, the results are displayed on the next page").
`EmptyPages` says when: before a page, an empty page whose token leads to that page; after the
last rows, a token that leads to a final empty page without one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from simulator.errors import InvalidLimitException, InvalidNextTokenException
from simulator.faults import FAULTS
from simulator.state import SimState

T = TypeVar("T")
MAX_SNAPSHOTS = 256


class LazyRows:
    """Rows made as pages ask for them, in the order `rows` yields them: a first page of 100 of
    an answer of 300,000 rows costs 101 rows. Kept in the page snapshot, so the next page
    continues where this one stopped (the iterator reads an immutable view; see views.py)."""

    __slots__ = ("made", "rows")

    def __init__(self, rows: Iterable[Any]) -> None:
        self.made: list[Any] = []
        self.rows: Iterator[Any] | None = iter(rows)

    def fetch(self, offset: int, count: int) -> list[Any]:
        while self.rows is not None and len(self.made) < offset + count:
            following = next(self.rows, _END)
            if following is _END:
                self.rows = None
            else:
                self.made.append(following)
        return self.made[offset : offset + count]


_END = object()
Rows = Sequence[Any] | LazyRows


@dataclass(frozen=True, slots=True)
class EmptyPages:
    """When a page becomes an empty page with a NextToken: at `rate`, decided by a hash of the
    seed, the query and the offset, so the same query meets the same empty pages whatever the
    order of calls (threads, retries) in between."""

    rate: float = 0.0
    seed: int = 0

    def before(self, query: str, offset: int) -> bool:
        return self._draw(query, offset, "before")

    def after(self, query: str, offset: int) -> bool:
        return self._draw(query, offset, "after")

    def _draw(self, query: str, offset: int, where: str) -> bool:
        if self.rate <= 0:
            return False
        if self.rate >= 1:
            return True
        digest = hashlib.sha256(f"{self.seed}/{query}/{offset}/{where}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.rate


NO_EMPTY_PAGES = EmptyPages()


def empty_pages(state: SimState) -> EmptyPages:
    """The empty pages an aggregator owner's five operations give: always under the fault mode
    (`FAULTS.empty_pages = "always"`), else at the owner's seeded rate."""
    if FAULTS.empty_pages == "always":
        return EmptyPages(1.0)
    return EmptyPages(state.empty_page_rate, state.empty_page_seed)


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
    compute: Callable[[], Rows],
    empty: EmptyPages = NO_EMPTY_PAGES,
) -> tuple[list[Any], str | None]:
    """One page of `compute()`'s rows and the token of the next page, if any."""
    print_ = fingerprint(operation, params)
    token = params.get("NextToken")
    if token:
        cursor = _decode(token, print_)
        if cursor.final:
            state.pages.pop(cursor.snapshot, None)
            return [], None
        cached = state.pages.get(cursor.snapshot)
        rows: Rows = cached[1] if cached and cached[0] == print_ else compute()
    else:
        cursor = _Cursor(uuid.uuid4().hex[:12], 0)
        rows = compute()
    if not cursor.emptied and empty.before(print_, cursor.offset):
        _keep(state, cursor.snapshot, print_, rows)
        return [], _encode(_Cursor(cursor.snapshot, cursor.offset, emptied=True), print_)
    offset = cursor.offset
    # One row more than the page says whether there is a next page.
    ahead = (
        rows.fetch(offset, size + 1) if isinstance(rows, LazyRows) else list(rows[offset : offset + size + 1])
    )
    page = ahead[:size]
    if len(ahead) <= size:
        if _any(rows) and empty.after(print_, offset):
            return page, _encode(_Cursor(cursor.snapshot, offset + size, final=True), print_)
        state.pages.pop(cursor.snapshot, None)
        return page, None
    _keep(state, cursor.snapshot, print_, rows)
    return page, _encode(_Cursor(cursor.snapshot, offset + size), print_)


@dataclass(frozen=True, slots=True)
class _Cursor:
    snapshot: str
    offset: int
    emptied: bool = False  # the empty page before `offset` was served
    final: bool = False  # what is left is one empty page without a token


def _any(rows: Rows) -> bool:
    return bool(rows.fetch(0, 1)) if isinstance(rows, LazyRows) else bool(rows)


def _keep(state: SimState, snapshot: str, print_: str, rows: Rows) -> None:
    if snapshot in state.pages:
        return
    if len(state.pages) >= MAX_SNAPSHOTS:
        state.pages.pop(next(iter(state.pages)))
    state.pages[snapshot] = (print_, rows if isinstance(rows, LazyRows) else list(rows))


def _encode(cursor: _Cursor, print_: str) -> str:
    data: dict[str, Any] = {"s": cursor.snapshot, "q": print_, "o": cursor.offset}
    if cursor.emptied:
        data["e"] = 1
    if cursor.final:
        data["f"] = 1
    raw = json.dumps(data, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(token: Any, print_: str) -> _Cursor:
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        snapshot_id, query, offset = data["s"], data["q"], data["o"]
        emptied, final = bool(data.get("e")), bool(data.get("f"))
    except (ValueError, TypeError, KeyError, AttributeError):
        raise InvalidNextTokenException() from None
    if query != print_ or not isinstance(offset, int) or offset < 0:
        raise InvalidNextTokenException()
    return _Cursor(str(snapshot_id), offset, emptied, final)
