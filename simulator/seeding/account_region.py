"""What one account-region holds beyond its resources: a configuration recorder (global types in
the home region only; some accounts exclude AWS::Config::ResourceCompliance), the rules deployed
there (the organization's, the conformance pack's, Security Hub's, a local one), and their
evaluations. Every physical copy of a logical rule concludes what the same managed rule would,
from the configuration where the check is plain, else at the non-compliance rate."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache, partial
from typing import Any

from moto.config.models import ConfigBackend, ConfigRecorder, ConfigRule, RecordingGroup

from simulator.api.evaluations import record_evaluations
from simulator.inventory import EXCLUSION, GLOBAL_TYPES, RESOURCE_COMPLIANCE
from simulator.seeding.catalog import (
    CUSTOM_ORG_RULE,
    CUSTOM_ORG_RULE_METADATA,
    IAM_RULE,
    LOCAL_RULE,
    ORG_RULES,
    PACK_COPIES,
    PACK_COPY_SHARE,
    PACK_KEY,
    PACK_NAME,
    SECURITY_HUB_CREATOR,
    SECURITY_HUB_RULES,
    SECURITY_HUB_SHARE,
    config_rule_request,
    pack_rules,
    rule_by_name,
    suffix,
)
from simulator.seeding.resources import make_resources
from simulator.seeding.spec import SeededEvaluation, SeededOrg
from simulator.state import ConformancePack, Evaluation, Resource, backend, sim
from simulator.tracking import LazyRules, Pending


def recording_groups() -> dict[tuple[bool, bool], RecordingGroup]:
    """(home region?, compliance items excluded?) -> the recording group, shared by the recorders
    of every account-region of that kind (moto replaces a group on a put, never changes one)."""
    groups = {}
    for home in (True, False):
        groups[home, False] = RecordingGroup(
            all_supported=True,
            include_global_resource_types=home,
            resource_types=[],
            exclusion_by_resource_types={"resourceTypes": []},
            recording_strategy={"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"},
        )
        # An exclusion records global types unless they are excluded too: outside the home
        # region they are, as AWS advises, so IAM is recorded once.
        excluded = [RESOURCE_COMPLIANCE, *([] if home else sorted(GLOBAL_TYPES))]
        groups[home, True] = RecordingGroup(
            all_supported=False,
            include_global_resource_types=False,
            resource_types=[],
            exclusion_by_resource_types={"resourceTypes": excluded},
            recording_strategy={"useOnly": EXCLUSION},
        )
    return groups


_ANNOTATIONS = {
    "s3-bucket-server-side-encryption-enabled": "The bucket has no default server-side encryption.",
    "restricted-ssh": "The security group allows SSH (port 22) from 0.0.0.0/0.",
    "encrypted-volumes": "The EBS volume is not encrypted.",
    "rds-storage-encrypted": "The DB instance storage is not encrypted.",
    LOCAL_RULE: "Versioning is not enabled on the bucket.",
    IAM_RULE: "The role has an inline policy.",
    CUSTOM_ORG_RULE: "The security group was not reviewed for SSH exposure in the last 90 days.",
}


@cache
def recipe(name: str, creator: str | None = None) -> Pending:
    """The PutConfigRule request of a pack rule, shared by every source that deploys it (made the
    moto way only when read: see simulator.tracking); `creator` sets CreatedBy, which moto refuses
    on input and AWS sets on service-linked rules."""
    request = config_rule_request(rule_by_name(name), name)
    return Pending(request, None if creator is None else partial(_created_by, creator))


def _created_by(creator: str, made: ConfigRule) -> None:
    made.created_by = creator


def _verdict(logical: str, resource: Resource | None, rng: random.Random, rate: float) -> str:
    """What the rule concludes: from the configuration where the rule's check is plain."""
    if resource is not None:
        c, s = resource.configuration, resource.supplementary
        checks: dict[str, Callable[[], bool]] = {
            "s3-bucket-server-side-encryption-enabled": lambda: "ServerSideEncryptionConfiguration" in s,
            "restricted-ssh": lambda: not any(p.get("fromPort") == 22 for p in c.get("ipPermissions", [])),
            "encrypted-volumes": lambda: bool(c.get("encrypted")),
            "rds-storage-encrypted": lambda: bool(c.get("storageEncrypted")),
            LOCAL_RULE: lambda: s.get("BucketVersioningConfiguration", {}).get("status") == "Enabled",
            IAM_RULE: lambda: not c.get("rolePolicyList"),
        }
        if logical in checks:
            return "COMPLIANT" if checks[logical]() else "NON_COMPLIANT"
    return "NON_COMPLIANT" if rng.random() < rate else "COMPLIANT"


def seed_account_region(
    org: SeededOrg, account: str, region: str, rng: random.Random, recorder: ConfigRecorder
) -> None:
    """Seed one account-region: its recorder, its resources, its rules and their evaluations, in
    that order (the order the seed's draws follow)."""
    config = backend(account, region)
    config.recorders[recorder.name] = recorder  # as PutConfigurationRecorder leaves it
    recorder.status.start()  # as StartConfigurationRecorder does (whether it runs is not modelled)
    state = sim(config)
    made = make_resources(org, account, region, rng)
    for resource in made:
        state.resources[resource.key] = resource
    org.resources.extend(made)
    deployed = _deploy_rules(org, config, account, region, rng)
    _evaluate(org, config, account, region, rng, made, deployed)


def _deploy_rules(
    org: SeededOrg, config: ConfigBackend, account: str, region: str, rng: random.Random
) -> dict[str, dict[str, Any]]:
    """Put the account-region's own rules (its conformance pack's, Security Hub's, a local one)
    beside the organization rules; returns every rule there by its name in the account, each
    with the pack rule it stands for (its logical rule)."""
    state = sim(config)
    rules = config.config_rules
    assert isinstance(rules, LazyRules)  # see state.sim
    deployed: dict[str, dict[str, Any]] = {org.org_rule_names[name]: rule_by_name(name) for name in ORG_RULES}
    deployed[org.org_rule_names[CUSTOM_ORG_RULE]] = {
        "ConfigRuleName": CUSTOM_ORG_RULE,
        "ComplianceResourceTypes": CUSTOM_ORG_RULE_METADATA["ResourceTypesScope"],
    }
    pack_suffix = suffix(account, region, PACK_NAME)
    copies = PACK_COPIES if rng.random() < PACK_COPY_SHARE else ()
    pack_rule_names = []
    for rule in (*pack_rules(PACK_KEY), *map(rule_by_name, copies)):
        if rule["ConfigRuleName"] in ORG_RULES and rule["ConfigRuleName"] not in copies:
            continue
        member_name = f"{rule['ConfigRuleName']}-conformance-pack-{pack_suffix}"
        if member_name in deployed:
            continue  # a copy that the pack holds anyway
        rules.defer(member_name, recipe(rule["ConfigRuleName"]))
        deployed[member_name] = rule
        pack_rule_names.append(member_name)
    if rng.random() < SECURITY_HUB_SHARE:
        for name in SECURITY_HUB_RULES:
            member_name = f"securityhub-{name}-{suffix(account, region, 'securityhub', name)}"
            rules.defer(member_name, recipe(name, SECURITY_HUB_CREATOR))
            deployed[member_name] = rule_by_name(name)
    state.changed()
    state.packs[PACK_NAME] = ConformancePack(
        PACK_NAME,
        f"arn:aws:config:{region}:{account}:conformance-pack/{PACK_NAME}/conformance-pack-{pack_suffix}",
        f"conformance-pack-{pack_suffix}",
        pack_rule_names,
    )
    if int(account) % 3 == 0:  # some teams also run the rule themselves, under its plain name
        rules.defer(LOCAL_RULE, recipe(LOCAL_RULE))
        deployed[LOCAL_RULE] = rule_by_name(LOCAL_RULE)
    return deployed


@lru_cache(maxsize=4)
def _minutes_before(now: datetime) -> tuple[datetime, ...]:
    """`now` less 0 to 599 minutes: the ordering times every source seeded in that second shares
    (two million datetimes otherwise, at 10,000 accounts x 17 regions)."""
    return tuple(now - timedelta(minutes=m) for m in range(600))


def _evaluate(
    org: SeededOrg,
    config: ConfigBackend,
    account: str,
    region: str,
    rng: random.Random,
    made: list[Resource],
    deployed: dict[str, dict[str, Any]],
) -> None:
    """Record each deployed rule's evaluations of the resources in its scope (the account itself,
    once in the home region, for account-level rules), and keep them as ground truth."""
    home = region == org.spec.home_region
    now = datetime.now(UTC).replace(microsecond=0)
    # (logical rule, resource type, resource id) -> (verdict, annotation, ordering time): every
    # physical copy of a logical rule concludes what the same managed rule would.
    concluded: dict[tuple[str, str, str], tuple[str, str | None, datetime]] = {}
    for member_name in sorted(deployed):
        rule = deployed[member_name]
        scope = set(rule.get("ComplianceResourceTypes") or [])
        if scope and scope != {"AWS::::Account"}:
            targets: list[tuple[str, str, Resource | None]] = [
                (r.resource_type, r.resource_id, r) for r in made if r.resource_type in scope
            ]
        elif home:  # account-level rules evaluate the account once, in the home region
            targets = [("AWS::::Account", account, None)]
        else:
            targets = []
        evaluations = []
        logical = rule["ConfigRuleName"]
        for resource_type, resource_id, target in targets:
            key = (logical, resource_type, resource_id)
            if key not in concluded:
                verdict = _verdict(logical, target, rng, org.spec.non_compliance)
                annotation = (
                    _ANNOTATIONS.get(logical, f"{logical} failed for {resource_id}.")
                    if verdict == "NON_COMPLIANT"
                    else None
                )
                concluded[key] = (verdict, annotation, _minutes_before(now)[rng.randrange(1, 600)])
            verdict, annotation, ordered = concluded[key]
            evaluations.append(Evaluation(resource_type, resource_id, verdict, ordered, now, annotation))
            org.evaluations.append(
                SeededEvaluation(
                    account,
                    region,
                    member_name,
                    logical,
                    resource_type,
                    resource_id,
                    verdict,
                    annotation,
                )
            )
        if evaluations:
            record_evaluations(config, member_name, evaluations)
