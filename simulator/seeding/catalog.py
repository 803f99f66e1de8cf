"""The rules a seeded organization runs, drawn from AWS's own conformance packs (the simulator's
copy in simulator/data/conformance-packs.json, see its README): which are organization rules,
which pack every account-region deploys and which of its rules it also copies, Security Hub's
service-linked copies, the custom organization rule and the local rule; and the PutConfigRule
request that deploys a pack rule under a member's name."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources as package_files
from typing import Any

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


@cache
def conformance_packs() -> dict[str, Any]:
    text = package_files.files("simulator").joinpath("data/conformance-packs.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def pack_rules(pack: str) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = conformance_packs()["packs"][pack]["rules"]
    return [r for r in rules if r["SourceIdentifier"] != "AWS_CONFIG_PROCESS_CHECK"]


def rule_by_name(name: str) -> dict[str, Any]:
    return dict(_rules_by_name()[name])


@cache
def _rules_by_name() -> dict[str, dict[str, Any]]:
    """Each rule by its name, its first appearance in the packs winning."""
    found: dict[str, dict[str, Any]] = {}
    for pack in conformance_packs()["packs"].values():
        for rule in pack["rules"]:
            found.setdefault(rule["ConfigRuleName"], rule)
    return found


def suffix(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:8]


def config_rule_request(rule: dict[str, Any], name: str) -> dict[str, Any]:
    """PutConfigRule's ConfigRule member for a pack rule deployed under `name`."""
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
