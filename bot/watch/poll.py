"""What a watch sees now, read as cheaply as it can be: the NON_COMPLIANT rows of its scope (with
AWS's counts per physical rule, account and region) first, then the details of only the sources
whose counts moved, are capped (a lower bound hides changes) or are new; an unchanged source keeps
the findings the watch saw there last time. A fix and a break in one source within one interval
leave an uncapped count unchanged: such a swap is seen when that source's count next moves."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.answers import counting
from bot.answers.models import NonCompliantResource
from bot.aws.client import Tally
from bot.errors import UserError
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import RULE_ROWS, RULES_BY_NAME
from bot.questions.rules import Matcher, RuleCatalog
from bot.watch.model import Watch, finding_key

Source = tuple[str, str, str]  # logical rule, account, region


@dataclass(frozen=True)
class Reading:
    """A watch's findings now (by key; None for one kept from the last reading, not re-read), and
    the counts to compare the next reading with."""

    findings: dict[str, NonCompliantResource | None]
    counts: dict[str, str]
    calls: int


def source_of(key: str) -> Source:
    rule, account, region, *_ = key.split("|")
    return rule, account, region


def read(
    ctx: PlanContext,
    watch: Watch,
    counts_before: Mapping[str, str],
    seen: set[str],
    accounts: frozenset[str] | None = None,
) -> Reading:
    """What the watch sees now, within `accounts` (its channel's scope) when given."""
    tally = Tally()
    name = ctx.name(watch.aggregator)
    filters: dict[str, str] = {"ComplianceType": "NON_COMPLIANT"}
    if watch.account:
        filters["AccountId"] = watch.account
    if watch.region:
        filters["AwsRegion"] = watch.region
    catalog = ctx.catalog_of(tally)
    rows: list[dict[str, Any]] = list(
        ctx.aws.pages(tally, RULES_BY_NAME, RULE_ROWS, ConfigurationAggregatorName=name, Filters=filters)
    )
    if accounts is not None:
        rows = [r for r in rows if r["AccountId"] in accounts]
    logical_name: Callable[[str], str]
    if watch.rule is not None:
        matcher = matcher_of(catalog, watch.rule)
        rows = [r for r in rows if matcher.matches(r["ConfigRuleName"])]
        logical_name = matcher.logical_name
    else:
        logical_name = catalog.memoized_logical_name()
    counts = counts_of(rows)
    groups: dict[Source, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(counting.group_of(row, logical_name), []).append(row)
    moved = [
        row
        for group in groups.values()
        if any(
            counts_before.get(_row_key(r)) != counts[_row_key(r)] or counting.contributors(r).capped
            for r in group
        )
        for row in group
    ]
    # No detail cap: a watch reads in the background, and a capped reading would never catch up.
    found, read_rows = reads.read_details(ctx.aws, tally, name, logical_name, moved, cap=len(moved))
    findings: dict[str, NonCompliantResource | None] = {finding_key(r): r for r in counting.merge(found)}
    # A source is read when all its rows are (the detail cap may leave some for the next tick).
    read_sources = {
        source
        for source, group in groups.items()
        if all((r["ConfigRuleName"], r["AccountId"], r["AwsRegion"]) in read_rows for r in group)
        and any(r in moved for r in group)
    }
    for row in moved:  # a source the detail cap left unread is read next time
        if counting.group_of(row, logical_name) not in read_sources:
            counts.pop(_row_key(row), None)
    for key in seen:  # unchanged (or not yet read) sources: what was seen there still stands
        source = source_of(key)
        if source in groups and source not in read_sources:
            findings.setdefault(key, None)
    return Reading(findings, counts, tally.total)


def matcher_of(catalog: RuleCatalog, rule: str) -> Matcher:
    """The watch's rule as every name it has in member accounts; a custom rule the catalog does
    not know is matched by its own name (as the rule plans do)."""
    try:
        return catalog.matcher(catalog.resolve(rule))
    except UserError:
        return catalog.matcher(rule.strip())


def counts_of(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """AWS's count of each row (physical rule, account, region): what the next reading compares."""
    return {_row_key(r): json.dumps(_count(r)) for r in rows}


def _row_key(row: Mapping[str, Any]) -> str:
    return f"{row['ConfigRuleName']}|{row['AccountId']}|{row['AwsRegion']}"


def _count(row: Mapping[str, Any]) -> list[Any]:
    count = counting.contributors(row)
    return [count.value, count.capped]
