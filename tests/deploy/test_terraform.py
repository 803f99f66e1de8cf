"""deploy/terraform uses only resource and data source types the AWS provider documents: every
block's type is in tests/deploy/data/aws-provider-types.json, the provider's documentation pages
(see its `provenance`). The files are parsed with python-hcl2, as Terraform would read them, so a
type that `terraform plan` would reject (issue 19: `data "aws_config_configuration_aggregator"`)
fails here first. checkov and the manifests' checks run in .ci/run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "deploy/terraform"
PROVIDER = json.loads((Path(__file__).parent / "data/aws-provider-types.json").read_text())


def unquote(text: str) -> str:
    """python-hcl2 keeps HCL's quotes around labels and string values."""
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def parsed() -> dict[str, dict[str, Any]]:
    files = sorted(TERRAFORM.glob("*.tf"))
    assert files, "deploy/terraform has Terraform files"
    return {path.name: hcl2.loads(path.read_text()) for path in files}


def used(kind: str) -> set[str]:
    """Every type of a `resource` or `data` block, in every file."""
    return {unquote(type_) for tree in parsed().values() for block in tree.get(kind, []) for type_ in block}


def test_the_provider_list_is_the_documented_one() -> None:
    resources, data_sources = set(PROVIDER["resources"]), set(PROVIDER["data_sources"])
    assert len(resources) > 1000 and len(data_sources) > 500, "the whole provider, not a sample"
    assert "aws_iam_role" in resources and "aws_iam_policy_document" in data_sources
    # The type issue 19 found: a resource of that name, and no data source.
    assert "aws_config_configuration_aggregator" in resources
    assert "aws_config_configuration_aggregator" not in data_sources


def test_every_resource_type_is_documented() -> None:
    types = used("resource")
    assert "aws_iam_role" in types
    assert types <= set(PROVIDER["resources"]), sorted(types - set(PROVIDER["resources"]))


def test_every_data_source_type_is_documented() -> None:
    types = used("data")
    assert "aws_iam_policy_document" in types
    assert types <= set(PROVIDER["data_sources"]), sorted(types - set(PROVIDER["data_sources"]))


def test_the_provider_is_pinned_to_the_documented_major_version() -> None:
    blocks = [block for tree in parsed().values() for block in tree.get("terraform", [])]
    assert len(blocks) == 1
    assert unquote(blocks[0]["required_version"]).startswith(">= 1.")
    (providers,) = blocks[0]["required_providers"]
    assert set(providers) - {"__is_block__"} == {"aws"}, "only the AWS provider, whose types are listed"
    aws = providers["aws"]
    assert unquote(aws["source"]) == "hashicorp/aws"
    major = PROVIDER["provider_version"].split(".")[0]
    assert re.fullmatch(rf"~> {major}\.\d+", unquote(aws["version"])), aws["version"]


@pytest.mark.parametrize("kind", ["variable", "output"])
def test_variables_and_outputs_say_what_they_are(kind: str) -> None:
    blocks = {
        unquote(name): body
        for tree in parsed().values()
        for block in tree.get(kind, [])
        for name, body in block.items()
    }
    assert blocks
    for name, body in blocks.items():
        assert unquote(body.get("description", "")), f"{kind} {name} has a description"
        if kind == "variable":
            assert "type" in body, f"variable {name} has a type"


def test_the_policy_template_gets_every_variable_it_names() -> None:
    """main.tf renders docs/iam-policy.json with templatefile(); a variable the template names and
    the call does not pass fails `terraform plan`."""
    main = (TERRAFORM / "main.tf").read_text()
    call = re.search(r'templatefile\("\$\{path\.module\}/([^"]+)", \{(.*?)\}\)', main, re.S)
    assert call, "main.tf renders the policy with templatefile()"
    template = (TERRAFORM / call.group(1)).resolve()
    assert template == ROOT / "docs/iam-policy.json"
    named = set(re.findall(r"\$\{(\w+)\}", template.read_text()))
    passed = set(re.findall(r"^\s*(\w+)\s*=", call.group(2), re.M))
    assert named and named == passed


def test_the_kubernetes_names_match_the_irsa_trust() -> None:
    """The runtime role trusts system:serviceaccount:<namespace>:<name>: Terraform's defaults are
    the service account the manifests create."""
    variables = {
        unquote(name): body
        for tree in parsed().values()
        for block in tree.get("variable", [])
        for name, body in block.items()
    }
    account = yaml.safe_load((ROOT / "deploy/kubernetes/base/serviceaccount.yaml").read_text())
    kustomization = yaml.safe_load((ROOT / "deploy/kubernetes/base/kustomization.yaml").read_text())
    assert unquote(variables["kubernetes_service_account"]["default"]) == account["metadata"]["name"]
    assert unquote(variables["kubernetes_namespace"]["default"]) == kustomization["namespace"]
