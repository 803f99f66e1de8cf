"""The organization itself: its accounts (named <team>-<stage>-<index> in moto's organizations
backend), the read-only role the bot assumes and the role AWS Config aggregates with, the
organization aggregator, and the organization rules deployed to every member in every region."""

from __future__ import annotations

import json
import random
from typing import Any

from moto.iam.models import iam_backends
from moto.organizations.models import organizations_backends

from simulator.api.organization_rules import member_rule_name, put_organization_config_rule
from simulator.seeding.catalog import CUSTOM_ORG_RULE, CUSTOM_ORG_RULE_METADATA, ORG_RULES, rule_by_name
from simulator.seeding.spec import OrgSpec, SeededOrg
from simulator.state import backend

READ_ROLE = "ComplianceBotReadOnly"
AGGREGATOR_ROLE = "AWSConfigAggregatorRole"
# Member accounts are named <team>-<stage>-<index>.
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


def make_organization(spec: OrgSpec, rng: random.Random) -> SeededOrg:
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


def deploy_org_rules(org: SeededOrg) -> None:
    for region in org.spec.regions:
        for name in ORG_RULES:
            rule = rule_by_name(name)
            metadata: dict[str, Any] = {"RuleIdentifier": rule["SourceIdentifier"]}
            if rule.get("ComplianceResourceTypes"):
                metadata["ResourceTypesScope"] = rule["ComplianceResourceTypes"]
            if rule.get("InputParameters"):
                metadata["InputParameters"] = json.dumps(rule["InputParameters"])
            put_organization_config_rule(
                org.management_account,
                region,
                {"OrganizationConfigRuleName": name, "OrganizationManagedRuleMetadata": metadata},
            )
            org.org_rule_names[name] = member_rule_name(org.organization_id, name)
        function = f"arn:aws:lambda:{region}:{org.management_account}:function:{CUSTOM_ORG_RULE}"
        custom = {**CUSTOM_ORG_RULE_METADATA, "LambdaFunctionArn": function}
        put_organization_config_rule(
            org.management_account,
            region,
            {"OrganizationConfigRuleName": CUSTOM_ORG_RULE, "OrganizationCustomRuleMetadata": custom},
        )
        org.org_rule_names[CUSTOM_ORG_RULE] = member_rule_name(org.organization_id, CUSTOM_ORG_RULE)
