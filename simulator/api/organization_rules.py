"""Organization config rules: PutOrganizationConfigRule (in the management account only) deploys a
managed or custom rule as OrgConfigRule-<name>-<suffix> in every member account that is not
excluded, with the same suffix everywhere; DescribeOrganizationConfigRules lists them."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any, cast

from moto.config.models import ConfigEmptyDictable, ConfigRule, SourceDetail
from moto.config.models import Source as RuleSource

from simulator.api.common import Params, Response, page_response, require
from simulator.errors import (
    InvalidParameterValueException,
    MaxNumberOfOrganizationConfigRulesExceededException,
    NoAvailableOrganizationException,
    NoSuchOrganizationConfigRuleException,
    OrganizationAccessDeniedException,
    validation,
)
from simulator.sources import Organization, organization_of
from simulator.state import OrganizationRule, backend, sim
from simulator.tracking import LazyRules, Pending

MAX_ORGANIZATION_RULES = 150
ORG_RULE_CREATOR = "config-multiaccountsetup.amazonaws.com"
# A managed rule without required parameters, for `_member_recipe`'s stand-in source.
STAND_IN_RULE_IDENTIFIER = "S3_BUCKET_VERSIONING_ENABLED"


def _management(account: str) -> Organization:
    org = organization_of(account)
    if org is None:
        raise NoAvailableOrganizationException()
    if org.management != account:
        raise OrganizationAccessDeniedException()
    return org


@lru_cache(maxsize=4096)
def member_rule_name(org_id: str, name: str) -> str:
    """OrgConfigRule-<name>-<8 chars>, the same suffix in every member account (and the same
    string: 10,000 accounts x 17 regions x 10 rules name it)."""
    suffix = hashlib.sha256(f"{org_id}/{name}".encode()).hexdigest()[:8]
    return f"OrgConfigRule-{name}-{suffix}"


def put_organization_config_rule(account: str, region: str, params: Params) -> Response:
    require(params, "OrganizationConfigRuleName")
    name = params["OrganizationConfigRuleName"]
    if len(name) > 64:
        raise validation(
            name, "organizationConfigRuleName", "Member must have length less than or equal to 64"
        )
    managed = params.get("OrganizationManagedRuleMetadata")
    custom = params.get("OrganizationCustomRuleMetadata")
    if bool(managed) == bool(custom):
        raise InvalidParameterValueException(
            "Provide exactly one of OrganizationManagedRuleMetadata and OrganizationCustomRuleMetadata."
        )
    org = _management(account)
    org_id, members = org.id, org.members
    state = sim(backend(account, region))
    if name not in state.org_rules and len(state.org_rules) >= MAX_ORGANIZATION_RULES:
        raise MaxNumberOfOrganizationConfigRulesExceededException(
            f"Failed to put organization config rule '{name}': the maximum of "
            f"{MAX_ORGANIZATION_RULES} is reached."
        )
    excluded = list(params.get("ExcludedAccounts") or [])
    rule = state.org_rules.get(name)
    if rule is None:
        suffix = member_rule_name(org_id, name).rsplit("-", 1)[1]
        rule = OrganizationRule(
            name=name,
            arn=f"arn:aws:config:{region}:{account}:organization-config-rule/{name}-{suffix}",
            managed=managed,
            custom=custom,
            excluded_accounts=excluded,
            updated=datetime.now(UTC),
        )
        state.org_rules[name] = rule
    else:
        rule.managed, rule.custom, rule.excluded_accounts = managed, custom, excluded
        rule.updated = datetime.now(UTC)
    member_rule = _member_rule(rule)
    recipe: Pending | None = None
    for member in members:
        member_name = member_rule_name(org_id, name)
        rules = backend(member, region).config_rules
        assert isinstance(rules, LazyRules)  # see state.sim
        if member in excluded:
            rules.discard(member_name)
            rule.member_rule_names.pop(member, None)
            continue
        if recipe is None:
            # The first member's copy is made at once, so moto's checks of the rule fail the put
            # as they would; the others (the same rule under the same name) are made when read.
            recipe = _member_recipe(member_rule)
            rules.defer(member_name, recipe)
            rules.materialize()
        else:
            rules.defer(member_name, recipe)
        rule.member_rule_names[member] = member_name
    return {"OrganizationConfigRuleArn": rule.arn}


def _member_recipe(rule: dict[str, Any]) -> Pending:
    """How an organization rule's copy is made in a member account and region.

    moto looks a custom rule's Lambda function up in the member's own account and region, where
    AWS invokes the management account's function; so a custom copy is made with a stand-in
    managed source, then given its own source (and parameters, which the stand-in would check).
    moto refuses CreatedBy on input; AWS sets it on organization rules' member copies.
    """
    source = rule["Source"]
    if source["Owner"] != "CUSTOM_LAMBDA":
        return Pending(rule, _created_by_organization)
    stand_in = {k: v for k, v in rule.items() if k != "InputParameters"}
    stand_in["Source"] = {"Owner": "AWS", "SourceIdentifier": STAND_IN_RULE_IDENTIFIER}
    return Pending(stand_in, partial(_custom_source, source, rule.get("InputParameters")))


def _created_by_organization(made: ConfigRule) -> None:
    made.created_by = ORG_RULE_CREATOR


def _custom_source(source: dict[str, Any], parameters: str | None, made: ConfigRule) -> None:
    custom = cast(RuleSource, RuleSource.__new__(RuleSource))
    ConfigEmptyDictable.__init__(custom, capitalize_start=True, capitalize_arn=False)
    custom.owner = "CUSTOM_LAMBDA"
    custom.source_identifier = source["SourceIdentifier"]
    custom.source_details = [
        SourceDetail(
            event_source=detail["EventSource"],
            message_type=detail["MessageType"],
            maximum_execution_frequency=detail.get("MaximumExecutionFrequency"),
        )
        for detail in source.get("SourceDetails", [])
    ]
    made.source = custom
    made.input_parameters = parameters
    made.input_parameters_dict = json.loads(parameters) if parameters else {}
    made.created_by = ORG_RULE_CREATOR


def _member_rule(rule: OrganizationRule) -> dict[str, Any]:
    metadata = rule.managed or rule.custom or {}
    config_rule: dict[str, Any] = {}
    if rule.managed:
        config_rule["Source"] = {"Owner": "AWS", "SourceIdentifier": rule.managed["RuleIdentifier"]}
    else:
        assert rule.custom is not None
        config_rule["Source"] = {
            "Owner": "CUSTOM_LAMBDA",
            "SourceIdentifier": rule.custom["LambdaFunctionArn"],
            "SourceDetails": [
                {"EventSource": "aws.config", "MessageType": trigger}
                | (
                    {"MaximumExecutionFrequency": rule.custom["MaximumExecutionFrequency"]}
                    if trigger == "ScheduledNotification" and rule.custom.get("MaximumExecutionFrequency")
                    else {}
                )
                for trigger in rule.custom.get("OrganizationConfigRuleTriggerTypes", [])
            ],
        }
    if metadata.get("ResourceTypesScope"):
        config_rule["Scope"] = {"ComplianceResourceTypes": list(metadata["ResourceTypesScope"])}
    for member in ("Description", "InputParameters", "MaximumExecutionFrequency"):
        if metadata.get(member):
            config_rule[member] = metadata[member]
    return config_rule


def describe_organization_config_rules(account: str, region: str, params: Params) -> Response:
    _management(account)
    state = sim(backend(account, region))
    names = params.get("OrganizationConfigRuleNames") or []
    for name in names:
        if name not in state.org_rules:
            raise NoSuchOrganizationConfigRuleException(
                f"The organization config rule '{name}' does not exist."
            )

    def compute() -> list[Response]:
        rows = []
        for name in sorted(names or state.org_rules):
            rule = state.org_rules[name]
            row: Response = {
                "OrganizationConfigRuleName": rule.name,
                "OrganizationConfigRuleArn": rule.arn,
                "ExcludedAccounts": rule.excluded_accounts,
                "LastUpdateTime": rule.updated,
            }
            if rule.managed:
                row["OrganizationManagedRuleMetadata"] = rule.managed
            if rule.custom:
                row["OrganizationCustomRuleMetadata"] = rule.custom
            rows.append(row)
        return rows

    return page_response(
        state, "DescribeOrganizationConfigRules", params, 100, compute, "OrganizationConfigRules"
    )
