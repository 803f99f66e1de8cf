"""Slow AWS never blocks anyone else: single flight for slow answers, and help while AWS is slow
or hung.

    .venv/bin/python -m bench.isolation [--seconds 60] [--in-flight 50] [--helps 100] [--json FILE]

The whole bot (HTTP, the simulator, the real Redis at REDIS_URL, a Slack stand-in) runs in this
process; requests are signed as Slack signs them, and answers are read from the stand-in.
1. Five people ask the same question, which takes --seconds (`health`, one AWS call, which the
   simulator answers after that long): how many times the bot computes it (and its AWS calls),
   with today's single flight and with the former 20-second wait.
2. `help`'s request-to-answer latency, one after the other, while --in-flight questions that
   need AWS are in flight, first with AWS slow (5 s a call), then with AWS hung (calls never
   answer within the read timeout).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import statistics
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests

from bench.common import REDIS_URL, Figure, figure, percentile, write_results
from bench.slack_latency import post_command
from bot import metrics
from bot.slack.blocks import NOTICE_PREFIXES
from playground import harness
from simulator.faults import FAULTS, hang
from simulator.orggen import OrgSpec

SPEC = OrgSpec(accounts=12, regions=("us-east-1", "eu-west-1"))


NOTICES = NOTICE_PREFIXES


def _answered(bot: harness.Harness, name: str, timeout: float) -> float:
    """When the answer (not a notice) to a response_url reached the stand-in (epoch seconds)."""
    path = f"/response/{name}"

    def answers(calls: list[Any]) -> list[Any]:
        return [c for c in calls if c.path == path and not str(c.params.get("text", "")).startswith(NOTICES)]

    return float(answers(bot.slack.wait_for(lambda cs: bool(answers(cs)), timeout))[0].at)


def aws_calls() -> float:
    """Every AWS call this process's bots made (the metrics' counter)."""
    return sum(s.value for m in metrics.AWS_CALLS.collect() for s in m.samples if s.name.endswith("_total"))


def single_flight(seconds: float, former_wait: bool) -> dict[str, Any]:
    """Five identical questions at once, `health` (one AWS call), answered after `seconds`:
    computations and AWS calls."""
    bot = harness.start(
        SPEC,
        redis_url=REDIS_URL,
        threads=16,
        cache_prefix=f"bench-{uuid.uuid4().hex[:8]}",
        COMPLIANCE_AWS_READ_TIMEOUT=seconds + 30,
    )
    try:
        if former_wait:  # the single flight as it was: a waiter gave up after 20 s
            bot.deps.cache.policy = replace(bot.deps.cache.policy, wait_timeout=20.0)
        session = requests.Session()
        FAULTS.latency_seconds = seconds
        calls_before = aws_calls()
        start = time.monotonic()
        names = [f"same-{i}" for i in range(5)]
        for name in names:
            post_command(bot.url, "health", bot.slack.response_url(name), session)
        for name in names:
            _answered(bot, name, seconds * 6)
        elapsed = time.monotonic() - start
        return {
            "wait": "former 20 s" if former_wait else "while the holder lives",
            "executions": bot.deps.cache.stats().get("executions", 0),
            "uncached": bot.deps.cache.stats().get("wait_timeouts", 0),
            "aws_calls": int(aws_calls() - calls_before),
            "seconds": round(elapsed, 1),
        }
    finally:
        FAULTS.clear()
        bot.stop()


def help_latency(in_flight: int, helps: int, hung: bool) -> dict[str, Any]:
    bot = harness.start(
        SPEC,
        redis_url=REDIS_URL,
        threads=32,
        cache_prefix=f"bench-{uuid.uuid4().hex[:8]}",
        COMPLIANCE_AWS_READ_TIMEOUT=10,
        COMPLIANCE_AWS_MAX_ATTEMPTS=2,
    )
    try:
        session = requests.Session()
        if hung:
            FAULTS.errors = [hang(120.0)]
        else:
            FAULTS.latency_seconds = 5.0
        for i in range(in_flight):  # each a question of its own, none cached: all need AWS
            post_command(bot.url, f"resource i-{i:017x}", bot.slack.response_url(f"slow-{i}"), session)
        latencies = []
        for i in range(helps):
            name = f"help-{i}"
            start = time.time()
            post_command(bot.url, "help", bot.slack.response_url(name), session)
            latencies.append((_answered(bot, name, 30) - start) * 1000)
        answered = {c.path for c in bot.slack.calls if not str(c.params.get("text", "")).startswith(NOTICES)}
        slow_answered = sum(f"/response/slow-{i}" in answered for i in range(in_flight))
        return {
            "aws": "hung" if hung else "5 s a call",
            "in_flight": in_flight,
            "slow_answered_meanwhile": slow_answered,
            "n": len(latencies),
            "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
        }
    finally:
        FAULTS.clear()
        bot.stop()


def figures(flights: list[dict[str, Any]], helps: list[dict[str, Any]], seconds: float) -> list[Figure]:
    now, before = flights

    def runs(row: dict[str, Any]) -> str:
        return f"{row['executions'] + row['uncached']} ({row['aws_calls']} AWS calls)"

    found = [
        figure(
            "isolation",
            f"5 identical {seconds:.0f}-second questions: computations",
            "12 accounts x 2 regions",
            f"{runs(now)}; with the former 20 s wait {runs(before)}",
            "1",
            now["executions"] + now["uncached"] == 1,
        )
    ]
    for row in helps:
        found.append(
            figure(
                "isolation",
                f"help, request to answer, {row['in_flight']} slow questions in flight, AWS {row['aws']}",
                "12 accounts x 2 regions",
                f"p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms",
                "p99 < 100 ms",
                row["p99_ms"] < 100,
            )
        )
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--helps", type=int, default=100)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(io.StringIO()):  # the bots' audit lines
        flights = [
            single_flight(args.seconds, former_wait=False),
            single_flight(args.seconds, former_wait=True),
        ]
        helps = [help_latency(args.in_flight, args.helps, hung) for hung in (False, True)]
    for row in [*flights, *helps]:
        print(row)
    found = figures(flights, helps, args.seconds)
    for line in found:
        print(f"{line['figure']}: {line['value']}")
    write_results(args.json, found, [*flights, *helps])


if __name__ == "__main__":
    logging.disable(logging.CRITICAL)  # the bots' audit lines and the abandoned hung calls' warnings
    main()
