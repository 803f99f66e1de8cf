"""The advanced query evaluator: parsing, semantics, and property-based checks against an oracle."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import InvalidExpressionException
from simulator.sql import evaluator, parser

DOCS: list[dict[str, Any]] = [
    {
        "resourceId": "a",
        "resourceType": "AWS::S3::Bucket",
        "accountId": "1",
        "size": 5,
        "configuration": {
            "rules": [
                {"name": "r1", "state": "NON_COMPLIANT"},
                {"name": "r2", "state": "COMPLIANT"},
            ]
        },
    },
    {
        "resourceId": "b",
        "resourceType": "AWS::S3::Bucket",
        "accountId": "2",
        "size": 15,
        "configuration": {"rules": [{"name": "r1", "state": "COMPLIANT"}]},
    },
    {
        "resourceId": "c",
        "resourceType": "AWS::EC2::Volume",
        "accountId": "1",
        "size": 10,
        "configuration": {"encrypted": False},
    },
]


def run(text: str, docs: list[dict[str, Any]] = DOCS) -> list[dict[str, Any]]:
    return evaluator.run(parser.parse(text), docs)


def test_projection_keeps_nesting() -> None:
    assert run("SELECT resourceId, configuration.rules.name WHERE resourceId = 'a'") == [
        {"resourceId": "a", "configuration": {"rules": [{"name": "r1"}, {"name": "r2"}]}}
    ]


def test_star_is_top_level_scalars_only() -> None:
    assert run("SELECT * WHERE resourceId = 'c'") == [
        {"resourceId": "c", "resourceType": "AWS::EC2::Volume", "accountId": "1", "size": 10}
    ]


def test_array_conditions_match_element_by_element_independently() -> None:
    # r2 is COMPLIANT and r1 is NON_COMPLIANT in 'a': each condition finds its own element.
    found = run(
        "SELECT resourceId WHERE configuration.rules.name = 'r2' "
        "AND configuration.rules.state = 'NON_COMPLIANT'"
    )
    assert found == [{"resourceId": "a"}]


@pytest.mark.parametrize(
    ("where", "ids"),
    [
        ("size > 5", ["b", "c"]),
        ("size >= 10", ["b", "c"]),
        ("size < 10", ["a"]),
        ("size <= 10", ["a", "c"]),
        ("size != 10", ["a", "b"]),
        ("size <> 10", ["a", "b"]),
        ("size BETWEEN 5 AND 10", ["a", "c"]),
        ("size NOT BETWEEN 5 AND 10", ["b"]),
        ("resourceId IN ('a', 'c')", ["a", "c"]),
        ("NOT resourceId IN ('a', 'c')", ["b"]),
        ("resourceType LIKE 'AWS::S3::%'", ["a", "b"]),
        ("resourceType LIKE 'AWS::EC2::Volume'", ["c"]),
        ("resourceType LIKE 'AWS::S3::Buck_t'", ["a", "b"]),  # `_` is any one character
        ("resourceType LIKE 'AWS_:S3::%'", ["a", "b"]),
        ("resourceType LIKE 'AWS::EC2::Volum_'", ["c"]),
        ("resourceType LIKE 'AWS::EC2::Volum__'", []),
        ("resourceType LIKE 'AWS::S3::_ucket%'", ["a", "b"]),
        ("accountId = '1' OR size = 15", ["a", "b", "c"]),
        ("NOT (accountId = '1' AND size = 5)", ["b", "c"]),
        ("configuration.encrypted = false", ["c"]),
        ("missing.property = 'x'", []),
    ],
)
def test_where(where: str, ids: list[str]) -> None:
    assert [r["resourceId"] for r in run(f"SELECT resourceId WHERE {where}")] == ids


def test_group_by_with_aggregates_and_order() -> None:
    assert run(
        "SELECT resourceType, COUNT(*), SUM(size), MIN(size), MAX(size), AVG(size) "
        "GROUP BY resourceType ORDER BY COUNT(*) DESC"
    ) == [
        {
            "resourceType": "AWS::S3::Bucket",
            "COUNT(*)": 2,
            "SUM(size)": 20,
            "MIN(size)": 5,
            "MAX(size)": 15,
            "AVG(size)": 10.0,
        },
        {
            "resourceType": "AWS::EC2::Volume",
            "COUNT(*)": 1,
            "SUM(size)": 10,
            "MIN(size)": 10,
            "MAX(size)": 10,
            "AVG(size)": 10.0,
        },
    ]
    assert run("SELECT COUNT(*) WHERE accountId = 'none'") == [{"COUNT(*)": 0}]
    assert (
        parser.parse("SELECT resourceType, COUNT(*) GROUP BY resourceType ORDER BY COUNT(*)").paginated
        is False
    )


def test_keywords_are_case_insensitive_and_fields_named() -> None:
    query = parser.parse("select resourceId, count(*) group by resourceId order by resourceId asc")
    assert query.field_names == ["resourceId", "COUNT(*)"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT resourceId FROM x", "FROM is not supported"),
        ("SELECT DISTINCT resourceId", "DISTINCT is not supported"),
        ("SELECT resourceId AS x", "AS is not supported"),
        ("SELECT a WHERE b IS NULL", "NULL tests are not supported"),
        ("SELECT a WHERE b LIKE 'ab%'", "at least 3 characters"),
        ("SELECT a WHERE b LIKE 'abc%d%'", "only at the end"),
        ("SELECT a WHERE b LIKE 'ab_'", "at least 3 characters"),
        ("SELECT a WHERE b LIKE '_::EC2::Instance'", "at least 3 characters"),
        ("SELECT a WHERE b LIKE 'a_c%'", "at least 3 characters"),
        ("SELECT a WHERE b = 'open", "Unbalanced quote"),
        ("SELECT a, COUNT(*)", "must appear in GROUP BY"),
        ("SELECT COUNT(a, b)", "takes one argument"),
        ("SELECT a GROUP BY a, b, c, d", "at most 3"),
        ("SELECT a, COUNT(*) GROUP BY a, b ORDER BY COUNT(*)", "GROUP BY takes one property"),
        ("UPDATE x", "Expected SELECT"),
        ("SELECT", "Expected a property name"),
        ("SELECT a WHERE", "Expected a property name"),
        ("SELECT a WHERE b = ", "Expected a value"),
        ("SELECT a ; DROP", "Unexpected character"),
        ("SELECT " + "x" * 4100, "maximum is 4096"),
    ],
)
def test_rejections_point_at_the_problem(text: str, message: str) -> None:
    with pytest.raises(InvalidExpressionException) as raised:
        parser.parse(text)
    assert message in raised.value.description


# --- properties -------------------------------------------------------------------------------

FIELDS = ("alpha", "beta", "gamma")
values_ = st.one_of(
    st.integers(-5, 5), st.sampled_from(["abc", "abd", "xyz", "abcdef", "abcd", "abc_ef", "abcxef"])
)
documents = st.lists(
    st.fixed_dictionaries(
        {"id": st.integers(0, 10**6)},
        optional={f: st.one_of(values_, st.lists(values_, max_size=3)) for f in FIELDS},
    ),
    max_size=12,
)


def _values(doc: dict[str, Any], field: str) -> list[Any]:
    value = doc.get(field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _cmp(a: Any, b: Any) -> int | None:
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    return None


def _like(value: str, pattern: str) -> bool:
    """LIKE, character by character: `_` any one character, a final `%` any rest."""
    if pattern == "%":
        return True
    if not pattern or not value:
        return not pattern and not value
    return pattern[0] in ("_", value[0]) and _like(value[1:], pattern[1:])


@st.composite
def predicates(draw: st.DrawFn, depth: int = 0) -> tuple[str, Any]:
    """A WHERE clause and an independent Python oracle for it."""
    if depth < 2 and draw(st.booleans()):
        op = draw(st.sampled_from(["AND", "OR", "NOT"]))
        left_text, left = draw(predicates(depth + 1))
        if op == "NOT":
            return f"NOT ({left_text})", lambda d: not left(d)
        right_text, right = draw(predicates(depth + 1))
        if op == "AND":
            return f"({left_text}) AND ({right_text})", lambda d: left(d) and right(d)
        return f"({left_text}) OR ({right_text})", lambda d: left(d) or right(d)
    field = draw(st.sampled_from(FIELDS))
    literal = draw(values_)
    text = f"'{literal}'" if isinstance(literal, str) else str(literal)
    kind = draw(st.sampled_from(["=", "!=", "<", ">", "<=", ">=", "IN", "LIKE"]))
    if kind == "IN":
        other = draw(values_)
        other_text = f"'{other}'" if isinstance(other, str) else str(other)
        return (
            f"{field} IN ({text}, {other_text})",
            lambda d: any(_cmp(v, x) == 0 for v in _values(d, field) for x in (literal, other)),
        )
    if kind == "LIKE":
        pattern = draw(st.sampled_from(["abc%", "abd%", "xyz%", "abc_", "abc_%", "abc_ef", "abc", "abcdef"]))
        return f"{field} LIKE '{pattern}'", lambda d: any(
            isinstance(v, str) and _like(v, pattern) for v in _values(d, field)
        )
    tests = {
        "=": lambda c: c == 0,
        "!=": lambda c: c != 0,
        "<": lambda c: c < 0,
        ">": lambda c: c > 0,
        "<=": lambda c: c <= 0,
        ">=": lambda c: c >= 0,
    }
    test = tests[kind]
    return f"{field} {kind} {text}", lambda d: any(
        (c := _cmp(v, literal)) is not None and test(c) for v in _values(d, field)
    )


@settings(max_examples=300, deadline=None)
@given(documents, predicates())
def test_where_agrees_with_an_independent_oracle(
    docs: list[dict[str, Any]], predicate: tuple[str, Any]
) -> None:
    text, oracle = predicate
    for index, doc in enumerate(docs):
        doc["id"] = index
    found = [row["id"] for row in run(f"SELECT id WHERE {text}", docs)]
    assert found == [d["id"] for d in docs if oracle(d)]


@settings(max_examples=300, deadline=None)
@given(documents, predicates(), st.sampled_from(FIELDS))
def test_a_pinned_field_holds_for_every_matching_document(
    docs: list[dict[str, Any]], predicate: tuple[str, Any], field: str
) -> None:
    """What lets the simulator skip sources and document kinds: if the condition pins a field to
    some values, no document without one of them matches."""
    text, oracle = predicate
    allowed = evaluator.pinned(parser.parse(f"SELECT id WHERE {text}").where, field)
    if allowed is not None:
        for doc in docs:
            if oracle(doc):
                assert any(v in allowed for v in _values(doc, field))


@pytest.mark.parametrize(
    ("where", "field", "expected"),
    [
        ("a = 'x'", "a", {"x"}),
        ("a = 'x' AND b = 'y'", "a", {"x"}),
        ("a IN ('x', 'y') AND a = 'y'", "a", {"y"}),
        ("a = 'x' OR a IN ('y', 'z')", "a", {"x", "y", "z"}),
        ("a LIKE 'x'", "a", {"x"}),
        ("a = 'x' OR b = 'y'", "a", None),
        ("NOT a = 'x'", "a", None),
        ("a LIKE 'xyz%'", "a", None),
        ("a LIKE 'xyz_'", "a", None),
        ("a LIKE 'xyz_w'", "a", None),
        ("a = 3", "a", None),
        ("a != 'x'", "a", None),
        ("b = 'x'", "a", None),
    ],
)
def test_pinned(where: str, field: str, expected: set[str] | None) -> None:
    found = evaluator.pinned(parser.parse(f"SELECT id WHERE {where}").where, field)
    assert found == (frozenset(expected) if expected is not None else None)


@settings(max_examples=200, deadline=None)
@given(documents, st.sampled_from(FIELDS))
def test_count_by_group_sums_to_the_rows(docs: list[dict[str, Any]], field: str) -> None:
    rows = run(f"SELECT {field}, COUNT(*) GROUP BY {field}", docs)
    assert sum(r["COUNT(*)"] for r in rows) == len(docs)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_is_rejected_cleanly(text: str) -> None:
    with contextlib.suppress(InvalidExpressionException):
        parser.parse(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "SELECT",
                "WHERE",
                "GROUP",
                "BY",
                "ORDER",
                "AND",
                "OR",
                "NOT",
                "IN",
                "BETWEEN",
                "LIKE",
                "COUNT(*)",
                "resourceId",
                "configuration.x",
                "=",
                "<",
                "(",
                ")",
                ",",
                "'abc%'",
                "5",
                "*",
                "DESC",
            ]
        ),
        max_size=14,
    )
)
def test_token_soup_parses_or_is_rejected_cleanly(words: list[str]) -> None:
    try:
        query = parser.parse(" ".join(words))
    except InvalidExpressionException:
        return
    evaluator.run(query, DOCS)


def test_absurd_nesting_is_an_invalid_expression_not_a_crash() -> None:
    with pytest.raises(InvalidExpressionException):
        parser.parse("SELECT resourceId WHERE " + "(" * 5000 + "resourceId = 'x'" + ")" * 5000)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.dictionaries(
        st.tuples(st.sampled_from(["1", "10", "2", "b", "A"]), st.sampled_from(["x", "y", "", None])),
        st.integers(min_value=1, max_value=9),
        max_size=12,
    ),
    select=st.sampled_from(
        ["a, b, COUNT(*)", "COUNT(*), b, a", "b, COUNT(*)", "a, b", "COUNT(*)", "a, b, COUNT(*), COUNT(*)"]
    ),
)
def test_rows_from_counts_are_the_rows_of_the_groups(counts: dict[tuple[Any, ...], int], select: str) -> None:
    """count_rows (made lazily from counts) gives run_groups' rows, with any group values."""
    query = parser.parse(f"SELECT {select} GROUP BY a, b")
    assert list(evaluator.count_rows(query, counts)) == evaluator.run_groups(query, counts)
