"""A watch's alert offers "Waive…" beside Details: a button that asks `waive` for the finding it
names (resource, logical rule, account, region), without days or reason, so the reply can be the
command to type. Left out where the finding is too long to carry, as Details is."""

from __future__ import annotations

from typing import Any

from bot.answers.models import NonCompliantResource
from bot.presenters.common import ACTION_ASK, question_from_value
from bot.questions.question import Question
from bot.watch.message import ACTION_MUTE, alert
from bot.watch.model import Watch

WATCH = Watch(channel="C0SECURITY", rule="s3-bucket-server-side-encryption-enabled", aggregator="Org")


def finding(resource_id: str = "legacy-logs") -> NonCompliantResource:
    return NonCompliantResource(
        account_id="111122223333",
        region="eu-west-1",
        resource_type="AWS::S3::Bucket",
        resource_id=resource_id,
        rule="s3-bucket-server-side-encryption-enabled",
        rule_names=["OrgConfigRule-s3-bucket-server-side-encryption-enabled-ab12"],
        console_url="https://console.example/legacy-logs",
    )


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["text"]["text"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


def test_an_alert_offers_to_waive_its_finding() -> None:
    shown = buttons(alert(WATCH, [finding()]))
    assert list(shown) == ["Details", "Waive…", "Mute this watch for a day"]
    waive = shown["Waive…"]
    assert (
        waive["action_id"].startswith(f"{ACTION_ASK}_")
        and waive["action_id"] != shown["Details"]["action_id"]
    )
    question, page = question_from_value(waive["value"])
    assert (question, page) == (
        Question(
            "waive",
            {
                "resource": "legacy-logs",
                "rule": "s3-bucket-server-side-encryption-enabled",
                "account": "111122223333",
                "region": "eu-west-1",
            },
            "Org",
        ),
        0,
    )
    assert shown["Mute this watch for a day"]["action_id"] == ACTION_MUTE


def test_a_burst_and_a_finding_too_long_for_a_button_offer_no_waive() -> None:
    assert list(buttons(alert(WATCH, [finding("a"), finding("b")]))) == ["Mute this watch for a day"]
    assert list(buttons(alert(WATCH, [finding("x" * 2000)]))) == ["Mute this watch for a day"]
