"""The aggregate operations, computed from the source accounts' own state.

Each function takes the calling account and region and the request's JSON members, validates
what AWS validates server-side (required members, enums, Limit maxima, tokens; the patterns and
lengths of names and ids are checked before, by `simulator.validation`), and returns the response
members. Errors are the AWS error codes of `simulator.errors`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

import botocore.session
from moto.config.models import ConfigBackend, ConfigEmptyDictable, ConfigRule, SourceDetail
from moto.config.models import Source as RuleSource

from simulator import sql
from simulator.errors import (
    InvalidExpressionException,
    InvalidParameterValueException,
    InvalidResultTokenException,
    MaxNumberOfOrganizationConfigRulesExceededException,
    NoAvailableOrganizationException,
    NoSuchOrganizationConfigRuleException,
    OrganizationAccessDeniedException,
    ResourceNotDiscoveredException,
    enum_error,
    validation,
)
from simulator.inventory import (
    GLOBAL_HOME,
    GLOBAL_REGION,
    PACK_COMPLIANCE,
    RESOURCE_COMPLIANCE,
    RuleState,
    capped,
    holds_global,
    recording,
    resources_in,
    rules_in,
)
from simulator.paging import empty_pages, page_size, paginate
from simulator.sources import (
    Aggregator,
    Source,
    get_aggregator,
    organization_of,
    readable_sources,
    regions_of,
    source_of,
    sources_of,
)
from simulator.state import (
    COMPLIANCE_TYPES,
    LOCK,
    Evaluation,
    OrganizationRule,
    Resource,
    SimState,
    backend,
    derived,
    existing_backend,
    sim,
)

Params = dict[str, Any]
Response = dict[str, Any]
MAX_ORGANIZATION_RULES = 150
ORG_RULE_CREATOR = "config-multiaccountsetup.amazonaws.com"
# A managed rule without required parameters, for `_put_member_rule`'s stand-in source.
STAND_IN_RULE_IDENTIFIER = "S3_BUCKET_VERSIONING_ENABLED"
RULE_FILTER_TYPES = ("COMPLIANT", "NON_COMPLIANT")
PACK_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA")
UPDATE_STATUSES = ("FAILED", "SUCCEEDED", "OUTDATED")


@cache
def resource_types() -> frozenset[str]:
    model = botocore.session.get_session().get_service_model("config")
    return frozenset(getattr(model.shape_for("ResourceType"), "enum", ()))


# --- validation helpers -----------------------------------------------------------------------


def _required(params: Params, *names: str) -> None:
    for name in names:
        if params.get(name) in (None, ""):
            member = name[0].lower() + name[1:]
            raise validation("null", member, "Member must not be null")


def _enum(value: Any, member: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise enum_error(value, member, allowed)


def _resource_type(value: Any, member: str) -> None:
    if value is not None and value not in resource_types():
        raise validation(value, member, "Member must satisfy enum value set: [the ResourceType values]")


def _aggregator(account: str, region: str, params: Params) -> tuple[Aggregator, SimState]:
    _required(params, "ConfigurationAggregatorName")
    aggregator = get_aggregator(account, region, params["ConfigurationAggregatorName"])
    return aggregator, sim(backend(account, region))


def _filtered_sources(aggregator: Aggregator, account: Any, region: Any) -> list[Source]:
    if account and region:  # one source: no need to list an organization's thousands
        found = source_of(aggregator, str(account), str(region))
        return [found] if found is not None and found.readable else []
    return [
        s
        for s in readable_sources(aggregator)
        if (not account or s.account_id == account) and (not region or s.region == region)
    ]


# The operations whose pages may be empty and still carry a NextToken, as AWS documents for them.
MAY_ANSWER_EMPTY_PAGES = frozenset(
    {
        "DescribeAggregateComplianceByConfigRules",
        "GetAggregateComplianceDetailsByConfigRule",
        "GetAggregateConfigRuleComplianceSummary",
        "DescribeAggregateComplianceByConformancePacks",
        "GetAggregateConformancePackComplianceSummary",
    }
)


def _page(
    state: SimState,
    operation: str,
    params: Params,
    maximum: int,
    compute: Callable[[], list[Any]],
    key: str,
    default: int | None = None,
) -> Response:
    size = page_size(params.get("Limit"), maximum, default)
    if operation in MAY_ANSWER_EMPTY_PAGES:
        rows, token = paginate(state, operation, params, size, compute, empty_pages(state))
    else:
        rows, token = paginate(state, operation, params, size, compute)
    response: Response = {key: rows}
    if token:
        response["NextToken"] = token
    return response


# --- compliance by rule -----------------------------------------------------------------------


def describe_aggregate_compliance_by_config_rules(account: str, region: str, params: Params) -> Response:
    aggregator, state = _aggregator(account, region, params)
    filters = params.get("Filters") or {}
    wanted = filters.get("ComplianceType")
    _enum(wanted, "filters.complianceType", COMPLIANCE_TYPES)
    if wanted is not None and wanted not in RULE_FILTER_TYPES:
        raise validation(
            wanted,
            "filters.complianceType",
            "Only COMPLIANT and NON_COMPLIANT are supported in this filter",
        )

    def compute() -> list[Response]:
        rows = []
        for source in _filtered_sources(aggregator, filters.get("AccountId"), filters.get("AwsRegion")):
            for rule in rules_in(source.account_id, source.region, filters.get("ConfigRuleName")):
                compliance_type, non_compliant = rule.compliance
                # "Does not display rules that do not have compliance results."
                if compliance_type == "INSUFFICIENT_DATA" or (wanted and compliance_type != wanted):
                    continue
                compliance: Response = {"ComplianceType": compliance_type}
                if compliance_type == "NON_COMPLIANT":
                    compliance["ComplianceContributorCount"] = capped(non_compliant, state.contributor_cap)
                rows.append(
                    {
                        "ConfigRuleName": rule.name,
                        "Compliance": compliance,
                        "AccountId": rule.account_id,
                        "AwsRegion": rule.region,
                    }
                )
        return rows

    return _page(
        state,
        "DescribeAggregateComplianceByConfigRules",
        params,
        1000,
        compute,
        "AggregateComplianceByConfigRules",
    )


def get_aggregate_compliance_details_by_config_rule(account: str, region: str, params: Params) -> Response:
    aggregator, state = _aggregator(account, region, params)
    _required(params, "ConfigRuleName", "AccountId", "AwsRegion")
    wanted = params.get("ComplianceType")
    _enum(wanted, "complianceType", COMPLIANCE_TYPES)
    if wanted is not None and wanted not in RULE_FILTER_TYPES:
        raise validation(wanted, "complianceType", "Only COMPLIANT and NON_COMPLIANT are supported")

    def compute() -> list[Response]:
        rows = []
        for source in _filtered_sources(aggregator, params["AccountId"], params["AwsRegion"]):
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

    return _page(
        state,
        "GetAggregateComplianceDetailsByConfigRule",
        params,
        100,
        compute,
        "AggregateEvaluationResults",
        default=50,
    )


def _group_name(source_account: str, source_region: str, group_by: str | None) -> str:
    if group_by == "ACCOUNT_ID":
        return source_account
    if group_by == "AWS_REGION":
        return source_region
    return ""


def _grouped_summary(
    aggregator: Aggregator,
    params: Params,
    verdicts: Callable[[Source], Iterable[str]],
    summary: Callable[[int, int], Response],
) -> list[Response]:
    """Compliant and non-compliant counts of `verdicts` per GroupByKey group, or one total."""
    filters = params.get("Filters") or {}
    group_by = params.get("GroupByKey")
    compliant: Counter[str] = Counter()
    non_compliant: Counter[str] = Counter()
    for source in _filtered_sources(aggregator, filters.get("AccountId"), filters.get("AwsRegion")):
        group = _group_name(source.account_id, source.region, group_by)
        for verdict in verdicts(source):
            compliant[group] += verdict == "COMPLIANT"
            non_compliant[group] += verdict == "NON_COMPLIANT"
    groups = sorted(set(compliant) | set(non_compliant)) or ([""] if not group_by else [])
    rows = []
    for group in groups:
        row: Response = {"ComplianceSummary": summary(compliant[group], non_compliant[group])}
        if group_by:
            row["GroupName"] = group
        rows.append(row)
    return rows


def _summary_page(
    account: str,
    region: str,
    params: Params,
    operation: str,
    maximum: int,
    key: str,
    verdicts: Callable[[Source], Iterable[str]],
    summary: Callable[[SimState, int, int], Response],
) -> Response:
    aggregator, state = _aggregator(account, region, params)
    group_by = params.get("GroupByKey")
    _enum(group_by, "groupByKey", ("ACCOUNT_ID", "AWS_REGION"))
    response = _page(
        state,
        operation,
        params,
        maximum,
        lambda: _grouped_summary(
            aggregator, params, verdicts, lambda compliant, bad: summary(state, compliant, bad)
        ),
        key,
    )
    if group_by:
        response["GroupByKey"] = group_by
    return response


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

    return _summary_page(
        account,
        region,
        params,
        "GetAggregateConfigRuleComplianceSummary",
        1000,
        "AggregateComplianceCounts",
        lambda source: (r.compliance[0] for r in rules_in(source.account_id, source.region)),
        summary,
    )


# --- resources --------------------------------------------------------------------------------


def _aggregated_resources(aggregator: Aggregator, account: Any = None, region: Any = None) -> list[Resource]:
    resources = []
    wanted_region = None if region == GLOBAL_REGION else region
    for source in _filtered_sources(aggregator, account, None):
        if wanted_region and source.region != wanted_region and source.region != GLOBAL_HOME:
            continue
        for resource in resources_in(source.account_id, source.region):
            if region and resource.region != region:
                continue
            resources.append(resource)
    return resources


def get_aggregate_discovered_resource_counts(account: str, region: str, params: Params) -> Response:
    aggregator, state = _aggregator(account, region, params)
    filters = params.get("Filters") or {}
    group_by = params.get("GroupByKey")
    _enum(group_by, "groupByKey", ("RESOURCE_TYPE", "ACCOUNT_ID", "AWS_REGION"))
    _resource_type(filters.get("ResourceType"), "filters.resourceType")
    resources = [
        r
        for r in _aggregated_resources(aggregator, filters.get("AccountId"), filters.get("Region"))
        if not filters.get("ResourceType") or r.resource_type == filters["ResourceType"]
    ]

    def compute() -> list[Response]:
        if not group_by:
            return []
        attribute = {
            "RESOURCE_TYPE": "resource_type",
            "ACCOUNT_ID": "account_id",
            "AWS_REGION": "region",
        }
        counts = Counter(getattr(r, attribute[group_by]) for r in resources)
        return [{"GroupName": name, "ResourceCount": counts[name]} for name in sorted(counts)]

    response = _page(
        state,
        "GetAggregateDiscoveredResourceCounts",
        params,
        1000,
        compute,
        "GroupedResourceCounts",
    )
    response["TotalDiscoveredResources"] = len(resources)
    if group_by:
        response["GroupByKey"] = group_by
    return response


def list_aggregate_discovered_resources(account: str, region: str, params: Params) -> Response:
    aggregator, state = _aggregator(account, region, params)
    _required(params, "ResourceType")
    _resource_type(params["ResourceType"], "resourceType")
    filters = params.get("Filters") or {}

    def compute() -> list[Response]:
        rows = []
        for r in _aggregated_resources(aggregator, filters.get("AccountId"), filters.get("Region")):
            if r.resource_type != params["ResourceType"]:
                continue
            if filters.get("ResourceId") and r.resource_id != filters["ResourceId"]:
                continue
            if filters.get("ResourceName") and r.resource_name != filters["ResourceName"]:
                continue
            row = {
                "SourceAccountId": r.account_id,
                "SourceRegion": r.region,
                "ResourceId": r.resource_id,
                "ResourceType": r.resource_type,
            }
            if r.resource_name:
                row["ResourceName"] = r.resource_name
            rows.append(row)
        rows.sort(key=lambda row: (row["SourceAccountId"], row["SourceRegion"], row["ResourceId"]))
        return rows

    return _page(state, "ListAggregateDiscoveredResources", params, 100, compute, "ResourceIdentifiers")


def _find_resource(aggregator: Aggregator, identifier: Params) -> Resource | None:
    account = str(identifier.get("SourceAccountId"))
    region = str(identifier.get("SourceRegion"))
    if region != GLOBAL_REGION:
        return _find_in(aggregator, identifier, account, region)
    # A global resource is held where it was recorded: GLOBAL_HOME first, else any region.
    for home in (GLOBAL_HOME, *(r for r in regions_of(aggregator) if r != GLOBAL_HOME)):
        if holds_global(account, home) and (found := _find_in(aggregator, identifier, account, home)):
            return found
    return None


def _find_in(aggregator: Aggregator, identifier: Params, account: str, home: str) -> Resource | None:
    region = identifier.get("SourceRegion")
    source = source_of(aggregator, account, home)
    if source is None or not source.readable:
        return None
    key = (identifier.get("ResourceType"), identifier.get("ResourceId"))
    seeded = existing_backend(account, home)
    if seeded is not None and (found := sim(seeded).resources.get(key)) is not None:  # type: ignore[arg-type]
        recorded = recording(seeded).records(found.resource_type)
        return found if recorded and found.region == region else None
    for resource in resources_in(account, home):
        if resource.key == key and resource.region == region:
            return resource
    return None


def batch_get_aggregate_resource_config(account: str, region: str, params: Params) -> Response:
    aggregator, _ = _aggregator(account, region, params)
    identifiers = params.get("ResourceIdentifiers")
    if not identifiers or len(identifiers) > 100:
        raise validation(
            f"{len(identifiers or [])} identifiers",
            "resourceIdentifiers",
            "Member must have length between 1 and 100",
        )
    found, missing = [], []
    for identifier in identifiers:
        for member in ("SourceAccountId", "SourceRegion", "ResourceId", "ResourceType"):
            if not identifier.get(member):
                raise validation("null", f"resourceIdentifiers.member.{member}", "Member must not be null")
        resource = _find_resource(aggregator, identifier)
        if resource is None or (
            identifier.get("ResourceName") and identifier["ResourceName"] != resource.resource_name
        ):
            missing.append(identifier)
        else:
            found.append(resource.base_item())
    return {"BaseConfigurationItems": found, "UnprocessedResourceIdentifiers": missing}


def get_aggregate_resource_config(account: str, region: str, params: Params) -> Response:
    aggregator, _ = _aggregator(account, region, params)
    _required(params, "ResourceIdentifier")
    identifier = params["ResourceIdentifier"]
    for member in ("SourceAccountId", "SourceRegion", "ResourceId", "ResourceType"):
        if not identifier.get(member):
            raise validation(
                "null",
                f"resourceIdentifier.{member[0].lower() + member[1:]}",
                "Member must not be null",
            )
    _resource_type(identifier["ResourceType"], "resourceIdentifier.resourceType")
    resource = _find_resource(aggregator, identifier)
    if resource is None:
        raise ResourceNotDiscoveredException(identifier["ResourceType"], identifier["ResourceId"])
    return {"ConfigurationItem": resource.configuration_item()}


# --- sources ----------------------------------------------------------------------------------


def describe_configuration_aggregator_sources_status(account: str, region: str, params: Params) -> Response:
    aggregator, state = _aggregator(account, region, params)
    statuses = params.get("UpdateStatus")
    if statuses is not None:
        if not statuses:
            raise validation("[]", "updateStatus", "Member must have length greater than or equal to 1")
        for status in statuses:
            if status not in UPDATE_STATUSES:
                raise InvalidParameterValueException(
                    f"Invalid UpdateStatus {status!r}: valid values are FAILED, SUCCEEDED, OUTDATED."
                )

    def compute() -> list[Response]:
        rows: list[Response] = []
        sources = sources_of(aggregator)
        org = organization_of(aggregator.account_id)
        if aggregator.model.organization_aggregation_source is not None and org is not None:
            # The organization itself, per region, then each member account.
            for org_region in sorted({s.region for s in sources}):
                rows.append(
                    {
                        "SourceId": org[1],
                        "SourceType": "ORGANIZATION",
                        "AwsRegion": org_region,
                        "LastUpdateStatus": "SUCCEEDED",
                        "LastUpdateTime": datetime.now(UTC),
                    }
                )
        for source in sources:
            row: Response = {
                "SourceId": source.source_id,
                "SourceType": source.source_type,
                "AwsRegion": source.region,
                "LastUpdateStatus": source.status,
                "LastUpdateTime": source.last_update,
            }
            if source.error_code:
                row["LastErrorCode"] = source.error_code
            if source.error_message:
                row["LastErrorMessage"] = source.error_message
            rows.append(row)
        return [r for r in rows if not statuses or r["LastUpdateStatus"] in statuses]

    return _page(
        state,
        "DescribeConfigurationAggregatorSourcesStatus",
        params,
        100,
        compute,
        "AggregatedSourceStatusList",
    )


# --- advanced query ---------------------------------------------------------------------------


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
                    "complianceType": _pack_compliance([r["complianceType"] for r in rule_list]),
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
        _packs(source)


COMPLIANCE_ITEM_TYPES = frozenset({RESOURCE_COMPLIANCE, PACK_COMPLIANCE})


def query_documents(aggregator: Aggregator, where: sql.Condition | None = None) -> Iterable[dict[str, Any]]:
    """The documents an advanced query reads, less those `where` cannot match: sources whose
    account or region it excludes, and resources or compliance items whose type it excludes
    (at 10,000 accounts, a query about one account or about compliance alone then reads a
    fraction). The query itself still filters what is yielded."""
    accounts = sql.pinned(where, "accountId")
    regions = sql.pinned(where, "awsRegion")
    types = sql.pinned(where, "resourceType")
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
    _required(params, "Expression")
    expression = params["Expression"]
    if not isinstance(expression, str):
        raise InvalidExpressionException("The expression must be a string.")
    query = sql.parse(expression)  # rejects a bad expression before looking anything up
    aggregator, state = _aggregator(account, region, params)
    limit = params.get("Limit") if params.get("Limit") is not None else params.get("MaxResults")
    size = page_size(limit, 100)

    def compute() -> list[str]:
        rows = sql.run(query, query_documents(aggregator, query.where))
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


# --- conformance packs ------------------------------------------------------------------------


def _pack_compliance(rule_types: list[str]) -> str:
    if "NON_COMPLIANT" in rule_types:
        return "NON_COMPLIANT"
    if "COMPLIANT" in rule_types:
        return "COMPLIANT"
    return "INSUFFICIENT_DATA"


def _packs(source: Source) -> list[Response]:
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
                    "ComplianceType": _pack_compliance(types),
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
    aggregator, state = _aggregator(account, region, params)
    filters = params.get("Filters") or {}
    _enum(filters.get("ComplianceType"), "filters.complianceType", PACK_COMPLIANCE_TYPES)

    def compute() -> list[Response]:
        rows = []
        for source in _filtered_sources(aggregator, filters.get("AccountId"), filters.get("AwsRegion")):
            for row in _packs(source):
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

    return _page(
        state,
        "DescribeAggregateComplianceByConformancePacks",
        params,
        100,
        compute,
        "AggregateComplianceByConformancePacks",
    )


def get_aggregate_conformance_pack_compliance_summary(account: str, region: str, params: Params) -> Response:
    return _summary_page(
        account,
        region,
        params,
        "GetAggregateConformancePackComplianceSummary",
        100,
        "AggregateConformancePackComplianceSummaries",
        lambda source: (row["Compliance"]["ComplianceType"] for row in _packs(source)),
        lambda _state, compliant, non_compliant: {
            "CompliantConformancePackCount": compliant,
            "NonCompliantConformancePackCount": non_compliant,
        },
    )


# --- organization rules -----------------------------------------------------------------------


def _management(account: str) -> tuple[str, str, list[str]]:
    org = organization_of(account)
    if org is None:
        raise NoAvailableOrganizationException()
    if org[0] != account:
        raise OrganizationAccessDeniedException()
    return org


def member_rule_name(org_id: str, name: str) -> str:
    """OrgConfigRule-<name>-<8 chars>, the same suffix in every member account."""
    suffix = hashlib.sha256(f"{org_id}/{name}".encode()).hexdigest()[:8]
    return f"OrgConfigRule-{name}-{suffix}"


def put_organization_config_rule(account: str, region: str, params: Params) -> Response:
    _required(params, "OrganizationConfigRuleName")
    name = params["OrganizationConfigRuleName"]
    if len(name) > 64:
        raise validation(
            name, "organizationConfigRuleName", "Member must have length less than or equal to 64"
        )
    managed = params.get("OrganizationManagedRuleMetadata")
    custom = params.get("OrganizationCustomRuleMetadata")
    if bool(managed) == bool(custom):
        raise InvalidParameterValueException(
            "Provide exactly one of OrganizationManagedRuleMetadata and OrganizationCustomRuleMetadata."
        )
    _management_account, org_id, members = _management(account)
    state = sim(backend(account, region))
    if name not in state.org_rules and len(state.org_rules) >= MAX_ORGANIZATION_RULES:
        raise MaxNumberOfOrganizationConfigRulesExceededException(
            f"Failed to put organization config rule '{name}': the maximum of "
            f"{MAX_ORGANIZATION_RULES} is reached."
        )
    excluded = list(params.get("ExcludedAccounts") or [])
    rule = state.org_rules.get(name)
    if rule is None:
        suffix = member_rule_name(org_id, name).rsplit("-", 1)[1]
        rule = OrganizationRule(
            name=name,
            arn=f"arn:aws:config:{region}:{account}:organization-config-rule/{name}-{suffix}",
            managed=managed,
            custom=custom,
            excluded_accounts=excluded,
            updated=datetime.now(UTC),
        )
        state.org_rules[name] = rule
    else:
        rule.managed, rule.custom, rule.excluded_accounts = managed, custom, excluded
        rule.updated = datetime.now(UTC)
    member_rule = _member_rule(rule)
    for member in members:
        member_name = member_rule_name(org_id, name)
        member_backend = backend(member, region)
        if member in excluded:
            if member_name in member_backend.config_rules:
                del member_backend.config_rules[member_name]
            rule.member_rule_names.pop(member, None)
            continue
        made = _put_member_rule(member_backend, {**member_rule, "ConfigRuleName": member_name})
        # moto refuses CreatedBy on input; AWS sets it on organization rules' member copies.
        made.created_by = ORG_RULE_CREATOR
        rule.member_rule_names[member] = member_name
    return {"OrganizationConfigRuleArn": rule.arn}


def _put_member_rule(config: ConfigBackend, rule: dict[str, Any]) -> ConfigRule:
    """Put an organization rule's copy in a member account and region.

    moto looks a custom rule's Lambda function up in the member's own account and region, where
    AWS invokes the management account's function; so a custom copy is put with a stand-in
    managed source, then given its own source (and parameters, which the stand-in would check).
    """
    source = rule["Source"]
    if source["Owner"] != "CUSTOM_LAMBDA":
        config.put_config_rule(rule)
        return config.config_rules[rule["ConfigRuleName"]]
    stand_in = {k: v for k, v in rule.items() if k != "InputParameters"}
    stand_in["Source"] = {"Owner": "AWS", "SourceIdentifier": STAND_IN_RULE_IDENTIFIER}
    config.put_config_rule(stand_in)
    made = config.config_rules[rule["ConfigRuleName"]]
    custom = cast(RuleSource, RuleSource.__new__(RuleSource))
    ConfigEmptyDictable.__init__(custom, capitalize_start=True, capitalize_arn=False)
    custom.owner = "CUSTOM_LAMBDA"
    custom.source_identifier = source["SourceIdentifier"]
    custom.source_details = [
        SourceDetail(
            event_source=detail["EventSource"],
            message_type=detail["MessageType"],
            maximum_execution_frequency=detail.get("MaximumExecutionFrequency"),
        )
        for detail in source.get("SourceDetails", [])
    ]
    made.source = custom
    made.input_parameters = rule.get("InputParameters")
    made.input_parameters_dict = json.loads(made.input_parameters) if made.input_parameters else {}
    return made


def _member_rule(rule: OrganizationRule) -> dict[str, Any]:
    metadata = rule.managed or rule.custom or {}
    config_rule: dict[str, Any] = {}
    if rule.managed:
        config_rule["Source"] = {"Owner": "AWS", "SourceIdentifier": rule.managed["RuleIdentifier"]}
    else:
        assert rule.custom is not None
        config_rule["Source"] = {
            "Owner": "CUSTOM_LAMBDA",
            "SourceIdentifier": rule.custom["LambdaFunctionArn"],
            "SourceDetails": [
                {"EventSource": "aws.config", "MessageType": trigger}
                | (
                    {"MaximumExecutionFrequency": rule.custom["MaximumExecutionFrequency"]}
                    if trigger == "ScheduledNotification" and rule.custom.get("MaximumExecutionFrequency")
                    else {}
                )
                for trigger in rule.custom.get("OrganizationConfigRuleTriggerTypes", [])
            ],
        }
    if metadata.get("ResourceTypesScope"):
        config_rule["Scope"] = {"ComplianceResourceTypes": list(metadata["ResourceTypesScope"])}
    for member in ("Description", "InputParameters", "MaximumExecutionFrequency"):
        if metadata.get(member):
            config_rule[member] = metadata[member]
    return config_rule


def describe_organization_config_rules(account: str, region: str, params: Params) -> Response:
    _management(account)
    state = sim(backend(account, region))
    names = params.get("OrganizationConfigRuleNames") or []
    for name in names:
        if name not in state.org_rules:
            raise NoSuchOrganizationConfigRuleException(
                f"The organization config rule '{name}' does not exist."
            )

    def compute() -> list[Response]:
        rows = []
        for name in sorted(names or state.org_rules):
            rule = state.org_rules[name]
            row: Response = {
                "OrganizationConfigRuleName": rule.name,
                "OrganizationConfigRuleArn": rule.arn,
                "ExcludedAccounts": rule.excluded_accounts,
                "LastUpdateTime": rule.updated,
            }
            if rule.managed:
                row["OrganizationManagedRuleMetadata"] = rule.managed
            if rule.custom:
                row["OrganizationCustomRuleMetadata"] = rule.custom
            rows.append(row)
        return rows

    return _page(state, "DescribeOrganizationConfigRules", params, 100, compute, "OrganizationConfigRules")


# --- evaluations ------------------------------------------------------------------------------


def _rule_by_token(config: ConfigBackend, token: str) -> ConfigRule:
    if token in config.config_rules:
        return config.config_rules[token]
    for rule in config.config_rules.values():
        if rule.config_rule_arn == token:
            return rule
    raise InvalidResultTokenException()


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except ValueError:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    raise validation(value, "evaluations.member.orderingTimestamp", "Member must not be null")


def put_evaluations(account: str, region: str, params: Params) -> Response:
    evaluations = params.get("Evaluations")
    if not evaluations:
        raise InvalidParameterValueException(
            "The Evaluations object in your request cannot be null. Add the required parameters "
            "and try again."
        )
    if len(evaluations) > 100:
        raise validation(
            f"{len(evaluations)} evaluations",
            "evaluations",
            "Member must have length less than or equal to 100",
        )
    token = params.get("ResultToken")
    if not token:
        raise InvalidResultTokenException()
    config = backend(account, region)
    rule = _rule_by_token(config, token)
    parsed = []
    for index, item in enumerate(evaluations, start=1):
        for member in (
            "ComplianceResourceType",
            "ComplianceResourceId",
            "ComplianceType",
            "OrderingTimestamp",
        ):
            if item.get(member) in (None, ""):
                raise validation(
                    "null",
                    f"evaluations.{index}.member.{member[0].lower() + member[1:]}",
                    "Member must not be null",
                )
        _enum(item["ComplianceType"], f"evaluations.{index}.member.complianceType", COMPLIANCE_TYPES)
        if item["ComplianceType"] == "INSUFFICIENT_DATA":
            raise InvalidParameterValueException(
                "AWS Config does not accept INSUFFICIENT_DATA in PutEvaluations."
            )
        annotation = item.get("Annotation")
        if annotation is not None and len(annotation) > 256:
            raise validation(
                annotation,
                f"evaluations.{index}.member.annotation",
                "Member must have length less than or equal to 256",
            )
        parsed.append(
            Evaluation(
                resource_type=item["ComplianceResourceType"],
                resource_id=item["ComplianceResourceId"],
                compliance_type=item["ComplianceType"],
                ordering_timestamp=_timestamp(item["OrderingTimestamp"]),
                recorded=datetime.now(UTC),
                annotation=annotation,
            )
        )
    if not params.get("TestMode"):
        record_evaluations(config, rule.config_rule_name or str(token), parsed)
    return {"FailedEvaluations": []}


def record_evaluations(config: ConfigBackend, rule_name: str, evaluations: Iterable[Evaluation]) -> None:
    """Keep the newest evaluation per resource, by OrderingTimestamp, as AWS does."""
    with LOCK:
        state = sim(config)
        state.changed()
        stored = state.evaluations.setdefault(rule_name, {})
        for evaluation in evaluations:
            key = (evaluation.resource_type, evaluation.resource_id)
            previous = stored.get(key)
            if previous is None or previous.ordering_timestamp <= evaluation.ordering_timestamp:
                stored[key] = evaluation
