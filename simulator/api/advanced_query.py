"""The advanced query (SelectAggregateResourceConfig) and the documents it reads: each resource's
query document, and the AWS::Config::ResourceCompliance and ::ConformancePackCompliance items a
source's recorder records, derived from its rules' evaluations and cached per source until the
source changes. `query_documents` skips the sources and types a WHERE clause cannot match;
`prepare_views` derives every source's cached views ahead of the first read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from simulator.api.common import Params, Response, aggregator_and_state, require
from simulator.api.conformance_packs import pack_compliance, packs_of
from simulator.errors import InvalidExpressionException
from simulator.inventory import (
    GLOBAL_REGION,
    PACK_COMPLIANCE,
    RESOURCE_COMPLIANCE,
    RuleState,
    holds_global,
    recording,
    resources_in,
    rules_in,
)
from simulator.paging import page_size, paginate
from simulator.sources import Aggregator, Source, get_aggregator, readable_sources
from simulator.sql import evaluator, parser
from simulator.sql.syntax import Condition
from simulator.state import Evaluation, derived, existing_backend, sim


def compliance_documents(source: Source) -> list[dict[str, Any]]:
    """AWS::Config::ResourceCompliance and ::ConformancePackCompliance items of one source."""
    found = existing_backend(source.account_id, source.region)
    if found is None:
        return []
    return derived(found, "compliance_documents", lambda: _compliance_documents(source))


def _compliance_documents(source: Source) -> list[dict[str, Any]]:
    """The compliance items the source's recorder records: a recorder that does not record
    AWS::Config::ResourceCompliance (or ::ConformancePackCompliance) has none of that type,
    though its rules' evaluations are there for the compliance APIs all the same."""
    found = existing_backend(source.account_id, source.region)
    recorded = recording(found)
    by_resource: dict[tuple[str, str], list[tuple[RuleState, Evaluation]]] = {}
    rules = rules_in(source.account_id, source.region) if recorded.records(RESOURCE_COMPLIANCE) else []
    for rule in rules:
        for key, evaluation in rule.evaluations.items():
            by_resource.setdefault(key, []).append((rule, evaluation))
    documents = []
    for (resource_type, resource_id), pairs in sorted(by_resource.items()):
        types = {e.compliance_type for _, e in pairs}
        overall = (
            "NON_COMPLIANT"
            if "NON_COMPLIANT" in types
            else "COMPLIANT"
            if "COMPLIANT" in types
            else "INSUFFICIENT_DATA"
        )
        latest = max(e.recorded for _, e in pairs)
        documents.append(
            {
                "accountId": source.account_id,
                "awsRegion": source.region,
                "resourceType": "AWS::Config::ResourceCompliance",
                "resourceId": f"{resource_type}/{resource_id}",
                "resourceName": f"{resource_type}/{resource_id}",
                "configurationItemCaptureTime": latest.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "configurationItemStatus": "OK",
                "configuration": {
                    "complianceType": overall,
                    "targetResourceId": resource_id,
                    "targetResourceType": resource_type,
                    "configRuleList": [
                        {
                            "configRuleName": r.name,
                            "configRuleArn": r.arn,
                            "configRuleId": r.rule_id,
                            "complianceType": e.compliance_type,
                        }
                        for r, e in pairs
                    ],
                },
                "tags": [],
            }
        )
    if not recorded.records(PACK_COMPLIANCE):
        return documents
    states = {r.name: r for r in rules_in(source.account_id, source.region)}
    for pack in sorted(sim(found).packs.values(), key=lambda p: p.name) if found else []:
        rule_list = [
            {"configRuleName": name, "complianceType": states[name].compliance[0]}
            for name in pack.rule_names
            if name in states
        ]
        documents.append(
            {
                "accountId": source.account_id,
                "awsRegion": source.region,
                "resourceType": "AWS::Config::ConformancePackCompliance",
                "resourceId": pack.pack_id,
                "resourceName": pack.name,
                "arn": pack.arn,
                "configuration": {
                    "conformancePackName": pack.name,
                    "complianceType": pack_compliance([r["complianceType"] for r in rule_list]),
                    "configRuleList": rule_list,
                    "totalRuleCount": len(rule_list),
                },
                "tags": [],
            }
        )
    return documents


def prepare_views(account: str, region: str, name: str) -> None:
    """Derive every readable source's cached views (rules, compliance documents, packs) now."""
    for source in readable_sources(get_aggregator(account, region, name)):
        compliance_documents(source)
        packs_of(source)


COMPLIANCE_ITEM_TYPES = frozenset({RESOURCE_COMPLIANCE, PACK_COMPLIANCE})


def query_documents(aggregator: Aggregator, where: Condition | None = None) -> Iterable[dict[str, Any]]:
    """The documents an advanced query reads, less those `where` cannot match: sources whose
    account or region it excludes, and resources or compliance items whose type it excludes
    (at 10,000 accounts, a query about one account or about compliance alone then reads a
    fraction). The query itself still filters what is yielded."""
    accounts = evaluator.pinned(where, "accountId")
    regions = evaluator.pinned(where, "awsRegion")
    types = evaluator.pinned(where, "resourceType")
    with_resources = types is None or bool(types - COMPLIANCE_ITEM_TYPES)
    with_compliance = types is None or bool(types & COMPLIANCE_ITEM_TYPES)
    for source in readable_sources(aggregator):
        if accounts is not None and source.account_id not in accounts:
            continue
        # Global resources (IAM) carry the region "global" in the source that recorded them.
        if (
            regions is not None
            and source.region not in regions
            and not (GLOBAL_REGION in regions and holds_global(source.account_id, source.region))
        ):
            continue
        if with_resources:
            for resource in resources_in(source.account_id, source.region):
                yield resource.query_document()
        if with_compliance:
            yield from compliance_documents(source)


def select_aggregate_resource_config(account: str, region: str, params: Params) -> Response:
    require(params, "Expression")
    expression = params["Expression"]
    if not isinstance(expression, str):
        raise InvalidExpressionException("The expression must be a string.")
    query = parser.parse(expression)  # rejects a bad expression before looking anything up
    aggregator, state = aggregator_and_state(account, region, params)
    limit = params.get("Limit") if params.get("Limit") is not None else params.get("MaxResults")
    size = page_size(limit, 100)

    def compute() -> list[str]:
        rows = evaluator.run(query, query_documents(aggregator, query.where))
        return [json.dumps(row, separators=(",", ":"), default=str) for row in rows]

    if query.paginated:
        results, token = paginate(state, "SelectAggregateResourceConfig", params, size, compute)
    else:
        results, token = compute(), None
    response: Response = {
        "Results": results,
        "QueryInfo": {"SelectFields": [{"Name": name} for name in query.field_names]},
    }
    if token:
        response["NextToken"] = token
    return response
