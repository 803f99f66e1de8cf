"""docs/iam-policy.json grants exactly the AWS operations the bot's code calls, scoped to the
aggregator where AWS allows it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import botocore.session

ROOT = Path(__file__).resolve().parent.parent
POLICY = json.loads((ROOT / "docs/iam-policy.json").read_text())
CONFIG_OPERATIONS = set(botocore.session.get_session().get_service_model("config").operation_names)
UNSCOPED = {"DescribeConfigurationAggregators", "DescribeOrganizationConfigRules"}


def operations_called() -> set[str]:
    """Every AWS Config operation named in a call in bot/ and handlers/ (the query layer calls AWS
    only through `_call(tally, "Operation", ...)`, `_pages(tally, "Operation", ...)` and the like),
    by its name or by a module constant that holds it."""
    found = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for argument in node.args:
                    value = constants.get(argument.id) if isinstance(argument, ast.Name) else None
                    if isinstance(argument, ast.Constant):
                        value = argument.value
                    if value in CONFIG_OPERATIONS:
                        found.add(str(value))
    return found


def granted() -> dict[str, str]:
    actions = {}
    for statement in POLICY["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            service, _, name = action.partition(":")
            assert service == "config"
            actions[name] = statement["Resource"]
    return actions


def test_the_policy_grants_exactly_what_the_code_calls() -> None:
    called = operations_called()
    assert called, "the scan found the query layer's calls"
    assert set(granted()) == called


def test_aggregate_reads_are_scoped_to_the_aggregator() -> None:
    for action, resource in granted().items():
        if action in UNSCOPED:
            assert resource == "*"  # these name no aggregator (AWS takes no resource for them)
        else:
            assert ":config-aggregator/" in resource


def test_the_code_has_no_other_way_to_aws() -> None:
    """No module but bot/aws/session.py creates AWS clients: a `config` client, and the events
    queue's `sqs` client (its permissions are the queue's: README, Watches)."""
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        text = path.read_text()
        if path != ROOT / "bot/aws/session.py":
            assert ".client(" not in text and "boto3.client" not in text, path
    assert '"config"' in (ROOT / "bot/aws/session.py").read_text()


def test_terraform_uses_the_same_policy() -> None:
    terraform = (ROOT / "deploy/terraform/main.tf").read_text()
    assert "docs/iam-policy.json" in terraform and "sts:AssumeRole" in terraform
