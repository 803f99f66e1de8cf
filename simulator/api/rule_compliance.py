"""Compliance by config rule across an aggregator's sources:
DescribeAggregateComplianceByConfigRules (each rule's compliance and contributor count),
GetAggregateComplianceDetailsByConfigRule (one rule's evaluation results in one source) and
GetAggregateConfigRuleComplianceSummary (rules counted by compliance, per account or region)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from simulator.api.common import (
    Params,
    Response,
    aggregator_and_state,
    check_enum,
    filtered_sources,
    page_response,
    positions,
    require,
    summary_page,
)
from simulator.errors import validation
from simulator.inventory import capped, rules_in
from simulator.paging import LazyRows
from simulator.state import COMPLIANCE_TYPES, SimState
from simulator.views import view

RULE_FILTER_TYPES = ("COMPLIANT", "NON_COMPLIANT")


def describe_aggregate_compliance_by_config_rules(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    filters = params.get("Filters") or {}
    wanted = filters.get("ComplianceType")
    check_enum(wanted, "filters.complianceType", COMPLIANCE_TYPES)
    if wanted is not None and wanted not in RULE_FILTER_TYPES:
        raise validation(
            wanted,
            "filters.complianceType",
            "Only COMPLIANT and NON_COMPLIANT are supported in this filter",
        )

    def rows() -> Iterator[Response]:
        built = view(aggregator)
        name = filters.get("ConfigRuleName")
        found = positions(built, filters.get("AccountId"), filters.get("AwsRegion"))
        if name:  # only the sources where the rule has results
            found = sorted(set(found) & set(built.rule_sources.get(name, ())))
        for position in found:
            source = built.readable[position]
            # "Does not display rules that do not have compliance results" (they are not kept).
            for rule, compliance_type, non_compliant in built.data[position].rules:
                if (name and rule != name) or (wanted and compliance_type != wanted):
                    continue
                compliance: Response = {"ComplianceType": compliance_type}
                if compliance_type == "NON_COMPLIANT":
                    compliance["ComplianceContributorCount"] = capped(non_compliant, state.contributor_cap)
                yield {
                    "ConfigRuleName": rule,
                    "Compliance": compliance,
                    "AccountId": source.account_id,
                    "AwsRegion": source.region,
                }

    def compute() -> LazyRows:
        return LazyRows(rows())

    return page_response(
        state,
        "DescribeAggregateComplianceByConfigRules",
        params,
        1000,
        compute,
        "AggregateComplianceByConfigRules",
    )


def get_aggregate_compliance_details_by_config_rule(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    require(params, "ConfigRuleName", "AccountId", "AwsRegion")
    wanted = params.get("ComplianceType")
    check_enum(wanted, "complianceType", COMPLIANCE_TYPES)
    if wanted is not None and wanted not in RULE_FILTER_TYPES:
        raise validation(wanted, "complianceType", "Only COMPLIANT and NON_COMPLIANT are supported")

    def compute() -> list[Response]:
        rows = []
        for source in filtered_sources(aggregator, params["AccountId"], params["AwsRegion"]):
            for rule in rules_in(source.account_id, source.region, params["ConfigRuleName"]):
                for (resource_type, resource_id), e in sorted(rule.evaluations.items()):
                    if (wanted and e.compliance_type != wanted) or e.compliance_type == "INSUFFICIENT_DATA":
                        continue
                    result: Response = {
                        "EvaluationResultIdentifier": {
                            "EvaluationResultQualifier": {
                                "ConfigRuleName": rule.name,
                                "ResourceType": resource_type,
                                "ResourceId": resource_id,
                                "EvaluationMode": "DETECTIVE",
                            },
                            "OrderingTimestamp": e.ordering_timestamp,
                        },
                        "ComplianceType": e.compliance_type,
                        "ResultRecordedTime": e.recorded,
                        "ConfigRuleInvokedTime": e.recorded,
                        "AccountId": rule.account_id,
                        "AwsRegion": rule.region,
                    }
                    if e.annotation:
                        result["Annotation"] = e.annotation
                    rows.append(result)
        return rows

    return page_response(
        state,
        "GetAggregateComplianceDetailsByConfigRule",
        params,
        100,
        compute,
        "AggregateEvaluationResults",
        default=50,
    )


def get_aggregate_config_rule_compliance_summary(account: str, region: str, params: Params) -> Response:
    now = datetime.now(UTC)

    def summary(state: SimState, compliant: int, non_compliant: int) -> Response:
        # These count rules, not resources, whatever the member names say. Whether AWS caps them
        # (its model says "up to 25 for rules") is unverified: uncapped unless the owner says.
        return {
            "CompliantResourceCount": capped(compliant, state.rule_summary_cap),
            "NonCompliantResourceCount": capped(non_compliant, state.rule_summary_cap),
            "ComplianceSummaryTimestamp": now,
        }

    return summary_page(
        account,
        region,
        params,
        "GetAggregateConfigRuleComplianceSummary",
        1000,
        "AggregateComplianceCounts",
        lambda data: (data.compliant_rules, data.non_compliant_rules, data.rule_count > 0),
        summary,
    )
