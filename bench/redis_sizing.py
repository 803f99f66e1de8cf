"""Redis memory for what the bot keeps without a TTL, per 1,000 accounts: 90 days of digests,
digest subscriptions, watches and waivers (and the audit stream, whose bound is fixed).

    .venv/bin/python -m bench.redis_sizing [--sizes 1000x17,10000x17] [--audit-entries 100000]
                                           [--json FILE]

For each size, moto in this process seeds an organization with the simulator (one resource per
account and region, as bench/digest.py: about 28 findings, a resource breaking a logical rule, per
account at 17 regions; counted and printed), and the bot's own stores write what it keeps, under
a key prefix of this run's own in the Redis at REDIS_URL (nothing else is read or touched; the
prefix's keys are deleted at the end, whatever happens):

- digests: the snapshot the digest takes (bot.digest.snapshot_plan), saved by SnapshotStore on 90
  consecutive days, so its retention applies (8 whole snapshots and 90 day summaries kept);
- subscriptions: SUBSCRIPTIONS_PER_1000 channels' digests (SubscriptionStore);
- watches (WatchStore): `watch all`, one watch on each of the RULE_WATCHES rules with the most
  findings, and ACCOUNT_WATCHES_PER_1000 account watches, each recorded as the watch runner records
  it: first its baseline, then, as the bound, every finding alerted (its entry holds the resource).
  Their readings are made from the seed's NON_COMPLIANT evaluations through the bot's own detail
  parsing and merge (bot.questions.plans.reads, bot.answers.counting): the poll itself makes one
  detail call per source, hours of moto at 10,000 accounts. The figure says whether they equal
  what the watch's own poll (bot.watch.poll) reads for one rule watch and CHECKED_ACCOUNTS account
  watches;
- waivers: WAIVERS_PER_1000 waivers on findings of the snapshot (WaiverStore), each with a reason
  of REASON_CHARS characters;
- the audit stream: --audit-entries question lines (bot.access.audit; its MAXLEN is 100,000).

Then `MEMORY USAGE <key> SAMPLES 0` of every key: MB (10^6 bytes) per category, per 1,000 accounts
and in all, against the `maxmemory` of deploy/kubernetes/base/redis.conf. What has a TTL (cached
answers, leases, event ids, threads) is what that limit leaves, and what `volatile-lru` evicts.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
import yaml
from moto import mock_aws
from moto.core.base_backend import BackendDict

from bench.common import REDIS_URL, Figure, figure, in_process_simulator, write_results
from bot.access.audit import STREAM_MAXLEN, Audit
from bot.answers import counting
from bot.aws.client import Tally
from bot.cache.store import Cache, connect
from bot.deps import build_deps, policy_from
from bot.digest.runner import SubscriptionStore
from bot.digest.schedule import DigestSubscription
from bot.digest.snapshot_plan import take_snapshot
from bot.digest.snapshots import RETENTION_DAYS, SNAPSHOT_DAYS, Snapshot, SnapshotStore
from bot.questions.plans import PlanContext, reads
from bot.settings import Settings
from bot.waivers.model import Waiver
from bot.waivers.store import WaiverStore
from bot.watch import poll
from bot.watch.model import Seen, Watch, finding_key
from bot.watch.store import WatchStore
from simulator import install
from simulator.orggen import WIDE_REGIONS, OrgSpec, SeededOrg, generate

ROOT = Path(__file__).resolve().parent.parent
REDIS_CONF = ROOT / "deploy/kubernetes/base/redis.conf"
REDIS_MANIFEST = ROOT / "deploy/kubernetes/base/redis.yaml"

# What an organization makes from Slack, per 1,000 accounts (assumptions, stated in the output).
SUBSCRIPTIONS_PER_1000 = 50  # a digest in one team channel per 20 accounts
RULE_WATCHES = 10  # the security channel watches its ten noisiest rules, organization-wide
ACCOUNT_WATCHES_PER_1000 = 50  # and teams watch one account in twenty
CHECKED_ACCOUNTS = 3  # account watches also read by the poll, to check the seeded readings
WAIVERS_PER_1000 = 200
REASON_CHARS = 80  # a waiver's reason (at most 500): with the rest, about 500 bytes of JSON
CATEGORIES = ("digests", "subscriptions", "watches", "waivers", "audit")
MB = 1e6


def redis_limits(conf: Path = REDIS_CONF, manifest: Path = REDIS_MANIFEST) -> dict[str, Any]:
    """The deployed Redis's `maxmemory` (bytes, Redis's units: 1mb = 2^20), its eviction policy, and
    its container's memory limit, as deploy/ sets them."""
    settings = {}
    for line in conf.read_text().splitlines():
        words = line.split(None, 1)
        if len(words) == 2 and not words[0].startswith("#"):
            settings[words[0]] = words[1].strip()
    amount = re.fullmatch(r"(\d+)([a-z]*)", settings["maxmemory"].lower())
    if amount is None:
        raise ValueError(f"{conf}: maxmemory {settings['maxmemory']!r} is not a size")
    scale = {"": 1, "k": 1000, "kb": 2**10, "m": 10**6, "mb": 2**20, "g": 10**9, "gb": 2**30}
    maxmemory = int(amount[1]) * scale[amount[2]]
    container = next(
        c
        for doc in yaml.safe_load_all(manifest.read_text())
        if doc and doc["kind"] == "StatefulSet"
        for c in doc["spec"]["template"]["spec"]["containers"]
    )
    return {
        "maxmemory": settings["maxmemory"],
        "maxmemory_bytes": maxmemory,
        "policy": settings["maxmemory-policy"],
        "container_limit": container["resources"]["limits"]["memory"],
    }


def category_of(prefix: str, key: str) -> str:
    part = key.removeprefix(f"{prefix}:").split(":", 1)[0]
    return {
        "snap": "digests",
        "snapsum": "digests",
        "digest": "subscriptions",
        "watch": "watches",
        "waiver": "waivers",
        "audit": "audit",
    }[part]


def usage(client: redis.Redis, prefix: str) -> tuple[dict[str, int], dict[str, int]]:
    """Bytes and keys per category, from MEMORY USAGE of every key under the prefix."""
    used: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for raw in client.scan_iter(match=f"{prefix}:*", count=1000):
        name = raw.decode()
        category = category_of(prefix, name)
        used[category] += int(client.memory_usage(name, samples=0) or 0)
        keys[category] += 1
    return {c: used[c] for c in CATEGORIES}, {c: keys[c] for c in CATEGORIES}


@contextlib.contextmanager
def own_prefix(client: redis.Redis) -> Iterator[str]:
    """A key prefix no one else uses, its keys deleted afterwards."""
    prefix = f"bench-sizing-{uuid.uuid4().hex[:8]}"
    try:
        yield prefix
    finally:
        for found in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(found)


def timed(label: str, step: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = step()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def save_days(store: SnapshotStore, snapshot: Snapshot) -> None:
    """The snapshot saved on each of the last RETENTION_DAYS days, oldest first, as the digest saves
    one a day: the store drops what its retention does not keep."""
    for days_ago in range(RETENTION_DAYS - 1, -1, -1):
        store.save(snapshot.model_copy(update={"taken_at": snapshot.taken_at - timedelta(days=days_ago)}))


def subscribe(deps: Any, count: int) -> None:
    store = SubscriptionStore(deps)
    for n in range(count):
        store.put(
            DigestSubscription(
                channel=f"C0TEAM{n:05d}",
                time="09:00",
                timezone="Europe/Paris",
                weekdays=("mon", "tue", "wed", "thu", "fri"),
                source="slack",
            )
        )


def record_watch(store: WatchStore, watch: Watch, reading: poll.Reading, alerted: bool) -> None:
    """What the runner writes: the baseline (a first tick), or every finding alerted (the bound)."""
    now = time.time()
    if not alerted:
        seen = {k: Seen(state="baseline", at=now) for k in reading.findings}
        store.record(watch, seen, counts=reading.counts, ready=True)
        return
    ts = f"{int(now)}.000100"
    alerts = {k: Seen.alerted(ts) for k, r in reading.findings.items() if r is not None}
    store.record(watch, alerts)


def seeded_reading(org: SeededOrg, logical_name: Callable[[str], str], at: datetime) -> poll.Reading:
    """`watch all`'s first reading as the poll makes it, from the seed: each NON_COMPLIANT
    evaluation as AWS's detail item, through the bot's parsing (logical rule, console link) and
    merge (one finding per logical rule and resource); AWS's count per physical rule, account and
    region, capped as the simulator caps it."""
    failing = [e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT"]
    found = []
    for e in failing:
        qualifier = {
            "ConfigRuleName": e.rule_name,
            "ResourceType": e.resource_type,
            "ResourceId": e.resource_id,
        }
        detail = {
            "AccountId": e.account_id,
            "AwsRegion": e.region,
            "EvaluationResultIdentifier": {"EvaluationResultQualifier": qualifier},
            "Annotation": e.annotation,
            "ResultRecordedTime": at,
        }
        found.append(reads.resource_from_detail(detail, logical_name(e.rule_name)))
    sources: dict[str, set[str]] = {}
    for e in failing:
        sources.setdefault(f"{e.rule_name}|{e.account_id}|{e.region}", set()).add(e.resource_id)
    cap = org.spec.contributor_cap
    counts = {k: json.dumps([min(len(ids), cap), len(ids) > cap]) for k, ids in sources.items()}
    return poll.Reading({finding_key(r): r for r in counting.merge(found)}, counts, 0)


def restricted(
    reading: poll.Reading, keep: Callable[[str], bool], keep_count: Callable[[str], bool]
) -> poll.Reading:
    """`watch all`'s reading as an account or rule watch reads it (the same rows, filtered): the
    findings whose key `keep` keeps, the counts whose key `keep_count` keeps."""
    return poll.Reading(
        {k: v for k, v in reading.findings.items() if keep(k)},
        {k: v for k, v in reading.counts.items() if keep_count(k)},
        0,
    )


def of_rule(reading: poll.Reading, rule: str, logical_name: Callable[[str], str]) -> poll.Reading:
    """A finding's key starts with its logical rule; a count's with the rule's name in the account."""
    return restricted(
        reading,
        lambda key: key.split("|", 1)[0] == rule,
        lambda key: logical_name(key.split("|", 1)[0]) == rule,
    )


def of_account(reading: poll.Reading, account: str) -> poll.Reading:
    """Findings' and counts' keys both name the account second."""

    def mine(key: str) -> bool:
        return key.split("|")[1] == account

    return restricted(reading, mine, mine)


def watch_set(
    org: SeededOrg, snapshot: Snapshot, whole: poll.Reading, logical_name: Callable[[str], str]
) -> list[tuple[Watch, poll.Reading]]:
    """`watch all`, the noisiest rules' watches and the account watches, with their first readings."""
    watches = [(Watch(channel="C0SECURITY01"), whole)]
    for rule, _ in Counter(f[2] for f in snapshot.findings).most_common(RULE_WATCHES):
        watches.append((Watch(channel="C0SECURITY01", rule=rule), of_rule(whole, rule, logical_name)))
    step = max(1, round(1000 / ACCOUNT_WATCHES_PER_1000))
    for n, account in enumerate(org.accounts[::step]):
        watches.append((Watch(channel=f"C0TEAM{n:05d}", account=account), of_account(whole, account)))
    return watches


def same_as_poll(ctx: PlanContext, watch: Watch, seeded: poll.Reading) -> bool:
    """Whether the watch's own poll reads the seeded reading's findings (with their fields) and counts."""
    polled = poll.read(ctx, watch, {}, set())

    def fields(reading: poll.Reading) -> dict[str, Any]:
        return {
            k: None if r is None else r.model_dump(exclude={"evaluated_at"})
            for k, r in reading.findings.items()
        }

    return fields(polled) == fields(seeded) and polled.counts == seeded.counts


def waive(client: redis.Redis, prefix: str, snapshot: Snapshot, count: int) -> int:
    """`count` waivers spread over the snapshot's findings; the mean bytes of one stored value."""
    store = WaiverStore(client, prefix)
    now = datetime.now(UTC)
    reason = ("Accepted until the migration to the new platform: compensating control in place, " * 4)[
        :REASON_CHARS
    ]
    step = max(1, len(snapshot.findings) // max(1, count))
    for finding in snapshot.findings[::step][:count]:
        store.put(
            Waiver.of_finding(
                finding,
                now + timedelta(days=90),
                reason,
                "U0SECLEAD01",
                resource_name=finding[4],
                created_at=now,
                aggregator=snapshot.aggregator,
            )
        )
    lengths = [client.hstrlen(store.key, field) for field in client.hkeys(store.key)]
    return round(sum(lengths) / len(lengths)) if lengths else 0


def audit(client: redis.Redis, prefix: str, entries: int) -> None:
    trail = Audit(client, f"{prefix}:audit")
    with contextlib.redirect_stdout(io.StringIO()) as lines:  # each line is printed too
        for n in range(entries):
            trail.record(
                event="question",
                surface="command",
                team="T0EXAMPLE",
                channel="C0SECURITY01",
                user=f"U0USER{n % 500:04d}",
                text="s3-encryption account 222222222222 region eu-west-1",
                aggregator="OrgAggregator",
                scope="all",
                kind="rule",
                cache_hit=n % 3 != 0,
                aws_calls=n % 40,
                duration_ms=123.4,
                outcome="answered",
            )
            if n % 10_000 == 0:
                lines.seek(0)
                lines.truncate()


def measure(accounts: int, regions: int, audit_entries: int) -> dict[str, Any]:
    client = redis.Redis.from_url(REDIS_URL)
    print(f"{accounts} accounts x {regions} regions", flush=True)
    with mock_aws(), own_prefix(client) as prefix:
        org = timed(
            "seeding",
            lambda: generate(
                OrgSpec(accounts=accounts, regions=WIDE_REGIONS[:regions], resources_per_region=1)
            ),
        )
        settings = Settings(
            aggregator=org.aggregator_name,
            aggregator_region="us-east-1",
            role_arn=org.role_arn,
            SLACK_API_URL="http://127.0.0.1:9/api/",
        )
        deps = build_deps(settings, cache=Cache(connect(REDIS_URL), policy_from(settings, prefix=prefix)))
        snapshot: Snapshot = timed("snapshot", lambda: take_snapshot(deps.plans, org.aggregator_name).data)
        timed(f"{RETENTION_DAYS} days of digests", lambda: save_days(SnapshotStore(client, prefix), snapshot))
        per_1000 = accounts / 1000
        subscribe(deps, round(SUBSCRIPTIONS_PER_1000 * per_1000))

        store = WatchStore(client, prefix)
        logical_name = deps.plans.catalog_of(Tally()).memoized_logical_name()
        whole = timed("seeded watch readings", lambda: seeded_reading(org, logical_name, snapshot.taken_at))
        watches = watch_set(org, snapshot, whole, logical_name)
        # The least noisy rule watch and a few account watches, read by the poll itself.
        checked = [w for w in watches if w[0].rule][-1:] + [w for w in watches if w[0].account][
            :CHECKED_ACCOUNTS
        ]
        matches = timed("poll check", lambda: [same_as_poll(deps.plans, w, r) for w, r in checked])
        for watch, reading in watches:
            store.put(watch)
            record_watch(store, watch, reading, alerted=False)
        baseline, _ = usage(client, prefix)
        for watch, reading in watches:
            record_watch(store, watch, reading, alerted=True)

        waiver_bytes = waive(client, prefix, snapshot, round(WAIVERS_PER_1000 * per_1000))
        timed(f"audit stream ({audit_entries:,} entries)", lambda: audit(client, prefix, audit_entries))
        used, keys = usage(client, prefix)
    BackendDict.reset()
    findings = len(snapshot.findings)
    row = {
        "accounts": accounts,
        "regions": regions,
        "non_compliant_findings": findings,
        "findings_per_account": round(findings / accounts, 1),
        "snapshots_kept": SNAPSHOT_DAYS,
        "summaries_kept": RETENTION_DAYS,
        "subscriptions": round(SUBSCRIPTIONS_PER_1000 * per_1000),
        "watches": len(watches),
        "watched_findings": sum(len(r.findings) for _, r in watches),
        "waivers": round(WAIVERS_PER_1000 * per_1000),
        "waiver_value_bytes": waiver_bytes,
        "audit_entries": audit_entries,
        "watches_baseline_bytes": baseline["watches"],
        "watch_findings_seeded_vs_snapshot": [len(whole.findings), findings],
        "poll_checked_watches": len(matches),
        "poll_check_same": all(matches),
        "bytes": used,
        "keys": keys,
    }
    print(row, flush=True)
    return row


def megabytes(n: float) -> str:
    return f"{n / MB:,.2f} MB"


def figures(rows: list[dict[str, Any]], limits: dict[str, Any]) -> list[Figure]:
    return [line for row in rows for line in row_figures(row, limits)]


def row_figures(row: dict[str, Any], limits: dict[str, Any]) -> list[Figure]:
    scale = f"{row['accounts']} x {row['regions']}"
    thousands = row["accounts"] / 1000
    used = row["bytes"]
    watched = max(1, row["watched_findings"])
    baseline = row["watches_baseline_bytes"]

    def per_1000(n: float) -> str:
        return f"{megabytes(n / thousands)} ({megabytes(n)} in all)"

    def line(name: str, value: str, goal: str = "", met: bool | None = None) -> Figure:
        return figure("redis_sizing", name, scale, value, goal, met)

    grows = sum(used[c] for c in CATEGORIES if c != "audit")
    total, maxmemory = grows + used["audit"], limits["maxmemory_bytes"]
    return [
        line(
            f"Redis per 1,000 accounts: {RETENTION_DAYS} days of digests ({SNAPSHOT_DAYS} whole snapshots, "
            f"{RETENTION_DAYS} day summaries; {row['findings_per_account']:g} findings per account)",
            per_1000(used["digests"]),
        ),
        line(
            f"Redis per 1,000 accounts: digest subscriptions ({SUBSCRIPTIONS_PER_1000} per 1,000 accounts)",
            per_1000(used["subscriptions"]),
        ),
        line(
            f"Redis per 1,000 accounts: watches ({row['watches']}: watch all, {RULE_WATCHES} rules, "
            f"{ACCOUNT_WATCHES_PER_1000} accounts per 1,000), every finding alerted",
            f"{per_1000(used['watches'])}; {row['watched_findings']:,} watched findings, "
            f"{used['watches'] / watched:,.0f} bytes each (at their baselines: {baseline / watched:,.0f} "
            f"bytes each, {megabytes(baseline / thousands)} per 1,000 accounts)",
        ),
        line(
            f"watch readings made from the seed = the poll's (1 rule, {CHECKED_ACCOUNTS} account watches)",
            "same" if row["poll_check_same"] else "DIFFERENT",
            "same",
            bool(row["poll_check_same"]),
        ),
        line(
            f"Redis per 1,000 accounts: waivers ({WAIVERS_PER_1000} per 1,000 accounts, "
            f"{row['waiver_value_bytes']} bytes of JSON each)",
            per_1000(used["waivers"]),
        ),
        line(f"Redis: the audit stream ({row['audit_entries']:,} entries)", megabytes(used["audit"])),
        line(
            "Redis kept without TTL, against the deployed maxmemory",
            f"{megabytes(grows / thousands)} per 1,000 accounts + {megabytes(used['audit'])} audit = "
            f"{megabytes(total)}: {total / maxmemory:.0%} of maxmemory {limits['maxmemory']} "
            f"({megabytes(maxmemory)}), {megabytes(maxmemory - total)} left for cached answers",
            f"< maxmemory {limits['maxmemory']} (deploy/kubernetes/base/redis.conf)",
            total < maxmemory,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000x17,10000x17")
    parser.add_argument("--audit-entries", type=int, default=STREAM_MAXLEN)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    in_process_simulator()
    install()
    limits = redis_limits()
    rows = []
    for size in args.sizes.split(","):
        accounts, regions = (int(x) for x in size.split("x"))
        rows.append(measure(accounts, regions, args.audit_entries))
    found = figures(rows, limits)
    print(
        f"\nRedis at {REDIS_URL}; deploy/: maxmemory {limits['maxmemory']} ({limits['policy']}), "
        f"container limit {limits['container_limit']}"
    )
    for line in found:
        print(f"{line['figure']} ({line['scale']}): {line['value']}")
    write_results(args.json, found, [{**row, "limits": limits} for row in rows])


if __name__ == "__main__":
    main()
