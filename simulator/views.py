"""One aggregator's view of its sources, with the indexes its reads need, built once per change.

At 10,000 accounts x 17 regions an aggregator reads 170,000 sources; walking them per read cost
seconds. The view walks them once (at seed time, by `prepare_views`, else at the first read after
a change) and keeps: the sources and their statuses, each readable source's compact data
(`source_data`), the sources where each rule has results, the recorded resources by type, by
(type, id) and by (type, name), and every document advanced queries read, in query order, with
indexes by field value (`DOC_FIELDS`). It is keyed on `WORLD.version` (every simulator write and
every moto config write moves it), the aggregator object and the organization's members, and it
is never changed once built, so a page snapshot may keep reading it.

moto's own resources (IAM roles, S3 buckets...) change without passing through the simulator:
they are not in the view but read at each request (`natives`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from moto.config.models import RESOURCE_MAP, ConfigAggregator

from simulator.inventory import (
    GLOBAL_HOME,
    GLOBAL_REGION,
    PACK_COMPLIANCE,
    RESOURCE_COMPLIANCE,
    native_regions,
    native_resources,
    recording,
)
from simulator.source_data import ComplianceItem, PackItem, SourceData, source_data
from simulator.sources import Aggregator, Source, organization_of, regions_of, sources_of
from simulator.sql.evaluator import values
from simulator.state import WORLD, Resource, backend, existing_backend, sim
from simulator.tracking import Natives

Document = Resource | ComplianceItem | PackItem
# The document fields indexed by value: what the bot's advanced queries filter on.
DOC_FIELDS = (
    "accountId",
    "awsRegion",
    "resourceType",
    "resourceId",
    "resourceName",
    "arn",
    "configuration.complianceType",
    "configuration.targetResourceId",
    "configuration.targetResourceType",
    "configuration.configRuleList.configRuleName",
    "configuration.configRuleList.complianceType",
)
# Index entries: an ordinal, or a list of them when several documents share the value.
Postings = int | list[int]


@dataclass(slots=True)
class AggregatorView:
    sources: list[Source]
    readable: list[Source]
    data: list[SourceData]  # of each readable source
    position: dict[tuple[str, str], int]  # readable source -> its index
    by_account: dict[str, list[int]] = field(default_factory=dict)  # account -> its sources' indexes
    rule_sources: dict[str, list[int]] = field(default_factory=dict)
    by_type: dict[str, list[Resource]] = field(default_factory=dict)
    # A key's one resource, or its list when several share it (most keys have one: half a million
    # one-element lists at 10,000 x 17); `resources_at` reads either.
    by_type_id: dict[tuple[str, str], Resource | list[Resource]] = field(default_factory=dict)
    by_type_name: dict[tuple[str, str], Resource | list[Resource]] = field(default_factory=dict)
    # Query order: per readable source, its resources, a hole (None) where its moto-native
    # resources go, then its compliance items and its packs' items.
    docs: list[Document | None] = field(default_factory=list)
    holes: list[int] = field(default_factory=list)  # each readable source's hole
    index: dict[str, dict[Any, Postings]] = field(default_factory=dict)
    unindexable: set[str] = field(default_factory=set)  # a field with a value that is not a string
    sorted_keys: dict[str, list[Any]] = field(default_factory=dict)
    regions: tuple[str, ...] = ()
    natives: tuple[int, dict[int, list[Resource]]] | None = None
    # A WHERE (or part of one) -> its candidates (select_plan.plan); bounded there.
    plans: dict[Any, Any] = field(default_factory=dict)
    # Compliance and pack items by (resource type, their complianceType or None for any), then
    # by (account, region): what counts of them need (the census, the digest).
    item_counts: dict[tuple[str, str | None], Counter[tuple[str, str]]] = field(default_factory=dict)


def view(aggregator: Aggregator) -> AggregatorView:
    """The aggregator's view, rebuilt only when something it depends on changed."""
    org = organization_of(aggregator.account_id)
    key = (WORLD.version, _identity(aggregator.model), org)
    owner = sim(backend(aggregator.account_id, aggregator.region))
    cached = owner.views.get(f"aggregator/{aggregator.name}")
    if cached is not None and cached[0] == key:
        result: AggregatorView = cached[1]
        return result
    built = _build(aggregator)
    # The build may have attached state to new backends (moving WORLD): key it as it now stands.
    key = (WORLD.version, key[1], key[2])
    owner.views[f"aggregator/{aggregator.name}"] = (key, built)
    return built


def _identity(model: ConfigAggregator) -> tuple[Any, ...]:
    source = model.organization_aggregation_source or model.account_aggregation_sources
    return (id(model), id(source))


def _build(aggregator: Aggregator) -> AggregatorView:
    sources = sources_of(aggregator)
    readable = [s for s in sources if s.readable]
    data = [source_data(existing_backend(s.account_id, s.region), s.account_id, s.region) for s in readable]
    built = AggregatorView(
        sources, readable, data, {(s.account_id, s.region): i for i, s in enumerate(readable)}
    )
    built.regions = regions_of(aggregator)
    index: dict[str, dict[Any, Postings]] = {name: {} for name in DOC_FIELDS}
    for position, (source, found) in enumerate(zip(readable, data, strict=True)):
        built.by_account.setdefault(source.account_id, []).append(position)
        for name, _, _ in found.rules:
            built.rule_sources.setdefault(name, []).append(position)
        for resource in found.resources:
            built.by_type.setdefault(resource.resource_type, []).append(resource)
            _file(built.by_type_id, resource.key, resource)
            if resource.resource_name:
                _file(built.by_type_name, (resource.resource_type, resource.resource_name), resource)
            _index_resource(built, index, len(built.docs), resource)
            built.docs.append(resource)
        built.holes.append(len(built.docs))
        built.docs.append(None)
        for item in found.compliance:
            _index_compliance(index, len(built.docs), item)
            built.docs.append(item)
        for pack in found.packs if found.pack_documents else ():
            _index_pack(index, len(built.docs), pack)
            built.docs.append(pack)
        _count(built, RESOURCE_COMPLIANCE, source, [i.overall for i in found.compliance])
        if found.pack_documents:
            _count(built, PACK_COMPLIANCE, source, [p.compliance for p in found.packs])
    for resources in built.by_type.values():
        resources.sort(key=lambda r: (r.account_id, r.region, r.resource_id))
    built.index = index
    # LIKE 'prefix%' on rule names (the bot's rule questions) bisects these; sorted once.
    name = "configuration.configRuleList.configRuleName"
    built.sorted_keys[name] = sorted(index[name])
    return built


def _file(
    by: dict[tuple[str, str], Resource | list[Resource]], key: tuple[str, str], resource: Resource
) -> None:
    found = by.get(key)
    if found is None:
        by[key] = resource
    elif isinstance(found, list):
        found.append(resource)
    else:
        by[key] = [found, resource]


def resources_at(
    by: dict[tuple[str, str], Resource | list[Resource]], key: tuple[str, str]
) -> list[Resource]:
    """The resources filed under `key` in by_type_id or by_type_name."""
    found = by.get(key)
    return [] if found is None else found if isinstance(found, list) else [found]


def _count(built: AggregatorView, kind: str, source: Source, verdicts: list[str]) -> None:
    """A source's items of `kind` (an item's account and region are its source's), by verdict."""
    if not verdicts:
        return
    pair = (source.account_id, source.region)
    built.item_counts.setdefault((kind, None), Counter())[pair] += len(verdicts)
    for verdict, n in Counter(verdicts).items():
        built.item_counts.setdefault((kind, verdict), Counter())[pair] += n


def _add(index: dict[Any, Postings], value: Any, ordinal: int) -> None:
    found = index.get(value)
    if found is None:
        index[value] = ordinal
    elif isinstance(found, int):
        index[value] = [found, ordinal]
    elif found[-1] != ordinal:
        found.append(ordinal)


def _index_resource(
    built: AggregatorView, index: dict[str, dict[Any, Postings]], at: int, r: Resource
) -> None:
    _add(index["accountId"], r.account_id, at)
    _add(index["awsRegion"], r.region, at)
    _add(index["resourceType"], r.resource_type, at)
    _add(index["resourceId"], r.resource_id, at)
    if r.resource_name is not None:
        _add(index["resourceName"], r.resource_name, at)
    if r.arn is not None:
        _add(index["arn"], r.arn, at)
    # A resource's configuration may hold the fields compliance items have: index what it holds.
    for name in ("complianceType", "targetResourceId", "targetResourceType", "configRuleList"):
        if name in r.configuration:
            for full in (f for f in DOC_FIELDS if f.startswith(f"configuration.{name}")):
                for value in values({"configuration": r.configuration}, full.split(".")):
                    if isinstance(value, str):
                        _add(index[full], value, at)
                    else:
                        built.unindexable.add(full)


def _index_compliance(index: dict[str, dict[Any, Postings]], at: int, item: ComplianceItem) -> None:
    # resourceId and resourceName ("<type>/<id>") are found through the target (see select_plan).
    _add(index["accountId"], item.account_id, at)
    _add(index["awsRegion"], item.region, at)
    _add(index["resourceType"], item.resource_type, at)
    _add(index["configuration.complianceType"], item.overall, at)
    _add(index["configuration.targetResourceId"], item.target_id, at)
    _add(index["configuration.targetResourceType"], item.target_type, at)
    for name, compliance in item.verdicts:
        _add(index["configuration.configRuleList.configRuleName"], name, at)
        _add(index["configuration.configRuleList.complianceType"], compliance, at)


def _index_pack(index: dict[str, dict[Any, Postings]], at: int, item: PackItem) -> None:
    _add(index["accountId"], item.account_id, at)
    _add(index["awsRegion"], item.region, at)
    _add(index["resourceType"], item.resource_type, at)
    _add(index["resourceId"], item.pack.pack_id, at)
    _add(index["resourceName"], item.pack.name, at)
    _add(index["arn"], item.pack.arn, at)
    _add(index["configuration.complianceType"], item.compliance, at)
    for name, compliance in item.verdicts:
        _add(index["configuration.configRuleList.configRuleName"], name, at)
        _add(index["configuration.configRuleList.complianceType"], compliance, at)


# Above this many (account, region) pairs holding moto-native resources, they are listed once per
# change of moto's collections of them (`tracking.Natives`) rather than at every request.
LIVE_NATIVE_SOURCES = 2000


def natives(built: AggregatorView) -> dict[int, list[Resource]]:
    """moto's own resources of each readable source (by its position) that its recorder records
    and that no seeded resource of the same key shadows.

    Read at each request in small worlds (tests change moto resources in place); in large ones
    (10,000 accounts each have an IAM role moto made) listing them took most of a second, so they
    are kept, and an account's listed again when one of its collections of them gains or loses
    an entry or a backend holding one is made (`tracking.Natives`; counting the entries of every
    backend instead took 64 ms a query at 1,000 accounts x 17 regions, and listing every
    account again because one moved, a second at 10,000)."""
    version = Natives.version  # before reading: what moves meanwhile is listed again next time
    accounts = _native_accounts()
    if len(accounts) * len(built.regions) <= LIVE_NATIVE_SOURCES:
        return _list_natives(built, accounts)
    if built.natives is None:
        built.natives = (version, _list_natives(built, accounts))
    elif built.natives[0] != version:
        moved = Natives.since(built.natives[0])
        kept = {p: f for p, f in built.natives[1].items() if built.readable[p].account_id not in moved}
        kept.update(_list_natives(built, sorted(moved.intersection(accounts))))
        built.natives = (version, kept)
    return built.natives[1]


def _list_natives(built: AggregatorView, accounts: list[str]) -> dict[int, list[Resource]]:
    found: dict[int, list[Resource]] = {}
    regions = set(built.regions)
    for account in accounts:
        for region in sorted(native_regions(account) & regions):
            position = built.position.get((account, region))
            if position is None:
                continue
            source = existing_backend(account, region)
            recorded = recording(source)
            if source is None or recorded.strategy is None:
                continue
            # A seeded resource (even one not recorded) shadows the native one of its key.
            seeded = sim(source).resources
            kept = [
                r
                for r in native_resources(account, region)
                if r.key not in seeded and recorded.records(r.resource_type)
            ]
            if kept:
                found[position] = kept
    return found


def _native_accounts() -> list[str]:
    accounts: set[str] = set()
    for query in RESOURCE_MAP.values():
        accounts.update(dict.keys(query.backends))
    return sorted(accounts)


def holds_global(built: AggregatorView, position: int) -> bool:
    source = built.readable[position]
    if source.region == GLOBAL_HOME:
        return True
    return any(r.region == GLOBAL_REGION for r in built.data[position].resources)
