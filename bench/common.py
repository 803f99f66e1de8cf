"""What every benchmark shares: percentiles, the figure records they report, their JSON output,
and a description of the machine they ran on."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

from simulator.server import CREDENTIALS

# The Redis the benchmarks use: REDIS_URL, else the one on 127.0.0.1:6379. Named once, here, as the
# tests' is in tests/support/cache.py (benchmarks import nothing from tests/).
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


class Figure(TypedDict):
    """One line of the benchmark table: what was measured, at what scale, and against which goal."""

    benchmark: str
    figure: str
    scale: str
    value: str
    goal: str
    met: bool | None


def figure(
    benchmark: str, name: str, scale: str, value: str, goal: str = "", met: bool | None = None
) -> Figure:
    return Figure(benchmark=benchmark, figure=name, scale=scale, value=value, goal=goal, met=met)


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..1) of at least one value."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def in_process_simulator() -> None:
    """Environment for benchmarks that run moto in-process: fake credentials, no endpoint."""
    for name, value in CREDENTIALS.items():
        os.environ.setdefault(name, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)


def write_results(path: Path | None, figures: list[Figure], rows: list[dict[str, Any]]) -> None:
    """The benchmark's output for `bench.run` (and anyone else): its figures and its raw rows."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"figures": figures, "rows": rows}, indent=2, default=str))


def machine() -> dict[str, Any]:
    """The machine the figures come from: they mean little without it."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
