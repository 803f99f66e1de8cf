"""The resources one account-region records, with realistic names and configurations: S3 buckets,
security groups, EBS volumes, RDS instances and EC2 instances in turn, each non-compliant at the
organization's rate where a rule checks an obvious property, related as AWS Config relates them
(an instance to its security group and volume, a DB instance to its security group); and, in the
home region, the account's IAM role (awsRegion "global", named by its AROA id) and its CloudTrail
trail."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.inventory import GLOBAL_REGION
from simulator.seeding.spec import SeededOrg
from simulator.state import Resource

ROLE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # IAM's unique ids are base32
INSTANCE_TYPES = ("t3.micro", "t3.medium", "m6i.large", "c6g.xlarge", "r6i.2xlarge")
ENGINES = ("postgres", "mysql", "aurora-postgresql")


def make_resources(org: SeededOrg, account: str, region: str, rng: random.Random) -> list[Resource]:
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
    _relate(made)
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


def _relate(made: list[Resource]) -> None:
    """Relationships as AWS Config records them, on both sides where AWS records both: each EC2
    and DB instance to the security group of its group of five, an instance to that group's
    volume. No draw of the seed: the resources and evaluations stay what the seed made them."""
    last: dict[str, Resource] = {}
    for resource in made:
        last[resource.resource_type] = resource
        group = last.get("AWS::EC2::SecurityGroup")
        if resource.resource_type == "AWS::EC2::Instance":
            volume = last.get("AWS::EC2::Volume")
            if group is not None:
                _link(resource, group, "Is associated with SecurityGroup", "Is associated with Instance")
            if volume is not None:
                _link(resource, volume, "Is attached to Volume", "Is attached to Instance")
        elif resource.resource_type == "AWS::RDS::DBInstance" and group is not None:
            resource.relationships.append(_relationship(group, "Is associated with SecurityGroup"))


def _link(one: Resource, other: Resource, forward: str, backward: str) -> None:
    one.relationships.append(_relationship(other, forward))
    other.relationships.append(_relationship(one, backward))


def _relationship(target: Resource, name: str) -> dict[str, str]:
    found = {"resourceType": target.resource_type, "resourceId": target.resource_id, "relationshipName": name}
    if target.resource_name:
        found["resourceName"] = target.resource_name
    return found


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
