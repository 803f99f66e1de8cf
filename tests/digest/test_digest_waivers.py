"""Waivers in the daily digest: the waived findings are out of the figures and the delta (a waiver
is not a fix, its end not a new break), "N waived" is said, the waivers ending within 7 days are
named, those ended since the previous digest too; the stored snapshots stay as AWS gave them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.digest import message as digest
from bot.digest.message import Waiving
from bot.digest.runner import DigestRunner
from bot.digest.snapshots import Finding, Snapshot
from bot.waivers.model import Waiver
from playground.slack_api import SlackStandIn
from simulator.orggen import SeededOrg
from tests.digest.test_digest import NINE_PARIS, Clock, digests, make_deps
from tests.presenters.test_hostile_text import mrkdwn_texts

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
PING = "<!channel> `RISK-9` <https://evil.example|click>"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def waiver_of(finding: Finding, expires_at: datetime, reason: str = "Replaced in Q4 (RISK-142)") -> Waiver:
    return Waiver.of_finding(finding, expires_at, reason, "U0RISKLEAD")


def shown(message: dict[str, Any]) -> str:
    return "\n".join(mrkdwn_texts(message))


# --- the message (pure) -------------------------------------------------------------------------


def snapshot(findings: list[Finding], taken_at: datetime = NOW) -> Snapshot:
    return Snapshot(
        aggregator="Org",
        taken_at=taken_at,
        compliant_resources=10,
        non_compliant_resources=len(findings),
        compliant_rules=5,
        non_compliant_rules=2,
        findings=findings,
    )


F1: Finding = ("111111111111", "eu-west-1", "restricted-ssh", "AWS::EC2::SecurityGroup", "sg-1")
F2: Finding = ("222222222222", "eu-west-1", "restricted-ssh", "AWS::EC2::SecurityGroup", "sg-2")


def test_the_digest_says_how_many_are_waived_and_names_a_waiver_ending_in_three_days() -> None:
    soon = waiver_of(F2, NOW + timedelta(days=3), PING)
    ended = waiver_of(F1, NOW - timedelta(hours=2))
    waiving = Waiving(waived=[F2], expiring=[soon], ended=[ended])
    message = digest.message(
        snapshot([F1]), snapshot([F1], NOW - timedelta(days=1)), "2026-11-26", NOW, waiving=waiving
    )
    text = shown(message)
    assert "*Waived*\n1 (accepted risks)" in text
    assert ":memo: *1 waived* (accepted risks, left out of these figures;" in text
    assert "`/compliance waivers` lists them" in text
    assert "*Waivers ending within 7 days* (1: they count again then)" in text
    assert (
        "• sg-2 (AWS::EC2::SecurityGroup) in 222222222222 eu-west-1: `restricted-ssh` until "
        "2026-11-29 08:00 UTC (3 day(s) left)" in text
    )
    assert (
        "*Waivers ended since 2026-11-25* (counted again where they still fail): "
        "sg-1 (AWS::EC2::SecurityGroup) in 111111111111 eu-west-1 (`restricted-ssh`)" in text
    )
    assert message["text"].endswith(", 1 waived")
    # The reason typed in Slack is text: no ping, no link, every code span closed.
    for part in mrkdwn_texts(message):
        assert "<!" not in part and "<https://evil" not in part and part.count("`") % 2 == 0
    assert "&lt;!channel&gt; ˋRISK-9ˋ &lt;https://evil.example|click&gt;" in text


def test_a_digest_without_waivers_says_nothing_of_them() -> None:
    text = json.dumps(digest.message(snapshot([F1]), None, "2026-11-26", NOW))
    assert "aived" not in text


def test_many_waivers_ending_are_bounded() -> None:
    account, region, rule, kind, _ = F1
    many = [waiver_of((account, region, rule, kind, f"sg-{i}"), NOW + timedelta(days=1)) for i in range(30)]
    text = shown(digest.message(snapshot([]), None, "d", NOW, waiving=Waiving(expiring=many)))
    assert f"…and {30 - digest.SHOWN} more: `waivers` lists them" in text


# --- the runner: AWS's snapshots, the waivers in force ----------------------------------------


def single_rule_findings(org: SeededOrg) -> list[Finding]:
    """Non-compliant findings whose resource breaks no other rule (waiving one takes it out)."""
    findings = {
        (e.account_id, e.region, e.logical_rule, e.resource_type, e.resource_id)
        for e in org.evaluations
        if e.compliance_type == "NON_COMPLIANT" and e.resource_type != "AWS::::Account"
    }
    rules: dict[tuple[str, ...], int] = {}
    for f in findings:
        rules[f[:2] + f[3:]] = rules.get(f[:2] + f[3:], 0) + 1
    return sorted(f for f in findings if rules[f[:2] + f[3:]] == 1)


def test_the_posted_digest_leaves_waived_findings_out_and_names_those_ending(
    org: SeededOrg, slack: SlackStandIn, prefix: str
) -> None:
    clock = Clock(NINE_PARIS - timedelta(days=1))
    deps = make_deps(org, slack, prefix, clock)
    assert deps.waivers is not None
    runner = DigestRunner(deps, retry_delays=())
    yesterday, _ = runner._snapshot(org.aggregator_name)
    assert yesterday is not None
    soon, later, ended = single_rule_findings(org)[:3]
    for finding, expires in (
        (soon, NINE_PARIS + timedelta(days=3)),
        (later, NINE_PARIS + timedelta(days=30)),
        (ended, NINE_PARIS - timedelta(hours=1)),  # in force yesterday, over now: counts again
    ):
        deps.waivers.store.put(waiver_of(finding, expires))
    clock.now = NINE_PARIS
    runner.post_now("C0SECURITY")
    (posted,) = digests(slack)
    text = shown(posted)
    stored = runner.snapshots.get(org.aggregator_name, NINE_PARIS.date().isoformat())
    assert stored is not None and {soon, later, ended} <= set(stored.findings)  # as AWS gave it
    assert f"*Non-compliant resources*\n{stored.non_compliant_resources - 2}" in text
    assert "*Waived*\n2 (accepted risks)" in text
    # Nothing changed in AWS: neither the waivers nor the one that ended are a change.
    assert "0 newly non-compliant, :white_check_mark: 0 fixed" in text
    ending = text[text.index("*Waivers ending within 7 days*") :]
    assert f"• {soon[4]} ({soon[3]}) in {soon[0]} {soon[1]}: `{soon[2]}`" in ending
    assert f"{later[4]} ({later[3]})" not in text
    assert f"*Waivers ended since {yesterday.day.isoformat()}*" in text and ended[4] in text
