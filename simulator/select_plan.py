"""Which documents an advanced query's WHERE can match, from the view's indexes (views.py).

`candidates` answers (ordinals in query order, exact) or None when the condition uses no indexed
field: `=`, IN and LIKE 'prefix%' on an indexed field look their values up; AND intersects (one
side is enough), OR unites (both sides are needed). Exact means every candidate matches, so the
caller need not evaluate the condition; otherwise it still does, so the answer never changes.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Callable
from typing import Any

from simulator.sql.syntax import BoolOp, Compare, Condition, InList, Like
from simulator.views import AggregatorView, Postings

Candidates = tuple[list[int], bool]
# A compliance item's resourceId and resourceName ("<target type>/<target id>") are in no index:
# lookups on these fields also reach items through their targets.
BY_TARGET = ("resourceId", "resourceName")


def candidates(built: AggregatorView, condition: Condition | None) -> Candidates | None:
    found = plan(built, condition)
    return None if found is None else (sorted(found[0]), found[1])


def plan(built: AggregatorView, condition: Condition | None) -> tuple[set[int], bool] | None:
    """The candidates of `condition` (not to be changed: kept on the view, which never changes,
    for the next query with the same condition, such as each region's page of one question)."""
    if condition is None:
        return None
    if condition in built.plans:
        known: tuple[set[int], bool] | None = built.plans[condition]
        return known
    found = _plan(built, condition)
    if len(built.plans) >= MAX_PLANS:
        built.plans.clear()
    built.plans[condition] = found
    return found


MAX_PLANS = 256


def _plan(built: AggregatorView, condition: Condition) -> tuple[set[int], bool] | None:
    if isinstance(condition, BoolOp) and condition.op == "AND":
        return _both(built, condition.left, condition.right)
    if isinstance(condition, BoolOp):
        left, right = plan(built, condition.left), plan(built, condition.right)
        if left is None or right is None:
            return None
        return left[0] | right[0], left[1] and right[1]
    if not isinstance(condition, Compare | InList | Like):
        return None
    name = condition.path.text
    if name not in built.index or name in built.unindexable:
        return None
    if isinstance(condition, Compare):
        if condition.op != "=" or not isinstance(condition.value, str):
            return None
        return _lookup(built, name, [condition.value]), True
    if isinstance(condition, InList):
        if not all(isinstance(v, str) for v in condition.values):
            return None
        return _lookup(built, name, [str(v) for v in condition.values]), True
    if not condition.wildcard:
        return _lookup(built, name, [condition.pattern]), True
    if "_" in condition.pattern:  # `_` is a wildcard too: no prefix to look up
        return None
    return _prefixed(built, name, condition.prefix), True


def _both(built: AggregatorView, left: Condition, right: Condition) -> tuple[set[int], bool] | None:
    """AND: the side that looks up fewer documents first; the other side's candidates are made
    too only when they are not many more. Otherwise its postings are asked about each candidate
    (a bisection each): one rule's items among two million compliance items at 10,000 accounts
    x 17 regions cost seconds as two sets and their intersection."""
    sides = sorted(
        ((_size(built, left), left), (_size(built, right), right)),
        key=lambda side: -1 if side[0] is None else side[0],  # unknown: found first, as before
    )
    (_, first), (larger, second) = sides
    found = plan(built, first)
    if found is not None and larger is not None and larger > MEMBERSHIP_RATIO * len(found[0]):
        member = _member(built, second)
        if member is not None:
            return {o for o in found[0] if member(o)}, found[1]
    rest = plan(built, second)
    if found is None or rest is None:
        one = found or rest
        return None if one is None else (one[0], False)
    small, large = sorted((found[0], rest[0]), key=len)
    return {o for o in small if o in large}, found[1] and rest[1]


# An AND's larger side is looked up in full only when it is at most this many times the smaller.
MEMBERSHIP_RATIO = 8


def _size(built: AggregatorView, condition: Condition) -> int | None:
    """How many documents the condition's lookups give at most, from the postings' lengths where
    it can (None: the condition uses no index)."""
    if isinstance(condition, BoolOp):
        left, right = _size(built, condition.left), _size(built, condition.right)
        if condition.op == "AND":
            known = [n for n in (left, right) if n is not None]
            return min(known) if known else None
        return None if left is None or right is None else left + right
    looked_up = _looked_up(built, condition)
    if looked_up is None:  # LIKE, an id or a name: looked up (and kept) to be counted
        found = plan(built, condition)
        return None if found is None else len(found[0])
    index, values = looked_up
    return sum(len(_all(index.get(v))) for v in values)


def _looked_up(built: AggregatorView, condition: Condition) -> tuple[dict[Any, Postings], list[str]] | None:
    """The index and the values an `=` or IN on an indexed field looks up (not resourceId nor
    resourceName, which reach compliance items through their targets)."""
    if not isinstance(condition, Compare | InList):
        return None
    name = condition.path.text
    if name not in built.index or name in built.unindexable or name in BY_TARGET:
        return None
    if isinstance(condition, Compare):
        wanted = [condition.value] if condition.op == "=" else []
    else:
        wanted = list(condition.values)
    strings = [v for v in wanted if isinstance(v, str)]
    return (built.index[name], strings) if strings and len(strings) == len(wanted) else None


def _member(built: AggregatorView, condition: Condition) -> Callable[[int], bool] | None:
    """Whether a document (by ordinal) is among the condition's lookups, asked of the postings
    (sorted ordinals) without making them a set; None if it cannot be told so."""
    if isinstance(condition, BoolOp):
        left, right = _member(built, condition.left), _member(built, condition.right)
        if left is None or right is None:
            return None
        if condition.op == "AND":
            return lambda o: left(o) and right(o)
        return lambda o: left(o) or right(o)
    looked_up = _looked_up(built, condition)
    if looked_up is None:
        return None
    index, values = looked_up
    postings = [_all(index.get(v)) for v in values]
    return lambda o: any(_holds(found, o) for found in postings)


def _holds(postings: list[int], ordinal: int) -> bool:
    at = bisect.bisect_left(postings, ordinal)
    return at < len(postings) and postings[at] == ordinal


def _lookup(built: AggregatorView, name: str, wanted: list[str]) -> set[int]:
    index = built.index[name]
    if name not in BY_TARGET:
        # Inline: a LIKE on rule names looks up one name per source at 10,000 accounts.
        found: set[int] = set()
        add, update = found.add, found.update
        for postings in map(index.get, wanted):
            if isinstance(postings, int):
                add(postings)
            elif postings is not None:
                update(postings)
        return found
    found = set()
    for value in wanted:
        _extend(found, index.get(value))
        # A compliance item's id and name are "<target type>/<target id>" (types hold no "/").
        target_type, _, target_id = value.partition("/")
        targets: set[int] = set()
        _extend(targets, built.index["configuration.targetResourceId"].get(target_id))
        for ordinal in targets:
            item = built.docs[ordinal]
            if item is not None and getattr(item, "target_type", None) == target_type:
                found.add(ordinal)
    return found


def _prefixed(built: AggregatorView, name: str, prefix: str) -> set[int]:
    if name in BY_TARGET:
        keys = sorted(_keys_with_compliance(built, name))
    else:
        keys = built.sorted_keys.get(name) or sorted(built.index[name])
        built.sorted_keys[name] = keys
    start = bisect.bisect_left(keys, prefix)
    if prefix and ord(prefix[-1]) < sys.maxunicode:
        # Every key that begins with the prefix sorts before the prefix with its last character
        # the next one, and no other key between.
        end = bisect.bisect_left(keys, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)
    else:
        end = start
        while end < len(keys) and keys[end].startswith(prefix):
            end += 1
    return _lookup(built, name, keys[start:end])


def _keys_with_compliance(built: AggregatorView, name: str) -> set[str]:
    keys = set(built.index[name])
    for ordinal in _all(built.index["resourceType"].get("AWS::Config::ResourceCompliance")):
        item = built.docs[ordinal]
        keys.add(f"{getattr(item, 'target_type', '')}/{getattr(item, 'target_id', '')}")
    return keys


def _all(postings: Postings | None) -> list[int]:
    if postings is None:
        return []
    return [postings] if isinstance(postings, int) else postings


def _extend(into: set[int], postings: Any) -> None:
    if postings is None:
        return
    if isinstance(postings, int):
        into.add(postings)
    else:
        into.update(postings)
