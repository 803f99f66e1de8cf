"""Resources: the discovered resource counts, grouped and filtered (one resource's report is
resource_report.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from bot.answers.models import Answer, GroupCount, ResourceCounts
from bot.aws.client import Tally
from bot.questions.plans.context import PlanContext


def resource_counts(
    ctx: PlanContext,
    group_by: Literal["type", "account", "region"] = "type",
    resource_type: str | None = None,
    account: str | None = None,
    region: str | None = None,
    aggregator: str | None = None,
    accounts: frozenset[str] | None = None,
) -> Answer[ResourceCounts]:
    """Discovered resource counts; limited to `accounts` when given (grouped by account,
    by filtering the groups; otherwise one filtered call per account, summed)."""
    tally = Tally()
    name = ctx.name(aggregator)
    key = {"type": "RESOURCE_TYPE", "account": "ACCOUNT_ID", "region": "AWS_REGION"}[group_by]
    filters = {k: v for k, v in (("ResourceType", resource_type), ("Region", region)) if v}
    if accounts is None or account or group_by == "account":
        total, counts = _counts(
            ctx, tally, name, key, {**filters, **({"AccountId": account} if account else {})}
        )
        if accounts is not None:
            counts = Counter({g: n for g, n in counts.items() if group_by != "account" or g in accounts})
            total = sum(counts.values()) if group_by == "account" else total
    else:
        total, counts = 0, Counter()
        for member in sorted(accounts):
            part_total, part = _counts(ctx, tally, name, key, {**filters, "AccountId": member})
            total += part_total
            counts.update(part)
    rows = sorted(
        (GroupCount(group=g, count=n) for g, n in counts.items()), key=lambda r: (-r.count, r.group)
    )
    scope = {account} if account else accounts
    return ctx.answer(
        f"resources by {group_by}",
        name,
        tally,
        ResourceCounts(group_by=group_by, total=total, rows=rows),
        ctx.coverage(tally, name, scope, {region} if region else None),
    )


def _counts(
    ctx: PlanContext, tally: Tally, name: str, key: str, filters: dict[str, str]
) -> tuple[int, Counter[str]]:
    total = 0
    counts: Counter[str] = Counter()
    extra: dict[str, Any] = {"Filters": filters} if filters else {}
    for response in ctx.aws.responses(
        tally,
        "GetAggregateDiscoveredResourceCounts",
        ConfigurationAggregatorName=name,
        GroupByKey=key,
        **extra,
    ):
        total = int(response.get("TotalDiscoveredResources", 0))
        counts.update(
            {g["GroupName"]: int(g["ResourceCount"]) for g in response.get("GroupedResourceCounts", [])}
        )
    return total, counts
