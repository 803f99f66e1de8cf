"""App Home names the waivers ending within a week, in the accounts the user may see, soonest
first and bounded; their reasons are data. The handler reads them from the waivers in force."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import MagicMock, Mock

import fakeredis

from bot.access.scopes import AccessConfig
from bot.answers.models import Answer, RulesOverview
from bot.cache.store import Cache, CachePolicy
from bot.deps import Deps, build_deps
from bot.presenters.home import home_view
from bot.presenters.waived import SHOWN
from bot.questions.plans.context import PlanContext
from bot.settings import Settings
from bot.waivers.model import Waiver
from handlers.home import Home
from tests.presenters.test_hostile_text import mrkdwn_texts

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
A, B = "111111111111", "222222222222"


def waiver(account: str, name: str, days: float, reason: str = "Replaced in Q4 (RISK-142)") -> Waiver:
    return Waiver(
        rule="s3-bucket-server-side-encryption-enabled",
        account_id=account,
        region="eu-west-1",
        resource_id=name,
        resource_type="AWS::S3::Bucket",
        expires_at=NOW + timedelta(days=days),
        reason=reason,
    )


def shown(view: dict[str, Any]) -> str:
    return "\n".join(mrkdwn_texts(view))


def test_app_home_names_the_waivers_ending_soon() -> None:
    view = home_view(None, None, None, NOW, expiring=[waiver(A, "logs", 3), waiver(B, "old", 6.5)])
    text = shown(view)
    assert "*Waivers ending within 7 days* (the resources count again then)" in text
    assert (
        f"• logs (AWS::S3::Bucket) in {A} eu-west-1: `s3-bucket-server-side-encryption-enabled` until "
        "2026-11-29 09:00 UTC (3 day(s) left)\n    _Replaced in Q4 (RISK-142)_" in text
    )
    assert text.index("logs") < text.index("old")
    assert "Waivers ending" not in shown(home_view(None, None, None, NOW, expiring=[]))


def test_app_home_bounds_the_list_and_shows_reasons_as_text() -> None:
    many = [waiver(A, f"b{i:02d}", 1 + i / 10, reason="<!channel> `x`") for i in range(SHOWN + 4)]
    view = home_view(None, None, None, NOW, expiring=many)
    text = shown(view)
    assert "…and 4 more: `waivers` lists them" in text and f"b{SHOWN:02d}" not in text
    assert "<!channel>" not in json.dumps(view) and "&lt;!channel&gt; ˋxˋ" in text


def test_app_home_says_how_many_the_rules_leave_out() -> None:
    rules = Answer[RulesOverview](
        question="rules",
        aggregator="Org",
        data=RulesOverview(rows=[], waived_elsewhere=2),
        as_of=NOW,
        aws_calls=0,
    )
    assert "*2 waived* (accepted risks, left out of these counts)" in shown(home_view(None, rules, None, NOW))


def deps() -> Deps:
    """Real waivers (in a fake Redis), a stub answerer and a mocked Slack, as tests/handlers does."""
    settings = Settings(_env_file=None, COMPLIANCE_AGGREGATOR="Org", AWS_REGION="us-east-1")
    cache = Cache(fakeredis.FakeRedis(), CachePolicy(prefix="unit"), clock=lambda: NOW)
    built = build_deps(settings, service=Mock(spec=PlanContext), cache=cache, clock=lambda: NOW)
    built.answerer = Mock()
    built.answerer.answer.side_effect = RuntimeError("no answers here")
    built.slack = MagicMock()
    return built


def test_the_home_tab_lists_the_waivers_ending_soon_that_the_user_may_see() -> None:
    built = deps()
    assert built.waivers is not None
    for w in (waiver(A, "soon", 2), waiver(B, "also", 5), waiver(A, "later", 30), waiver(A, "over", -1)):
        built.waivers.store.put(w)
    Home(built).publish({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    text = json.dumps(built.slack.views_publish.call_args.kwargs["view"])
    assert "soon (AWS::S3::Bucket)" in text and "also (AWS::S3::Bucket)" in text
    assert "later" not in text and "over" not in text
    # Someone who may see no account sees no waiver either.
    built.access = AccessConfig(admins=["U0ADMIN"], default_scope="none")
    Home(built).publish({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    assert "Waivers ending" not in json.dumps(built.slack.views_publish.call_args.kwargs["view"])
