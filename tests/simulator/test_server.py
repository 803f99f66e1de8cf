"""The simulator as a server on loopback: real HTTP, real boto3 clients, and the `sim` command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core.base_backend import BackendDict

from simulator import server
from simulator.orggen import OrgSpec
from tests.simulator.helpers import NO_RETRIES, client, error_code, evaluate, put_rule

pytestmark = pytest.mark.server


@pytest.fixture
def seeded() -> Iterator[server.RunningSimulator]:
    BackendDict.reset()
    running = server.start(port=0, spec=OrgSpec(seed=5, accounts=5, regions=("us-east-1", "eu-west-1")))
    yield running
    running.stop()
    BackendDict.reset()


@pytest.fixture
def empty() -> Iterator[server.RunningSimulator]:
    BackendDict.reset()
    running = server.start(port=0, empty=True)
    yield running
    running.stop()
    BackendDict.reset()


def assumed(endpoint: str, role_arn: str) -> Any:
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint, config=NO_RETRIES)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="server-tests")["Credentials"]
    return boto3.client(
        "config",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=NO_RETRIES,
    )


def every(operation: Any, key: str, **kwargs: Any) -> list[Any]:
    """Every item, following NextToken: a generated organization answers empty pages too."""
    items, token = [], None
    while True:
        response = operation(**kwargs, **({"NextToken": token} if token else {}))
        items += response[key]
        token = response.get("NextToken")
        if not token:
            return items


def test_every_aggregate_read_over_http(seeded: server.RunningSimulator) -> None:
    org = seeded.org
    assert org is not None
    config = assumed(seeded.endpoint, org.role_arn)
    name = org.aggregator_name
    paginator = config.get_paginator("describe_aggregate_compliance_by_config_rules")
    rows = [
        r
        for page in paginator.paginate(ConfigurationAggregatorName=name, PaginationConfig={"PageSize": 9})
        for r in page["AggregateComplianceByConfigRules"]
    ]
    assert {r["AccountId"] for r in rows} == set(org.accounts)
    bad = next(e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT")
    details = every(
        config.get_aggregate_compliance_details_by_config_rule,
        "AggregateEvaluationResults",
        ConfigurationAggregatorName=name,
        ConfigRuleName=bad.rule_name,
        AccountId=bad.account_id,
        AwsRegion=bad.region,
        ComplianceType="NON_COMPLIANT",
    )
    assert bad.resource_id in {
        d["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for d in details
    }
    assert every(
        config.get_aggregate_config_rule_compliance_summary,
        "AggregateComplianceCounts",
        ConfigurationAggregatorName=name,
        GroupByKey="AWS_REGION",
    )
    counts = config.get_aggregate_discovered_resource_counts(
        ConfigurationAggregatorName=name, GroupByKey="RESOURCE_TYPE"
    )
    assert counts["TotalDiscoveredResources"] >= len(org.resources)
    volumes = [
        r
        for page in config.get_paginator("list_aggregate_discovered_resources").paginate(
            ConfigurationAggregatorName=name,
            ResourceType="AWS::EC2::Volume",
            PaginationConfig={"PageSize": 4},
        )
        for r in page["ResourceIdentifiers"]
    ]
    assert len(volumes) == sum(r.resource_type == "AWS::EC2::Volume" for r in org.resources)
    batch = config.batch_get_aggregate_resource_config(
        ConfigurationAggregatorName=name, ResourceIdentifiers=volumes[:3]
    )
    assert len(batch["BaseConfigurationItems"]) == 3
    item = config.get_aggregate_resource_config(
        ConfigurationAggregatorName=name, ResourceIdentifier=volumes[0]
    )
    assert json.loads(item["ConfigurationItem"]["configuration"])["volumeId"] == volumes[0]["ResourceId"]
    failed = config.describe_configuration_aggregator_sources_status(
        ConfigurationAggregatorName=name, UpdateStatus=["FAILED"]
    )["AggregatedSourceStatusList"]
    assert len(failed) == 1 and failed[0]["LastErrorCode"]
    results = [
        r
        for page in config.get_paginator("select_aggregate_resource_config").paginate(
            ConfigurationAggregatorName=name,
            Expression="SELECT resourceId WHERE resourceType = 'AWS::EC2::Volume'",
            PaginationConfig={"PageSize": 5},
        )
        for r in page["Results"]
    ]
    assert sorted(json.loads(r)["resourceId"] for r in results) == sorted(v["ResourceId"] for v in volumes)
    assert every(
        config.describe_aggregate_compliance_by_conformance_packs,
        "AggregateComplianceByConformancePacks",
        ConfigurationAggregatorName=name,
    )
    assert every(
        config.get_aggregate_conformance_pack_compliance_summary,
        "AggregateConformancePackComplianceSummaries",
        ConfigurationAggregatorName=name,
    )
    assert len(config.describe_organization_config_rules()["OrganizationConfigRules"]) == 7


def test_errors_over_http(seeded: server.RunningSimulator) -> None:
    assert seeded.org is not None
    config = assumed(seeded.endpoint, seeded.org.role_arn)
    with pytest.raises(ClientError) as raised:
        config.select_aggregate_resource_config(
            ConfigurationAggregatorName=seeded.org.aggregator_name, Expression="SELECT a FROM b"
        )
    assert error_code(raised.value) == "InvalidExpressionException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as raised:
        config.describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName="nope")
    assert error_code(raised.value) == "NoSuchConfigurationAggregatorException"
    # The default credentials land in moto's default account, which holds no aggregator.
    plain = boto3.client("config", region_name="us-east-1", endpoint_url=seeded.endpoint, config=NO_RETRIES)
    with pytest.raises(ClientError) as raised:
        plain.describe_aggregate_compliance_by_config_rules(
            ConfigurationAggregatorName=seeded.org.aggregator_name
        )
    assert error_code(raised.value) == "NoSuchConfigurationAggregatorException"


def test_empty_server_holds_only_what_clients_create(empty: server.RunningSimulator) -> None:
    endpoint = empty.endpoint
    aggregator = client("config", "111111111111", endpoint=endpoint)
    assert aggregator.describe_configuration_aggregators()["ConfigurationAggregators"] == []
    aggregator.put_configuration_aggregator(
        ConfigurationAggregatorName="mine",
        AccountAggregationSources=[{"AccountIds": ["222222222222"], "AwsRegions": ["us-east-1"]}],
    )
    member = client("config", "222222222222", endpoint=endpoint)
    member.put_aggregation_authorization(AuthorizedAccountId="111111111111", AuthorizedAwsRegion="us-east-1")
    put_rule(member, "s3-encryption")
    evaluate(member, "s3-encryption", {"bucket-1": "NON_COMPLIANT"})
    # The x-moto-account-id header selects an account too.
    header_client = boto3.client("config", region_name="us-east-1", endpoint_url=endpoint, config=NO_RETRIES)
    header_client.meta.events.register(
        "before-send.config.*",
        lambda request, **_: request.headers.__setitem__("x-moto-account-id", "111111111111"),
    )
    rows = header_client.describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName="mine")[
        "AggregateComplianceByConfigRules"
    ]
    assert [(r["AccountId"], r["ConfigRuleName"], r["Compliance"]["ComplianceType"]) for r in rows] == [
        ("222222222222", "s3-encryption", "NON_COMPLIANT")
    ]


def test_sim_command_prints_how_to_connect_and_serves() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "sim",
            "--port",
            "0",
            "--accounts",
            "4",
            "--regions",
            "us-east-1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(line.startswith("read-only role:") for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
        text = "\n".join(lines)
        endpoint = re.search(r"listening on (http://\S+)", text)
        role = re.search(r"read-only role:\s+(\S+)", text)
        assert endpoint and role, text
        assert "aggregator:         OrgAggregator" in text
        config = assumed(endpoint.group(1), role.group(1))
        rows = config.describe_aggregate_compliance_by_config_rules(
            ConfigurationAggregatorName="OrgAggregator"
        )["AggregateComplianceByConfigRules"]
        assert len({r["AccountId"] for r in rows}) == 4
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


def test_a_hung_call_times_out_into_a_typed_error(seeded: server.RunningSimulator) -> None:
    from botocore.config import Config

    from bot.errors import AwsUnavailable
    from bot.questions import plans
    from bot.questions.plans import PlanContext
    from bot.settings import Settings
    from simulator.faults import FAULTS, hang

    assert seeded.org is not None
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=seeded.endpoint, config=NO_RETRIES)
    creds = sts.assume_role(RoleArn=seeded.org.role_arn, RoleSessionName="timeouts")["Credentials"]
    client = boto3.client(
        "config",
        region_name="us-east-1",
        endpoint_url=seeded.endpoint,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(
            read_timeout=0.5, connect_timeout=1, retries={"total_max_attempts": 1, "mode": "standard"}
        ),
    )
    FAULTS.errors = [hang(2.0)]
    try:
        with pytest.raises(AwsUnavailable) as raised:
            plans.health(PlanContext(client, Settings(COMPLIANCE_AGGREGATOR=seeded.org.aggregator_name)))
    finally:
        FAULTS.clear()
    assert "ReadTimeoutError" in raised.value.message


def test_empty_pages_and_validation_over_http(seeded: server.RunningSimulator) -> None:
    from simulator.faults import FAULTS

    assert seeded.org is not None
    config = assumed(seeded.endpoint, seeded.org.role_arn)
    name = seeded.org.aggregator_name

    def rows() -> list[Any]:
        paginator = config.get_paginator("describe_aggregate_compliance_by_config_rules")
        return [
            r
            for page in paginator.paginate(
                ConfigurationAggregatorName=name, PaginationConfig={"PageSize": 25}
            )
            for r in page["AggregateComplianceByConfigRules"]
        ]

    plain = rows()
    FAULTS.empty_pages = "always"
    try:
        first = config.describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName=name)
        assert first["AggregateComplianceByConfigRules"] == [] and first["NextToken"]
        assert rows() == plain  # botocore's paginator follows the token past empty pages
    finally:
        FAULTS.clear()
    with pytest.raises(ClientError) as raised:
        config.describe_aggregate_compliance_by_config_rules(
            ConfigurationAggregatorName=name, Filters={"AccountId": "1234"}
        )
    assert error_code(raised.value) == "ValidationException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
