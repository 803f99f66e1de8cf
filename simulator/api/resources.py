"""The aggregated resource inventory: GetAggregateDiscoveredResourceCounts,
ListAggregateDiscoveredResources, BatchGetAggregateResourceConfig and GetAggregateResourceConfig,
read from every readable source's recorded resources; a global resource (awsRegion "global") is
found in whichever region of its account recorded it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.api.common import (
    Params,
    Response,
    aggregator_and_state,
    check_enum,
    check_resource_type,
    filtered_sources,
    page_response,
    require,
)
from simulator.errors import ResourceNotDiscoveredException, validation
from simulator.inventory import GLOBAL_HOME, GLOBAL_REGION, holds_global, recording, resources_in
from simulator.sources import Aggregator, regions_of, source_of
from simulator.state import Resource, existing_backend, sim


def _aggregated_resources(aggregator: Aggregator, account: Any = None, region: Any = None) -> list[Resource]:
    resources = []
    wanted_region = None if region == GLOBAL_REGION else region
    for source in filtered_sources(aggregator, account, None):
        if wanted_region and source.region != wanted_region and source.region != GLOBAL_HOME:
            continue
        for resource in resources_in(source.account_id, source.region):
            if region and resource.region != region:
                continue
            resources.append(resource)
    return resources


def get_aggregate_discovered_resource_counts(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    filters = params.get("Filters") or {}
    group_by = params.get("GroupByKey")
    check_enum(group_by, "groupByKey", ("RESOURCE_TYPE", "ACCOUNT_ID", "AWS_REGION"))
    check_resource_type(filters.get("ResourceType"), "filters.resourceType")
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

    response = page_response(
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
    aggregator, state = aggregator_and_state(account, region, params)
    require(params, "ResourceType")
    check_resource_type(params["ResourceType"], "resourceType")
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

    return page_response(
        state, "ListAggregateDiscoveredResources", params, 100, compute, "ResourceIdentifiers"
    )


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
    aggregator, _ = aggregator_and_state(account, region, params)
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
    aggregator, _ = aggregator_and_state(account, region, params)
    require(params, "ResourceIdentifier")
    identifier = params["ResourceIdentifier"]
    for member in ("SourceAccountId", "SourceRegion", "ResourceId", "ResourceType"):
        if not identifier.get(member):
            raise validation(
                "null",
                f"resourceIdentifier.{member[0].lower() + member[1:]}",
                "Member must not be null",
            )
    check_resource_type(identifier["ResourceType"], "resourceIdentifier.resourceType")
    resource = _find_resource(aggregator, identifier)
    if resource is None:
        raise ResourceNotDiscoveredException(identifier["ResourceType"], identifier["ResourceId"])
    return {"ConfigurationItem": resource.configuration_item()}
