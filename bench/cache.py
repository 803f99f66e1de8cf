"""The answer cache's figures, on the simulator and the real Redis at REDIS_URL.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/cache.py [--accounts 1000] [--repeats 200]

Prints: cold vs cache-hit answer latency (p50/p99) per question; AWS executions for 100 identical
concurrent questions from 3 processes; Redis bytes per cached answer (MEMORY USAGE) for an
organization of --accounts accounts x 4 regions.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime

import redis
from moto import mock_aws

from bot.aggregator import AggregatorService
from bot.answers import Answerer, policy_from
from bot.aws import config_client
from bot.cache import Cache, CachePolicy, connect, key
from bot.grammar import parse
from bot.models import Answer, SourceHealth
from bot.settings import Settings
from simulator import install
from simulator.orggen import OrgSpec, generate

QUESTIONS = ("s3-encryption", "summary by account", "rules", "health", "resources by type", "packs")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency_and_memory(url: str, accounts: int, repeats: int) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    plain = redis.Redis.from_url(url)
    with mock_aws():
        org = generate(OrgSpec(accounts=accounts, resources_per_region=3))
        settings = Settings(
            aggregator=org.aggregator_name,
            aggregator_region="us-east-1",
            role_arn=org.role_arn,
            redis_url=url,
            detail_call_cap=100_000,
        )
        cache = Cache(connect(url), policy_from(settings, prefix=prefix))
        answerer = Answerer(AggregatorService(config_client(settings), settings), cache)
        print(f"organization: {accounts} accounts x 4 regions; Redis {url}")
        print(
            f"{'question':<20} {'cold ms':>9} {'hit p50 ms':>11} {'hit p99 ms':>11} "
            f"{'bytes':>9} {'json bytes':>11}"
        )
        for text in QUESTIONS:
            question = parse(text)
            start = time.perf_counter()
            cold = answerer.answer(question)
            cold_ms = (time.perf_counter() - start) * 1000
            hits = []
            for _ in range(repeats):
                start = time.perf_counter()
                answer = answerer.answer(question)
                hits.append((time.perf_counter() - start) * 1000)
                assert answer.cached
            stored = plain.memory_usage(answerer.key_of(question)) or 0
            raw = len(cold.model_dump_json())
            print(
                f"{text:<20} {cold_ms:>9.1f} {statistics.median(hits):>11.2f} "
                f"{percentile(hits, 0.99):>11.2f} {stored:>9} {raw:>11}"
            )
        cache.close()
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)


def _process(url: str, prefix: str, threads: int, start_at: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    cache = Cache(connect(url), CachePolicy(prefix=prefix))
    counter = redis.Redis.from_url(url)
    cache_key = key(cache.policy, "Org", "all", "health", {})

    def compute() -> Answer[SourceHealth]:
        counter.incr(f"{prefix}:executions")
        time.sleep(0.5)  # a slow AWS answer
        return Answer[SourceHealth](
            question="health",
            aggregator="Org",
            data=SourceHealth(problems=[]),
            as_of=datetime.now(UTC),
            aws_calls=1,
        )

    time.sleep(max(0.0, start_at - time.time()))
    workers = [
        threading.Thread(
            target=cache.get_or_compute, args=(cache_key, "health", Answer[SourceHealth], compute)
        )
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(cache.stats())


def single_flight(url: str) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 3
    processes = [
        context.Process(target=_process, args=(url, prefix, n, start_at, queue)) for n in (34, 33, 33)
    ]
    for process in processes:
        process.start()
    stats = [queue.get(timeout=60) for _ in processes]
    for process in processes:
        process.join()
    plain = redis.Redis.from_url(url)
    executions = int(plain.get(f"{prefix}:executions") or 0)
    waits = sum(s.get("waits", 0) for s in stats)
    print(
        f"100 identical concurrent questions from 3 processes: {executions} AWS execution(s), {waits} waited"
    )
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "testing")
    os.environ.pop("AWS_ENDPOINT_URL", None)
    install()
    single_flight(url)
    latency_and_memory(url, args.accounts, args.repeats)


if __name__ == "__main__":
    main()
