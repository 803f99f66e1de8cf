"""The answer cache's figures, on the simulator and the real Redis at REDIS_URL.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m bench.cache [--accounts 1000] [--repeats 200]
                                                                        [--json FILE]

Prints: cold vs cache-hit answer latency (p50/p99) per question; AWS executions for 100 identical
concurrent questions from 3 processes; Redis bytes per cached answer (MEMORY USAGE) for an
organization of --accounts accounts x 4 regions.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from moto import mock_aws

from bench.common import REDIS_URL, Figure, figure, in_process_simulator, percentile, write_results
from bot.answers.models import Answer, SourceHealth
from bot.aws.session import config_client
from bot.cache.store import Cache, CachePolicy, connect, key
from bot.deps import policy_from
from bot.questions.answerer import Answerer
from bot.questions.grammar import parse
from bot.questions.plans import PlanContext
from bot.settings import Settings
from simulator import install
from simulator.orggen import OrgSpec, freeze_heap, generate

QUESTIONS = ("s3-encryption", "summary by account", "rules", "health", "resources by type", "packs")


def latency_and_memory(url: str, accounts: int, repeats: int) -> list[dict[str, Any]]:
    """Per question: cold latency, cache-hit latency and the bytes Redis holds for the answer."""
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    plain = redis.Redis.from_url(url)
    rows = []
    with mock_aws():
        org = generate(OrgSpec(accounts=accounts, resources_per_region=3))
        freeze_heap()
        settings = Settings(
            aggregator=org.aggregator_name,
            aggregator_region="us-east-1",
            role_arn=org.role_arn,
            redis_url=url,
            detail_call_cap=100_000,
        )
        cache = Cache(connect(url), policy_from(settings, prefix=prefix))
        answerer = Answerer(PlanContext(config_client(settings), settings), cache)
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
            row = {
                "question": text,
                "accounts": accounts,
                "cold_ms": round(cold_ms, 1),
                "hit_p50_ms": round(statistics.median(hits), 2),
                "hit_p99_ms": round(percentile(hits, 0.99), 2),
                "redis_bytes": plain.memory_usage(answerer.key_of(question)) or 0,
                "json_bytes": len(cold.model_dump_json()),
            }
            rows.append(row)
            print(
                f"{text:<20} {row['cold_ms']:>9.1f} {row['hit_p50_ms']:>11.2f} {row['hit_p99_ms']:>11.2f} "
                f"{row['redis_bytes']:>9} {row['json_bytes']:>11}"
            )
        cache.close()
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)
    return rows


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


def single_flight(url: str) -> dict[str, int]:
    """100 identical questions at once from 3 processes: how many times AWS was asked."""
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
    return {"questions": 100, "processes": 3, "executions": executions, "waited": waits}


def figures(flight: dict[str, int], rows: list[dict[str, Any]]) -> list[Figure]:
    scale = f"{rows[0]['accounts']} x 4" if rows else ""
    result = [
        figure(
            "cache",
            "AWS executions, 100 identical concurrent questions from 3 processes",
            "",
            str(flight["executions"]),
            "1",
            flight["executions"] == 1,
        )
    ]
    for row in rows:
        result.append(
            figure(
                "cache",
                f"{row['question']}: cold vs cache hit",
                scale,
                f"cold {row['cold_ms']:.0f} ms; hit p50 {row['hit_p50_ms']:.1f} ms, "
                f"p99 {row['hit_p99_ms']:.1f} ms",
            )
        )
    sizes = [row["redis_bytes"] for row in rows]
    if sizes:
        largest = max(rows, key=lambda row: row["redis_bytes"])
        result.append(
            figure(
                "cache",
                "Redis bytes per cached answer",
                scale,
                f"{min(sizes) / 1000:.1f}-{max(sizes) / 1000:.1f} KB (largest: {largest['question']})",
            )
        )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    url = REDIS_URL
    in_process_simulator()
    install()
    flight = single_flight(url)
    rows = latency_and_memory(url, args.accounts, args.repeats)
    write_results(args.json, figures(flight, rows), [{"single_flight": flight}, *rows])


if __name__ == "__main__":
    main()
