"""The advanced query validator: before any AWS call, with a pointed message."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidQuery
from bot.questions.query_validation import quote, validate_query


@pytest.mark.parametrize(
    "query",
    [
        "SELECT resourceId",
        "select resourceId, COUNT(*) WHERE resourceType = 'AWS::S3::Bucket' GROUP BY resourceId",
        "SELECT resourceId WHERE resourceName = 'from the archive'",
        "SELECT resourceId WHERE resourceName = 'it''s'",
        "SELECT configuration.asset WHERE resourceName IN ('a', 'b')",
    ],
)
def test_accepts(query: str) -> None:
    validate_query(query)


@pytest.mark.parametrize(
    ("query", "points_at"),
    [
        ("", "empty"),
        ("DELETE resources", "only SELECT"),
        ("SELECT resourceId FROM resources", "FROM (at character 19)"),
        ("SELECT a JOIN b", "JOIN"),
        ("SELECT DISTINCT resourceId", "DISTINCT (at character 8)"),
        ("SELECT resourceId AS id", "AS"),
        ("SELECT a, COUNT(*) GROUP BY a HAVING COUNT(*) > 1", "HAVING"),
        ("SELECT a UNION SELECT b", "UNION"),
        ("SELECT a WHERE b = 'open", "quote opened at character 20"),
        ('SELECT a WHERE b = "x', "double quote"),
        ("SELECT a WHERE (b = 'x'", "parentheses"),
        ("SELECT " + "a" * 4100, "at most 4096"),
    ],
)
def test_rejects_and_points_at_the_problem(query: str, points_at: str) -> None:
    with pytest.raises(InvalidQuery) as raised:
        validate_query(query)
    assert points_at in raised.value.message


def test_quote_doubles_embedded_quotes() -> None:
    assert quote("it's") == "'it''s'"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_accepted_or_rejected_cleanly(text: str) -> None:
    try:
        validate_query(text)
    except InvalidQuery as error:
        assert error.message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_a_quoted_literal_never_breaks_out(value: str) -> None:
    validate_query(f"SELECT resourceId WHERE resourceName = {quote(value)}")
