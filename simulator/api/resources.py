"""The aggregated resource inventory: GetAggregateDiscoveredResourceCounts,
ListAggregateDiscoveredResources, BatchGetAggregateResourceConfig and GetAggregateResourceConfig,
read from every readable source's recorded resources; a global resource (awsRegion "global") is
found in whichever region of its account recorded it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import attrgetter
from typing import Any

from simulator.api.common import (
    Params,
    Response,
    aggregator_and_state,
    check_enum,
    check_resource_type,
    page_response,
    positions,
    require,
)
from simulator.errors import ResourceNotDiscoveredException, validation
from simulator.inventory import GLOBAL_HOME, GLOBAL_REGION, holds_global, recording, resources_in
from simulator.paging import LazyRows
from simulator.sources import Aggregator, regions_of, source_of
from simulator.state import Resource, existing_backend, sim
from simulator.views import natives, resources_at, view


def _aggregated_resources(
    aggregator: Aggregator, account: Any = None, region: Any = None
) -> Iterable[Resource]:
    """Every recorded resource of the readable sources (of `account`), whose region (maybe
    "global") is `region`. Made as counted, in C loops where it can: at 10,000 accounts x 17
    regions, half a million of them."""
    built = view(aggregator)
    native = natives(built)
    where = positions(built, account, None)
    found: Iterable[Resource] = chain(
        chain.from_iterable(map(attrgetter("resources"), map(built.data.__getitem__, where))),
        chain.from_iterable(native[p] for p in where if p in native),
    )
    return found if not region else (r for r in found if r.region == region)


def _listed(aggregator: Aggregator, resource_type: str, filters: Params) -> list[Resource]:
    """The resources ListAggregateDiscoveredResources lists, by account, region and id."""
    built = view(aggregator)
    if filters.get("ResourceId"):
        found = resources_at(built.by_type_id, (resource_type, filters["ResourceId"]))
    elif filters.get("ResourceName"):
        found = resources_at(built.by_type_name, (resource_type, filters["ResourceName"]))
    else:
        found = built.by_type.get(resource_type, [])
    extra = [r for rs in natives(built).values() for r in rs if r.resource_type == resource_type]
    account, region = filters.get("AccountId"), filters.get("Region")
    if not (extra or account or region or filters.get("ResourceId") or filters.get("ResourceName")):
        return found  # already sorted, and readable: the view holds readable sources alone
    kept = [
        r
        for r in (*found, *extra)
        if (not account or r.account_id == account)
        and (not region or r.region == region)
        and (not filters.get("ResourceId") or r.resource_id == filters["ResourceId"])
        and (not filters.get("ResourceName") or r.resource_name == filters["ResourceName"])
    ]
    return sorted(kept, key=lambda r: (r.account_id, r.region, r.resource_id))


def get_aggregate_discovered_resource_counts(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    filters = params.get("Filters") or {}
    group_by = params.get("GroupByKey")
    check_enum(group_by, "groupByKey", ("RESOURCE_TYPE", "ACCOUNT_ID", "AWS_REGION"))
    check_resource_type(filters.get("ResourceType"), "filters.resourceType")
    resources = _aggregated_resources(aggregator, filters.get("AccountId"), filters.get("Region"))
    if filters.get("ResourceType"):
        resources = (r for r in resources if r.resource_type == filters["ResourceType"])
    attribute = {"RESOURCE_TYPE": "resource_type", "ACCOUNT_ID": "account_id", "AWS_REGION": "region"}
    counts = Counter(map(attrgetter(attribute.get(group_by or "", "resource_type")), resources))

    def compute() -> list[Response]:
        if not group_by:
            return []
        return [{"GroupName": name, "ResourceCount": counts[name]} for name in sorted(counts)]

    response = page_response(
        state,
        "GetAggregateDiscoveredResourceCounts",
        params,
        1000,
        compute,
        "GroupedResourceCounts",
    )
    response["TotalDiscoveredResources"] = sum(counts.values())
    if group_by:
        response["GroupByKey"] = group_by
    return response


def list_aggregate_discovered_resources(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    require(params, "ResourceType")
    check_resource_type(params["ResourceType"], "resourceType")
    filters = params.get("Filters") or {}

    def rows() -> Iterator[Response]:
        for r in _listed(aggregator, params["ResourceType"], filters):
            row = {
                "SourceAccountId": r.account_id,
                "SourceRegion": r.region,
                "ResourceId": r.resource_id,
                "ResourceType": r.resource_type,
            }
            if r.resource_name:
                row["ResourceName"] = r.resource_name
            yield row

    def compute() -> LazyRows:
        return LazyRows(rows())

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
