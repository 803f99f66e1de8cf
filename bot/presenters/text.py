"""Answers as plain text, for the terminal (`compliance-bot ask`). Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.answers.coverage import caveat_line
from bot.answers.models import (
    SUMMARY_UNIT,
    AccountDrilldown,
    Aggregators,
    Answer,
    ComplianceSummary,
    DoctorReport,
    NonCompliantResource,
    PackCompliance,
    QueryResult,
    ResourceCounts,
    ResourceReport,
    RuleCompliance,
    RulesOverview,
    SourceHealth,
)

SHOWN = 50


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _resources(resources: list[NonCompliantResource]) -> list[str]:
    lines = [
        f"  {r.account_id} {r.region:<15} {r.resource_type:<28} {r.resource_id}"
        + (f"  ({r.annotation})" if r.annotation else "")
        + (f"  [{len(r.rule_names)} rules: {', '.join(r.rule_names)}]" if len(r.rule_names) > 1 else "")
        for r in resources[:SHOWN]
    ]
    if len(resources) > SHOWN:
        lines.append(f"  ... and {len(resources) - SHOWN} more (use --json for all)")
    return lines


def render(answer: Answer[Any]) -> str:
    body = _body(answer.data)
    if _empty(answer.data) and (answer.coverage.failed or answer.coverage.outdated):
        body.append("(only the sources that reported: not every source did, so this is not an all-clear)")
    caveat = caveat_line(answer.coverage)
    footer = (
        f"data as of {_when(answer.as_of)}, aggregator {answer.aggregator}, "
        f"{answer.aws_calls} AWS call(s){', cached' if answer.cached else ''}"
    )
    return "\n".join([*body, *(["", caveat] if caveat else []), "", footer])


def _empty(data: Any) -> bool:
    if isinstance(data, RuleCompliance):
        return not data.sources
    if isinstance(data, RulesOverview | AccountDrilldown):
        return not data.rows if isinstance(data, RulesOverview) else not data.rules
    return False


def _body(data: Any) -> list[str]:
    if isinstance(data, RuleCompliance):
        if not data.sources:
            return [f"{data.rule}: no non-compliant resources anywhere."]
        lines = [
            f"{data.rule}: {data.non_compliant_resources.words} non-compliant resource(s) in "
            f"{len(data.accounts)} account(s), {len(data.regions)} region(s)  [plan: {data.plan}]",
            "By account and region:",
            *(f"  {s.account_id} {s.region:<15} {s.non_compliant}" for s in data.sources[:SHOWN]),
            "Resources:",
            *_resources(data.resources),
        ]
        return lines
    if isinstance(data, ComplianceSummary):
        return [
            f"Rules by {data.group_by}: {data.compliant_rules} compliant, "
            f"{data.non_compliant_rules} non-compliant",
            *(
                f"  {r.group:<15} compliant {r.compliant_rules!s:>5}  "
                f"non-compliant {r.non_compliant_rules!s:>5}"
                for r in data.rows
            ),
            SUMMARY_UNIT.replace("`", ""),
        ]
    if isinstance(data, RulesOverview):
        if not data.rows:
            return ["No rule has non-compliant resources."]
        return [
            "Rules with non-compliant resources, worst first:",
            *(
                f"  {r.rule:<55} {str(r.resources):>6} resources  {r.accounts:>4} accounts  "
                f"{r.regions:>2} regions"
                for r in data.rows
            ),
        ]
    if isinstance(data, AccountDrilldown):
        if not data.rules:
            return [f"Account {data.account_id}: nothing is failing."]
        return [
            f"Account {data.account_id}: {len(data.rules)} rule(s) failing",
            *(f"  {r.rule:<55} {str(r.resources):>6} resources in {r.regions} region(s)" for r in data.rules),
            "Resources:",
            *_resources(data.resources),
        ]
    if isinstance(data, ResourceReport):
        lines = [
            f"{data.resource_type} {data.resource_id}"
            + (f" ({data.resource_name})" if data.resource_name else ""),
            f"  account {data.account_id}, region {data.region}, captured {_when(data.captured_at)}",
            f"  {data.console_url}",
            f"  compliance: {data.compliance_type}",
        ]
        lines += [f"    {c.compliance_type:<14} {c.rule} ({c.rule_name})" for c in data.compliance]
        if data.other_matches:
            lines.append(f"  ({data.other_matches} other resource(s) match; ask by ARN to pick one)")
        return lines
    if isinstance(data, ResourceCounts):
        return [
            f"{data.total} resources, by {data.group_by}:",
            *(f"  {r.group:<45} {r.count:>7}" for r in data.rows),
        ]
    if isinstance(data, SourceHealth):
        if not data.problems:
            return ["All aggregator sources are up to date."]
        return [
            f"{len(data.failed)} source(s) FAILED, {len(data.outdated)} OUTDATED:",
            *(
                f"  {p.status:<8} {p.source_id} {p.region:<15} {p.error_code or ''} "
                f"{p.error_message or ''}".rstrip()
                for p in data.problems
            ),
        ]
    if isinstance(data, PackCompliance):
        return [
            "Conformance packs:",
            *(
                f"  {r.pack:<30} {r.account_id} {r.region:<15} {r.compliance_type:<17} "
                f"{r.non_compliant_rules}/{r.total_rules} rules non-compliant"
                for r in data.rows
            ),
        ]
    if isinstance(data, QueryResult):
        lines = [" | ".join(data.columns)]
        lines += [str(row) for row in data.rows]
        if data.truncated:
            lines.append(f"(first {len(data.rows)} rows)")
        return lines
    if isinstance(data, Aggregators):
        return [
            f"{a.name}: {a.kind}-based, regions {'all' if a.all_regions else ', '.join(a.regions)}"
            for a in data.rows
        ] or ["No aggregators here."]
    if isinstance(data, DoctorReport):
        lines = [f"Aggregator {data.aggregator}:"]
        for f in data.findings:
            lines.append(f"  [{f.severity}] {f.title}: {f.detail}")
            if f.fix:
                lines.append(f"      fix: {f.fix}")
        return lines
    return [str(data)]
