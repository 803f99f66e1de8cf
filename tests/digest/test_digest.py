"""The daily digest: content, delta, chart, and exactly once across replicas, restarts and kills."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from bot.access.scopes import AccessConfig
from bot.answers.models import SourceProblem
from bot.app import create_app
from bot.cache.store import Cache, connect
from bot.deps import Deps, build_deps, policy_from
from bot.digest import chart
from bot.digest import message as digest
from bot.digest.runner import DigestRunner, DigestScheduler, SubscriptionStore
from bot.digest.schedule import DigestSubscription
from bot.digest.snapshot_plan import take_snapshot
from bot.digest.snapshots import RETENTION_DAYS, SNAPSHOT_DAYS, Snapshot
from playground.slack_api import SlackStandIn
from simulator import operations
from simulator.faults import FAULTS, THROTTLING
from simulator.orggen import SeededOrg
from simulator.state import Evaluation, backend
from tests.support.aws import settings_for
from tests.support.cache import REDIS_URL

NINE_PARIS = datetime(2026, 11, 26, 8, 0, 30, tzinfo=UTC)  # 09:00:30 in Paris
PARIS = DigestSubscription(channel="C0SECURITY", time="09:00", timezone="Europe/Paris")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def make_deps(org: SeededOrg, slack: SlackStandIn, prefix: str, clock: Clock, **overrides: Any) -> Deps:
    settings = settings_for(
        org,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=slack.api_url,
        REDIS_URL=REDIS_URL,
        **overrides,
    )
    cache = Cache(connect(REDIS_URL), policy_from(settings, prefix=prefix))
    _, deps = create_app(settings, build_deps(settings, cache=cache, clock=clock))
    return deps


def scheduler(deps: Deps, subscriptions: list[DigestSubscription], **runner: Any) -> DigestScheduler:
    return DigestScheduler(
        deps,
        DigestRunner(deps, retry_delays=(0.0, 0.0), lease_seconds=2.0, **runner),
        subscriptions,
        grace=timedelta(hours=6),
    )


def digests(slack: SlackStandIn, channel: str = "C0SECURITY") -> list[dict[str, Any]]:
    return [c.params for c in slack.of("chat.postMessage") if c.params.get("channel") == channel]


def flip(org: SeededOrg, count: int) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """Fix `count` non-compliant findings and break `count` compliant ones: the second day's seed."""
    non = [
        e
        for e in org.evaluations
        if e.compliance_type == "NON_COMPLIANT" and e.resource_type != "AWS::::Account"
    ]
    ok = [
        e for e in org.evaluations if e.compliance_type == "COMPLIANT" and e.resource_type != "AWS::::Account"
    ]
    fixed, broken = non[:count], ok[:count]
    later = datetime.now(UTC) + timedelta(minutes=5)
    for evaluation, verdict in [*((e, "COMPLIANT") for e in fixed), *((e, "NON_COMPLIANT") for e in broken)]:
        operations.record_evaluations(
            backend(evaluation.account_id, evaluation.region),
            evaluation.rule_name,
            [Evaluation(evaluation.resource_type, evaluation.resource_id, verdict, later, later, "flipped")],
        )
    return (
        {(e.account_id, e.region, e.logical_rule, e.resource_type, e.resource_id) for e in fixed},
        {(e.account_id, e.region, e.logical_rule, e.resource_type, e.resource_id) for e in broken},
    )


# --- content ------------------------------------------------------------------------------------


def test_the_delta_between_two_days_is_exactly_the_difference_of_the_seeds(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    clock = Clock(NINE_PARIS - timedelta(days=1))
    deps = make_deps(org, slack, prefix, clock)
    runner = DigestRunner(deps, retry_delays=())
    first, _ = runner._snapshot(org.aggregator_name)
    truth = {
        (e.account_id, e.region, e.logical_rule, e.resource_type, e.resource_id)
        for e in org.evaluations
        if e.compliance_type == "NON_COMPLIANT"
    }
    assert first is not None and set(first.findings) == truth
    fixed, broken = flip(org, 3)
    clock.now = NINE_PARIS
    second, _ = runner._snapshot(org.aggregator_name)
    assert second is not None
    change = digest.delta(second, first)
    assert change is not None
    # A fixed finding stays non-compliant if another copy of its rule still flags the resource.
    still = set(second.findings)
    assert set(change.fixed) == {f for f in fixed if f not in still}
    assert set(change.newly_non_compliant) == {b for b in broken if b not in set(first.findings)}
    assert change.fixed and change.newly_non_compliant


def test_the_trend_chart_is_a_valid_png() -> None:
    day = datetime(2026, 11, 1).date()
    points = [(day + timedelta(days=i), 100 - i, 400 + i) for i in range(30)]
    for data in (points, points[:1], []):
        png = chart.trend_png(data)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(png))
        image.verify()
        assert image.size == (chart.WIDTH, chart.HEIGHT)


def test_a_digest_for_ten_thousand_accounts_stays_inside_slacks_limits() -> None:
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)

    def snapshot(offset: int) -> Snapshot:
        findings = [
            (f"{a:012d}", "eu-west-1", f"rule-{a % 40}", "AWS::S3::Bucket", f"bucket-{a}-{offset + k}")
            for a in range(10_000)
            for k in range(3)
        ]
        problems = [
            SourceProblem(
                source_id=f"{a:012d}",
                source_type="ACCOUNT",
                region="us-east-1",
                status="FAILED",
                error_code="AccessDeniedException",
            )
            for a in range(500)
        ]
        return Snapshot(
            aggregator="Org",
            taken_at=now,
            compliant_resources=90_000,
            non_compliant_resources=30_000,
            compliant_rules=300_000,
            non_compliant_rules=50_000,
            findings=findings,
            problems=problems,
        )

    message = digest.message(snapshot(1), snapshot(0), "2026-11-26", now, "late", "degraded", "Org")
    blocks = message["blocks"]
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        assert len(block.get("fields", [])) <= 10
    text = " ".join(b.get("text", {}).get("text", "") for b in blocks if isinstance(b.get("text"), dict))
    assert "10000 newly non-compliant" in text or "10000" in message["text"]


# --- exactly once -------------------------------------------------------------------------------


def test_a_due_digest_is_posted_once_with_its_chart_in_the_thread(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    clock = Clock(NINE_PARIS)
    deps = make_deps(org, slack, prefix, clock)
    ticker = scheduler(deps, [PARIS])
    assert ticker.tick(NINE_PARIS) == {"C0SECURITY:2026-11-26": "posted"}
    assert ticker.tick(NINE_PARIS + timedelta(minutes=1)) == {"C0SECURITY:2026-11-26": "already posted"}
    posted = digests(slack)
    assert len(posted) == 1
    assert posted[0]["metadata"]["event_payload"]["run"] == "C0SECURITY:2026-11-26"
    assert "Compliance digest · 2026-11-26" in str(posted[0]["blocks"])
    upload = slack.wait_for(lambda cs: any(c.method == "files.completeUploadExternal" for c in cs))
    complete = next(c for c in upload if c.method == "files.completeUploadExternal")
    assert complete.params["thread_ts"] and complete.params["channel_id"] == "C0SECURITY"
    png = next(iter(slack.uploads.values()))
    assert png.startswith(b"\x89PNG")


def test_replicas_ticking_at_once_post_once(org: SeededOrg, slack: SlackStandIn, prefix: str) -> None:
    clock = Clock(NINE_PARIS)
    replicas = [scheduler(make_deps(org, slack, prefix, clock), [PARIS]) for _ in range(3)]
    barrier = threading.Barrier(3)
    outcomes: list[dict[str, str]] = []

    def tick(replica: DigestScheduler) -> None:
        barrier.wait()
        outcomes.append(replica.tick(NINE_PARIS))

    threads = [threading.Thread(target=tick, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(digests(slack)) == 1
    assert sorted(o["C0SECURITY:2026-11-26"] for o in outcomes).count("posted") == 1


def test_a_restarted_replica_does_not_post_again(org: SeededOrg, slack: SlackStandIn, prefix: str) -> None:
    clock = Clock(NINE_PARIS)
    scheduler(make_deps(org, slack, prefix, clock), [PARIS]).tick(NINE_PARIS)
    restarted = scheduler(make_deps(org, slack, prefix, clock), [PARIS])
    assert restarted.tick(NINE_PARIS + timedelta(minutes=5))["C0SECURITY:2026-11-26"] == "already posted"
    assert len(digests(slack)) == 1


def test_a_replica_killed_after_posting_is_not_doubled(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    """The poster dies after Slack took the message but before it recorded the run as done."""
    clock = Clock(NINE_PARIS)
    dying = DigestRunner(make_deps(org, slack, prefix, clock), retry_delays=(), lease_seconds=1.0)
    original = dying._post

    def post_then_die(*args: Any, **kwargs: Any) -> str:
        original(*args, **kwargs)
        raise SystemExit("killed")

    dying._post = post_then_die  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        dying.run(PARIS, _due())
    survivor = scheduler(make_deps(org, slack, prefix, clock), [PARIS])
    import time

    time.sleep(1.2)  # the dead poster's lease runs out
    assert survivor.tick(NINE_PARIS + timedelta(minutes=2))["C0SECURITY:2026-11-26"] == "recovered"
    assert len(digests(slack)) == 1


def test_a_replica_killed_before_posting_loses_nothing(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    clock = Clock(NINE_PARIS)
    dying = DigestRunner(make_deps(org, slack, prefix, clock), retry_delays=(), lease_seconds=1.0)

    def die(*args: Any, **kwargs: Any) -> Any:
        raise SystemExit("killed while building")

    dying._content = die  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        dying.run(PARIS, _due())
    import time

    time.sleep(1.2)
    survivor = scheduler(make_deps(org, slack, prefix, clock), [PARIS])
    assert survivor.tick(NINE_PARIS + timedelta(minutes=2))["C0SECURITY:2026-11-26"] == "posted"
    assert len(digests(slack)) == 1


def _due() -> Any:
    from bot.digest.schedule import occurrence

    due = occurrence(PARIS, NINE_PARIS, timedelta(hours=6))
    assert due is not None
    return due


def test_catch_up_after_downtime_says_it_is_late(org: SeededOrg, slack: SlackStandIn, prefix: str) -> None:
    later = NINE_PARIS + timedelta(hours=3)
    ticker = scheduler(make_deps(org, slack, prefix, Clock(later)), [PARIS])
    assert ticker.tick(later)["C0SECURITY:2026-11-26"] == "posted"
    assert "Posted late" in str(digests(slack)[0]["blocks"])
    too_late = NINE_PARIS + timedelta(days=1, hours=-1)  # past the grace, before the next day's time
    assert ticker.tick(too_late) == {}


def test_only_the_subscriptions_due_now_post(org: SeededOrg, slack: SlackStandIn, prefix: str) -> None:
    tokyo = DigestSubscription(channel="C0TOKYO", time="15:30", timezone="Asia/Tokyo")
    new_york = DigestSubscription(channel="C0NY", time="09:00", timezone="America/New_York")
    ticker = scheduler(make_deps(org, slack, prefix, Clock(NINE_PARIS)), [PARIS, tokyo, new_york])
    outcomes = ticker.tick(NINE_PARIS)
    assert outcomes["C0SECURITY:2026-11-26"] == "posted"
    assert outcomes["C0TOKYO:2026-11-26"] == "posted"  # 17:00 in Tokyo: 90 min late, within grace
    assert "C0NY:2026-11-26" not in outcomes  # 03:00 in New York


# --- degraded -----------------------------------------------------------------------------------


def test_aws_down_at_digest_time_posts_what_is_known_with_a_note(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    clock = Clock(NINE_PARIS - timedelta(days=1))
    deps = make_deps(org, slack, prefix, clock)
    DigestRunner(deps, retry_delays=())._snapshot(org.aggregator_name)  # yesterday's snapshot
    clock.now = NINE_PARIS
    FAULTS.errors = [THROTTLING]
    slept: list[float] = []
    settings = settings_for(org, aws_max_attempts=1)
    from bot.aws.session import config_client
    from bot.questions.plans import PlanContext

    deps.answerer.service = PlanContext(config_client(settings), settings)
    ticker = DigestScheduler(
        deps, DigestRunner(deps, retry_delays=(1.0, 4.0), sleep=slept.append), [PARIS], timedelta(hours=6)
    )
    assert ticker.tick(NINE_PARIS)["C0SECURITY:2026-11-26"] == "posted"
    assert slept == [1.0, 4.0]
    assert "could not be read just now" in str(digests(slack)[0]["blocks"])


def test_aws_down_with_no_earlier_snapshot_says_so_instead_of_figures(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    # Two attempts per call, not eight: the same outage after botocore's retries, without
    # sleeping through eight rounds of its backoff.
    deps = make_deps(org, slack, prefix, Clock(NINE_PARIS), aws_max_attempts=2)
    FAULTS.errors = [THROTTLING] * 10
    message, png = DigestRunner(deps, retry_delays=())._content(None, "2026-11-26", None, "C0SECURITY")
    assert png == b"" and message["blocks"][0]["type"] == "header"
    assert "no earlier snapshot exists" in str(message["blocks"]) and "digest unavailable" in str(message)


def test_a_channel_that_may_see_nothing_gets_no_figures(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    deps = make_deps(org, slack, prefix, Clock(NINE_PARIS))
    deps.access = AccessConfig(default_scope="none")
    message, png = DigestRunner(deps, retry_delays=())._content(None, "2026-11-26", None, "C0ELSEWHERE")
    assert png == b"" and "not available in this channel" in message["text"]
    assert "non-compliant" not in str(message["blocks"]).lower()


def test_slack_429_is_retried_and_never_doubled(org: SeededOrg, slack: SlackStandIn, prefix: str) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    ticker = scheduler(make_deps(org, slack, prefix, Clock(NINE_PARIS)), [PARIS])
    assert ticker.tick(NINE_PARIS)["C0SECURITY:2026-11-26"] == "posted"
    assert len(slack.of("chat.postMessage:failed")) == 1 and len(digests(slack)) == 1


# --- subscriptions ------------------------------------------------------------------------------


def test_subscriptions_made_in_slack_survive_a_restart(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    deps = make_deps(org, slack, prefix, Clock(NINE_PARIS))
    SubscriptionStore(deps).put(
        DigestSubscription(channel="C0NEW", time="07:15", timezone="Europe/Berlin", source="slack")
    )
    restarted = scheduler(make_deps(org, slack, prefix, Clock(NINE_PARIS)), [PARIS])
    assert {s.channel for s in restarted.subscriptions()} == {"C0SECURITY", "C0NEW"}
    assert SubscriptionStore(deps).delete("C0NEW")
    assert {s.channel for s in restarted.subscriptions()} == {"C0SECURITY"}


def test_snapshots_keep_a_bounded_history(org: SeededOrg, slack: SlackStandIn, prefix: str) -> None:
    deps = make_deps(org, slack, prefix, Clock(NINE_PARIS))
    runner = DigestRunner(deps)
    base = Snapshot(
        aggregator="Org",
        taken_at=NINE_PARIS,
        compliant_resources=1,
        non_compliant_resources=1,
        compliant_rules=1,
        non_compliant_rules=1,
    )
    for day in range(100):
        runner.snapshots.save(base.model_copy(update={"taken_at": NINE_PARIS + timedelta(days=day)}))
    last = (NINE_PARIS + timedelta(days=99)).date()
    days, summaries = runner.snapshots.days("Org"), runner.snapshots.summary_days("Org")
    # A week of whole snapshots (the delta reads the latest before today), 90 days of summaries.
    assert len(days) == SNAPSHOT_DAYS + 1 and days[-1] == last.isoformat()
    assert len(summaries) == RETENTION_DAYS + 1 and summaries[-1] == last.isoformat()
    assert len(runner.snapshots.history("Org", last)) == 30
    previous = runner.snapshots.previous("Org", last)
    assert previous is not None and previous.day == last - timedelta(days=1)


def test_the_trend_reads_day_summaries_with_the_snapshots_own_figures(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    """Thirty days of trend read thirty small summaries, not thirty snapshots of every finding;
    their figures are the snapshots' own, scoped or not, and a day saved before summaries
    existed is still read (from its snapshot)."""
    deps = make_deps(org, slack, prefix, Clock(NINE_PARIS))
    store = DigestRunner(deps).snapshots
    today = take_snapshot(deps.plans).data
    days = [today.model_copy(update={"taken_at": NINE_PARIS - timedelta(days=n)}) for n in range(3)]
    for snapshot in days:
        store.save(snapshot)
    scope = frozenset(org.accounts[:2])
    expected = {
        accounts: [
            (
                s.day,
                s.limited_to(accounts).non_compliant_resources,
                s.limited_to(accounts).compliant_resources,
            )
            for s in reversed(days)
        ]
        for accounts in (None, scope)
    }
    assert expected[None] != expected[scope] and expected[None][0][1] > 0
    for accounts, points in expected.items():
        assert store.history(today.aggregator, today.day, accounts=accounts) == points
    # Without the full snapshots, the summaries alone still draw the trend.
    blobs = deps.cache.redis.hgetall(f"{prefix}:snap:{today.aggregator}")
    deps.cache.redis.hset(f"{prefix}:snap:{today.aggregator}", mapping={day: b"gone" for day in blobs})
    assert store.history(today.aggregator, today.day, accounts=scope) == expected[scope]
    # A day written before summaries existed: read from its snapshot.
    deps.cache.redis.hset(f"{prefix}:snap:{today.aggregator}", mapping=blobs)
    deps.cache.redis.hdel(f"{prefix}:snapsum:{today.aggregator}", days[1].day.isoformat())
    assert store.history(today.aggregator, today.day, accounts=scope) == expected[scope]
