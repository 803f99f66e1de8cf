"""AWS calls per question against the lower bound, and wall time with simulated latency.

    .venv/bin/python -m bench.query_plans [--sizes 10x4,100x4,1000x4,10x17,100x17,1000x17]
                                          [--latency-ms 50] [--resources 1] [--json FILE]
                                          [--questions s3-encryption,...] [--first-only]

For each simulated organization (accounts x regions) and each question, prints the AWS calls the
query layer made, the lower bound (the pages the answer strictly needs, computed from the seed),
their ratio; the wall time with the simulator answering every call after --latency-ms, the same
without latency (the simulator's own compute), and the latency-bound critical path with 8
concurrent calls (sequential calls, plus the fan-out in waves of 8). `latency/path` is the latency
the question added over the critical path: how well the plan overlaps its calls (goal <= 1.2).
In-process moto; real boto3 clients. --resources is the seeded resources per account and region
(1 keeps 10,000 accounts x 17 regions within this machine's memory). --first-only measures
s3-encryption's first answer alone (its time and calls), without the whole answers, which take
hours of the simulator's compute at 10,000 x 17.
"""

from __future__ import annotations

import argparse
import math
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from moto import mock_aws
from moto.core.base_backend import BackendDict

from bench.common import Figure, figure, in_process_simulator, write_results
from bot.aws.client import Tally
from bot.aws.session import config_client
from bot.questions import plans
from bot.questions.plans import PlanContext
from bot.settings import Settings
from simulator import install
from simulator.faults import FAULTS
from simulator.orggen import WIDE_REGIONS, OrgSpec, SeededOrg, freeze_heap, generate

REGIONS = WIDE_REGIONS
CONCURRENCY = 8


def pages(n: int, size: int) -> int:
    return max(1, math.ceil(n / size))


def lower_bounds(org: SeededOrg) -> dict[str, tuple[int, int]]:
    """question -> (lower bound calls, calls that can run in parallel)."""
    non_compliant = [e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT"]
    per_pair = Counter((e.rule_name, e.account_id, e.region) for e in non_compliant)
    rule_states: dict[tuple[str, str, str], set[str]] = {}
    for e in org.evaluations:
        rule_states.setdefault((e.rule_name, e.account_id, e.region), set()).add(e.compliance_type)
    non_compliant_rules = sum("NON_COMPLIANT" in kinds for kinds in rule_states.values())
    bounds: dict[str, tuple[int, int]] = {}
    logical = "s3-bucket-server-side-encryption-enabled"
    of_rule = {(e.rule_name, e.account_id, e.region) for e in non_compliant if e.logical_rule == logical}
    pairs = {k: n for k, n in per_pair.items() if k in of_rule}
    details = sum(pages(n, 100) for n in pairs.values())
    bounds["s3-encryption"] = (pages(len(pairs), 1000) + details, details)
    account = org.accounts[1]
    account_pairs = {k: n for k, n in per_pair.items() if k[1] == account}
    account_rows = sum(1 for k, kinds in rule_states.items() if k[1] == account and "NON_COMPLIANT" in kinds)
    account_details = sum(pages(n, 100) for n in account_pairs.values())
    bounds["account"] = (pages(account_rows, 1000) + account_details, account_details)
    bounds["summary by account"] = (pages(len(org.accounts), 1000), 0)
    # One count per logical rule: where several physical rules of one logical rule fail in a
    # source (or AWS capped the count), only their details tell the distinct resources.
    groups: dict[tuple[str, str, str], list[int]] = {}
    logical_of = {e.rule_name: e.logical_rule for e in non_compliant}  # one pass, not one per pair
    for (rule_name, account_id, region), n in per_pair.items():
        groups.setdefault((logical_of[rule_name], account_id, region), []).append(n)
    ambiguous = sum(
        pages(n, 100)
        for ns in groups.values()
        if len(ns) > 1 or max(ns) > org.spec.contributor_cap
        for n in ns
    )
    # ... or, when cheaper, one advanced query over the non-compliant compliance items, the census
    # of the accounts that record none, and their ambiguous sources' details.
    blind = set(org.accounts_without_compliance_items)
    items = {
        (e.account_id, e.region, e.resource_type, e.resource_id)
        for e in non_compliant
        if e.account_id not in blind
    }
    # The census: each region's rule summary by account, and compliance items by account and region.
    recording = {(e.account_id, e.region) for e in org.evaluations if e.account_id not in blind}
    census = len(org.spec.regions) * pages(len(org.accounts), 1000) + pages(len(recording), 100)
    blind_details = sum(
        pages(n, 100)
        for (_, account_id, _), ns in groups.items()
        if account_id in blind and (len(ns) > 1 or max(ns) > org.spec.contributor_cap)
        for n in ns
    )
    by_query = pages(len(items), 100) + census + blind_details
    bounds["rules"] = (pages(non_compliant_rules, 1000) + min(ambiguous, by_query), min(ambiguous, by_query))
    # A resource: one advanced query finds it, then one details page per rule it breaks (for the
    # annotation and time; a rule's details have no resource filter, so at least one page each).
    bucket = next(r for r in org.resources if r.resource_type == "AWS::S3::Bucket")
    broken = {
        e.rule_name
        for e in non_compliant
        if (e.account_id, e.region, e.resource_type, e.resource_id)
        == (bucket.account_id, bucket.region, bucket.resource_type, bucket.resource_id)
    }
    bounds["resource"] = (1 + len(broken), len(broken))
    bounds["resources by type"] = (1, 0)
    bounds["health"] = (pages(len(org.statuses), 100), 0)
    bounds["packs"] = (pages(len(org.accounts) * len(org.spec.regions), 100), 0)
    # Every answer but `health` (which is that call) also reads the sources' status, to say what
    # it could not see: one page for almost any organization.
    status = pages(len(org.statuses), 100)
    return {q: (b + (status if q != "health" else 0), p) for q, (b, p) in bounds.items()}


def ask(service: PlanContext, question: str, org: SeededOrg) -> Any:
    if question == "s3-encryption":
        return plans.rule_compliance(service, "s3-encryption")
    if question == "account":
        return plans.account(service, org.accounts[1])
    if question == "summary by account":
        return plans.summary(service, "account")
    if question == "rules":
        return plans.rules_overview(service)
    if question == "resource":
        return plans.resource(
            service, next(r.resource_id for r in org.resources if r.resource_type == "AWS::S3::Bucket")
        )
    if question == "resources by type":
        return plans.resource_counts(service, "type")
    if question == "health":
        return plans.health(service)
    if question == "packs":
        return plans.packs(service)
    raise ValueError(question)


def run(
    accounts: int,
    regions: int,
    latency_ms: float,
    resources: int = 1,
    only: frozenset[str] | None = None,
    first_only: bool = False,
) -> list[dict[str, Any]]:
    rows = []
    with mock_aws():
        # The bound counts the pages of rows a plan needs; the empty pages AWS may add are not the
        # plan's cost (the trust tests meet them), so this organization has none.
        org = generate(
            OrgSpec(
                accounts=accounts,
                regions=REGIONS[:regions],
                resources_per_region=resources,
                empty_page_rate=0.0,
            )
        )
        freeze_heap()
        settings = Settings(
            aggregator=org.aggregator_name,
            aggregator_region="us-east-1",
            role_arn=org.role_arn,
            aws_concurrency=CONCURRENCY,
            # No cap: the answers are whole (the query's count, which a streamed answer must fit
            # under the cap, counts past 100,000 at 10,000 x 17).
            detail_call_cap=10**9,
        )
        service = PlanContext(config_client(settings), settings)
        service.org_rules(Tally())  # warm: one call per 10 minutes, shared by every question
        try:
            bounds = {} if first_only else lower_bounds(org)
            for question, (bound, _parallel) in bounds.items():
                if only is not None and question not in only:
                    continue
                service.forget()  # each question pays its own status and census calls, as a cold one would
                FAULTS.latency_seconds = 0.0
                start = time.perf_counter()
                ask(service, question, org)
                compute = (time.perf_counter() - start) * 1000
                freeze_heap()  # the simulator's views, built by that first pass, live on: out of gc's scans
                FAULTS.latency_seconds = latency_ms / 1000
                service.forget()
                start = time.perf_counter()
                answer = ask(service, question, org)
                wall = (time.perf_counter() - start) * 1000
                fanned = answer.calls_by_operation.get("GetAggregateComplianceDetailsByConfigRule", 0)
                sequential = answer.aws_calls - fanned
                critical = (sequential + math.ceil(fanned / CONCURRENCY)) * latency_ms
                rows.append(
                    {
                        "accounts": accounts,
                        "regions": regions,
                        "question": question,
                        "plan": getattr(answer.data, "plan", ""),
                        "calls": answer.aws_calls,
                        "lower_bound": bound,
                        "ratio": round(answer.aws_calls / bound, 2),
                        "wall_ms": round(wall),
                        "compute_ms": round(compute),
                        "critical_path_ms": round(critical),
                        "latency_over_path": round((wall - compute) / critical, 2) if critical else None,
                    }
                )
            if only is None or "s3-encryption" in only:
                minimal = bounds["s3-encryption"] if bounds else (0, 0)
                rows.append(first_answer(service, accounts, regions, latency_ms, minimal, not first_only))
        finally:
            FAULTS.clear()
    BackendDict.reset()
    return rows


def first_answer(
    service: PlanContext,
    accounts: int,
    regions: int,
    latency_ms: float,
    bound: tuple[int, int],
    whole_after: bool = True,
) -> dict[str, Any]:
    """`s3-encryption` as Slack gets it: the first answer, then the whole one started as soon as
    the first is read (as the bot does), at the same latency; the time to each from the
    question, and the critical path of the minimal plan for the whole answer (its sequential
    calls, then its parallel ones in waves)."""
    service.forget()
    FAULTS.latency_seconds = latency_ms / 1000
    start = time.perf_counter()
    done: dict[str, float] = {}

    def whole() -> None:
        done["began"] = time.perf_counter()
        answer = plans.rule_compliance(service, "s3-encryption")
        done["whole"] = time.perf_counter()
        done["calls"] = answer.aws_calls

    worker = threading.Thread(target=whole)
    first = plans.rule_first(service, "s3-encryption")
    first_ms = (time.perf_counter() - start) * 1000
    if not whole_after:  # --first-only: the time and calls of the first answer alone
        FAULTS.clear()
        return {
            "accounts": accounts,
            "regions": regions,
            "question": FIRST,
            "calls": first.aws_calls if first else 0,
            "plan": first.data.plan if first else "none",
            "wall_ms": round(first_ms),
        }
    worker.start()
    worker.join()
    complete_ms = (done["whole"] - start) * 1000
    calls, parallel = bound
    minimal = (calls - parallel + math.ceil(parallel / CONCURRENCY)) * latency_ms
    # The whole answer's own plan with its calls overlapped (its chains run beside its fan-out):
    # its calls in waves of CONCURRENCY; and how long each call was in flight as measured (the
    # latency plus the CPU of botocore and of the in-process simulator, which share one GIL).
    whole_calls = int(done["calls"])
    whole_ms = (done["whole"] - done["began"]) * 1000
    plan_path = math.ceil(whole_calls / CONCURRENCY) * latency_ms
    return {
        "accounts": accounts,
        "regions": regions,
        "question": FIRST,
        "plan": first.data.plan if first else "none (the whole answer is as quick)",
        "calls": first.aws_calls if first else 0,
        "wall_ms": round(first_ms),
        "complete_ms": round(complete_ms),
        "minimal_path_ms": round(minimal),
        "complete_over_minimal": round(complete_ms / minimal, 2) if minimal else None,
        "whole_calls": whole_calls,
        "whole_ms": round(whole_ms),
        "plan_path_ms": round(plan_path),
        "plan_over_minimal": round(plan_path / minimal, 2) if minimal else None,
        "ms_per_call_in_flight": round(whole_ms * CONCURRENCY / whole_calls, 1),
    }


FIRST = "s3-encryption, first answer"
GOAL_RATIO = 1.2
GOAL_FIRST_MS = 2000


def figures(rows: list[dict[str, Any]], latency_ms: float) -> list[Figure]:
    """Per organization size: the worst calls / lower bound, and the slowest question's wall time."""
    result = []
    for scale in dict.fromkeys(f"{r['accounts']} x {r['regions']}" for r in rows):
        both = [r for r in rows if f"{r['accounts']} x {r['regions']}" == scale]
        mine = [r for r in both if r["question"] != FIRST]
        first = next((r for r in both if r["question"] == FIRST), None)
        whole = next((r for r in mine if r["question"] == "s3-encryption"), None)
        if first is not None and "complete_ms" not in first:  # --first-only
            result.append(
                figure(
                    "query_plans",
                    f"s3-encryption, time to the first answer, {latency_ms:g} ms per AWS call",
                    scale,
                    f"{first['wall_ms'] / 1000:.2f} s ({first['calls']} calls)",
                    f"< {GOAL_FIRST_MS / 1000:g} s",
                    first["wall_ms"] < GOAL_FIRST_MS,
                )
            )
            continue
        if first is not None and whole is not None and first["calls"]:  # a first answer was given
            result.append(
                figure(
                    "query_plans",
                    f"s3-encryption, time to the first answer, {latency_ms:g} ms per AWS call",
                    scale,
                    f"{first['wall_ms'] / 1000:.2f} s ({first['calls']} calls); the whole answer, as "
                    f"today's plan gives it, {whole['wall_ms'] / 1000:.1f} s ({whole['calls']} calls)",
                    f"< {GOAL_FIRST_MS / 1000:g} s",
                    first["wall_ms"] < GOAL_FIRST_MS,
                )
            )
            result.append(
                figure(
                    "query_plans",
                    "s3-encryption, the whole answer behind the first / the minimal plan's critical path",
                    scale,
                    f"{first['complete_over_minimal']} ({first['complete_ms'] / 1000:.1f} s / "
                    f"{first['minimal_path_ms'] / 1000:.1f} s)",
                    f"<= {GOAL_RATIO}",
                    (first["complete_over_minimal"] or 0) <= GOAL_RATIO,
                )
            )
            result.append(
                figure(
                    "query_plans",
                    "s3-encryption, the whole answer's calls in waves of 8 / the minimal plan's path",
                    scale,
                    f"{first['plan_over_minimal']} ({first['whole_calls']} calls: "
                    f"{first['plan_path_ms'] / 1000:.1f} s); measured {first['ms_per_call_in_flight']} ms "
                    f"per call in flight at {latency_ms:g} ms per call",
                    f"<= {GOAL_RATIO}",
                    (first["plan_over_minimal"] or 0) <= GOAL_RATIO,
                )
            )
        ratios = [r["ratio"] for r in mine]
        slowest = max(mine, key=lambda r: r["wall_ms"])
        result.append(
            figure(
                "query_plans",
                "AWS calls / lower bound, every question",
                scale,
                f"{min(ratios):.2f}-{max(ratios):.2f} ({len(mine)} questions)",
                f"<= {GOAL_RATIO}",
                max(ratios) <= GOAL_RATIO,
            )
        )
        result.append(
            figure(
                "query_plans",
                f"slowest question, {latency_ms:g} ms per AWS call",
                scale,
                f"{slowest['wall_ms'] / 1000:.1f} s ({slowest['question']}, {slowest['calls']} calls)",
            )
        )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10x4,100x4,1000x4,10x17,100x17,1000x17")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--resources", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--questions", default=None, help="comma-separated, e.g. s3-encryption")
    parser.add_argument(
        "--first-only", action="store_true", help="only s3-encryption's first answer (no whole answers)"
    )
    args = parser.parse_args(argv)
    only = frozenset(args.questions.split(",")) if args.questions else None
    in_process_simulator()
    install()
    print(
        f"{'org':>9} {'question':<20} {'plan':<15} {'calls':>6} {'bound':>6} {'ratio':>6} "
        f"{'wall ms':>8} {'compute':>8} {'path ms':>8} {'latency/path':>12}"
    )
    results = []
    for size in args.sizes.split(","):
        accounts, regions = (int(x) for x in size.split("x"))
        for row in run(accounts, regions, args.latency_ms, args.resources, only, args.first_only):
            results.append(row)
            if row["question"] == FIRST and args.first_only:
                print(
                    f"{size:>9} {FIRST}: {row['plan']}, {row['calls']} calls, {row['wall_ms']} ms", flush=True
                )
                continue
            if row["question"] == FIRST:
                print(
                    f"{size:>9} {FIRST}: {row['plan']}, {row['calls']} calls, {row['wall_ms']} ms; "
                    f"the whole answer after it {row['complete_ms']} ms from the question "
                    f"({row['whole_calls']} calls, {row['ms_per_call_in_flight']} ms per call in flight), "
                    f"the minimal plan's path {row['minimal_path_ms']} ms, "
                    f"this plan's calls in waves of {CONCURRENCY} {row['plan_path_ms']} ms"
                )
                continue
            print(
                f"{size:>9} {row['question']:<20} {row['plan']:<15} {row['calls']:>6} "
                f"{row['lower_bound']:>6} {row['ratio']:>6} {row['wall_ms']:>8} {row['compute_ms']:>8} "
                f"{row['critical_path_ms']:>8} {row['latency_over_path'] or '-':>12}",
                flush=True,
            )
    write_results(args.json, figures(results, args.latency_ms), results)


if __name__ == "__main__":
    main()
