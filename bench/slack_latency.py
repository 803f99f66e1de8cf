"""Slack-facing latency: ack latency with many slash commands in flight, and request-to-answer
latency for a cached answer.

    .venv/bin/python bench/slack_latency.py [--in-flight 200] [--cached 100]

The bot serves HTTP (waitress) against the simulator, the real Redis (REDIS_URL, default
127.0.0.1:6379) and a local Slack stand-in, in a process of its own; this process sends the
requests, signed as Slack signs them, and reads what the bot posted from the stand-in.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

from simulator import harness
from simulator.orggen import OrgSpec


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def post_command(url: str, text: str, response_url: str, session: requests.Session) -> float:
    body = urlencode(
        {
            "command": "/compliance",
            "text": text,
            "response_url": response_url,
            "channel_id": "C0",
            "user_id": "U0",
            "team_id": "T0",
        }
    ).encode()
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(harness.SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    start = time.perf_counter()
    response = session.post(
        f"{url}/slack/events",
        data=body,
        timeout=30,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--cached", type=int, default=100)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    stop = context.Event()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    server = context.Process(target=_serve, args=(redis_url, ready, stop))
    server.start()
    url, slack_url = ready.get(timeout=120)
    bot = _Remote(url, SlackReader(slack_url))
    try:
        session = requests.Session()
        # Warm the cache, then measure acks with the listeners busy answering.
        warm = bot.slack.response_url("warm")
        post_command(bot.url, "rules", warm, session)
        bot.slack.wait_for(lambda cs: any(c.path == "/response/warm" for c in cs), 30)
        # 1. A burst: 200 commands arriving at the same instant.
        acks: list[float] = []
        lock = threading.Lock()
        barrier = threading.Barrier(args.in_flight)

        def one(i: int) -> None:
            local = requests.Session()
            barrier.wait()
            elapsed = post_command(bot.url, f"account {i:012d}", bot.slack.response_url(f"a{i}"), local)
            with lock:
                acks.append(elapsed)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(args.in_flight)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(
            f"ack latency, a burst of {args.in_flight} slash commands at once: "
            f"p50 {statistics.median(acks):.1f} ms, p99 {percentile(acks, 0.99):.1f} ms"
        )
        # 2. Acks while those answers are still being worked on (in flight).
        steady = [
            post_command(bot.url, f"account {10**11 + i:012d}", bot.slack.response_url(f"s{i}"), session)
            for i in range(100)
        ]
        print(
            f"ack latency, one at a time with {args.in_flight} answers in flight: "
            f"p50 {statistics.median(steady):.1f} ms, p99 {percentile(steady, 0.99):.1f} ms"
        )
        bot.slack.wait_for(lambda cs: sum(c.method == "response" for c in cs) >= args.in_flight + 101, 300)
        answers = []
        for i in range(args.cached):
            name = f"c{i}"
            start = time.time()
            post_command(bot.url, "rules", bot.slack.response_url(name), session)
            calls = bot.slack.wait_for(lambda cs, n=name: any(c.path == f"/response/{n}" for c in cs), 30)
            arrived = next(c.at for c in calls if c.path == f"/response/{name}")
            answers.append((arrived - start) * 1000)
        print(
            f"request to answer, cached answer ({args.cached} sequential): "
            f"p50 {statistics.median(answers):.1f} ms, p99 {percentile(answers, 0.99):.1f} ms"
        )
    finally:
        stop.set()
        server.join(timeout=30)


if __name__ == "__main__":
    main()
