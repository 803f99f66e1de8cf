"""What one source (account, region) holds: resources, rules and their latest evaluations.

Resources are the seeded ones plus what moto's own services already expose to AWS Config
(S3 buckets, IAM roles and policies, SNS topics, account public access blocks), less what the
source's configuration recorder does not record: no recorder records nothing. Global resource
types (IAM) carry awsRegion "global"; moto's own are held in us-east-1, seeded ones where the
generator recorded them, and either is seen only where the recorder records global types.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.config.models import RESOURCE_MAP, ConfigBackend

from simulator.state import CONTRIBUTOR_CAP, Evaluation, Resource, by_rule, derived, existing_backend, sim
from simulator.tracking import LazyRules

NO_EVALUATIONS: dict[tuple[str, str], Evaluation] = {}

GLOBAL_REGION = "global"
GLOBAL_HOME = "us-east-1"
# The global IAM types that `includeGlobalResourceTypes` bundles: an allSupported recorder
# records them only with it; an inclusion must list them; an exclusion records them unless listed.
GLOBAL_TYPES = frozenset({"AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::Policy"})
RESOURCE_COMPLIANCE = "AWS::Config::ResourceCompliance"
PACK_COMPLIANCE = "AWS::Config::ConformancePackCompliance"
ALL_SUPPORTED = "ALL_SUPPORTED_RESOURCE_TYPES"
INCLUSION = "INCLUSION_BY_RESOURCE_TYPES"
EXCLUSION = "EXCLUSION_BY_RESOURCE_TYPES"


@dataclass(frozen=True, slots=True)
class Recording:
    """What one source's configuration recorder records (its recordingGroup).

    Whether the recorder was started is not modelled: a recorder that exists records.
    """

    strategy: str | None  # ALL_SUPPORTED, INCLUSION or EXCLUSION; None: no recorder at all
    types: frozenset[str] = frozenset()  # the types included or excluded, by strategy
    include_global: bool = False

    def records(self, resource_type: str) -> bool:
        if self.strategy == ALL_SUPPORTED:
            return self.include_global or resource_type not in GLOBAL_TYPES
        if self.strategy == INCLUSION:
            return resource_type in self.types
        if self.strategy == EXCLUSION:
            return resource_type not in self.types
        return False


NOTHING_RECORDED = Recording(None)


def recording(found: ConfigBackend | None) -> Recording:
    """The source's recording, cached on the backend until its recorder is put or deleted
    (moto makes a new recorder object on every put), so a read of 170,000 sources pays a
    dictionary look-up per source."""
    if found is None or not found.recorders:
        return NOTHING_RECORDED
    recorders = tuple(found.recorders.values())
    views = sim(found).views
    cached = views.get("recording")
    if cached is not None and cached[0] == recorders:
        result: Recording = cached[1]
        return result
    result = _recording_of(recorders)
    views["recording"] = (recorders, result)
    return result


def _recording_of(recorders: tuple[Any, ...]) -> Recording:
    # moto (like AWS, for customer recorders) allows one recorder per account and region.
    group = recorders[0].recording_group
    if group.all_supported:
        return Recording(ALL_SUPPORTED, include_global=bool(group.include_global_resource_types))
    if (group.recording_strategy or {}).get("useOnly") == EXCLUSION:
        excluded = (group.exclusion_by_resource_types or {}).get("resourceTypes") or []
        return Recording(EXCLUSION, frozenset(excluded))
    return Recording(INCLUSION, frozenset(group.resource_types or []))


@dataclass(frozen=True, slots=True)
class RuleState:
    """One config rule in one source, with its latest evaluations."""

    account_id: str
    region: str
    name: str
    arn: str
    rule_id: str
    evaluations: dict[tuple[str, str], Evaluation]
    # (rule compliance, non-compliant resource count); see `rule_compliance`.
    compliance: tuple[str, int]


def rule_compliance(evaluations: Iterable[Evaluation]) -> tuple[str, int]:
    """(rule compliance, non-compliant resource count) by AWS's rule: any NON_COMPLIANT resource
    makes the rule NON_COMPLIANT; all COMPLIANT, COMPLIANT; none, INSUFFICIENT_DATA.
    NOT_APPLICABLE evaluations do not count either way."""
    non_compliant = compliant = 0
    for evaluation in evaluations:
        non_compliant += evaluation.compliance_type == "NON_COMPLIANT"
        compliant += evaluation.compliance_type == "COMPLIANT"
    if non_compliant:
        return "NON_COMPLIANT", non_compliant
    return ("COMPLIANT" if compliant else "INSUFFICIENT_DATA"), 0


def capped(count: int, cap: int | None = CONTRIBUTOR_CAP) -> dict[str, Any]:
    """{CappedCount, CapExceeded}; None: no cap."""
    if cap is None:
        return {"CappedCount": count, "CapExceeded": False}
    return {"CappedCount": min(count, cap), "CapExceeded": count > cap}


def rules_in(account_id: str, region: str, name: str | None = None) -> list[RuleState]:
    """The rules that exist in the source (or the one named), sorted by name; evaluations of
    deleted rules are not visible."""
    found = existing_backend(account_id, region)
    if found is None:
        return []
    rules = derived(found, "rules", lambda: _rule_states(found, account_id, region))
    return rules if name is None else [r for r in rules if r.name == name]


def _rule_states(found: ConfigBackend, account_id: str, region: str) -> list[RuleState]:
    evaluations = by_rule(sim(found).evaluations)
    rules = found.config_rules
    assert isinstance(rules, LazyRules)  # see state.sim
    result = []
    for rule_name in sorted(rules.names()):
        identity = rules.identity(rule_name)
        assert identity is not None
        latest = evaluations.get(rule_name, NO_EVALUATIONS)
        result.append(
            RuleState(
                account_id,
                region,
                rule_name,
                identity[0],
                identity[1],
                latest,
                rule_compliance(latest.values()),
            )
        )
    return result


def resources_in(account_id: str, region: str) -> list[Resource]:
    """Every resource the source's recorder records, seeded first, then moto-native ones."""
    found = existing_backend(account_id, region)
    recorded = recording(found)
    if found is None or recorded.strategy is None:
        return []
    seeded = list(sim(found).resources.values())
    seen = {r.key for r in seeded}
    native = [r for r in native_resources(account_id, region) if r.key not in seen]
    return [r for r in (*seeded, *native) if recorded.records(r.resource_type)]


def holds_global(account_id: str, region: str) -> bool:
    """Whether the source may hold global resources (awsRegion "global"): moto's own are held in
    GLOBAL_HOME; seeded ones where the generator put them (its organization's home region)."""
    if region == GLOBAL_HOME:
        return True
    found = existing_backend(account_id, region)
    return found is not None and any(r.region == GLOBAL_REGION for r in sim(found).resources.values())


def resources_of(sources: Iterable[tuple[str, str]]) -> Iterator[Resource]:
    for account_id, region in sources:
        yield from resources_in(account_id, region)


def native_regions(account_id: str) -> set[str]:
    """The regions where native_resources may find something of the account (and names that are
    no region, "aws" and the like): where its backends of RESOURCE_MAP's types were made, and
    its buckets' regions. Ten thousand accounts x 17 regions hold moto resources in a region or
    two each: asking the other sources costs seconds."""
    found: set[str] = set()
    for resource_type, query in RESOURCE_MAP.items():
        if not dict.__contains__(query.backends, account_id):
            continue
        per_account = dict.__getitem__(query.backends, account_id)  # see state.backend
        if resource_type == "AWS::S3::Bucket":
            if dict.__contains__(per_account, "aws"):
                found.update(b.region_name for b in dict.__getitem__(per_account, "aws").buckets.values())
            continue
        found.update(dict.keys(per_account))
        if dict.__contains__(per_account, "aws"):
            found.add(GLOBAL_HOME)
    return found


def native_resources(account_id: str, region: str) -> list[Resource]:
    result: list[Resource] = []
    for resource_type, query in RESOURCE_MAP.items():
        if not dict.__contains__(query.backends, account_id):
            continue  # the account never touched that service: nothing to discover
        per_account = dict.__getitem__(query.backends, account_id)  # see state.backend
        if resource_type == "AWS::S3::Bucket":
            # moto keeps buckets in one partition-wide backend, each with its own region.
            listed, _ = query.list_config_service_resources(
                account_id, "aws", None, None, 1_000_000, None, resource_region=region
            )
        elif dict.__contains__(per_account, region) or (
            dict.__contains__(per_account, "aws") and region == GLOBAL_HOME
        ):
            listed, _ = query.list_config_service_resources(
                account_id, "aws", None, None, 1_000_000, None, backend_region=region
            )
        else:
            continue
        for identifier in listed:
            item = query.get_config_resource(account_id, "aws", identifier["id"], backend_region=region)
            if item:
                resource = _from_moto_item(account_id, item)
                if resource_type == "AWS::IAM::Role":
                    # moto's item names a role by its name; AWS Config by its id (AROA...), which
                    # is what moto lists it by.
                    resource.resource_id = identifier["id"]
                result.append(resource)
    return result


def _from_moto_item(account_id: str, item: dict[str, Any]) -> Resource:
    configuration = item.get("configuration") or "{}"
    if isinstance(configuration, str):
        configuration = json.loads(configuration)
    supplementary = {k: _maybe_json(v) for k, v in (item.get("supplementaryConfiguration") or {}).items()}
    created = item.get("resourceCreationTime")
    return Resource(
        account_id=account_id,
        region=item.get("awsRegion") or GLOBAL_REGION,
        resource_type=item["resourceType"],
        resource_id=item["resourceId"],
        resource_name=item.get("resourceName"),
        arn=item.get("arn"),
        configuration=configuration,
        supplementary=supplementary,
        tags=dict(item.get("tags") or {}),
        availability_zone=item.get("availabilityZone"),
        created=created if isinstance(created, datetime) else None,
    )


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
