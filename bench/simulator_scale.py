"""How the simulator scales: seeding time, peak memory, and each aggregate read's own compute.

    .venv/bin/python -m bench.simulator_scale [--accounts 1000,10000] [--regions 17] [--resources 3]
        [--profile seed|reads] [--json PATH]

Each organization size runs in a process of its own, so its peak RSS (getrusage's maxrss) is its
own. A read's "own ms" is the simulator's operation called directly (what a request spends inside
the simulator, without moto's routing and serializer, nor botocore's); "round trip ms" is the same
first page through boto3 in-process. Every read the bot makes is timed cold (the first call after
seeding), warm (again, a new query) and at its next page (NextToken). The goals (issue 17): seeding
under 120 s and 4 GB at 10,000 x 17, no read over 500 ms of its own compute.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEED_GOAL_S = 120.0
RSS_GOAL_MB = 4096.0
READ_GOAL_MS = 500.0

Params = dict[str, Any]
Operation = Callable[[str, str, Params], dict[str, Any]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", default="1000,10000")
    parser.add_argument("--regions", type=int, default=17)
    parser.add_argument("--resources", type=int, default=3)
    parser.add_argument("--profile", choices=("seed", "reads"), help="print cProfile's top functions")
    parser.add_argument("--json", type=Path, help="also write every row here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        row = measure(int(args.accounts), args.regions, args.resources, args.profile)
        print("ROW " + json.dumps(row))
        return
    rows = []
    for accounts in args.accounts.split(","):
        command = [sys.executable, "-m", "bench.simulator_scale", "--child", "--accounts", accounts]
        command += ["--regions", str(args.regions), "--resources", str(args.resources)]
        command += ["--profile", args.profile] if args.profile else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = done.stdout.splitlines()
        print("\n".join(line for line in lines if not line.startswith("ROW ")), end="")
        found = [json.loads(line[4:]) for line in lines if line.startswith("ROW ")]
        if not found:
            print(done.stderr[-3000:])
            raise SystemExit(f"{accounts} accounts: the measuring process failed")
        rows.append(found[0])
        report(found[0])
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


def report(row: dict[str, Any]) -> None:
    scale = f"{row['accounts']} x {row['regions']}"
    print(
        f"\n{scale}: {row['evaluations']} evaluations, {row['resources']} resources; seeding "
        f"{row['seed_s']:.1f} s (goal {SEED_GOAL_S:.0f}), peak RSS {row['peak_rss_mb']:.0f} MB "
        f"(goal {RSS_GOAL_MB:.0f})"
    )
    print(f"{'read':<34} {'rows':>6} {'cold ms':>8} {'warm ms':>8} {'next ms':>8} {'trip ms':>8}")
    for read in row["reads"]:
        following = "" if read["next_ms"] is None else f"{read['next_ms']:.1f}"
        print(
            f"{read['name']:<34} {read['rows']:>6} {read['cold_ms']:>8.1f} {read['warm_ms']:>8.1f} "
            f"{following:>8} {read['trip_ms']:>8.1f}"
        )
    slowest = max(row["reads"], key=lambda r: max(r["cold_ms"], r["warm_ms"], r["next_ms"] or 0))
    worst = max(slowest["cold_ms"], slowest["warm_ms"], slowest["next_ms"] or 0)
    print(f"slowest read: {slowest['name']} {worst:.1f} ms of its own compute (goal {READ_GOAL_MS:.0f})")
    met = row["seed_s"] < SEED_GOAL_S and row["peak_rss_mb"] < RSS_GOAL_MB and worst < READ_GOAL_MS
    print(f"goals met: {'yes' if met else 'no'}")


def measure(accounts: int, regions: int, resources: int, profile: str | None) -> dict[str, Any]:
    from moto import mock_aws

    from bench.common import in_process_simulator
    from simulator import install
    from simulator.orggen import WIDE_REGIONS, OrgSpec, freeze_heap, generate

    in_process_simulator()
    install()
    with mock_aws():
        spec = OrgSpec(accounts=accounts, regions=WIDE_REGIONS[:regions], resources_per_region=resources)
        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler and profile == "seed":
            profiler.enable()
        org = generate(spec)
        seeding = time.perf_counter() - start
        if profiler:
            profiler.disable()
        freeze_heap()  # as the served simulator and the other benchmarks do
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if profiler and profile == "reads":
            profiler.enable()
        reads = [time_read(org, *read) for read in bench_reads(org)]
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return {
            "accounts": accounts,
            "regions": regions,
            "resources_per_region": resources,
            "evaluations": len(org.evaluations),
            "resources": len(org.resources),
            "seed_s": round(seeding, 2),
            "peak_rss_mb": round(peak),
            "reads": reads,
        }


def time_read(org: Any, name: str, operation: Operation, params: Params) -> dict[str, Any]:
    from simulator.state import LOCK

    account, region = org.management_account, org.spec.aggregator_region
    params = {"ConfigurationAggregatorName": org.aggregator_name, **params}

    def own(call_params: Params) -> tuple[float, dict[str, Any]]:
        start = time.perf_counter()
        with LOCK:  # as simulator.install's handler calls it
            answer = operation(account, region, call_params)
        return (time.perf_counter() - start) * 1000, answer

    cold, first = own(params)
    warm, _ = own(params)
    next_ms = None
    if first.get("NextToken"):
        next_ms, _ = own({**params, "NextToken": first["NextToken"]})
    trip = round_trip(org, operation.__name__, params)
    rows = next((len(v) for v in first.values() if isinstance(v, list)), 0)
    return {"name": name, "rows": rows, "cold_ms": cold, "warm_ms": warm, "next_ms": next_ms, "trip_ms": trip}


_CLIENTS: dict[str, Any] = {}


def round_trip(org: Any, operation: str, params: Params) -> float:
    import boto3

    if org.role_arn not in _CLIENTS:
        sts = boto3.client("sts", region_name="us-east-1")
        creds = sts.assume_role(RoleArn=org.role_arn, RoleSessionName="bench")["Credentials"]
        _CLIENTS[org.role_arn] = boto3.client(
            "config",
            region_name=org.spec.aggregator_region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
    client = _CLIENTS[org.role_arn]
    start = time.perf_counter()
    getattr(client, operation)(**params)
    return (time.perf_counter() - start) * 1000


def bench_reads(org: Any) -> list[tuple[str, Operation, Params]]:
    """Every aggregate read the bot makes (bot/questions/plans, bot/digest), as it makes them."""
    from simulator import operations as ops

    s3_rule = org.org_rule_names["s3-bucket-server-side-encryption-enabled"]
    bad = next(e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT")
    member = org.accounts[len(org.accounts) // 2]
    bucket = next(r for r in org.resources if r.resource_type == "AWS::S3::Bucket" and r.account_id == member)
    role = next(r for r in org.resources if r.resource_type == "AWS::IAM::Role" and r.account_id == member)
    group = next(r for r in org.resources if r.resource_type == "AWS::EC2::SecurityGroup")

    def ident(r: Any) -> Params:
        return {
            "SourceAccountId": r.account_id,
            "SourceRegion": r.region,
            "ResourceId": r.resource_id,
            "ResourceType": r.resource_type,
        }

    many = [ident(r) for r in org.resources[:: max(1, len(org.resources) // 100)][:100]]
    compliance = "resourceType = 'AWS::Config::ResourceCompliance'"
    targets = "configuration.targetResourceId, configuration.targetResourceType, configuration.configRuleList"
    items = "SELECT accountId, awsRegion, resourceType, resourceId, resourceName, arn, "
    items += "configurationItemCaptureTime, configuration, tags, relationships"
    name = group.resource_name
    lookup = f"{items} WHERE (resourceId = '{name}' OR resourceName = '{name}' OR arn = '{name}' "
    lookup += f"OR configuration.targetResourceId = '{name}')"
    base = "s3-bucket-server-side-encryption-enabled"
    rule_names = "configuration.configRuleList.configRuleName"
    by_rule = (
        f"SELECT accountId, awsRegion, configurationItemCaptureTime, {targets} WHERE {compliance} AND "
        "configuration.configRuleList.complianceType = 'NON_COMPLIANT' AND "
        f"({rule_names} = '{base}' OR {rule_names} LIKE 'OrgConfigRule-{base}-%' "
        f"OR {rule_names} LIKE '{base}-conformance-pack-%')"
    )
    of_one = (
        f"SELECT awsRegion, configuration.configRuleList WHERE {compliance} AND "
        f"configuration.targetResourceId = '{bucket.resource_id}' AND configuration.targetResourceType = "
        f"'AWS::S3::Bucket' AND accountId = '{member}' AND awsRegion = '{bucket.region}'"
    )
    non_compliant = (
        f"SELECT accountId, awsRegion, {targets} WHERE {compliance} "
        "AND configuration.complianceType = 'NON_COMPLIANT'"
    )
    census = f"SELECT accountId, awsRegion, COUNT(*) WHERE {compliance} GROUP BY accountId, awsRegion"
    digest = (
        f"SELECT accountId, COUNT(*) WHERE {compliance} AND configuration.complianceType = 'COMPLIANT' "
        "GROUP BY accountId"
    )
    one_rule = {"ConfigRuleName": s3_rule, "ComplianceType": "NON_COMPLIANT"}
    detail = {"ConfigRuleName": bad.rule_name, "AccountId": bad.account_id, "AwsRegion": bad.region}
    by_account = {"GroupByKey": "ACCOUNT_ID"}
    rules = ops.describe_aggregate_compliance_by_config_rules
    summary = ops.get_aggregate_config_rule_compliance_summary
    counts = ops.get_aggregate_discovered_resource_counts
    listed = ops.list_aggregate_discovered_resources
    select = ops.select_aggregate_resource_config
    status = ops.describe_configuration_aggregator_sources_status
    return [
        ("rules: one rule, NON_COMPLIANT", rules, {"Limit": 1000, "Filters": one_rule}),
        ("rules: all NON_COMPLIANT", rules, {"Limit": 1000, "Filters": {"ComplianceType": "NON_COMPLIANT"}}),
        ("rules: one account", rules, {"Limit": 1000, "Filters": {"AccountId": member}}),
        (
            "details: rule, account, region",
            ops.get_aggregate_compliance_details_by_config_rule,
            {**detail, "ComplianceType": "NON_COMPLIANT", "Limit": 100},
        ),
        ("rule summary by account", summary, {**by_account, "Limit": 1000}),
        ("rule summary by region", summary, {"GroupByKey": "AWS_REGION", "Limit": 1000}),
        (
            "rule summary, one region",
            summary,
            {**by_account, "Limit": 1000, "Filters": {"AwsRegion": bad.region}},
        ),
        ("resource counts by type", counts, {"GroupByKey": "RESOURCE_TYPE", "Limit": 1000}),
        ("resource counts by account", counts, {**by_account, "Limit": 1000}),
        ("list resources by type", listed, {"ResourceType": "AWS::S3::Bucket", "Limit": 100}),
        (
            "list resources by id",
            listed,
            {"ResourceType": "AWS::S3::Bucket", "Limit": 100, "Filters": {"ResourceId": bucket.resource_id}},
        ),
        (
            "list resources by name",
            listed,
            {"ResourceType": "AWS::EC2::SecurityGroup", "Limit": 100, "Filters": {"ResourceName": name}},
        ),
        ("get resource config", ops.get_aggregate_resource_config, {"ResourceIdentifier": ident(bucket)}),
        (
            "get resource config, global",
            ops.get_aggregate_resource_config,
            {"ResourceIdentifier": ident(role)},
        ),
        ("batch get 100 resources", ops.batch_get_aggregate_resource_config, {"ResourceIdentifiers": many}),
        ("select NON_COMPLIANT items", select, {"Limit": 100, "Expression": non_compliant}),
        ("select one rule's items", select, {"Limit": 100, "Expression": by_rule}),
        ("select resource by id/name/arn", select, {"Limit": 1, "Expression": lookup}),
        ("select one resource's compliance", select, {"Limit": 100, "Expression": of_one}),
        ("select census (count by source)", select, {"Limit": 100, "Expression": census}),
        ("select COMPLIANT count by account", select, {"Limit": 100, "Expression": digest}),
        ("sources status, FAILED/OUTDATED", status, {"UpdateStatus": ["FAILED", "OUTDATED"], "Limit": 100}),
        ("sources status, all", status, {"Limit": 100}),
        ("conformance packs", ops.describe_aggregate_compliance_by_conformance_packs, {"Limit": 100}),
        (
            "pack summary by account",
            ops.get_aggregate_conformance_pack_compliance_summary,
            {**by_account, "Limit": 100},
        ),
    ]


if __name__ == "__main__":
    main()
