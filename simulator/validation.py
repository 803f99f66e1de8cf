"""The input validation AWS does on the server, read from botocore's model of the service.

botocore checks required members, types and minimum lengths on the client; AWS also rejects a
string that breaks its pattern or maximum length (an aggregator name outside `[\\w\\-]+`, an
account id that is not `\\d{12}`, an organization rule name outside `[A-Za-z0-9-_]+`, an
expression over 4,096 characters) and a list over its maximum length, with a ValidationException
rather than an empty answer. Patterns match whole values, ASCII-only, as Java's regexes on AWS's
side do. Numbers are left to the operations: AWS answers InvalidLimitException for a Limit.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.model import Shape

from simulator.errors import validation


@cache
def _model() -> Any:
    return botocore.session.get_session().get_service_model("config")


@cache
def _operations() -> dict[str, str]:
    """snake_case name (as moto routes it) -> the operation's name in the model."""
    return {xform_name(name): name for name in _model().operation_names}


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.ASCII)


def validate(operation: str, params: dict[str, Any]) -> None:
    """Raise AWS's ValidationException for the first member of the request that breaks its
    constraint; `operation` is the snake_case name. Unknown operations pass."""
    name = _operations().get(operation)
    if name is None:
        return
    shape = _model().operation_model(name).input_shape
    if shape is not None:
        _check(shape, params, "")


def _check(shape: Shape, value: Any, member: str) -> None:
    if value is None:
        return
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members: dict[str, Shape] = shape.members  # type: ignore[attr-defined]
        for name, inner in members.items():
            if name in value:
                child = name[0].lower() + name[1:]
                _check(inner, value[name], f"{member}.{child}" if member else child)
    elif kind == "list" and isinstance(value, list):
        _length(shape, value, len(value), member)
        item: Shape = shape.member  # type: ignore[attr-defined]
        for index, element in enumerate(value, start=1):
            _check(item, element, f"{member}.{index}.member")
    elif kind == "string" and isinstance(value, str):
        _length(shape, value, len(value), member)
        pattern = shape.metadata.get("pattern")
        if pattern and _pattern(pattern).fullmatch(value) is None:
            raise validation(value, member, f"Member must satisfy regular expression pattern: {pattern}")


def _length(shape: Shape, value: Any, length: int, member: str) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if high is not None and length > high:
        raise validation(value, member, f"Member must have length less than or equal to {high}")
    if low is not None and length < low:
        raise validation(value, member, f"Member must have length greater than or equal to {low}")
