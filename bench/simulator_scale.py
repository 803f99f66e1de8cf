"""How the simulator scales: seeding time and per-call latency of the aggregate reads.

    .venv/bin/python -m bench.simulator_scale [--accounts 12,100,1000] [--regions 4] [--resources 3]

Prints one row per organization size. In-process (moto's mock), real boto3 clients; each read is
the first page of the operation at its maximum page size, which computes the whole answer.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import boto3
from moto import mock_aws
from moto.core.base_backend import BackendDict

from bench.common import in_process_simulator
from simulator import install
from simulator.orggen import WIDE_REGIONS, OrgSpec, generate

REGIONS = WIDE_REGIONS


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", default="12,100,1000")
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--resources", type=int, default=3)
    args = parser.parse_args()
    in_process_simulator()
    install()
    print(
        f"{'accounts':>8} {'regions':>7} {'evals':>8} {'seed s':>7} {'by-rule ms':>10} "
        f"{'details ms':>10} {'counts ms':>9} {'select ms':>9} {'status ms':>9}"
    )
    for accounts in (int(a) for a in args.accounts.split(",")):
        measure(accounts, args.regions, args.resources)


def measure(accounts: int, regions: int, resources: int) -> None:
    with mock_aws():
        spec = OrgSpec(
            accounts=accounts,
            regions=REGIONS[:regions],
            resources_per_region=resources,
        )
        start = time.perf_counter()
        org = generate(spec)
        seeding = time.perf_counter() - start
        sts = boto3.client("sts", region_name="us-east-1")
        creds = sts.assume_role(RoleArn=org.role_arn, RoleSessionName="bench")["Credentials"]
        config = boto3.client(
            "config",
            region_name="us-east-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        name = org.aggregator_name
        rule = org.org_rule_names["s3-bucket-server-side-encryption-enabled"]
        one = org.evaluations[0]
        by_rule = timed(
            lambda: config.describe_aggregate_compliance_by_config_rules(
                ConfigurationAggregatorName=name,
                Limit=1000,
                Filters={"ConfigRuleName": rule, "ComplianceType": "NON_COMPLIANT"},
            )
        )
        details = timed(
            lambda: config.get_aggregate_compliance_details_by_config_rule(
                ConfigurationAggregatorName=name,
                ConfigRuleName=one.rule_name,
                AccountId=one.account_id,
                AwsRegion=one.region,
                Limit=100,
            )
        )
        counts = timed(
            lambda: config.get_aggregate_discovered_resource_counts(
                ConfigurationAggregatorName=name, GroupByKey="RESOURCE_TYPE"
            )
        )
        select = timed(
            lambda: config.select_aggregate_resource_config(
                ConfigurationAggregatorName=name,
                Limit=100,
                Expression="SELECT accountId, COUNT(*) WHERE resourceType = "
                "'AWS::Config::ResourceCompliance' AND configuration.complianceType = "
                "'NON_COMPLIANT' GROUP BY accountId",
            )
        )
        status = timed(
            lambda: config.describe_configuration_aggregator_sources_status(
                ConfigurationAggregatorName=name, UpdateStatus=["FAILED", "OUTDATED"]
            )
        )
        print(
            f"{accounts:>8} {regions:>7} {len(org.evaluations):>8} {seeding:>7.1f} "
            f"{by_rule:>10.0f} {details:>10.0f} {counts:>9.0f} {select:>9.0f} {status:>9.0f}"
        )
    BackendDict.reset()


if __name__ == "__main__":
    main()
