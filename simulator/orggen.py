"""A simulated AWS organization, deterministic by seed, loaded into the simulator.

Accounts come from moto's organizations backend; rules are drawn from AWS's own conformance
packs (bot/data/conformance-packs.json): a few deployed as organization config rules (so they
appear as OrgConfigRule-<name>-<suffix> in every member), a conformance pack per account and
region (rules named <rule>-conformance-pack-<suffix>), and a plain local rule in some accounts.
As in real organizations, one check is often deployed several times: in some account-regions
the pack also holds a copy of organization rules, and Security Hub's service-linked rules
(securityhub-<rule>-<suffix>) check the same; each copy gives the verdicts the same managed rule
would. A custom organization rule, `restricted-ssh-periodic`, extends another's name with its own
verdicts. Each account has an IAM role (awsRegion "global", an AROA id) recorded in the home
region, where a rule evaluates it.

Every account-region has a configuration recorder (all supported types; global types in the
home region only), except that some accounts' recorders exclude AWS::Config::ResourceCompliance:
their evaluations are there, their compliance items are not.

Resources carry realistic names and configurations; evaluations agree with the configuration
where a rule checks an obvious property (encryption, SSH, inline policies), and follow the
non-compliance rate elsewhere. `SeededOrg.evaluations` is the ground truth tests compare answers
with: its `logical_rule` is the rule a physical rule stands for.
"""

from __future__ import annotations

import gc
import hashlib
import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources as package_files
from typing import Any

from moto.config.models import ConfigRecorder, RecordingGroup
from moto.iam.models import iam_backends
from moto.moto_api._internal import mock_random
from moto.organizations.models import organizations_backends

from simulator import operations
from simulator.inventory import (
    EXCLUSION,
    GLOBAL_HOME,
    GLOBAL_REGION,
    GLOBAL_TYPES,
    RESOURCE_COMPLIANCE,
)
from simulator.state import (
    CONTRIBUTOR_CAP,
    LOCK,
    ConformancePack,
    Evaluation,
    Resource,
    SourceStatus,
    backend,
    sim,
)

DEFAULT_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
# Seventeen regions, for organizations as wide as the benchmarks ask (the first four as above).
WIDE_REGIONS = (
    *DEFAULT_REGIONS,
    "eu-central-1",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
    "eu-north-1",
    "ap-south-1",
    "us-east-2",
    "eu-west-2",
    "eu-west-3",
    "ap-northeast-2",
    "ap-southeast-1",
    "us-west-1",
    "me-south-1",
)
READ_ROLE = "ComplianceBotReadOnly"
AGGREGATOR_ROLE = "AWSConfigAggregatorRole"

# Organization rules every member gets (pack rule name -> what it checks, for configurations).
ORG_RULES = (
    "s3-bucket-server-side-encryption-enabled",
    "restricted-ssh",
    "encrypted-volumes",
    "rds-storage-encrypted",
    "iam-root-access-key-check",
    "cloudtrail-enabled",
)
# A custom (Lambda) organization rule whose name extends restricted-ssh's: another logical rule.
CUSTOM_ORG_RULE = "restricted-ssh-periodic"
CUSTOM_ORG_RULE_METADATA: dict[str, Any] = {
    "Description": "Checks every day that security groups were reviewed for SSH exposure.",
    "OrganizationConfigRuleTriggerTypes": ["ScheduledNotification"],
    "MaximumExecutionFrequency": "TwentyFour_Hours",
    "ResourceTypesScope": ["AWS::EC2::SecurityGroup"],
}
PACK_KEY = "Operational-Best-Practices-for-CIS-AWS-v1.4-Level1"
PACK_NAME = "cis-aws-v1-4-level1"
LOCAL_RULE = "s3-bucket-versioning-enabled"
# Organization rules that the pack also holds in some account-regions, and the share of them.
PACK_COPIES = ("s3-bucket-server-side-encryption-enabled", "restricted-ssh")
PACK_COPY_SHARE = 0.3
# Security Hub's service-linked copies, and the share of account-regions that have them.
SECURITY_HUB_RULES = ("s3-bucket-server-side-encryption-enabled", "restricted-ssh")
SECURITY_HUB_SHARE = 0.25
SECURITY_HUB_CREATOR = "securityhub.amazonaws.com"
# The rule that evaluates each account's IAM role (its scope includes AWS::IAM::Role).
IAM_RULE = "iam-no-inline-policy-check"
ROLE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # IAM's unique ids are base32

TEAMS = (
    "payments",
    "checkout",
    "identity",
    "search",
    "data",
    "platform",
    "mobile",
    "ledger",
    "fraud",
    "growth",
    "billing",
    "media",
)
STAGES = ("prod", "staging", "dev", "sandbox")
INSTANCE_TYPES = ("t3.micro", "t3.medium", "m6i.large", "c6g.xlarge", "r6i.2xlarge")
ENGINES = ("postgres", "mysql", "aurora-postgresql")


@dataclass(frozen=True)
class OrgSpec:
    seed: int = 7
    accounts: int = 12
    regions: tuple[str, ...] = DEFAULT_REGIONS
    resources_per_region: int = 6
    non_compliance: float = 0.2
    failed_sources: int = 1
    outdated_sources: int = 1
    management_account: str = "111122223333"
    aggregator_name: str = "OrgAggregator"
    aggregator_region: str = "us-east-1"
    # Members whose recorders exclude AWS::Config::ResourceCompliance (never the management).
    accounts_without_compliance_items: int = 1
    # The share of pages of the five operations that may do so answered as an empty page with a
    # NextToken, decided by the seed (see paging.EmptyPages).
    empty_page_rate: float = 0.2
    # ComplianceContributorCount's cap; the rule summary's (None: uncapped; AWS documents 25).
    contributor_cap: int = CONTRIBUTOR_CAP
    rule_summary_cap: int | None = None

    @property
    def home_region(self) -> str:
        """Where global resources are recorded and account-level rules run: us-east-1 if the
        organization uses it, else its first region."""
        return GLOBAL_HOME if GLOBAL_HOME in self.regions else self.regions[0]


@dataclass(frozen=True, slots=True)
class SeededEvaluation:
    account_id: str
    region: str
    rule_name: str  # as named in the member account
    logical_rule: str  # the pack rule name it stands for
    resource_type: str
    resource_id: str
    compliance_type: str
    annotation: str | None


@dataclass
class SeededOrg:
    spec: OrgSpec
    organization_id: str
    accounts: list[str]
    account_names: dict[str, str]
    role_arn: str
    aggregator_arn: str
    # logical rule -> member rule name (same in every account)
    org_rule_names: dict[str, str] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)
    evaluations: list[SeededEvaluation] = field(default_factory=list)
    statuses: dict[tuple[str, str], SourceStatus] = field(default_factory=dict)
    # Accounts whose recorders exclude AWS::Config::ResourceCompliance, sorted.
    accounts_without_compliance_items: list[str] = field(default_factory=list)

    @property
    def management_account(self) -> str:
        return self.spec.management_account

    @property
    def aggregator_name(self) -> str:
        return self.spec.aggregator_name


@cache
def conformance_packs() -> dict[str, Any]:
    text = package_files.files("bot").joinpath("data/conformance-packs.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def pack_rules(pack: str) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = conformance_packs()["packs"][pack]["rules"]
    return [r for r in rules if r["SourceIdentifier"] != "AWS_CONFIG_PROCESS_CHECK"]


def _rule_by_name(name: str) -> dict[str, Any]:
    for pack in conformance_packs()["packs"].values():
        for rule in pack["rules"]:
            if rule["ConfigRuleName"] == name:
                return dict(rule)
    raise KeyError(name)


def _suffix(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:8]


def _config_rule(rule: dict[str, Any], name: str) -> dict[str, Any]:
    config_rule: dict[str, Any] = {
        "ConfigRuleName": name,
        "Source": {"Owner": "AWS", "SourceIdentifier": rule["SourceIdentifier"]},
    }
    if rule.get("ComplianceResourceTypes"):
        config_rule["Scope"] = {"ComplianceResourceTypes": rule["ComplianceResourceTypes"]}
    if rule.get("InputParameters"):
        config_rule["InputParameters"] = json.dumps(rule["InputParameters"])
    if rule.get("Description"):
        config_rule["Description"] = rule["Description"][:256]
    return config_rule


def generate(spec: OrgSpec | None = None) -> SeededOrg:
    """Create the organization, its aggregator, rules, resources and evaluations."""
    spec = spec or OrgSpec()
    rng = random.Random(spec.seed)
    mock_random.seed(spec.seed)  # moto's own ids (accounts, ARNs) follow the seed too
    with LOCK, _collector_paused():
        org = _organization(spec, rng)
        _org_rules(org)
        members = [a for a in org.accounts if a != org.management_account]
        org.accounts_without_compliance_items = sorted(
            rng.sample(members, min(spec.accounts_without_compliance_items, len(members)))
        )
        groups = _recording_groups()
        for account in org.accounts:
            excluded = account in org.accounts_without_compliance_items
            role = (
                f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
            )
            for region in spec.regions:
                home = region == spec.home_region
                _account_region(org, account, region, rng, ConfigRecorder(role, groups[home, excluded]))
        _statuses(org, rng)
        owner = sim(backend(org.management_account, spec.aggregator_region))
        owner.empty_page_rate, owner.empty_page_seed = spec.empty_page_rate, spec.seed
        owner.contributor_cap, owner.rule_summary_cap = spec.contributor_cap, spec.rule_summary_cap
        # Derive each source's views now rather than in the first read, which would otherwise
        # take longer than a client's read timeout at 10,000 accounts.
        operations.prepare_views(org.management_account, spec.aggregator_region, spec.aggregator_name)
    return org


def _recording_groups() -> dict[tuple[bool, bool], RecordingGroup]:
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


def freeze_heap() -> None:
    """For a process that holds one seeded organization for the rest of its life (the served
    simulator, a benchmark): move the heap out of the cyclic collector's sight, so its full
    collections do not stall reads for seconds at 10,000 accounts."""
    gc.collect()
    gc.freeze()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Seeding makes millions of objects and no garbage cycles; the cyclic collector would scan
    the growing heap again and again (a third of seeding time at 10,000 accounts)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _organization(spec: OrgSpec, rng: random.Random) -> SeededOrg:
    management = spec.management_account
    orgs = organizations_backends[management]["aws"]
    orgs.create_organization(region=spec.aggregator_region, FeatureSet="ALL")
    assert orgs.org is not None
    names = {management: "management"}
    for index in range(1, spec.accounts):
        name = f"{TEAMS[index % len(TEAMS)]}-{STAGES[(index // len(TEAMS)) % len(STAGES)]}-{index:04d}"
        orgs.create_account(AccountName=name, Email=f"aws+{name}@example.com")
    for account in orgs.accounts:
        names.setdefault(account.id, account.name)
    accounts = sorted(a.id for a in orgs.accounts)
    iam = iam_backends[management]["global"]
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    role = iam.create_role(READ_ROLE, trust, "/", None, "Read-only role for compliance-bot", [], "3600")
    aggregator_role = iam.create_role(
        AGGREGATOR_ROLE,
        trust,
        "/service-role/",
        None,
        "Lets AWS Config read the organization",
        [],
        "3600",
    )
    aggregator = backend(management, spec.aggregator_region).put_configuration_aggregator(
        {
            "ConfigurationAggregatorName": spec.aggregator_name,
            "OrganizationAggregationSource": {
                "RoleArn": aggregator_role.arn,
                "AwsRegions": list(spec.regions),
            },
        }
    )
    return SeededOrg(spec, orgs.org.id, accounts, names, role.arn, aggregator["ConfigurationAggregatorArn"])


def _org_rules(org: SeededOrg) -> None:
    for region in org.spec.regions:
        for name in ORG_RULES:
            rule = _rule_by_name(name)
            metadata: dict[str, Any] = {"RuleIdentifier": rule["SourceIdentifier"]}
            if rule.get("ComplianceResourceTypes"):
                metadata["ResourceTypesScope"] = rule["ComplianceResourceTypes"]
            if rule.get("InputParameters"):
                metadata["InputParameters"] = json.dumps(rule["InputParameters"])
            operations.put_organization_config_rule(
                org.management_account,
                region,
                {"OrganizationConfigRuleName": name, "OrganizationManagedRuleMetadata": metadata},
            )
            org.org_rule_names[name] = operations.member_rule_name(org.organization_id, name)
        function = f"arn:aws:lambda:{region}:{org.management_account}:function:{CUSTOM_ORG_RULE}"
        custom = {**CUSTOM_ORG_RULE_METADATA, "LambdaFunctionArn": function}
        operations.put_organization_config_rule(
            org.management_account,
            region,
            {"OrganizationConfigRuleName": CUSTOM_ORG_RULE, "OrganizationCustomRuleMetadata": custom},
        )
        org.org_rule_names[CUSTOM_ORG_RULE] = operations.member_rule_name(
            org.organization_id, CUSTOM_ORG_RULE
        )


# --- resources --------------------------------------------------------------------------------


def _resources(org: SeededOrg, account: str, region: str, rng: random.Random) -> list[Resource]:
    team = org.account_names[account].split("-")[0]
    stage = org.account_names[account].split("-")[1] if "-" in org.account_names[account] else "prod"
    created = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(600))
    made: list[Resource] = []
    for index in range(org.spec.resources_per_region):
        kind = index % 5
        bad = rng.random() < org.spec.non_compliance
        hexid = f"{rng.getrandbits(68):017x}"
        zone = f"{region}{'abc'[index % 3]}"
        if kind == 0:
            purpose = ("logs", "assets", "exports", "backups")[index % 4]
            name = f"{team}-{stage}-{purpose}-{account[-4:]}-{region}-{index}"
            configuration: dict[str, Any] = {"name": name, "creationDate": created.isoformat()}
            supplementary: dict[str, Any] = {
                "BucketVersioningConfiguration": {"status": "Off" if rng.random() < 0.5 else "Enabled"}
            }
            if not bad:
                supplementary["ServerSideEncryptionConfiguration"] = {
                    "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]
                }
            made.append(
                Resource(
                    account,
                    region,
                    "AWS::S3::Bucket",
                    name,
                    name,
                    f"arn:aws:s3:::{name}",
                    configuration,
                    supplementary,
                    {"team": team, "stage": stage},
                    None,
                    created,
                )
            )
        elif kind == 1:
            group_id = f"sg-{hexid}"
            permissions = [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipRanges": ["0.0.0.0/0"]}]
            if bad:
                permissions.append(
                    {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}
                )
            made.append(
                Resource(
                    account,
                    region,
                    "AWS::EC2::SecurityGroup",
                    group_id,
                    f"{team}-{stage}-web",
                    f"arn:aws:ec2:{region}:{account}:security-group/{group_id}",
                    {
                        "groupId": group_id,
                        "groupName": f"{team}-{stage}-web",
                        "ipPermissions": permissions,
                    },
                    {},
                    {"team": team},
                    None,
                    created,
                )
            )
        elif kind == 2:
            volume_id = f"vol-{hexid}"
            made.append(
                Resource(
                    account,
                    region,
                    "AWS::EC2::Volume",
                    volume_id,
                    None,
                    f"arn:aws:ec2:{region}:{account}:volume/{volume_id}",
                    {
                        "volumeId": volume_id,
                        "encrypted": not bad,
                        "size": rng.choice((8, 20, 100, 500)),
                        "volumeType": "gp3",
                        "availabilityZone": zone,
                    },
                    {},
                    {"team": team},
                    zone,
                    created,
                )
            )
        elif kind == 3:
            db = f"{team}-{stage}-db-{index}"
            made.append(
                Resource(
                    account,
                    region,
                    "AWS::RDS::DBInstance",
                    f"db-{hexid.upper()[:26]}",
                    db,
                    f"arn:aws:rds:{region}:{account}:db:{db}",
                    {
                        "dBInstanceIdentifier": db,
                        "engine": rng.choice(ENGINES),
                        "dBInstanceClass": "db.r6g.large",
                        "storageEncrypted": not bad,
                        "multiAZ": rng.random() < 0.5,
                        "publiclyAccessible": False,
                    },
                    {},
                    {"team": team, "stage": stage},
                    zone,
                    created,
                )
            )
        else:
            instance_id = f"i-{hexid}"
            made.append(
                Resource(
                    account,
                    region,
                    "AWS::EC2::Instance",
                    instance_id,
                    f"{team}-{stage}-{index}",
                    f"arn:aws:ec2:{region}:{account}:instance/{instance_id}",
                    {
                        "instanceId": instance_id,
                        "instanceType": rng.choice(INSTANCE_TYPES),
                        "state": {"name": "running"},
                        "imageId": f"ami-{rng.getrandbits(32):08x}",
                        "placement": {"availabilityZone": zone},
                    },
                    {},
                    {"team": team, "Name": f"{team}-{stage}-{index}"},
                    zone,
                    created,
                )
            )
    if region == org.spec.home_region:
        made.append(_role(account, team, rng, org.spec.non_compliance, created))
        made.append(
            Resource(
                account,
                region,
                "AWS::CloudTrail::Trail",
                f"{team}-org-trail",
                f"{team}-org-trail",
                f"arn:aws:cloudtrail:{region}:{account}:trail/{team}-org-trail",
                {"name": f"{team}-org-trail", "isMultiRegionTrail": True, "isLogging": True},
                {},
                {},
                None,
                created,
            )
        )
    return made


def _role(account: str, team: str, rng: random.Random, rate: float, created: datetime) -> Resource:
    """The account's deployer role: global (recorded once, in the home region), named by its
    AROA id as AWS Config names roles; an inline policy at the non-compliance rate."""
    role_id = "AROA" + "".join(rng.choices(ROLE_ID_ALPHABET, k=17))
    name = f"{team}-deployer"
    arn = f"arn:aws:iam::{account}:role/{name}"
    inline = (
        [
            {
                "policyName": f"{name}-inline",
                "policyDocument": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                    }
                ),
            }
        ]
        if rng.random() < rate
        else []
    )
    configuration = {
        "path": "/",
        "roleName": name,
        "roleId": role_id,
        "arn": arn,
        "createDate": created.isoformat(),
        "rolePolicyList": inline,
        "attachedManagedPolicies": [
            {"policyName": "PowerUserAccess", "policyArn": "arn:aws:iam::aws:policy/PowerUserAccess"}
        ],
        "instanceProfileList": [],
    }
    return Resource(
        account,
        GLOBAL_REGION,
        "AWS::IAM::Role",
        role_id,
        name,
        arn,
        configuration,
        {},
        {"team": team},
        None,
        created,
    )


# --- evaluations ------------------------------------------------------------------------------

_ANNOTATIONS = {
    "s3-bucket-server-side-encryption-enabled": "The bucket has no default server-side encryption.",
    "restricted-ssh": "The security group allows SSH (port 22) from 0.0.0.0/0.",
    "encrypted-volumes": "The EBS volume is not encrypted.",
    "rds-storage-encrypted": "The DB instance storage is not encrypted.",
    LOCAL_RULE: "Versioning is not enabled on the bucket.",
    IAM_RULE: "The role has an inline policy.",
    CUSTOM_ORG_RULE: "The security group was not reviewed for SSH exposure in the last 90 days.",
}


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


def _account_region(
    org: SeededOrg, account: str, region: str, rng: random.Random, recorder: ConfigRecorder
) -> None:
    config = backend(account, region)
    config.recorders[recorder.name] = recorder  # as PutConfigurationRecorder leaves it
    recorder.status.start()  # as StartConfigurationRecorder does (whether it runs is not modelled)
    state = sim(config)
    made = _resources(org, account, region, rng)
    for resource in made:
        state.resources[resource.key] = resource
    org.resources.extend(made)

    # rule name in this account -> the pack rule it stands for (its logical rule)
    deployed: dict[str, dict[str, Any]] = {
        org.org_rule_names[name]: _rule_by_name(name) for name in ORG_RULES
    }
    deployed[org.org_rule_names[CUSTOM_ORG_RULE]] = {
        "ConfigRuleName": CUSTOM_ORG_RULE,
        "ComplianceResourceTypes": CUSTOM_ORG_RULE_METADATA["ResourceTypesScope"],
    }
    pack_suffix = _suffix(account, region, PACK_NAME)
    copies = PACK_COPIES if rng.random() < PACK_COPY_SHARE else ()
    pack_rule_names = []
    for rule in (*pack_rules(PACK_KEY), *map(_rule_by_name, copies)):
        if rule["ConfigRuleName"] in ORG_RULES and rule["ConfigRuleName"] not in copies:
            continue
        member_name = f"{rule['ConfigRuleName']}-conformance-pack-{pack_suffix}"
        if member_name in deployed:
            continue  # a copy that the pack holds anyway
        config.put_config_rule(_config_rule(rule, member_name))
        deployed[member_name] = rule
        pack_rule_names.append(member_name)
    if rng.random() < SECURITY_HUB_SHARE:
        for name in SECURITY_HUB_RULES:
            member_name = f"securityhub-{name}-{_suffix(account, region, 'securityhub', name)}"
            rule = _rule_by_name(name)
            config.put_config_rule(_config_rule(rule, member_name))
            # moto refuses CreatedBy on input; AWS sets it on service-linked rules.
            config.config_rules[member_name].created_by = SECURITY_HUB_CREATOR
            deployed[member_name] = rule
    state.changed()
    state.packs[PACK_NAME] = ConformancePack(
        PACK_NAME,
        f"arn:aws:config:{region}:{account}:conformance-pack/{PACK_NAME}/conformance-pack-{pack_suffix}",
        f"conformance-pack-{pack_suffix}",
        pack_rule_names,
    )
    if int(account) % 3 == 0:  # some teams also run the rule themselves, under its plain name
        local = _rule_by_name(LOCAL_RULE)
        config.put_config_rule(_config_rule(local, LOCAL_RULE))
        deployed[LOCAL_RULE] = local

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
                concluded[key] = (verdict, annotation, now - timedelta(minutes=rng.randrange(1, 600)))
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
        operations.record_evaluations(config, member_name, evaluations)


def _statuses(org: SeededOrg, rng: random.Random) -> None:
    owner = sim(backend(org.management_account, org.spec.aggregator_region))
    members = [a for a in org.accounts if a != org.management_account] or org.accounts
    picks = rng.sample(
        [(a, r) for a in members for r in org.spec.regions],
        min(
            len(members) * len(org.spec.regions),
            org.spec.failed_sources + org.spec.outdated_sources,
        ),
    )
    for index, (account, region) in enumerate(picks):
        if index < org.spec.failed_sources:
            status = SourceStatus(
                "FAILED",
                "AccessDeniedException",
                f"AWS Config could not assume the role in account {account}: access denied.",
                datetime.now(UTC) - timedelta(hours=30),
            )
        else:
            status = SourceStatus("OUTDATED", None, None, datetime.now(UTC) - timedelta(hours=7))
        owner.source_status[(org.aggregator_name, account, region)] = status
        org.statuses[(account, region)] = status


def set_source_status(
    aggregator_account: str,
    aggregator_region: str,
    aggregator_name: str,
    account: str,
    region: str,
    status: str,
    error_code: str | None = None,
    error_message: str | None = None,
) -> None:
    """Force a source's status (tests and demos): FAILED with an error code, OUTDATED, SUCCEEDED."""
    with LOCK:
        owner = sim(backend(aggregator_account, aggregator_region))
        owner.source_status[(aggregator_name, account, region)] = SourceStatus(
            status, error_code, error_message, datetime.now(UTC)
        )


def configure_aggregator_owner(
    aggregator_account: str,
    aggregator_region: str,
    empty_page_rate: float = 0.0,
    empty_page_seed: int = 0,
    contributor_cap: int = CONTRIBUTOR_CAP,
    rule_summary_cap: int | None = None,
) -> None:
    """How the aggregators of an account and region answer (tests on hand-made worlds; `generate`
    sets the same from its OrgSpec): empty pages with a NextToken at a seeded rate, and caps."""
    with LOCK:
        owner = sim(backend(aggregator_account, aggregator_region))
        owner.empty_page_rate, owner.empty_page_seed = empty_page_rate, empty_page_seed
        owner.contributor_cap, owner.rule_summary_cap = contributor_cap, rule_summary_cap
