"""The aggregator itself: its sources' health, the aggregators there are, and advanced queries
run over it as they are typed."""

from __future__ import annotations

import json
from typing import Any

from bot.answers.models import Aggregators, Answer, QueryResult, SourceHealth
from bot.aws.client import Tally
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.query_validation import validate_query


def health(ctx: PlanContext, aggregator: str | None = None) -> Answer[SourceHealth]:
    tally = Tally()
    name = ctx.name(aggregator)
    return ctx.answer("health", name, tally, ctx.fresh_health(tally, name))


def query(
    ctx: PlanContext, expression: str, aggregator: str | None = None, accounts: frozenset[str] | None = None
) -> Answer[QueryResult]:
    """An advanced query, validated before any AWS call, read up to the row cap; only the rows
    of `accounts` when given (a channel's scope: the cap then counts its rows)."""
    validate_query(expression)
    tally = Tally()
    name = ctx.name(aggregator)
    rows: list[dict[str, Any]] = []
    columns: list[str] = []
    truncated = False
    for response in ctx.aws.responses(
        tally, "SelectAggregateResourceConfig", ConfigurationAggregatorName=name, Expression=expression
    ):
        columns = columns or [f["Name"] for f in response.get("QueryInfo", {}).get("SelectFields", [])]
        rows += [
            row
            for row in map(json.loads, response.get("Results", []))
            if accounts is None or str(row.get("accountId", "")) in accounts
        ]
        if len(rows) >= ctx.settings.query_row_cap:
            truncated = bool(response.get("NextToken")) or len(rows) > ctx.settings.query_row_cap
            rows = rows[: ctx.settings.query_row_cap]
            break
    # Advanced queries see only what each source records: a query about compliance items
    # cannot see the accounts that do not record them.
    blind = (
        sorted({a for a, _ in ctx.without_compliance_items(tally, name)})
        if "AWS::Config::ResourceCompliance" in expression
        else []
    )
    return ctx.answer(
        "query",
        name,
        tally,
        QueryResult(expression=expression, columns=columns, rows=rows, truncated=truncated),
        ctx.coverage(tally, name, accounts, without_compliance_items=blind),
    )


def aggregators(
    ctx: PlanContext,
) -> Answer[Aggregators]:
    tally = Tally()
    rows = [
        reads.aggregator_info(a)
        for a in ctx.aws.pages(tally, "DescribeConfigurationAggregators", "ConfigurationAggregators")
    ]
    return ctx.answer("aggregators", ctx.name(None), tally, Aggregators(rows=rows))
