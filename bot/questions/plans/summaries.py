"""Totals across the organization: the compliance summary by account or region, the rules
overview (each logical rule's distinct resources), one account's drill-down, conformance packs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, Literal

from bot import errors
from bot.answers import counting
from bot.answers.models import (
    AccountDrilldown,
    Answer,
    ComplianceSummary,
    Count,
    FailingResources,
    NonCompliantResource,
    PackCompliance,
    PackRow,
    RuleOverviewRow,
    RulesOverview,
    SummaryRow,
)
from bot.aws.client import Tally
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import NON_COMPLIANT_ITEMS, SELECT


def summary(
    ctx: PlanContext,
    group_by: Literal["account", "region"] = "account",
    aggregator: str | None = None,
    accounts: frozenset[str] | None = None,
) -> Answer[ComplianceSummary]:
    """Compliant and non-compliant rules per account or region; limited to `accounts` when
    given (per region, that takes one filtered call per account: the grouped totals of AWS
    cannot be split by account)."""
    tally = Tally()
    name = ctx.name(aggregator)
    key = "ACCOUNT_ID" if group_by == "account" else "AWS_REGION"
    if accounts is not None and group_by == "region":
        totals: dict[str, list[Count]] = defaultdict(lambda: [Count(value=0), Count(value=0)])
        for account in sorted(accounts):
            for g in reads.summary_groups(ctx.aws, tally, name, key, {"AccountId": account}):
                totals[g.group][0] += g.compliant_rules
                totals[g.group][1] += g.non_compliant_rules
        rows = [SummaryRow(group=g, compliant_rules=c, non_compliant_rules=n) for g, (c, n) in totals.items()]
    else:
        rows = reads.summary_groups(ctx.aws, tally, name, key, {})
        if accounts is not None:
            rows = [r for r in rows if r.group in accounts]
    rows.sort(key=lambda r: (-r.non_compliant_rules.value, r.group))
    data = ComplianceSummary(group_by=group_by, rows=rows)
    capped = data.compliant_rules.capped or data.non_compliant_rules.capped
    coverage = ctx.coverage(tally, name, accounts, capped=capped)
    return ctx.answer(f"summary by {group_by}", name, tally, data, coverage)


def rules_overview(
    ctx: PlanContext, aggregator: str | None = None, accounts: frozenset[str] | None = None
) -> Answer[RulesOverview]:
    """Each logical rule with its distinct non-compliant resources. AWS's per-source counts are
    exact only where one physical rule of a logical rule fails in a source and its count is not
    capped; the others are made exact by the cheaper of two plans: the details of those
    sources, or one advanced query over every non-compliant compliance item (plus the
    compliance APIs for the accounts that do not record them)."""
    tally = Tally()
    name = ctx.name(aggregator)
    logical_name = ctx.catalog_of(tally).memoized_logical_name()
    rows = reads.non_compliant_rows(ctx.aws, tally, name)
    if accounts is not None:
        rows = [r for r in rows if r["AccountId"] in accounts]
    groups = reads.grouped(rows, logical_name)
    ambiguous = sum(len(g) for g in groups.values() if counting.needs_details(g))
    # Pages of the query: at most one item per flagged resource, 100 to a page (an upper
    # bound: a resource flagged by several rules is one item), plus the census.
    by_query = sum(counting.contributors(r).value for r in rows) // ctx.aws.page_sizes[SELECT] + 3
    if ambiguous > by_query:
        counts, complete = _counts_by_query(ctx, tally, name, logical_name, groups)
    else:
        _, counts, complete = ctx.logical_counts(tally, name, logical_name, groups, read_all=False)
    overview = counting.overview(groups, counts)
    if not overview and not reads.anything_evaluated(ctx.aws, tally, name, accounts):
        raise errors.NothingEvaluated("in this channel's accounts" if accounts is not None else "anywhere")
    coverage = ctx.coverage(
        tally,
        name,
        accounts,
        truncated=not complete,
    )
    return ctx.answer("rules", name, tally, RulesOverview(rows=overview), coverage)


def _counts_by_query(
    ctx: PlanContext,
    tally: Tally,
    name: str,
    logical_name: Callable[[str], str],
    groups: dict[counting.Group, list[dict[str, Any]]],
) -> tuple[dict[counting.Group, Count], bool]:
    """Each group's distinct resources from the NON_COMPLIANT compliance items; the groups of
    accounts that do not record them are counted from the compliance APIs."""
    seen: dict[counting.Group, set[tuple[str, str]]] = defaultdict(set)
    for row, target, element in ctx.aws.non_compliant_elements(tally, name, NON_COMPLIANT_ITEMS):
        group = (logical_name(element["configRuleName"]), row["accountId"], row["awsRegion"])
        seen[group].add((target["targetResourceType"], target["targetResourceId"]))
    blind = set(ctx.without_compliance_items(tally, name))
    blind_groups = {g: rows for g, rows in groups.items() if g[1:] in blind}
    wanted = [r for g in blind_groups.values() if counting.needs_details(g) for r in g]
    found, read = ctx.read_details(tally, name, logical_name, wanted)
    counts = counting.group_counts(blind_groups, counting.merge(found), read)
    counts.update({g: Count(value=len(seen.get(g, ()))) for g in groups if g[1:] not in blind})
    return counts, len(read) == len(wanted)


def account(ctx: PlanContext, account_id: str, aggregator: str | None = None) -> Answer[AccountDrilldown]:
    tally = Tally()
    name = ctx.name(aggregator)
    ctx.check_scope(tally, name, account_id, None)
    rules, resources, complete = drilldown(ctx, tally, name, {"AccountId": account_id}, None)
    coverage = ctx.coverage(tally, name, {account_id}, truncated=not complete)
    return ctx.answer(
        f"account {account_id}",
        name,
        tally,
        AccountDrilldown(account_id=account_id, rules=rules, resources=resources, complete=complete),
        coverage,
    )


def failing(
    ctx: PlanContext,
    account: str | None,
    region: str | None,
    aggregator: str | None = None,
    accounts: frozenset[str] | None = None,
) -> Answer[FailingResources]:
    """Every non-compliant resource in an account, a region or both, across rules; only in
    `accounts` when given (a channel's scope: the detail cap then counts its sources)."""
    tally = Tally()
    name = ctx.name(aggregator)
    ctx.check_scope(tally, name, account, region)
    filters = {k: v for k, v in (("AccountId", account), ("AwsRegion", region)) if v}
    rules, resources, complete = drilldown(ctx, tally, name, filters, accounts)
    data = FailingResources(
        account_id=account, region=region, rules=rules, resources=resources, complete=complete
    )
    scope = {account} if account else accounts
    coverage = ctx.coverage(tally, name, scope, {region} if region else None, truncated=not complete)
    return ctx.answer(f"failing in {data.where}", name, tally, data, coverage)


def drilldown(
    ctx: PlanContext, tally: Tally, name: str, filters: dict[str, str], accounts: frozenset[str] | None
) -> tuple[list[RuleOverviewRow], list[NonCompliantResource], bool]:
    """Every logical rule failing where `filters` (AccountId, AwsRegion) point, and every resource
    it flags, each counted once (details within the detail cap: the bool says whether all were
    read). Refuses an all-clear about nothing: an account that is no source, or a place where no
    rule has results."""
    logical_name = ctx.catalog_of(tally).memoized_logical_name()
    rows = reads.non_compliant_rows(ctx.aws, tally, name, **filters)
    if accounts is not None:
        rows = [r for r in rows if r["AccountId"] in accounts]
    if not rows and not _anything_evaluated_where(ctx, tally, name, filters, accounts):
        where = " ".join(f"in {'account ' if k == 'AccountId' else ''}{v}" for k, v in filters.items())
        account = filters.get("AccountId")
        if account is None or ctx.is_source(tally, name, account):
            raise errors.NothingEvaluated(where)
        raise errors.AccountNotFound(account)
    groups = reads.grouped(rows, logical_name)
    resources, counts, complete = ctx.logical_counts(tally, name, logical_name, groups, read_all=True)
    return counting.overview(groups, counts), resources, complete


def _anything_evaluated_where(
    ctx: PlanContext, tally: Tally, name: str, filters: dict[str, str], accounts: frozenset[str] | None
) -> bool:
    if "AwsRegion" not in filters:
        return reads.anything_evaluated(ctx.aws, tally, name, [filters["AccountId"]])
    return reads.any_rule_row(ctx.aws, tally, name, filters, accounts)


def packs(
    ctx: PlanContext,
    pack: str | None = None,
    account: str | None = None,
    region: str | None = None,
    aggregator: str | None = None,
) -> Answer[PackCompliance]:
    tally = Tally()
    name = ctx.name(aggregator)
    ctx.check_scope(tally, name, account, region)
    filters = {
        k: v
        for k, v in (
            ("ConformancePackName", pack),
            ("AccountId", account),
            ("AwsRegion", region),
        )
        if v
    }
    rows = [
        PackRow(
            pack=r["ConformancePackName"],
            account_id=r["AccountId"],
            region=r["AwsRegion"],
            compliance_type=r["Compliance"]["ComplianceType"],
            compliant_rules=r["Compliance"].get("CompliantRuleCount", 0),
            non_compliant_rules=r["Compliance"].get("NonCompliantRuleCount", 0),
            total_rules=r["Compliance"].get("TotalRuleCount", 0),
        )
        for r in ctx.aws.pages(
            tally,
            "DescribeAggregateComplianceByConformancePacks",
            "AggregateComplianceByConformancePacks",
            ConfigurationAggregatorName=name,
            **({"Filters": filters} if filters else {}),
        )
    ]
    rows.sort(key=lambda r: (-r.non_compliant_rules, r.pack, r.account_id, r.region))
    coverage = ctx.coverage(tally, name, {account} if account else None, {region} if region else None)
    return ctx.answer("packs", name, tally, PackCompliance(rows=rows), coverage)
