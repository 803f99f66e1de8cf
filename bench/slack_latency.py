"""Slack-facing latency: ack latency with many slash commands in flight, and request-to-answer
latency for a cached answer.

    .venv/bin/python -m bench.slack_latency [--in-flight 200] [--cached 100] [--json FILE]

The bot serves HTTP (waitress) against the simulator, the real Redis (REDIS_URL, default
127.0.0.1:6379) and a local Slack stand-in, in a process of its own; this process sends the
requests, signed as Slack signs them, and reads what the bot posted from the stand-in.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import requests
from slack_sdk.signature import SignatureVerifier

from bench.common import REDIS_URL, Figure, figure, percentile, write_results
from playground import harness
from playground.slack_requests import FORM, command_body
from simulator.orggen import OrgSpec


def post_command(url: str, text: str, response_url: str, session: requests.Session) -> float:
    body = command_body(text, response_url, channel_id="C0", user_id="U0", team_id="T0")
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(harness.SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    start = time.perf_counter()
    response = session.post(
        f"{url}/slack/events",
        data=body,
        timeout=30,
        headers={
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.text
    return elapsed


def _serve(redis_url: str, ready: Any, stop: Any) -> None:
    bot = harness.start(OrgSpec(accounts=12), redis_url=redis_url, threads=64)
    ready.put((bot.url, bot.slack.url))
    stop.wait()
    bot.stop()


def start_bot() -> tuple[Any, Any, str, str]:
    """The whole bot (HTTP, simulator, Slack stand-in) in a process of its own: the process, the
    event that stops it, the bot's URL and the stand-in's."""
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    stop = context.Event()
    redis_url = REDIS_URL
    server = context.Process(target=_serve, args=(redis_url, ready, stop))
    server.start()
    url, slack_url = ready.get(timeout=120)
    return server, stop, url, slack_url


class SlackReader:
    """Reads the stand-in's record of calls from another process, through its /calls endpoint."""

    def __init__(self, url: str) -> None:
        self.url = url

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def wait_for(self, predicate: Callable[[list[Any]], bool], timeout: float) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            calls = [SimpleNamespace(**c) for c in requests.post(f"{self.url}/calls", timeout=10).json()]
            if predicate(calls):
                return calls
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not answer in time")
            time.sleep(0.02)


@dataclass
class _Remote:
    url: str
    slack: SlackReader


def _has_call_to(path: str) -> Callable[[list[Any]], bool]:
    return lambda calls: any(c.path == path for c in calls)


def measure(in_flight: int, cached: int) -> dict[str, dict[str, float]]:
    """Ack latency for a burst of `in_flight` commands, then one at a time while they are being
    answered; then request-to-answer latency of `cached` cached answers, one after the other."""
    server, stop, url, slack_url = start_bot()
    bot = _Remote(url, SlackReader(slack_url))
    try:
        session = requests.Session()
        # Warm the cache, then measure acks with the listeners busy answering.
        warm = bot.slack.response_url("warm")
        post_command(bot.url, "rules", warm, session)
        bot.slack.wait_for(lambda cs: any(c.path == "/response/warm" for c in cs), 30)
        # 1. A burst: `in_flight` commands arriving at the same instant.
        acks: list[float] = []
        lock = threading.Lock()
        barrier = threading.Barrier(in_flight)

        def one(i: int) -> None:
            local = requests.Session()
            barrier.wait()
            elapsed = post_command(bot.url, f"account {i:012d}", bot.slack.response_url(f"a{i}"), local)
            with lock:
                acks.append(elapsed)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(in_flight)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # 2. Acks while those answers are still being worked on (in flight).
        steady = [
            post_command(bot.url, f"account {10**11 + i:012d}", bot.slack.response_url(f"s{i}"), session)
            for i in range(100)
        ]
        bot.slack.wait_for(lambda cs: sum(c.method == "response" for c in cs) >= in_flight + 101, 300)
        answers = []
        for i in range(cached):
            name = f"c{i}"
            start = time.time()
            post_command(bot.url, "rules", bot.slack.response_url(name), session)
            path = f"/response/{name}"
            calls = bot.slack.wait_for(_has_call_to(path), 30)
            arrived = next(c.at for c in calls if c.path == path)
            answers.append((arrived - start) * 1000)
    finally:
        stop.set()
        server.join(timeout=30)

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "n": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }

    return {"burst": summary(acks), "in_flight": summary(steady), "cached_answer": summary(answers)}


def figures(result: dict[str, dict[str, float]], in_flight: int) -> list[Figure]:
    def value(name: str) -> str:
        return f"p50 {result[name]['p50_ms']:.1f} ms, p99 {result[name]['p99_ms']:.1f} ms"

    return [
        figure(
            "slack_latency",
            f"ack latency, one at a time with {in_flight} answers in flight",
            "",
            value("in_flight"),
            "p99 < 100 ms",
            result["in_flight"]["p99_ms"] < 100,
        ),
        figure(
            "slack_latency",
            f"ack latency, a burst of {in_flight} commands at the same instant",
            "",
            value("burst"),
            "p99 < 3 s (Slack's timeout)",
            result["burst"]["p99_ms"] < 3000,
        ),
        figure(
            "slack_latency",
            "request to answer, cached answer",
            "",
            value("cached_answer"),
            "p50 < 25 ms",
            result["cached_answer"]["p50_ms"] < 25,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--cached", type=int, default=100)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = measure(args.in_flight, args.cached)
    found = figures(result, args.in_flight)
    for line in found:
        print(f"{line['figure']}: {line['value']}")
    write_results(args.json, found, [result])


if __name__ == "__main__":
    main()
