"""Which documents an advanced query's WHERE can match, from the view's indexes (views.py).

`candidates` answers (ordinals in query order, exact) or None when the condition uses no indexed
field: `=`, IN and LIKE 'prefix%' on an indexed field look their values up; AND intersects (one
side is enough), OR unites (both sides are needed). Exact means every candidate matches, so the
caller need not evaluate the condition; otherwise it still does, so the answer never changes.
"""

from __future__ import annotations

import bisect
from typing import Any

from simulator.sql.syntax import BoolOp, Compare, Condition, InList, Like
from simulator.views import AggregatorView, Postings

Candidates = tuple[list[int], bool]


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
    if isinstance(condition, BoolOp):
        left, right = plan(built, condition.left), plan(built, condition.right)
        if condition.op == "AND":
            if left is None or right is None:
                one = left or right
                return None if one is None else (one[0], False)
            small, large = sorted((left[0], right[0]), key=len)
            return {o for o in small if o in large}, left[1] and right[1]
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


def _lookup(built: AggregatorView, name: str, wanted: list[str]) -> set[int]:
    found: set[int] = set()
    for value in wanted:
        _extend(found, built.index[name].get(value))
        if name in ("resourceId", "resourceName"):
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
    if name in ("resourceId", "resourceName"):
        keys = sorted(_keys_with_compliance(built, name))
    else:
        keys = built.sorted_keys.get(name) or sorted(built.index[name])
        built.sorted_keys[name] = keys
    found: set[int] = set()
    start = bisect.bisect_left(keys, prefix)
    matched = []
    for key in keys[start:]:
        if not key.startswith(prefix):
            break
        matched.append(key)
    found |= _lookup(built, name, matched)
    return found


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
