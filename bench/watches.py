"""What watching costs: AWS calls per tick for a quiet organization, and the time from an
evaluation to its alert with polling.

    .venv/bin/python -m bench.watches [--sizes 1000x17,10000x17] [--latency-ms 50]
                                      [--interval 5] [--alerts 5] [--json FILE] [--counts-baseline]

1. In-process moto: for each size, a `watch all` and a `watch s3-encryption` read their baseline,
   then tick once with nothing changed: that tick's AWS calls, and its wall time at --latency-ms.
2. The whole bot (HTTP, the simulator, the real Redis, the Slack stand-in) with the watch
   scheduler ticking every --interval seconds: a member account's rule reports a resource
   NON_COMPLIANT (PutEvaluations), and the time until the alert reaches Slack, --alerts times.
   Then the same through AWS Config's compliance-change events in SQS (the simulator sends them),
   the poll not running.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from moto import mock_aws
from moto.core.base_backend import BackendDict

from bench.common import REDIS_URL, Figure, figure, in_process_simulator, write_results
from bot.aws.client import Tally
from bot.aws.queue import EventQueue
from bot.aws.session import config_client
from bot.questions.plans import PlanContext
from bot.questions.plans.reads import RULE_ROWS, RULES_BY_NAME
from bot.settings import Settings
from bot.watch import poll
from bot.watch.events import EventsListener
from bot.watch.model import Watch
from playground import harness
from simulator import install
from simulator.clients import member_client
from simulator.events import TARGET
from simulator.faults import FAULTS
from simulator.orggen import WIDE_REGIONS, OrgSpec, generate


def quiet_ticks(
    accounts: int, regions: int, latency_ms: float, counts_baseline: bool = False
) -> list[dict[str, Any]]:
    rows = []
    with mock_aws():
        org = generate(OrgSpec(accounts=accounts, regions=WIDE_REGIONS[:regions], resources_per_region=1))
        settings = Settings(
            aggregator=org.aggregator_name, aggregator_region="us-east-1", role_arn=org.role_arn
        )
        ctx = PlanContext(config_client(settings), settings)
        for watch in (Watch(channel="C0"), Watch(channel="C0", rule="s3-encryption")):
            baseline = counts_only(ctx, watch) if counts_baseline else poll.read(ctx, watch, {}, set())
            FAULTS.latency_seconds = latency_ms / 1000
            start = time.perf_counter()
            quiet = poll.read(ctx, watch, baseline.counts, set(baseline.findings))
            wall = time.perf_counter() - start
            FAULTS.clear()
            rows.append(
                {
                    "accounts": accounts,
                    "regions": regions,
                    "watch": watch.label,
                    "baseline_calls": baseline.calls,
                    "quiet_tick_calls": quiet.calls,
                    "quiet_tick_s": round(wall, 2),
                }
            )
    BackendDict.reset()
    return rows


def counts_only(ctx: PlanContext, watch: Watch) -> poll.Reading:
    """A baseline's counts without its findings (--counts-baseline): all a quiet tick compares
    with, without reading every finding's details first (hours of the simulator at 10,000 x 17)."""
    tally = Tally()
    catalog = ctx.catalog_of(tally)  # as a baseline does: the organization's rules, remembered
    rows = list(
        ctx.aws.pages(
            tally,
            RULES_BY_NAME,
            RULE_ROWS,
            ConfigurationAggregatorName=ctx.name(watch.aggregator),
            Filters={"ComplianceType": "NON_COMPLIANT"},
        )
    )
    if watch.rule is not None:
        matcher = poll.matcher_of(catalog, watch.rule)
        rows = [r for r in rows if matcher.matches(r["ConfigRuleName"])]
    return poll.Reading({}, poll.counts_of(rows), tally.total)


def alert_latency(interval: float, alerts: int, events: bool = False) -> dict[str, Any]:
    """Seconds from PutEvaluations to the alert in Slack: by the poll every `interval` seconds, or
    (`events`) by the compliance-change events through SQS, the poll not running."""
    bot = harness.start(
        OrgSpec(accounts=12, regions=("us-east-1", "eu-west-1")),
        redis_url=REDIS_URL,
        cache_prefix=f"bench-{uuid.uuid4().hex[:8]}",
        COMPLIANCE_WATCH_INTERVAL=interval,
    )
    try:
        scheduler = bot.deps.watches
        assert scheduler is not None
        channel = "C0BENCH"
        targets = [e for e in bot.org.evaluations if e.compliance_type == "COMPLIANT"][:alerts]
        watch = Watch(channel=channel)
        scheduler.runner.store.put(watch)
        scheduler.runner.tick(watch)  # the baseline
        listener = None
        if events:
            account = bot.org.management_account
            sqs = member_client("sqs", account, "us-east-1", os.environ["AWS_ENDPOINT_URL"])
            url = sqs.create_queue(QueueName="config-compliance-events")["QueueUrl"]
            TARGET.configure(account, "us-east-1", "config-compliance-events")
            listener = EventsListener(bot.deps, scheduler, EventQueue(url, sqs))
            listener.start()
        else:
            scheduler.start()
        waits = []
        for target in targets:
            config = member_client("config", target.account_id, target.region, os.environ["AWS_ENDPOINT_URL"])
            before = len(bot.slack.of("chat.postMessage"))
            start = time.time()
            config.put_evaluations(
                ResultToken=target.rule_name,
                Evaluations=[
                    {
                        "ComplianceResourceType": target.resource_type,
                        "ComplianceResourceId": target.resource_id,
                        "ComplianceType": "NON_COMPLIANT",
                        "OrderingTimestamp": time.time(),
                    }
                ],
            )

            def posted(calls: list[Any], n: int = before) -> bool:
                return bool(sum(c.method == "chat.postMessage" for c in calls) > n)

            calls = bot.slack.wait_for(posted, interval * 4)
            waits.append([c.at for c in calls if c.method == "chat.postMessage"][before] - start)
        scheduler.stop()
        if listener is not None:
            listener.stop()
            TARGET.clear()
        return {
            "path": "events (SQS)" if events else f"polling every {interval:g} s",
            "interval_s": interval,
            "alerts": len(waits),
            "mean_s": round(statistics.mean(waits), 2),
            "max_s": round(max(waits), 2),
        }
    finally:
        bot.stop()


def figures(ticks: list[dict[str, Any]], latencies: list[dict[str, Any]], latency_ms: float) -> list[Figure]:
    found = [
        figure(
            "watches",
            f"AWS calls per tick, quiet organization, {row['watch']}",
            f"{row['accounts']} x {row['regions']}",
            f"{row['quiet_tick_calls']} calls, {row['quiet_tick_s']} s at {latency_ms:g} ms a call "
            f"(baseline {row['baseline_calls']} calls)",
        )
        for row in ticks
    ]
    for latency in latencies:
        found.append(
            figure(
                "watches",
                f"evaluation to alert, {latency['path']}",
                "12 x 2",
                f"mean {latency['mean_s']} s, max {latency['max_s']} s ({latency['alerts']} alerts)",
            )
        )
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000x17,10000x17")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--alerts", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--counts-baseline", action="store_true", help="baselines of counts only (the quiet tick's calls)"
    )
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(io.StringIO()):  # the bot's audit lines
        latencies = [alert_latency(args.interval, args.alerts, events) for events in (False, True)]
    for latency in latencies:
        print(latency, flush=True)
    in_process_simulator()
    install()
    ticks = []
    for size in args.sizes.split(","):
        accounts, regions = (int(x) for x in size.split("x"))
        for row in quiet_ticks(accounts, regions, args.latency_ms, args.counts_baseline):
            print(row, flush=True)
            ticks.append(row)
    found = figures(ticks, latencies, args.latency_ms)
    for line in found:
        print(f"{line['figure']} ({line['scale']}): {line['value']}")
    write_results(args.json, found, [*ticks, *latencies])


if __name__ == "__main__":
    logging.disable(logging.CRITICAL)
    main()
