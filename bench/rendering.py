"""The CPU of turning one page of a large answer into a Slack message.

    .venv/bin/python -m bench.rendering [--sizes 1000x17,10000x17] [--repeats 3] [--json FILE]

Every page turn, refresh and update renders the whole cached answer again: its strings are made
neutral (`bot/slack/text.py`), then the presenter picks the page and builds the per-account table.
This builds a rule answer the size an organization of accounts x regions gives (the rule failing
in a third of its sources, five resources per account) and times `message()` for one page: the
best of --repeats, on one core, no I/O.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Figure, figure, write_results
from bot.answers.models import Answer, Count, NonCompliantResource, RuleCompliance, SourceCount
from bot.presenters.message import message
from bot.presenters.rule import RULE
from bot.questions.question import Question

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
GOAL_SECONDS = 2.0  # a page turn is acknowledged at once; its message should follow as quickly


def rule_answer(accounts: int, regions: int) -> Answer[RuleCompliance]:
    sources = [
        SourceCount(account_id=f"{a:012d}", region=f"region-{r}", non_compliant=Count(value=1))
        for a in range(accounts)
        for r in range(regions)
        if (a + r) % 3 == 0
    ]
    resources = [
        NonCompliantResource(
            account_id=f"{i // 5:012d}",
            region="region-0",
            resource_type="AWS::S3::Bucket",
            resource_id=f"bucket-{i}",
            rule="s3-encryption",
            rule_names=["s3-bucket-server-side-encryption-enabled"],
            annotation="Server-side encryption is not enabled.",
            evaluated_at=NOW,
            console_url=f"https://console.aws.amazon.com/config/home?region=region-0#/r/{i}",
        )
        for i in range(accounts * 5)
    ]
    data = RuleCompliance(
        rule="s3-encryption",
        member_rule_names=["s3-bucket-server-side-encryption-enabled"],
        plan="fan-out",
        resources=resources,
        sources=sources,
        complete=True,
    )
    return Answer[RuleCompliance](
        question="s3-encryption", aggregator="OrgAggregator", data=data, as_of=NOW, aws_calls=1
    )


def run(accounts: int, regions: int, repeats: int) -> dict[str, Any]:
    answer = rule_answer(accounts, regions)
    question = Question("rule", {"rule": "s3-encryption"})
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        message(answer, RULE, NOW, question, page=3)
        times.append(time.perf_counter() - start)
    return {
        "accounts": accounts,
        "regions": regions,
        "sources": len(answer.data.sources),
        "resources": len(answer.data.resources),
        "page_ms": round(min(times) * 1000, 1),
    }


def figures(rows: list[dict[str, Any]]) -> list[Figure]:
    return [
        figure(
            "rendering",
            "one page of a rule answer rendered (neutral text, page, per-account table)",
            f"{r['accounts']} x {r['regions']}",
            f"{r['page_ms'] / 1000:.2f} s ({r['sources']} sources, {r['resources']} resources)",
            f"< {GOAL_SECONDS:g} s",
            r["page_ms"] / 1000 < GOAL_SECONDS,
        )
        for r in rows
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000x17,10000x17")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes.split(","):
        accounts, regions = (int(x) for x in size.split("x"))
        row = run(accounts, regions, args.repeats)
        print(
            f"{size:>9}: {row['sources']} sources, {row['resources']} resources, "
            f"one page in {row['page_ms']} ms",
            flush=True,
        )
        rows.append(row)
    write_results(args.json, figures(rows), rows)


if __name__ == "__main__":
    main()
