"""Resources: one resource by id, name or ARN (its configuration item and its compliance under
every rule), and the discovered resource counts, grouped and filtered."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from bot import errors
from bot.answers.models import Answer, GroupCount, ResourceCounts, ResourceReport, ResourceRuleCompliance
from bot.aws.client import Tally
from bot.aws.console import console_url
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import GLOBAL_REGION, PSEUDO_TYPES
from bot.questions.query_validation import MAX_LENGTH as MAX_EXPRESSION
from bot.questions.query_validation import quote


def resource(
    ctx: PlanContext, identifier: str, aggregator: str | None = None, accounts: frozenset[str] | None = None
) -> Answer[ResourceReport]:
    """A resource by id, name or ARN: its configuration item and its compliance under every
    rule. Two advanced queries, whatever the organization's size. Only among `accounts` when
    given (a channel's scope: a same-named resource elsewhere is neither chosen nor told of)."""
    tally = Tally()
    name = ctx.name(aggregator)
    catalog = ctx.catalog_of(tally)
    literal = quote(identifier.strip())
    expression = (
        "SELECT accountId, awsRegion, resourceType, resourceId, resourceName, arn, "
        "configurationItemCaptureTime, configuration, tags "
        f"WHERE resourceId = {literal} OR resourceName = {literal} OR arn = {literal}"
    )
    if len(expression) > MAX_EXPRESSION:  # AWS would refuse it: no id, name or ARN is that long
        raise errors.ResourceNotFound(identifier[:80] + "…")
    matches = list(ctx.aws.select(tally, name, expression))
    matches = [
        m
        for m in matches
        if m.get("resourceType") not in PSEUDO_TYPES and (accounts is None or m["accountId"] in accounts)
    ]
    if not matches:
        raise errors.ResourceNotFound(identifier)
    matches.sort(
        key=lambda m: (
            m.get("resourceId") != identifier,
            m["accountId"],
            m["awsRegion"],
            m["resourceType"],
            m["resourceId"],
        )
    )
    chosen = matches[0]
    # Rules evaluate a global resource (IAM) in a real region, so its compliance items are
    # regional: pin the region only for a regional resource.
    where_region = (
        "" if chosen["awsRegion"] == GLOBAL_REGION else f" AND awsRegion = {quote(chosen['awsRegion'])}"
    )
    compliance_expression = (
        "SELECT awsRegion, configuration.configRuleList WHERE resourceType = "
        "'AWS::Config::ResourceCompliance' "
        f"AND configuration.targetResourceId = {quote(chosen['resourceId'])} "
        f"AND configuration.targetResourceType = {quote(chosen['resourceType'])} "
        f"AND accountId = {quote(chosen['accountId'])}{where_region}"
    )
    compliance = []
    for row in ctx.aws.select(tally, name, compliance_expression):
        for element in row.get("configuration", {}).get("configRuleList", []):
            compliance.append(
                ResourceRuleCompliance(
                    rule_name=element["configRuleName"],
                    rule=catalog.logical_name(element["configRuleName"]),
                    compliance_type=element["complianceType"],
                    region=row.get("awsRegion"),
                )
            )
    compliance.sort(key=lambda c: (c.compliance_type != "NON_COMPLIANT", c.rule, c.rule_name))
    blind = (
        [chosen["accountId"]]
        if not compliance
        and any(
            a == chosen["accountId"] and chosen["awsRegion"] in (g, GLOBAL_REGION)
            for a, g in ctx.without_compliance_items(tally, name)
        )
        else []
    )
    coverage = ctx.coverage(
        tally,
        name,
        {chosen["accountId"]},
        None if chosen["awsRegion"] == GLOBAL_REGION else {chosen["awsRegion"]},
        without_compliance_items=blind,
    )
    tags = {t["key"]: t["value"] for t in chosen.get("tags", []) if "key" in t}
    report = ResourceReport(
        account_id=chosen["accountId"],
        region=chosen["awsRegion"],
        resource_type=chosen["resourceType"],
        resource_id=chosen["resourceId"],
        resource_name=chosen.get("resourceName"),
        arn=chosen.get("arn"),
        captured_at=reads.parse_time(chosen.get("configurationItemCaptureTime")),
        configuration=chosen.get("configuration") or {},
        tags=tags,
        compliance=compliance,
        console_url=console_url(chosen["resourceType"], chosen["resourceId"], chosen["awsRegion"]),
        other_matches=len(matches) - 1,
    )
    return ctx.answer(f"resource {identifier}", name, tally, report, coverage)


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
