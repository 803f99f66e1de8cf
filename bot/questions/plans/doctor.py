"""`doctor`: the aggregator against the article's best practices, each finding with its fix."""

from __future__ import annotations

from collections.abc import Callable

from bot.answers.models import AggregatorInfo, Answer, DoctorReport, Finding
from bot.aws.client import Tally
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext


def doctor(
    ctx: PlanContext,
    aggregator: str | None = None,
    organization_accounts: Callable[[], list[str] | None] | None = None,
) -> Answer[DoctorReport]:
    """The aggregator against the article's best practices, each finding with its fix."""
    tally = Tally()
    name = ctx.name(aggregator)
    found = ctx.aws.call(tally, "DescribeConfigurationAggregators", ConfigurationAggregatorNames=[name])
    info = reads.aggregator_info(found["ConfigurationAggregators"][0])
    findings = aggregator_findings(info)
    health = ctx.read_health(tally, name)
    for kind in ("FAILED", "OUTDATED"):
        bad = [p for p in health.problems if p.status == kind]
        if bad:
            codes = ", ".join(sorted({p.error_code for p in bad if p.error_code})) or "no error code"
            findings.append(
                Finding(
                    severity="critical" if kind == "FAILED" else "warning",
                    title=f"{len(bad)} source(s) {kind}",
                    detail=f"{', '.join(f'{p.source_id}/{p.region}' for p in bad[:10])} ({codes}).",
                    fix=(
                        "Check the aggregator role and that AWS Config records in those accounts: "
                        f"aws configservice describe-configuration-aggregator-sources-status "
                        f"--configuration-aggregator-name {name} --update-status FAILED OUTDATED"
                    ),
                )
            )
    rules = ctx.org_rules(tally)
    packs = ctx.aws.any(
        tally,
        "DescribeAggregateComplianceByConformancePacks",
        "AggregateComplianceByConformancePacks",
        lambda row: True,
        ConfigurationAggregatorName=name,
    )
    if not rules and not packs:
        findings.append(
            Finding(
                severity="warning",
                title="No organization rules or conformance packs seen",
                detail="Rules deployed account by account drift; deploy them once for the organization.",
                fix=(
                    "aws configservice put-organization-conformance-pack "
                    "--organization-conformance-pack-name baseline --template-s3-uri "
                    "s3://<bucket>/Operational-Best-Practices-for-CIS-AWS-v1.4-Level1.yaml"
                ),
            )
        )
    else:
        findings.append(
            Finding(
                severity="ok",
                title="Rules are deployed organization-wide",
                detail=f"{len(rules)} organization rule(s) visible; conformance packs "
                f"{'seen' if packs else 'not seen'}.",
            )
        )
    blind_sources = ctx.without_compliance_items(tally, name)
    if blind_sources:
        blind = sorted({a for a, _ in blind_sources})
        findings.append(
            Finding(
                severity="warning",
                title=f"{len(blind)} account(s) do not record compliance items (inferred)",
                detail=f"{', '.join(f'{a}/{g}' for a, g in blind_sources[:20])}: their rules have "
                "results there, but advanced queries see no AWS::Config::ResourceCompliance item "
                "of theirs. The bot reads their "
                "non-compliant resources from the compliance APIs; their compliant resources are "
                "not counted.",
                fix="Record AWS::Config::ResourceCompliance in those accounts' configuration "
                "recorders (remove it from exclusionByResourceTypes).",
            )
        )
    if info.kind == "organization" and organization_accounts is not None:
        expected = organization_accounts()
        if expected is not None:
            seen = set(_source_accounts(ctx, tally, name))
            missing = sorted(set(expected) - seen)
            if missing:
                findings.append(
                    Finding(
                        severity="warning",
                        title=f"{len(missing)} organization account(s) missing",
                        detail=", ".join(missing[:20]),
                        fix="Make sure AWS Config is enabled and recording in those accounts.",
                    )
                )
    return ctx.answer("doctor", name, tally, DoctorReport(aggregator=name, findings=findings))


def _source_accounts(ctx: PlanContext, tally: Tally, aggregator: str) -> list[str]:
    return sorted(
        {
            s["SourceId"]
            for s in ctx.aws.pages(
                tally,
                "DescribeConfigurationAggregatorSourcesStatus",
                "AggregatedSourceStatusList",
                ConfigurationAggregatorName=aggregator,
            )
            if s.get("SourceType") == "ACCOUNT"
        }
    )


def aggregator_findings(info: AggregatorInfo) -> list[Finding]:
    findings = []
    if info.kind == "accounts":
        findings.append(
            Finding(
                severity="warning",
                title="Account-based aggregator",
                detail=f"It lists {len(info.accounts)} account(s) by hand; new accounts are missed and each "
                "needs an authorization.",
                fix=(
                    "aws configservice put-configuration-aggregator "
                    f"--configuration-aggregator-name {info.name} --organization-aggregation-source "
                    "RoleArn=<aggregator-role-arn>,AllAwsRegions=true"
                ),
            )
        )
    else:
        findings.append(
            Finding(
                severity="ok",
                title="Organization-based aggregator",
                detail="New accounts join the aggregator by themselves.",
            )
        )
    if not info.all_regions:
        findings.append(
            Finding(
                severity="warning",
                title="Not all regions",
                detail=f"It reads {', '.join(info.regions)} only; resources elsewhere are invisible.",
                fix=(
                    "Terraform: organization_aggregation_source "
                    '{ all_regions = true role_arn = "<role-arn>" }'
                ),
            )
        )
    else:
        findings.append(Finding(severity="ok", title="All regions", detail="Every region is aggregated."))
    return findings
