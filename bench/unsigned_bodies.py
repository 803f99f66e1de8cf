"""The bot's memory under unauthenticated load: many concurrent unsigned bodies of the largest size
it accepts, against its idle size.

    .venv/bin/python -m bench.unsigned_bodies [--concurrent 50] [--rounds 4] [--json FILE]

The bot serves HTTP (waitress, with its production limits) in a process of its own, as in
bench.slack_latency; this process sends `--concurrent` POSTs of the largest body it accepts (one
byte under `bot.server.MAX_BODY`, 1 MiB) without a signature at once, `--rounds` times, while a
thread samples the bot's resident memory (/proc/<pid>/status VmRSS) every 5 ms. Goal: peak within
100 MB of idle, every request refused with 401.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from typing import Any

import requests

from bench.common import Figure, figure, write_results
from bench.slack_latency import start_bot
from bot.slack.server import MAX_BODY

GOAL_MB = 100


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(concurrent: int, rounds: int) -> dict[str, Any]:
    server, stop, url, _ = start_bot()
    assert server.pid is not None
    pid = server.pid
    body = b"a" * (MAX_BODY - 1)  # the largest accepted; one object shared by every sender
    statuses: list[int] = []
    lock = threading.Lock()
    try:
        time.sleep(1.0)
        idle = rss_mb(pid)
        peak = idle
        sampling = True

        def sample() -> None:
            nonlocal peak
            while sampling:
                peak = max(peak, rss_mb(pid))
                time.sleep(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        for _ in range(rounds):
            barrier = threading.Barrier(concurrent)

            def send(barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                response = requests.post(
                    f"{url}/slack/events",
                    data=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    timeout=60,
                )
                with lock:
                    statuses.append(response.status_code)

            senders = [threading.Thread(target=send) for _ in range(concurrent)]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join()
        seconds = time.perf_counter() - started
        time.sleep(0.2)
        sampling = False
        sampler.join()
        healthy = requests.get(f"{url}/healthz", timeout=10).status_code
    finally:
        stop.set()
        server.join(timeout=30)
    return {
        "concurrent": concurrent,
        "rounds": rounds,
        "body_bytes": len(body),
        "idle_mb": round(idle, 1),
        "peak_mb": round(peak, 1),
        "growth_mb": round(peak - idle, 1),
        "seconds": round(seconds, 2),
        "statuses": sorted(set(statuses)),
        "healthz_after": healthy,
    }


def figures(result: dict[str, Any]) -> list[Figure]:
    scale = f"{result['concurrent']} x {result['body_bytes'] // 1024} KiB unsigned, {result['rounds']} rounds"
    refused = result["statuses"] == [401] and result["healthz_after"] == 200
    return [
        figure(
            "unsigned_bodies",
            "bot memory growth under unsigned bodies",
            scale,
            f"{result['growth_mb']} MB (idle {result['idle_mb']}, peak {result['peak_mb']})",
            f"<= {GOAL_MB} MB, every request 401",
            result["growth_mb"] <= GOAL_MB and refused,
        )
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = measure(args.concurrent, args.rounds)
    found = figures(result)
    for line in found:
        print(f"{line['figure']}: {line['value']} ({'met' if line['met'] else 'MISSED'}) {result}")
    write_results(args.json, found, [result])


if __name__ == "__main__":
    main()
