"""One logical rule, one count. Pure.

The same check is often deployed several times in one account and region (an organization rule,
conformance-pack copies, Security Hub's copy, a local rule), so one resource is NON_COMPLIANT
under several physical rules. Every answer counts it once per logical rule: the physical rules'
results are merged into one row per resource that lists them, and each count comes from those
rows, or, where details were not read, from the largest physical count (a lower bound).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bot.answers.models import Count, NonCompliantResource, RuleOverviewRow, SourceCount

Row = Mapping[str, Any]  # one item of DescribeAggregateComplianceByConfigRules
Group = tuple[str, str, str]  # logical rule, account, region


def merge(found: Iterable[NonCompliantResource]) -> list[NonCompliantResource]:
    """One row per (logical rule, resource), listing every physical rule that flags it; the first
    annotation in physical-name order and the latest evaluation time. Sorted by account, region,
    rule, type and id."""
    grouped: dict[tuple[str, str, str, str, str], list[NonCompliantResource]] = defaultdict(list)
    for resource in found:
        grouped[(resource.rule, *resource.key)].append(resource)
    merged = []
    for (_rule, *_key), same in grouped.items():
        same.sort(key=lambda r: r.rule_names)
        names = sorted({name for r in same for name in r.rule_names})
        annotation = next((r.annotation for r in same if r.annotation), None)
        times = [r.evaluated_at for r in same if r.evaluated_at is not None]
        merged.append(
            same[0].model_copy(
                update={
                    "rule_names": names,
                    "annotation": annotation,
                    "evaluated_at": max(times) if times else None,
                }
            )
        )
    merged.sort(key=lambda r: (r.account_id, r.region, r.rule, r.resource_type, r.resource_id))
    return merged


def contributors(row: Row) -> Count:
    """A physical rule's non-compliant resource count in one source, as AWS gives it (capped)."""
    count = row.get("Compliance", {}).get("ComplianceContributorCount") or {}
    return Count(value=int(count.get("CappedCount", 0)), capped=bool(count.get("CapExceeded", False)))


def group_of(row: Row, logical_name: Callable[[str], str]) -> Group:
    return (logical_name(str(row["ConfigRuleName"])), str(row["AccountId"]), str(row["AwsRegion"]))


def needs_details(rows: Sequence[Row]) -> bool:
    """Whether a group's count needs its details to be exact: several physical rules (one resource
    may be flagged by more than one) or a count AWS capped."""
    return len(rows) > 1 or any(contributors(r).capped for r in rows)


def group_counts(
    groups: Mapping[Group, Sequence[Row]],
    resources: Sequence[NonCompliantResource],
    read: set[tuple[str, str, str]],
) -> dict[Group, Count]:
    """Each group's distinct non-compliant resources. `read` holds the (physical rule, account,
    region) whose details are in `resources`: a group read in full is counted from its resources;
    a single uncapped physical rule is exact as AWS counts it; otherwise the larger of what was read
    and the largest physical count, as a lower bound."""
    distinct: dict[Group, int] = defaultdict(int)
    for r in resources:
        distinct[(r.rule, r.account_id, r.region)] += 1
    counts = {}
    for group, rows in groups.items():
        keys = {(str(r["ConfigRuleName"]), group[1], group[2]) for r in rows}
        if keys <= read:
            counts[group] = Count(value=distinct[group])
        elif not needs_details(rows):
            counts[group] = contributors(rows[0])
        else:
            largest = max(contributors(r).value for r in rows)
            counts[group] = Count(value=max(largest, distinct[group]), capped=True)
    return counts


def source_counts(counts: Mapping[Group, Count], rule: str) -> list[SourceCount]:
    """The sources in which one logical rule has non-compliant resources, sorted."""
    return [
        SourceCount(account_id=account, region=region, non_compliant=count)
        for (logical, account, region), count in sorted(counts.items())
        if logical == rule and (count.value or count.capped)
    ]


def overview(groups: Mapping[Group, Sequence[Row]], counts: Mapping[Group, Count]) -> list[RuleOverviewRow]:
    """Per logical rule: its physical names, accounts, regions and distinct resources; worst first."""
    by_rule: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        if counts[group].value or counts[group].capped:
            by_rule[group[0]].append(group)
    rows = []
    for rule, members in by_rule.items():
        rows.append(
            RuleOverviewRow(
                rule=rule,
                member_rule_names=sorted({str(r["ConfigRuleName"]) for g in members for r in groups[g]}),
                accounts=len({g[1] for g in members}),
                regions=len({g[2] for g in members}),
                resources=sum((counts[g] for g in members), Count(value=0)),
            )
        )
    rows.sort(key=lambda r: (-r.resources.value, -r.accounts, r.rule))
    return rows
