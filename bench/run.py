"""Every benchmark in one run: one table of figures, one JSON file.

    .venv/bin/python -m bench [--quick] [--json bench/results/latest.json] [--readme] [--render FILE]
        [--only query_plans,cache,slack_latency,digest,interpreter,isolation,redis_sizing,rendering]

Each benchmark runs in a process of its own (fresh memory, its own simulator and moto state) and
reports its figures as JSON; this collects them, prints one table with the machine it ran on,
writes everything to --json, and with --readme rewrites the table in README.md. --quick runs
smaller organizations and fewer repetitions (under two minutes on 2 cores); the full run includes
10,000 accounts x 17 regions (about 22 minutes and 11 GB of memory for the simulator). --render
shows an earlier run's JSON instead of running.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Figure, figure, machine

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Section:
    """One benchmark module (bench.<module>) and the arguments it runs with."""

    module: str
    args: tuple[str, ...] = ()


QUICK = (
    Section("query_plans", ("--sizes", "10x4,100x4,10x17,100x17")),
    Section("cache", ("--accounts", "100", "--repeats", "50")),
    Section("slack_latency", ("--in-flight", "200", "--cached", "30")),
    Section("digest", ("--sizes", "100x17")),
    Section("unsigned_bodies", ("--concurrent", "50", "--rounds", "2")),
    Section("interpreter", ("--repeats", "10")),
    Section("isolation", ("--seconds", "10", "--in-flight", "20", "--helps", "30")),
    Section("redis_sizing", ("--sizes", "100x17", "--audit-entries", "10000")),
    Section("rendering", ("--sizes", "1000x17")),
)
FULL = (
    Section("query_plans", ("--sizes", "10x4,100x4,1000x4,10000x4,10x17,100x17,1000x17,10000x17")),
    Section("cache", ("--accounts", "1000", "--repeats", "200")),
    Section("slack_latency", ("--in-flight", "200", "--cached", "100")),
    Section("digest", ("--sizes", "1000x17,10000x17")),
    Section("unsigned_bodies", ("--concurrent", "50", "--rounds", "10")),
    Section("interpreter", ("--repeats", "40")),
    Section("isolation", ("--seconds", "60", "--in-flight", "50", "--helps", "100")),
    Section("redis_sizing", ("--sizes", "1000x17,10000x17")),
    Section("rendering", ("--sizes", "1000x17,10000x17")),
)


def run_section(section: Section) -> tuple[list[Figure], list[dict[str, Any]], float]:
    """Run one benchmark in a child process; its figures (a failed one if it failed), raw rows and
    wall time. Its own output goes straight through, as progress."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        started = time.perf_counter()
        command = [sys.executable, "-m", f"bench.{section.module}", *section.args, "--json", str(out)]
        print(f"\n== {section.module}: {' '.join(section.args)}", flush=True)
        finished = subprocess.run(command, cwd=ROOT, check=False)
        seconds = time.perf_counter() - started
        if finished.returncode != 0 or not out.exists():
            failed = figure(
                section.module, "benchmark failed", "", f"exit status {finished.returncode}", met=False
            )
            return [failed], [], seconds
        result = json.loads(out.read_text())
        return result["figures"], result["rows"], seconds


def collect(sections: tuple[Section, ...] | list[Section], mode: str) -> dict[str, Any]:
    started = datetime.now(UTC)
    figures: list[Figure] = []
    details: dict[str, Any] = {}
    for section in sections:
        found, rows, seconds = run_section(section)
        figures.extend(found)
        details[section.module] = {"args": list(section.args), "seconds": round(seconds, 1), "rows": rows}
    return {
        "mode": mode,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "machine": machine(),
        "figures": figures,
        "details": details,
    }


def _verdict(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def text_table(figures: list[Figure]) -> str:
    """The figures as aligned plain-text columns, for the terminal."""
    header = ("benchmark", "figure", "scale", "value", "goal", "met")
    rows = [header] + [
        (f["benchmark"], f["figure"], f["scale"], f["value"], f["goal"], _verdict(f["met"])) for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows
    )


def machine_line(result: dict[str, Any]) -> str:
    m = result["machine"]
    return (
        f"{result['mode']} run of {result['started']} ({result['seconds']:.0f} s) on {m['cpu']}, "
        f"{m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, {m['system']}"
    )


def markdown_table(result: dict[str, Any]) -> str:
    """The figures as the README shows them, with the machine and the command."""
    command = "python -m bench" + (" --quick" if result["mode"] == "quick" else "")
    lines = [
        f"`.venv/bin/{command}`: {machine_line(result)}.",
        "",
        "| Benchmark | Figure | Scale (accounts x regions) | Value | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    for f in result["figures"]:
        cells = (f["benchmark"], f["figure"], f["scale"], f["value"], f["goal"], _verdict(f["met"]))
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def replace_between_markers(text: str, table: str) -> str:
    """The README with the text between the bench markers replaced by the table."""
    before, found, rest = text.partition(START)
    if not found or END not in rest:
        raise ValueError(f"the README has no {START} ... {END} section")
    return f"{before}{START}\n{table}\n{END}{rest.split(END, 1)[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes: under two minutes")
    parser.add_argument("--only", default="", help="comma-separated benchmarks to run (default: all)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--readme", action="store_true", help="rewrite the table in README.md")
    parser.add_argument("--render", type=Path, help="show (and with --readme write) an earlier run's JSON")
    args = parser.parse_args(argv)
    if args.render:
        return report(json.loads(args.render.read_text()), None, args.readme)
    sections: tuple[Section, ...] = QUICK if args.quick else FULL
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {s.module for s in sections}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        sections = tuple(s for s in sections if s.module in wanted)
    return report(collect(sections, "quick" if args.quick else "full"), args.json, args.readme)


def report(result: dict[str, Any], json_path: Path | None, readme: bool) -> int:
    """Print the table, write the JSON and the README's table; 1 if a goal was missed."""
    print(f"\n{machine_line(result)}\n")
    print(text_table(result["figures"]))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2, default=str))
        print(f"\nJSON: {json_path}")
    if readme:
        README.write_text(replace_between_markers(README.read_text(), markdown_table(result)))
        print(f"README table rewritten: {README}")
    return 1 if any(f["met"] is False for f in result["figures"]) else 0


if __name__ == "__main__":
    sys.exit(main())
