"""Waivers in the playground: the demo's configuration declares one (an unencrypted volume, ending
within the week), and what a person does on the page (a command, App Home, the digest) shows it,
as the page reads it from the stand-in's record. Through the page's own endpoints, as the page
sends them; no browser is needed for what the bot posts back."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from playground import demo, harness

pytestmark = pytest.mark.server


def send(running: harness.Harness, path: str, **data: str) -> list[dict[str, Any]]:
    """Send what the page sends (as the admin, in #security-compliance), then what the page reads
    of the stand-in's record from that moment: the calls of the bot's reply, once it has come."""
    seen = len(running.slack.calls)
    body = {"channel": "C0SECURITY", "user": "U0ADMIN", **data}
    sent = requests.post(f"{running.slack.url}{path}", json=body, timeout=10)
    assert sent.json()["bot_status"] == 200
    return [
        json.loads(json.dumps(c.params, default=str)) | {"method": c.method}
        for c in running.slack.wait_for(lambda calls: _replied(calls[seen:]), timeout=30)[seen:]
    ]


def _replied(calls: list[Any]) -> bool:
    texts = [json.dumps(c.params, default=str) for c in calls if c.method in ("response", "views.publish")]
    texts += [json.dumps(c.params) for c in calls if c.method == "chat.postMessage"]
    return any(
        "Working on it" not in t and "Loading the rest" not in t and "Someone asked" not in t for t in texts
    )


def waived_volume(running: harness.Harness) -> str:
    return str(demo.demo_waiver(running.org)["resource_id"])


def test_the_demo_answer_leaves_the_waived_volume_out_and_shows_it(playground: harness.Harness) -> None:
    volume = waived_volume(playground)
    failing = {
        (e.account_id, e.region, e.resource_id)
        for e in playground.org.evaluations
        if e.logical_rule == demo.WAIVED_RULE and e.compliance_type == "NON_COMPLIANT"
    }
    replies = send(playground, "/ui/command", text="encrypted-volumes")
    final = json.dumps(replies[-1], ensure_ascii=False)
    assert f"*Non-compliant resources*\\n{len(failing) - 1}" in final
    assert "*1 waived* (accepted risks, left out of these counts): `waivers encrypted-volumes`" in final
    assert volume in final and "RISK-7" in final
    listed = json.dumps(send(playground, "/ui/command", text="waivers")[-1], ensure_ascii=False)
    assert volume in listed and "(config)" in listed


def test_app_home_and_the_digest_name_the_waiver_ending_this_week(playground: harness.Harness) -> None:
    volume = waived_volume(playground)
    (home,) = [c for c in send(playground, "/ui/home") if c["method"] == "views.publish"]
    view = json.dumps(home["view"], ensure_ascii=False)
    assert "*Waivers ending within 7 days*" in view and volume in view and "day(s) left" in view
    replies = send(playground, "/ui/command", text="digest now")
    posted = json.dumps([c for c in replies if c["method"] == "chat.postMessage"], ensure_ascii=False)
    assert "*Waived*\\n1 (accepted risks)" in posted and volume in posted
    # The digest's chart goes into its thread: waited for, so that nothing is left in flight.
    playground.slack.wait_for(lambda calls: any(c.method == "files.completeUploadExternal" for c in calls))
