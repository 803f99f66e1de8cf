"""Reads and conversions every plan shares: the compliance rows, the summaries, the details of a
(rule, account, region), and AWS's items turned into the bot's models. Each read takes the
`AggregatorClient` and the question's `Tally`; nothing here remembers anything."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from bot.answers import counting
from bot.answers.models import (
    AggregatorInfo,
    Count,
    NonCompliantResource,
    SourceHealth,
    SourceProblem,
    SummaryRow,
)
from bot.aws.client import AggregatorClient, Tally
from bot.aws.console import console_url
from bot.questions.query_validation import quote

RULES_BY_NAME = "DescribeAggregateComplianceByConfigRules"
RULE_ROWS = "AggregateComplianceByConfigRules"
SELECT = "SelectAggregateResourceConfig"
NON_COMPLIANT_ITEMS = (
    "SELECT accountId, awsRegion, configuration.targetResourceId, configuration.targetResourceType, "
    "configuration.configRuleList WHERE resourceType = 'AWS::Config::ResourceCompliance' "
    "AND configuration.complianceType = 'NON_COMPLIANT'"
)
GLOBAL_REGION = "global"  # the awsRegion of global resources' configuration items (IAM)
PSEUDO_TYPES = ("AWS::Config::ResourceCompliance", "AWS::Config::ConformancePackCompliance")


def summary_groups(
    aws: AggregatorClient, tally: Tally, name: str, key: str, filters: dict[str, str]
) -> list[SummaryRow]:
    return [
        SummaryRow(
            group=g["GroupName"],
            compliant_rules=count(g["ComplianceSummary"]["CompliantResourceCount"]),
            non_compliant_rules=count(g["ComplianceSummary"]["NonCompliantResourceCount"]),
        )
        for g in aws.pages(
            tally,
            "GetAggregateConfigRuleComplianceSummary",
            "AggregateComplianceCounts",
            ConfigurationAggregatorName=name,
            GroupByKey=key,
            **({"Filters": filters} if filters else {}),
        )
    ]


def non_compliant_rows(
    aws: AggregatorClient, tally: Tally, aggregator: str, **filters: str
) -> list[dict[str, Any]]:
    return list(
        aws.pages(
            tally,
            RULES_BY_NAME,
            RULE_ROWS,
            ConfigurationAggregatorName=aggregator,
            Filters={"ComplianceType": "NON_COMPLIANT", **filters},
        )
    )


def any_rule_row(
    aws: AggregatorClient,
    tally: Tally,
    name: str,
    filters: dict[str, str] | None = None,
    accounts: Collection[str] | None = None,
) -> bool:
    """Whether a rule has a result row under `filters` in one of `accounts` (None: any account),
    reading pages only until one is found."""
    return aws.any(
        tally,
        RULES_BY_NAME,
        RULE_ROWS,
        lambda row: accounts is None or row["AccountId"] in accounts,
        ConfigurationAggregatorName=name,
        **({"Filters": filters} if filters else {}),
    )


def anything_evaluated(
    aws: AggregatorClient, tally: Tally, name: str, accounts: Collection[str] | None
) -> bool:
    """Whether any rule has results in these accounts (None: anywhere): an empty answer is an
    all-clear only then."""
    if accounts is None:
        return any_rule_row(aws, tally, name)
    return any(any_rule_row(aws, tally, name, {"AccountId": account}) for account in sorted(accounts))


def details(
    aws: AggregatorClient,
    tally: Tally,
    aggregator: str,
    logical: str,
    rule_name: str,
    account: str,
    region: str,
) -> list[NonCompliantResource]:
    return [
        resource_from_detail(item, logical)
        for item in aws.pages(
            tally,
            "GetAggregateComplianceDetailsByConfigRule",
            "AggregateEvaluationResults",
            ConfigurationAggregatorName=aggregator,
            ConfigRuleName=rule_name,
            AccountId=account,
            AwsRegion=region,
            ComplianceType="NON_COMPLIANT",
        )
    ]


def read_details(
    aws: AggregatorClient,
    tally: Tally,
    aggregator: str,
    logical_name: Callable[[str], str],
    rows: Sequence[dict[str, Any]],
    cap: int,
) -> tuple[list[NonCompliantResource], set[tuple[str, str, str]]]:
    """The details of up to `cap` rows (in order), fanned out; and which rows
    (physical rule, account, region) were read."""
    fetched = list(rows[:cap])
    jobs = [
        partial(
            details,
            aws,
            tally,
            aggregator,
            logical_name(r["ConfigRuleName"]),
            r["ConfigRuleName"],
            r["AccountId"],
            r["AwsRegion"],
        )
        for r in fetched
    ]
    found = [resource for batch in aws.fan_out(jobs) for resource in batch]
    return found, {(r["ConfigRuleName"], r["AccountId"], r["AwsRegion"]) for r in fetched}


def logical_counts(
    aws: AggregatorClient,
    tally: Tally,
    aggregator: str,
    logical_name: Callable[[str], str],
    groups: dict[counting.Group, list[dict[str, Any]]],
    read_all: bool,
    cap: int,
) -> tuple[list[NonCompliantResource], dict[counting.Group, Count], bool]:
    """Rows of DescribeAggregateComplianceByConfigRules (grouped by `grouped`) counted once
    per logical rule: the details of every row (`read_all`), or only of the groups whose count
    needs them (several physical rules, or a capped count). Returns the merged resources, each
    group's count, and whether every detail wanted was read."""
    wanted = [r for g in groups.values() if read_all or counting.needs_details(g) for r in g]
    found, read = read_details(aws, tally, aggregator, logical_name, wanted, cap)
    resources = counting.merge(found)
    return resources, counting.group_counts(groups, resources, read), len(read) == len(wanted)


def source_health(aws: AggregatorClient, tally: Tally, name: str, now: datetime) -> SourceHealth:
    """The sources that FAILED or are OUTDATED, read now."""
    problems = []
    for s in aws.pages(
        tally,
        "DescribeConfigurationAggregatorSourcesStatus",
        "AggregatedSourceStatusList",
        ConfigurationAggregatorName=name,
        UpdateStatus=["FAILED", "OUTDATED"],
    ):
        last = s.get("LastUpdateTime")
        problems.append(
            SourceProblem(
                source_id=s["SourceId"],
                source_type=s["SourceType"],
                region=s["AwsRegion"],
                status=s["LastUpdateStatus"],
                error_code=s.get("LastErrorCode"),
                error_message=s.get("LastErrorMessage"),
                last_update=last,
                age_seconds=int((now - last).total_seconds()) if last else None,
            )
        )
    problems.sort(key=lambda p: (p.status != "FAILED", p.source_id, p.region))
    return SourceHealth(problems=problems)


def recording_sources(
    aws: AggregatorClient, tally: Tally, name: str, evaluated: Collection[tuple[str, str]], split_pages: int
) -> set[tuple[str, str]]:
    """The sources (account, region) with compliance items: one GROUP BY query, or, where its
    groups would fill more than `split_pages` pages, one per region with evaluated rules, at once
    (the same pages, not in one chain)."""
    base = "SELECT accountId, awsRegion, COUNT(*) WHERE resourceType = 'AWS::Config::ResourceCompliance'"
    group = " GROUP BY accountId, awsRegion"
    if len(evaluated) <= split_pages * aws.page_sizes[SELECT]:
        expressions = [base + group]
    else:
        regions = sorted({region for _, region in evaluated})
        expressions = [f"{base} AND awsRegion = {quote(region)}{group}" for region in regions]
    chains = aws.fan_out([partial(lambda e: list(aws.select(tally, name, e)), e) for e in expressions])
    return {(str(row.get("accountId")), str(row.get("awsRegion"))) for chain in chains for row in chain}


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def resource_from_detail(item: dict[str, Any], logical: str) -> NonCompliantResource:
    qualifier = item["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
    return NonCompliantResource(
        account_id=item["AccountId"],
        region=item["AwsRegion"],
        resource_type=qualifier["ResourceType"],
        resource_id=qualifier["ResourceId"],
        rule=logical,
        rule_names=[qualifier["ConfigRuleName"]],
        annotation=item.get("Annotation"),
        evaluated_at=item.get("ResultRecordedTime"),
        console_url=console_url(qualifier["ResourceType"], qualifier["ResourceId"], item["AwsRegion"]),
    )


def count(raw: dict[str, Any]) -> Count:
    """AWS's {CappedCount, CapExceeded}: a lower bound when the cap was exceeded."""
    return Count(value=int(raw.get("CappedCount", 0)), capped=bool(raw.get("CapExceeded", False)))


def grouped(
    rows: Iterable[dict[str, Any]], logical_name: Callable[[str], str]
) -> dict[counting.Group, list[dict[str, Any]]]:
    groups: dict[counting.Group, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["AccountId"], r["AwsRegion"], r["ConfigRuleName"])):
        groups[counting.group_of(row, logical_name)].append(row)
    return groups


def aggregator_info(raw: dict[str, Any]) -> AggregatorInfo:
    org = raw.get("OrganizationAggregationSource")
    accounts = raw.get("AccountAggregationSources") or []
    source = org or (accounts[0] if accounts else {})
    return AggregatorInfo(
        name=raw["ConfigurationAggregatorName"],
        arn=raw.get("ConfigurationAggregatorArn", ""),
        kind="organization" if org else "accounts",
        all_regions=bool(source.get("AllAwsRegions")),
        regions=sorted(source.get("AwsRegions") or []),
        accounts=sorted({a for s in accounts for a in s.get("AccountIds", [])}),
    )
