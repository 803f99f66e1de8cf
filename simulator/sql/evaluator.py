"""The advanced query evaluator: which documents a condition matches (a path through an array
matches if any element does), the projection of select items into nested result rows, grouping
and the five aggregates, and ORDER BY; plus `pinned`, the values a condition fixes a field to,
which lets a reader skip documents that cannot match. Pure functions over plain JSON documents."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from simulator.sql.syntax import (
    Aggregate,
    Between,
    BoolOp,
    Compare,
    Condition,
    InList,
    Literal,
    Not,
    Path,
    Query,
    Star,
)


def values(document: Any, parts: Sequence[str]) -> list[Any]:
    """Every leaf value at the path; arrays on the way are flattened, element by element."""
    current = [document]
    for part in parts:
        following: list[Any] = []
        for node in current:
            for item in node if isinstance(node, list) else [node]:
                if isinstance(item, dict) and part in item:
                    following.append(item[part])
        current = following
    leaves: list[Any] = []
    for node in current:
        if isinstance(node, list):
            leaves.extend(node)
        else:
            leaves.append(node)
    return leaves


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def compare(value: Any, literal: Literal) -> int | None:
    """-1, 0 or 1, or None when the two cannot be compared."""
    if isinstance(literal, bool) or isinstance(value, bool):
        if isinstance(literal, bool) and isinstance(value, bool):
            return (value > literal) - (value < literal)
        text = str(value).lower()
        return 0 if text == str(literal).lower() else None
    if isinstance(literal, int | float) or isinstance(value, int | float):
        a, b = _number(value), _number(literal)
        if a is None or b is None:
            return None
        return (a > b) - (a < b)
    if isinstance(value, str):
        return (value > literal) - (value < literal)
    return None


_OPS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def pinned(condition: Condition | None, field: str) -> frozenset[str] | None:
    """The string values `field` must equal for any document to match the condition, or None
    when the condition does not pin it: what lets a reader skip documents it knows cannot match.
    Only `=`, `IN` and wildcard-free `LIKE` pin; AND narrows, OR pins only if both sides do."""
    if condition is None:
        return None
    if isinstance(condition, BoolOp):
        left, right = pinned(condition.left, field), pinned(condition.right, field)
        if condition.op == "AND":
            return left if right is None else right if left is None else left & right
        return None if left is None or right is None else left | right
    if isinstance(condition, Not | Between) or condition.path.text != field:
        return None
    if isinstance(condition, Compare):
        value = condition.value
        return frozenset([value]) if condition.op == "=" and isinstance(value, str) else None
    if isinstance(condition, InList):
        texts = [v for v in condition.values if isinstance(v, str)]
        return frozenset(texts) if len(texts) == len(condition.values) else None
    return None if condition.wildcard else frozenset([condition.prefix])


def matches(condition: Condition, document: dict[str, Any]) -> bool:
    if isinstance(condition, BoolOp):
        if condition.op == "AND":
            return matches(condition.left, document) and matches(condition.right, document)
        return matches(condition.left, document) or matches(condition.right, document)
    if isinstance(condition, Not):
        return not matches(condition.operand, document)
    found = values(document, condition.path.parts)
    if isinstance(condition, Compare):
        test = _OPS[condition.op]
        return any((c := compare(v, condition.value)) is not None and test(c) for v in found)
    if isinstance(condition, InList):
        return any(compare(v, lit) == 0 for v in found for lit in condition.values)
    if isinstance(condition, Between):
        return any(
            (lo := compare(v, condition.low)) is not None
            and lo >= 0
            and (hi := compare(v, condition.high)) is not None
            and hi <= 0
            for v in found
        )
    if not condition.wildcard:
        return any(isinstance(v, str) and v == condition.pattern for v in found)
    if "_" not in condition.pattern:  # the common `prefix%`
        return any(isinstance(v, str) and v.startswith(condition.prefix) for v in found)
    regex = _like_regex(condition.pattern)
    return any(isinstance(v, str) and regex.fullmatch(v) is not None for v in found)


@lru_cache(maxsize=256)
def _like_regex(pattern: str) -> re.Pattern[str]:
    """`_` is any one character; `%` (only ever last) any characters."""
    body = "".join("." if c == "_" else re.escape(c) for c in pattern.removesuffix("%"))
    return re.compile(body + (".*" if pattern.endswith("%") else ""), re.DOTALL)


def project(node: Any, parts: Sequence[str]) -> Any:
    """The part of the document at the path, keeping its nesting; None if absent."""
    if not parts:
        return node
    if isinstance(node, list):
        items = [project(item, parts) for item in node]
        kept = [item if item is not None else {} for item in items]
        return kept if any(item is not None for item in items) else None
    if isinstance(node, dict) and parts[0] in node:
        inner = project(node[parts[0]], parts[1:])
        return None if inner is None else {parts[0]: inner}
    return None


def merge(into: Any, other: Any) -> Any:
    if isinstance(into, dict) and isinstance(other, dict):
        for key, value in other.items():
            into[key] = merge(into[key], value) if key in into else value
        return into
    if isinstance(into, list) and isinstance(other, list):
        return (
            [merge(a, b) for a, b in zip(into, other, strict=False)] + into[len(other) :] + other[len(into) :]
        )
    return other


def _nest(parts: Sequence[str], value: Any) -> dict[str, Any]:
    result: Any = value
    for part in reversed(parts):
        result = {part: result}
    assert isinstance(result, dict)
    return result


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (3, "")
    number = _number(value) if not isinstance(value, str) else None
    if number is not None:
        return (0, number)
    return (1, str(value))


def _aggregate(aggregate: Aggregate, group: list[dict[str, Any]] | int) -> Any:
    if aggregate.argument is None:
        return group if isinstance(group, int) else len(group)
    assert not isinstance(group, int), "a group given by its count has only COUNT(*)"
    found = [v for doc in group for v in values(doc, aggregate.argument.parts)]
    if aggregate.function == "COUNT":
        return sum(1 for doc in group if values(doc, aggregate.argument.parts))
    if aggregate.function in ("SUM", "AVG"):
        numbers = [n for v in found if (n := _number(v)) is not None]
        if not numbers:
            return None
        total = sum(numbers)
        result = total / len(numbers) if aggregate.function == "AVG" else total
        return int(result) if float(result).is_integer() and aggregate.function == "SUM" else result
    present = [v for v in found if v is not None and not isinstance(v, dict | list)]
    if not present:
        return None
    chosen = min(present, key=_sort_key) if aggregate.function == "MIN" else max(present, key=_sort_key)
    return chosen


def run(query: Query, documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The result rows, as AWS returns them before JSON encoding."""
    selected = [d for d in documents if query.where is None or matches(query.where, d)]
    if query.aggregated:
        return _run_aggregated(query, selected)
    rows_with_docs = [(_project_row(query, d), d) for d in selected]
    for key, descending in reversed(query.order_by):
        assert isinstance(key, Path)
        rows_with_docs.sort(
            key=lambda pair, k=key: _sort_key(next(iter(values(pair[1], k.parts)), None)),  # type: ignore[misc]
            reverse=descending,
        )
    return [row for row, _ in rows_with_docs]


def _project_row(query: Query, document: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for item in query.select:
        if isinstance(item, Star):
            merge(row, {k: v for k, v in document.items() if not isinstance(v, dict | list)})
        elif isinstance(item, Path):
            fragment = project(document, item.parts)
            if fragment is not None:
                merge(row, fragment)
    return row


def _run_aggregated(query: Query, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for document in documents:
        key = tuple(next(iter(values(document, p.parts)), None) for p in query.group_by)
        groups.setdefault(_hashable(key), []).append(document)
    return run_groups(query, groups)


def run_groups(
    query: Query, groups: Mapping[tuple[Any, ...], list[dict[str, Any]] | int]
) -> list[dict[str, Any]]:
    """An aggregated query's rows from its groups (group-by values -> the group's documents, or
    their number when the query only counts them)."""
    groups = dict(groups)
    if not query.group_by and not groups:
        groups[()] = []
    results: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for key, group in groups.items():
        by_name: dict[str, Any] = {}
        for path, value in zip(query.group_by, key, strict=True):
            by_name[path.text] = value
        row: dict[str, Any] = {}
        for item in query.select:
            if isinstance(item, Aggregate):
                by_name[item.name] = _aggregate(item, group)
                row[item.name] = by_name[item.name]
            elif isinstance(item, Path) and by_name.get(item.text) is not None:
                merge(row, _nest(item.parts, by_name[item.text]))
        for order_key, _ in query.order_by:
            if isinstance(order_key, Aggregate) and order_key.name not in by_name:
                by_name[order_key.name] = _aggregate(order_key, group)
        results.append((row, by_name))
    results.sort(key=lambda pair: tuple(_sort_key(v) for v in pair[1].values()))
    for order_key, descending in reversed(query.order_by):
        name = order_key.name if isinstance(order_key, Aggregate) else order_key.text
        results.sort(key=lambda pair, n=name: _sort_key(pair[1].get(n)), reverse=descending)  # type: ignore[misc]
    return [row for row, _ in results]


def count_rows(query: Query, counts: Mapping[tuple[Any, ...], int]) -> Iterable[dict[str, Any]]:
    """A counting query's rows from its groups' counts (group-by values -> how many documents):
    run_groups' rows. When the query selects only top-level group-by fields and COUNT(*), with
    no ORDER BY, and every group value is a string, the groups sort as plain tuples (the order
    _sort_key gives strings) and rows are made as pages read them: the census's 170,000 groups
    cost a sort, not 170,000 rows up front."""
    fields = [p.text for p in query.group_by]
    plain = (
        bool(fields)
        and not query.order_by
        and all(
            (isinstance(i, Path) and "." not in i.text and i.text in fields)
            or (isinstance(i, Aggregate) and i.function == "COUNT" and i.argument is None)
            for i in query.select
        )
    )
    if not plain or not all(type(v) is str for key in counts for v in key):
        return run_groups(query, counts)
    columns = [
        (item.text, fields.index(item.text)) if isinstance(item, Path) else (item.name, -1)
        for item in query.select
        if isinstance(item, Path | Aggregate)
    ]
    ordered = sorted(counts.items())
    return ({name: key[at] if at >= 0 else n for name, at in columns} for key, n in ordered)


def _hashable(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(repr(v) if isinstance(v, dict | list) else v for v in key)
