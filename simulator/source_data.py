"""What one source (account, region) contributes to an aggregator, in compact form, derived once
per change of the source: its rules with results (name, compliance, non-compliant count), its
conformance packs' compliance, its recorded seeded resources, and its compliance items (the
AWS::Config::ResourceCompliance and ::ConformancePackCompliance documents advanced queries read,
kept as small objects and made into documents only for the rows a query returns).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.config.models import ConfigBackend

from simulator.inventory import (
    PACK_COMPLIANCE,
    RESOURCE_COMPLIANCE,
    recording,
    rule_compliance,
)
from simulator.state import ConformancePack, Evaluation, Resource, by_rule, derived, sim
from simulator.tracking import LazyRules

# (rule name, compliance type, non-compliant resource count) of a rule with results.
RuleResult = tuple[str, str, int]


def pack_compliance(rule_types: list[str]) -> str:
    if "NON_COMPLIANT" in rule_types:
        return "NON_COMPLIANT"
    if "COMPLIANT" in rule_types:
        return "COMPLIANT"
    return "INSUFFICIENT_DATA"


@dataclass(slots=True)
class ComplianceItem:
    """An AWS::Config::ResourceCompliance configuration item: one resource's verdicts, by rule."""

    account_id: str
    region: str
    target_type: str
    target_id: str
    # The rules, sorted by name, and each one's compliance type: two shared tuples, not a pair
    # per rule (two million items at 10,000 accounts x 17 regions).
    names: tuple[str, ...]
    types: tuple[str, ...]
    overall: str
    latest: datetime
    rules: LazyRules

    resource_type = RESOURCE_COMPLIANCE

    @property
    def verdicts(self) -> Iterator[tuple[str, str]]:
        """(rule name, compliance type), the rules sorted by name."""
        return zip(self.names, self.types, strict=True)

    def document(self) -> dict[str, Any]:
        rule_list = []
        for name, compliance in self.verdicts:
            identity = self.rules.identity(name) or ("", "")
            rule_list.append(
                {
                    "configRuleName": name,
                    "configRuleArn": identity[0],
                    "configRuleId": identity[1],
                    "complianceType": compliance,
                }
            )
        return {
            "accountId": self.account_id,
            "awsRegion": self.region,
            "resourceType": RESOURCE_COMPLIANCE,
            "resourceId": f"{self.target_type}/{self.target_id}",
            "resourceName": f"{self.target_type}/{self.target_id}",
            "configurationItemCaptureTime": self.latest.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "configurationItemStatus": "OK",
            "configuration": {
                "complianceType": self.overall,
                "targetResourceId": self.target_id,
                "targetResourceType": self.target_type,
                "configRuleList": rule_list,
            },
            "tags": [],
        }


@dataclass(slots=True)
class PackItem:
    """One conformance pack of a source: its DescribeAggregateComplianceByConformancePacks row and
    its AWS::Config::ConformancePackCompliance document."""

    account_id: str
    region: str
    pack: ConformancePack
    # The pack's rules that exist, and each one's compliance type (two tuples, as above).
    names: tuple[str, ...]
    types: tuple[str, ...]
    compliance: str = ""  # the pack's: from its verdicts, once (summaries read it per source)

    resource_type = PACK_COMPLIANCE

    def __post_init__(self) -> None:
        self.compliance = pack_compliance(list(self.types))

    @property
    def verdicts(self) -> Iterator[tuple[str, str]]:
        """(rule name, compliance type) of the pack's rules that exist."""
        return zip(self.names, self.types, strict=True)

    def row(self) -> dict[str, Any]:
        types = self.types
        return {
            "ConformancePackName": self.pack.name,
            "Compliance": {
                "ComplianceType": self.compliance,
                "CompliantRuleCount": types.count("COMPLIANT"),
                "NonCompliantRuleCount": types.count("NON_COMPLIANT"),
                "TotalRuleCount": len(types),
            },
            "AccountId": self.account_id,
            "AwsRegion": self.region,
        }

    def document(self) -> dict[str, Any]:
        rule_list = [{"configRuleName": n, "complianceType": t} for n, t in self.verdicts]
        return {
            "accountId": self.account_id,
            "awsRegion": self.region,
            "resourceType": PACK_COMPLIANCE,
            "resourceId": self.pack.pack_id,
            "resourceName": self.pack.name,
            "arn": self.pack.arn,
            "configuration": {
                "conformancePackName": self.pack.name,
                "complianceType": self.compliance,
                "configRuleList": rule_list,
                "totalRuleCount": len(rule_list),
            },
            "tags": [],
        }


@dataclass(slots=True)
class SourceData:
    rules: tuple[RuleResult, ...]  # rules with results, by name
    rule_count: int  # every rule, with results or not
    compliant_rules: int
    non_compliant_rules: int
    packs: tuple[PackItem, ...]
    resources: tuple[Resource, ...]  # seeded and recorded, in the order they were recorded
    compliance: tuple[ComplianceItem, ...]  # by (resource type, resource id); none if not recorded
    pack_documents: bool  # whether the recorder records AWS::Config::ConformancePackCompliance
    compliant_packs: int = 0
    non_compliant_packs: int = 0


NO_DATA = SourceData((), 0, 0, 0, (), (), (), False)


def source_data(found: ConfigBackend | None, account_id: str, region: str) -> SourceData:
    if found is None:
        return NO_DATA
    return derived(found, "source_data", lambda: _source_data(found, account_id, region))


def _source_data(found: ConfigBackend, account_id: str, region: str) -> SourceData:
    state = sim(found)
    rules = found.config_rules
    assert isinstance(rules, LazyRules)  # see state.sim
    recorded = recording(found)
    # Evaluations of deleted rules are not visible.
    evaluated = sorted((name, latest) for name, latest in by_rule(state.evaluations).items() if name in rules)
    results: list[RuleResult] = []
    by_resource: dict[tuple[str, str], list[tuple[str, Evaluation]]] = {}
    for name, latest in evaluated:
        compliance, count = rule_compliance(latest.values())
        if compliance != "INSUFFICIENT_DATA":
            results.append((name, compliance, count))
        for key, evaluation in latest.items():
            by_resource.setdefault(key, []).append((name, evaluation))
    verdict = {name: compliance for name, compliance, _ in results}
    packs = []
    for pack in sorted(state.packs.values(), key=lambda p: p.name):
        names = tuple(n for n in pack.rule_names if n in rules)
        types = _shared(tuple(verdict.get(n, "INSUFFICIENT_DATA") for n in names))
        packs.append(PackItem(account_id, region, pack, names, types))
    compliance_items: tuple[ComplianceItem, ...] = ()
    if recorded.records(RESOURCE_COMPLIANCE):
        rule_lists: dict[tuple[str, ...], tuple[str, ...]] = {}  # resources judged by the same rules
        compliance_items = tuple(
            _item(account_id, region, key, pairs, rules, rule_lists)
            for key, pairs in sorted(by_resource.items())
        )
    resources = tuple(r for r in state.resources.values() if recorded.records(r.resource_type))
    return SourceData(
        tuple(results),
        len(rules),
        sum(c == "COMPLIANT" for _, c, _ in results),
        sum(c == "NON_COMPLIANT" for _, c, _ in results),
        tuple(packs),
        resources,
        compliance_items,
        recorded.records(PACK_COMPLIANCE),
        sum(p.compliance == "COMPLIANT" for p in packs),
        sum(p.compliance == "NON_COMPLIANT" for p in packs),
    )


# Tuples of compliance types, one object per distinct tuple: items and packs hold a handful of
# them. Bounded, should an organization's verdicts ever make more.
_TYPES: dict[tuple[str, ...], tuple[str, ...]] = {}
_MAX_TYPES = 100_000


def _shared(types: tuple[str, ...]) -> tuple[str, ...]:
    found = _TYPES.get(types)
    if found is not None:
        return found
    if len(_TYPES) < _MAX_TYPES:
        _TYPES[types] = types
    return types


def _item(
    account_id: str,
    region: str,
    key: tuple[str, str],
    pairs: list[tuple[str, Evaluation]],
    rules: LazyRules,
    rule_lists: dict[tuple[str, ...], tuple[str, ...]],
) -> ComplianceItem:
    types = {e.compliance_type for _, e in pairs}
    overall = (
        "NON_COMPLIANT"
        if "NON_COMPLIANT" in types
        else "COMPLIANT"
        if "COMPLIANT" in types
        else "INSUFFICIENT_DATA"
    )
    return ComplianceItem(
        account_id,
        region,
        key[0],
        key[1],
        rule_lists.setdefault(names := tuple(name for name, _ in pairs), names),
        _shared(tuple(e.compliance_type for _, e in pairs)),
        overall,
        max(e.recorded for _, e in pairs),
        rules,
    )
