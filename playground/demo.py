"""`compliance-bot demo`: the whole bot on embedded defaults, with no AWS, no Slack and no Redis.

The simulator serves a seeded organization, the bot serves HTTP against it with the in-process
cache, and a local playground page stands in for Slack: it sends signed requests to the bot and
renders what the bot posts back. One unencrypted volume is waived (an accepted risk, declared in
the demo's configuration as a team would keep it in git), ending within the week: the
`encrypted-volumes` answer, `waivers`, the digest and App Home show it.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from playground import harness
from playground.slack_requests import FORM, command_body
from simulator.orggen import OrgSpec, SeededEvaluation, SeededOrg

# What the bot's messages that a later one replaces begin with, or say: seen from outside, as
# Slack would show them (the playground uses only the bot's entry points).
NOTICE_PREFIXES = (":hourglass_flowing_sand:", ":turtle:")
LOADING = "Loading the rest"

TRY = (
    "/compliance help",
    "/compliance s3-encryption",
    "/compliance rules",
    "/compliance summary by region",
    "/compliance health",
    "/compliance query SELECT resourceType, COUNT(*) GROUP BY resourceType",
    "/compliance digest now",
    "/compliance encrypted-volumes   (one volume is waived: an accepted risk, ending within the week)",
    "/compliance waivers",
    "/compliance waive <a failing bucket> s3-encryption 30d RISK-8: replaced next sprint",
    "@compliance-bot is <a volume id> compliant?",
    "@compliance-bot are all s3 buckets encrypted?   then, on its answer's Reply in thread:"
    " @compliance-bot and in eu-west-1?",
)


WAIVED_RULE = "encrypted-volumes"
WAIVED_FOR = timedelta(days=5)  # within the week: the digest and App Home name it


def demo_config(org: SeededOrg) -> dict[str, Any]:
    """Channels that show scopes at work: one sees everything, one only two accounts; and one
    waiver, as the configuration file declares them."""
    return {
        "admins": ["U0ADMIN"],
        "default_scope": "all",
        "channels": {
            "C0SECURITY": {"accounts": "all", "query": True},
            "C0PAYMENTS": {"accounts": org.accounts[1:3]},
        },
        "waivers": [demo_waiver(org)],
    }


def demo_waiver(org: SeededOrg) -> dict[str, Any]:
    """An unencrypted volume accepted until WAIVED_FOR from now."""
    e = failing(org, WAIVED_RULE)
    return {
        "rule": WAIVED_RULE,
        "account_id": e.account_id,
        "region": e.region,
        "resource_id": e.resource_id,
        "resource_type": e.resource_type,
        "expires_at": (datetime.now(UTC) + WAIVED_FOR).isoformat(timespec="seconds"),
        "reason": "Scratch volume of the old build farm, deleted with it (RISK-7)",
        "approved_by": "U0ADMIN",
    }


def failing(org: SeededOrg, rule: str) -> SeededEvaluation:
    """The first non-compliant evaluation of a logical rule (the seed decides which)."""
    return min(
        (e for e in org.evaluations if e.logical_rule == rule and e.compliance_type == "NON_COMPLIANT"),
        key=lambda e: (e.account_id, e.region, e.resource_id),
    )


def start(port: int = 8080, accounts: int = 12, seed: int = 7) -> harness.Harness:
    return harness.start(
        OrgSpec(seed=seed, accounts=accounts),
        slack_port=port,
        config=demo_config,
        COMPLIANCE_DIGEST_INTERVAL=3600,
    )


def text_of(message: dict[str, Any]) -> str:
    """A Block Kit message as plain text, for a terminal."""
    lines: list[str] = []
    for block in message.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            lines.append(block["text"]["text"].replace("```", ""))
        for field in block.get("fields") or []:
            lines.append(field["text"].replace("*", "").replace("\n", ": ", 1))
        if block.get("type") == "context":
            lines.append(" ".join(e.get("text", "") for e in block.get("elements", [])))
        if block.get("type") == "actions":
            lines.append("[" + "] [".join(e["text"]["text"] for e in block["elements"]) + "]")
    return "\n".join(lines) or str(message.get("text", ""))


def once(text: str, timeout: float = 60.0) -> tuple[int, str]:
    """Ask one question as `/compliance <text>` and return (exit code, the answer as text)."""
    running = start(port=0)
    try:
        before = len(running.slack.calls)
        body = command_body(
            text,
            running.slack.response_url("once"),
            token="demo",
            team_id="T0DEMO",
            user_id="U0ADMIN",
            trigger_id="once",
        )
        status = running.slack.send_signed(body, FORM)
        if status != 200:
            return 1, f"the bot answered HTTP {status}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # The answer as finally given: past notices ("Working on it…") and a first answer.
            answers = [
                c
                for c in running.slack.calls[before:]
                if c.method == "response"
                and not str(c.params.get("text", "")).startswith(NOTICE_PREFIXES)
                and LOADING not in json.dumps(c.params, ensure_ascii=False)
            ]
            if answers:
                return 0, text_of(answers[-1].params)
            time.sleep(0.05)
        return 1, "no answer within the timeout"
    finally:
        running.stop()


def serve(port: int, accounts: int, seed: int) -> None:
    running = start(port, accounts, seed)
    org = running.org
    volume = next(r.resource_id for r in org.resources if r.resource_type == "AWS::EC2::Volume")
    bucket = failing(org, "s3-bucket-server-side-encryption-enabled").resource_id
    print(f"compliance-bot playground: {running.slack.url}/", flush=True)
    print(f"  bot (Slack HTTP mode):   {running.url}/slack/events  (/healthz, /metrics)")
    print(f"  simulated organization:  {len(org.accounts)} accounts, aggregator {org.aggregator_name}")
    print("Try:")
    for example in TRY:
        print("  " + example.replace("<a volume id>", volume).replace("<a failing bucket>", bucket))
    print("Ctrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        running.stop()
