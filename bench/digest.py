"""Digest build time, peak memory and AWS calls against the lower bound, on the simulator.

    .venv/bin/python -m bench.digest [--sizes 1000x17,10000x17] [--resources 1] [--json FILE]

The simulator (seeded organization) runs in a process of its own; this process builds the
digest the way the bot does (snapshot from AWS, delta against yesterday's snapshot, Block Kit
message, 30-day trend PNG; the snapshots in the real Redis at REDIS_URL) and reports its wall
time, its peak Python memory (tracemalloc) and its process peak RSS growth. Thirty earlier days
of snapshots are stored first, so the figure is the steady state, not a first day.
"""

from __future__ import annotations

import argparse
import gc
import math
import multiprocessing
import os
import resource
import time
import tracemalloc
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis

from bench.common import REDIS_URL, Figure, figure, write_results
from bot.digest.snapshots import RETENTION_DAYS, SNAPSHOT_DAYS

GOAL_MIB = 200
GOAL_RATIO = 1.2


def _serve(accounts: int, regions: int, resources: int, ready: Any, stop: Any) -> None:
    from simulator import operations, server
    from simulator.orggen import WIDE_REGIONS, OrgSpec
    from simulator.sources import get_aggregator, readable_sources

    started = time.time()
    running = server.start(
        port=0,
        # No empty pages: the bound counts the pages of rows (see bench/query_plans.py).
        spec=OrgSpec(
            accounts=accounts,
            regions=WIDE_REGIONS[:regions],
            resources_per_region=resources,
            empty_page_rate=0.0,
        ),
        freeze=True,
    )
    org = running.org
    assert org is not None
    # The lower bound's inputs, from the simulator's own documents: the rows the NON_COMPLIANT
    # query returns, and the accounts the COMPLIANT count groups by.
    aggregator = get_aggregator(org.management_account, org.spec.aggregator_region, org.aggregator_name)
    non_compliant, compliant_accounts = 0, set()
    for source in readable_sources(aggregator):
        for document in operations.compliance_documents(source):
            if document["resourceType"] == "AWS::Config::ResourceCompliance":
                kind = document["configuration"]["complianceType"]
                non_compliant += kind == "NON_COMPLIANT"
                if kind == "COMPLIANT":
                    compliant_accounts.add(source.account_id)
    # The census of sources that record no compliance items (per region: accounts with rule
    # results; the compliance items grouped by account and region), and what the compliance APIs
    # must read for the blind ones: their NON_COMPLIANT rule rows and those rules' details.
    blind = set(org.accounts_without_compliance_items)
    recording_pairs = {(e.account_id, e.region) for e in org.evaluations if e.account_id not in blind}
    blind_pairs = {(e.account_id, e.region) for e in org.evaluations if e.account_id in blind}
    failing = Counter(
        (e.rule_name, e.account_id, e.region)
        for e in org.evaluations
        if e.account_id in blind and e.compliance_type == "NON_COMPLIANT"
    )
    rows_per_pair = Counter((a, g) for _, a, g in failing)
    census = len(org.spec.regions) * math.ceil(accounts / 1000) + math.ceil(len(recording_pairs) / 100)
    blind_reads = sum(max(1, math.ceil(rows_per_pair[p] / 1000)) for p in blind_pairs) + sum(
        math.ceil(n / 100) for n in failing.values()
    )
    ready.put(
        {
            "environment": running.client_environment(),
            "aggregator": org.aggregator_name,
            "census_and_blind": census + blind_reads,
            "non_compliant": non_compliant,
            "compliant_accounts": len(compliant_accounts),
            "problems": len(org.statuses),
            "seed_seconds": time.time() - started,
        }
    )
    stop.wait()
    running.stop()


def measure(accounts: int, regions: int, resources: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    child = context.Process(target=_serve, args=(accounts, regions, resources, ready, stop))
    child.start()
    info = ready.get(timeout=7200)
    os.environ.update(info["environment"])  # the bot's settings read the aggregator and role from it
    from bot.aws.client import Tally
    from bot.cache.store import Cache, connect
    from bot.deps import build_deps, policy_from
    from bot.digest.runner import DigestRunner
    from bot.digest.snapshot_plan import take_snapshot
    from bot.settings import Settings

    settings = Settings(SLACK_API_URL="http://127.0.0.1:9/api/")
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    redis_url = REDIS_URL
    deps = build_deps(settings, cache=Cache(connect(redis_url), policy_from(settings, prefix=prefix)))
    runner = DigestRunner(deps, retry_delays=())
    name = info["aggregator"]
    # The steady state: yesterday's snapshot (the delta) and 29 earlier days (the trend) exist,
    # as they do after a month in production. The first snapshot also counts the plan's calls.
    deps.plans.org_rules(Tally())  # fetched once per 10 minutes, not per digest
    first = take_snapshot(deps.plans, name)
    aws_calls = first.aws_calls
    for days_ago in range(30, 0, -1):
        earlier = first.data.taken_at - timedelta(days=days_ago)
        runner.snapshots.save(first.data.model_copy(update={"taken_at": earlier}))
    del first
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    message, png = runner._content(name, datetime.now(UTC).date().isoformat(), None, "C0BENCH")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # What the answer strictly needs: the pages of the NON_COMPLIANT query, of the per-account
    # COMPLIANT counts (100 groups a page), of the per-account rule summary (1000 a page), of
    # the FAILED/OUTDATED sources, and the census and blind sources' reads (above). (The
    # organization's rules are fetched once per 10 min.)
    bound = (
        math.ceil(info["non_compliant"] / 100)
        + math.ceil(info["compliant_accounts"] / 100)
        + math.ceil(accounts / 1000)
        + max(1, math.ceil(info["problems"] / 100))
        + info["census_and_blind"]
    )
    plain = redis.Redis.from_url(redis_url)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    stored = {kind: int(plain.hstrlen(f"{prefix}:{kind}:{name}", yesterday)) for kind in ("snap", "snapsum")}
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)
    stop.set()
    child.join(timeout=120)
    return {
        "accounts": accounts,
        "regions": regions,
        "resources_per_region": resources,
        "seed_s": round(info["seed_seconds"], 1),
        "build_s": round(seconds, 1),
        "peak_python_mib": round(peak / 2**20, 1),
        "rss_growth_mib": round((rss_after - rss_before) / 1024),
        "blocks": len(message["blocks"]),
        "png_bytes": len(png),
        "aws_calls": aws_calls,
        "snapshot_bytes": stored["snap"],
        "summary_bytes": stored["snapsum"],
        "lower_bound": bound,
        "non_compliant": info["non_compliant"],
    }


def figures(rows: list[dict[str, Any]]) -> list[Figure]:
    result = []
    for row in rows:
        ratio = row["aws_calls"] / row["lower_bound"]
        result.append(
            figure(
                "digest",
                f"digest build ({row['non_compliant']:,} non-compliant resources)",
                f"{row['accounts']} x {row['regions']}",
                f"{row['build_s']:.1f} s, peak Python memory {row['peak_python_mib']:.0f} MiB "
                f"(RSS +{row['rss_growth_mib']} MiB), AWS calls {row['aws_calls']} / bound "
                f"{row['lower_bound']} = {ratio:.2f}; a day in Redis: snapshot "
                f"{row['snapshot_bytes'] / 1e3:,.0f} KB, summary {row['summary_bytes'] / 1e3:,.0f} KB",
                f"< {GOAL_MIB} MB peak; calls <= {GOAL_RATIO}x bound",
                row["peak_python_mib"] < GOAL_MIB
                and row["rss_growth_mib"] < GOAL_MIB
                and ratio <= GOAL_RATIO,
            )
        )
        kept = SNAPSHOT_DAYS * row["snapshot_bytes"] + RETENTION_DAYS * row["summary_bytes"]
        result.append(
            figure(
                "digest",
                f"Redis for {RETENTION_DAYS} days of digests ({SNAPSHOT_DAYS} whole snapshots, "
                f"{RETENTION_DAYS} day summaries), per 1,000 accounts",
                f"{row['accounts']} x {row['regions']}",
                f"{kept / 1e6 * 1000 / row['accounts']:.1f} MB ({kept / 1e6:.1f} MB in all)",
            )
        )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000x17")
    parser.add_argument("--resources", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes.split(","):
        accounts, regions = (int(x) for x in size.split("x"))
        row = measure(accounts, regions, args.resources)
        rows.append(row)
        print(
            f"{accounts:>6} accounts x {regions:>2} regions: seeded in {row['seed_s']:.0f} s; "
            f"digest built in {row['build_s']:.1f} s; peak Python memory {row['peak_python_mib']:.1f} MiB "
            f"(RSS +{row['rss_growth_mib']} MiB); {row['blocks']} blocks, PNG {row['png_bytes']} bytes; "
            f"AWS calls {row['aws_calls']} vs lower bound {row['lower_bound']}; "
            f"{row['non_compliant']} non-compliant resources",
            flush=True,
        )
    write_results(args.json, figures(rows), rows)


if __name__ == "__main__":
    main()
