"""Compliance by conformance pack: a pack is NON_COMPLIANT if any of its rules is, COMPLIANT if any
is and none is not, else INSUFFICIENT_DATA. DescribeAggregateComplianceByConformancePacks lists
each pack of each source; GetAggregateConformancePackComplianceSummary counts them per account
or region."""

from __future__ import annotations

from moto.config.models import ConfigBackend

from simulator.api.common import (
    Params,
    Response,
    aggregator_and_state,
    check_enum,
    filtered_sources,
    page_response,
    summary_page,
)
from simulator.inventory import rules_in
from simulator.sources import Source
from simulator.state import derived, existing_backend, sim

PACK_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA")


def pack_compliance(rule_types: list[str]) -> str:
    if "NON_COMPLIANT" in rule_types:
        return "NON_COMPLIANT"
    if "COMPLIANT" in rule_types:
        return "COMPLIANT"
    return "INSUFFICIENT_DATA"


def packs_of(source: Source) -> list[Response]:
    found = existing_backend(source.account_id, source.region)
    if found is None:
        return []
    return derived(found, "packs", lambda: _pack_rows(found, source))


def _pack_rows(found: ConfigBackend, source: Source) -> list[Response]:
    states = {r.name: r.compliance[0] for r in rules_in(source.account_id, source.region)}
    rows = []
    for pack in sorted(sim(found).packs.values(), key=lambda p: p.name):
        types = [states[name] for name in pack.rule_names if name in states]
        rows.append(
            {
                "ConformancePackName": pack.name,
                "Compliance": {
                    "ComplianceType": pack_compliance(types),
                    "CompliantRuleCount": types.count("COMPLIANT"),
                    "NonCompliantRuleCount": types.count("NON_COMPLIANT"),
                    "TotalRuleCount": len(types),
                },
                "AccountId": source.account_id,
                "AwsRegion": source.region,
            }
        )
    return rows


def describe_aggregate_compliance_by_conformance_packs(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    filters = params.get("Filters") or {}
    check_enum(filters.get("ComplianceType"), "filters.complianceType", PACK_COMPLIANCE_TYPES)

    def compute() -> list[Response]:
        rows = []
        for source in filtered_sources(aggregator, filters.get("AccountId"), filters.get("AwsRegion")):
            for row in packs_of(source):
                if (
                    filters.get("ConformancePackName")
                    and row["ConformancePackName"] != filters["ConformancePackName"]
                ):
                    continue
                if (
                    filters.get("ComplianceType")
                    and row["Compliance"]["ComplianceType"] != filters["ComplianceType"]
                ):
                    continue
                rows.append(row)
        return rows

    return page_response(
        state,
        "DescribeAggregateComplianceByConformancePacks",
        params,
        100,
        compute,
        "AggregateComplianceByConformancePacks",
    )


def get_aggregate_conformance_pack_compliance_summary(account: str, region: str, params: Params) -> Response:
    return summary_page(
        account,
        region,
        params,
        "GetAggregateConformancePackComplianceSummary",
        100,
        "AggregateConformancePackComplianceSummaries",
        lambda source: (row["Compliance"]["ComplianceType"] for row in packs_of(source)),
        lambda _state, compliant, non_compliant: {
            "CompliantConformancePackCount": compliant,
            "NonCompliantConformancePackCount": non_compliant,
        },
    )
