"""The syntax tree of an advanced query: the select items (a property path, an aggregate, `*`),
the conditions of WHERE (comparisons, IN, BETWEEN, LIKE, NOT and AND/OR), and the `Query` they
make, which knows whether it aggregates, whether AWS paginates it and what its result fields are
called. Plain frozen dataclasses: the parser builds them, the evaluator reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Path:
    text: str

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.text.split("."))


@dataclass(frozen=True, slots=True)
class Aggregate:
    function: str
    argument: Path | None  # None: COUNT(*)

    @property
    def name(self) -> str:
        return f"{self.function}({self.argument.text if self.argument else '*'})"


@dataclass(frozen=True, slots=True)
class Star:
    pass


SelectItem = Path | Aggregate | Star
Literal = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Compare:
    path: Path
    op: str
    value: Literal


@dataclass(frozen=True, slots=True)
class InList:
    path: Path
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class Between:
    path: Path
    low: Literal
    high: Literal


@dataclass(frozen=True, slots=True)
class Like:
    path: Path
    pattern: str

    @property
    def prefix(self) -> str:
        """The literal text before the first wildcard (all of it without one)."""
        return re.split("[%_]", self.pattern, maxsplit=1)[0]

    @property
    def wildcard(self) -> bool:
        return "%" in self.pattern or "_" in self.pattern


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # AND | OR
    left: Condition
    right: Condition


Condition = Compare | InList | Between | Like | Not | BoolOp
OrderKey = Path | Aggregate


@dataclass(frozen=True, slots=True)
class Query:
    select: tuple[SelectItem, ...]
    where: Condition | None
    group_by: tuple[Path, ...]
    order_by: tuple[tuple[OrderKey, bool], ...]  # (key, descending)

    @property
    def aggregated(self) -> bool:
        return bool(self.group_by) or any(
            isinstance(i, Aggregate) for i in (*self.select, *(k for k, _ in self.order_by))
        )

    @property
    def paginated(self) -> bool:
        """AWS does not paginate when ORDER BY sorts on an aggregate."""
        return not any(isinstance(k, Aggregate) for k, _ in self.order_by)

    @property
    def field_names(self) -> list[str]:
        names = []
        for item in self.select:
            names.append(
                "*" if isinstance(item, Star) else item.name if isinstance(item, Aggregate) else item.text
            )
        return names
