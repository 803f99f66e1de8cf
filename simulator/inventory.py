"""What one source (account, region) holds: resources, rules and their latest evaluations.

Resources are the seeded ones plus what moto's own services already expose to AWS Config
(S3 buckets, IAM roles and policies, SNS topics, account public access blocks). Global resource
types (IAM) are recorded once per account, in us-east-1, with awsRegion "global", as AWS Config
records them by default.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.config.models import RESOURCE_MAP, ConfigBackend, ConfigRule

from simulator.state import Evaluation, Resource, derived, existing_backend, sim

GLOBAL_REGION = "global"
GLOBAL_HOME = "us-east-1"
CONTRIBUTOR_CAP = 100  # AWS caps ComplianceContributorCount; the console shows "100+".


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


def capped(count: int, cap: int = CONTRIBUTOR_CAP) -> dict[str, Any]:
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
    evaluations = sim(found).evaluations
    result = []
    for rule_name in sorted(found.config_rules):
        rule: ConfigRule = found.config_rules[rule_name]
        latest = evaluations.get(rule_name, {})
        result.append(
            RuleState(
                account_id,
                region,
                rule_name,
                rule.config_rule_arn,
                rule.config_rule_id,
                latest,
                rule_compliance(latest.values()),
            )
        )
    return result


def resources_in(account_id: str, region: str) -> list[Resource]:
    """Every resource recorded in the source, seeded first, then moto-native ones."""
    found = existing_backend(account_id, region)
    seeded = list(sim(found).resources.values()) if found else []
    seen = {r.key for r in seeded}
    native = [r for r in _native_resources(account_id, region) if r.key not in seen]
    return seeded + native


def resources_of(sources: Iterable[tuple[str, str]]) -> Iterator[Resource]:
    for account_id, region in sources:
        yield from resources_in(account_id, region)


def _native_resources(account_id: str, region: str) -> list[Resource]:
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
                result.append(_from_moto_item(account_id, item))
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
