"""An answer model of every kind, at any size and with any text in its fields, and each model's
presenter: what the presenter tests feed every formatter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import bot.questions.kinds  # noqa: F401  (registers every kind in REGISTRY)
from bot.answers.models import (
    AccountDrilldown,
    AggregatorInfo,
    Aggregators,
    ComplianceSummary,
    Count,
    DoctorReport,
    FailingResources,
    Finding,
    GroupCount,
    NonCompliantResource,
    PackCompliance,
    PackRow,
    QueryResult,
    RelatedResource,
    ResourceCounts,
    ResourceRef,
    ResourceReport,
    ResourceRuleCompliance,
    RuleCompliance,
    RuleOverviewRow,
    RulesOverview,
    SourceCount,
    SourceHealth,
    SourceProblem,
    SummaryRow,
)
from bot.presenters.presenter import Presenter
from bot.questions.registry import REGISTRY, data_type

NOW = datetime(2026, 11, 26, 9, 41, tzinfo=UTC)
# Each answer model's presenter, from the registry: a kind added there is covered here.
PRESENTERS: dict[type, Presenter[Any]] = {
    data_type(kind): kind.presenter for kind in REGISTRY.values() if kind.presenter is not None
}


def presenter(data: Any) -> Presenter[Any]:
    return PRESENTERS[type(data)]


def resource(i: int, text: str = "") -> NonCompliantResource:
    return NonCompliantResource(
        account_id=f"{i:012d}",
        region="eu-west-1",
        resource_type="AWS::S3::Bucket",
        resource_id=f"bucket-{i}{text}",
        rule=f"rule{text}",
        rule_names=[f"rule-{i}{text}", f"OrgConfigRule-rule-{i}{text}-ab12cd34"][: 1 + i % 2],
        annotation=text or None,
        evaluated_at=NOW,
        console_url=f"https://example.com/{i}",
    )


def ref(i: int, text: str = "") -> ResourceRef:
    return ResourceRef(
        account_id=f"{i:012d}",
        region="eu-west-1",
        resource_type="AWS::EC2::SecurityGroup",
        resource_id=f"sg-{i}{text}",
        resource_name=f"web{text}",
        arn=f"arn:aws:ec2:eu-west-1:{i:012d}:security-group/sg-{i}{text}" if i % 2 else None,
    )


def models(n: int, text: str = "") -> list[Any]:
    resources = [resource(i, text) for i in range(n)]
    rows = [
        RuleOverviewRow(
            rule=f"rule-{i}{text}",
            member_rule_names=[f"r{i}{text}"],
            accounts=i,
            regions=2,
            resources=Count(value=i, capped=i % 2 == 0),
        )
        for i in range(n)
    ]
    return [
        RuleCompliance(
            rule=f"rule{text}",
            member_rule_names=[f"rule{text}"],
            plan="fan-out",
            resources=resources,
            sources=[
                SourceCount(
                    account_id=f"{i:012d}", region="eu-west-1", non_compliant=Count(value=i, capped=i > 100)
                )
                for i in range(n)
            ],
            complete=n % 2 == 0,
        ),
        ComplianceSummary(
            group_by="account",
            rows=[
                SummaryRow(
                    group=f"{i:012d}{text}",
                    compliant_rules=Count(value=i),
                    non_compliant_rules=Count(value=n - i, capped=i == 1),
                )
                for i in range(n)
            ],
        ),
        RulesOverview(rows=rows),
        AccountDrilldown(account_id="123456789012", rules=rows, resources=resources),
        ResourceReport(
            identifier=f"bucket{text}",
            resource=ResourceRef(
                account_id="123456789012",
                region="eu-west-1",
                resource_type="AWS::S3::Bucket",
                resource_id=f"bucket{text}",
                resource_name=f"bucket{text}",
                arn=f"arn:aws:s3:::bucket{text}",
            ),
            captured_at=NOW,
            configuration={f"k{i}{text}": f"v{text}" for i in range(min(n, 8))},
            tags={f"t{i}{text}": text for i in range(n)},
            relationships=[
                RelatedResource(
                    resource_type="AWS::EC2::Instance",
                    resource_id=f"i-{i}{text}",
                    resource_name=text or None,
                    relationship=f"Is associated with Instance{text}",
                )
                for i in range(n)
            ],
            compliance=[
                ResourceRuleCompliance(
                    rule_name=f"r{i}{text}",
                    rule=f"rule{i}",
                    compliance_type=("NON_COMPLIANT", "COMPLIANT", "NOT_APPLICABLE")[i % 3],
                    region="eu-west-1",
                    annotation=text or None,
                    evaluated_at=NOW,
                    details_unread=i % 4 == 0,
                )
                for i in range(n)
            ],
            console_url="https://example.com/b",
            matches=[ref(i, text) for i in range(n)],
        ),
        ResourceCounts(
            group_by="type", total=n, rows=[GroupCount(group=f"T{i}{text}", count=i) for i in range(n)]
        ),
        SourceHealth(
            problems=[
                SourceProblem(
                    source_id=f"{i:012d}",
                    source_type="ACCOUNT",
                    region="us-east-1",
                    status="FAILED" if i % 2 else "OUTDATED",
                    error_code=f"E{text}",
                    error_message=text,
                    last_update=NOW - timedelta(hours=i),
                    age_seconds=3600 * i,
                )
                for i in range(n)
            ]
        ),
        PackCompliance(
            rows=[
                PackRow(
                    pack=f"pack{text}",
                    account_id=f"{i:012d}",
                    region="us-east-1",
                    compliance_type="NON_COMPLIANT",
                    compliant_rules=i,
                    non_compliant_rules=1,
                    total_rules=i + 1,
                )
                for i in range(n)
            ]
        ),
        QueryResult(
            expression=f"SELECT resourceId{text}",
            columns=["resourceId"],
            rows=[{"resourceId": f"r{i}{text}"} for i in range(n)],
            truncated=n > 5,
        ),
        Aggregators(
            rows=[
                AggregatorInfo(
                    name=f"agg{i}{text}",
                    arn="arn",
                    kind="organization",
                    all_regions=False,
                    regions=["us-east-1"] * 3,
                )
                for i in range(n)
            ]
        ),
        DoctorReport(
            aggregator="Org",
            findings=[Finding(severity="warning", title=f"t{text}", detail=text, fix=text) for _ in range(n)],
        ),
        FailingResources(
            account_id="123456789012", region=f"eu-west-1{text}", rules=rows, resources=resources
        ),
        # Several resources by one name, none exactly: the matches, to pick from.
        ResourceReport(identifier=f"web{text}", matches=[ref(i, text) for i in range(max(n, 2))]),
    ]
