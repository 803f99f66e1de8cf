"""Compliance by conformance pack: a pack is NON_COMPLIANT if any of its rules is, COMPLIANT if any
is and none is not, else INSUFFICIENT_DATA. DescribeAggregateComplianceByConformancePacks lists
each pack of each source; GetAggregateConformancePackComplianceSummary counts them per account
or region."""

from __future__ import annotations

from collections.abc import Iterator

from simulator.api.common import (
    Params,
    Response,
    aggregator_and_state,
    check_enum,
    page_response,
    positions,
    summary_page,
)
from simulator.paging import LazyRows
from simulator.views import view

PACK_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA")


def describe_aggregate_compliance_by_conformance_packs(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    filters = params.get("Filters") or {}
    check_enum(filters.get("ComplianceType"), "filters.complianceType", PACK_COMPLIANCE_TYPES)

    def rows() -> Iterator[Response]:
        built = view(aggregator)
        for position in positions(built, filters.get("AccountId"), filters.get("AwsRegion")):
            for pack in built.data[position].packs:
                if filters.get("ConformancePackName") and pack.pack.name != filters["ConformancePackName"]:
                    continue
                if filters.get("ComplianceType") and pack.compliance != filters["ComplianceType"]:
                    continue
                yield pack.row()

    def compute() -> LazyRows:
        return LazyRows(rows())

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
        lambda data: (data.compliant_packs, data.non_compliant_packs, bool(data.packs)),
        lambda _state, compliant, non_compliant: {
            "CompliantConformancePackCount": compliant,
            "NonCompliantConformancePackCount": non_compliant,
        },
    )
