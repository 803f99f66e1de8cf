"""App Home's listeners as units: the tab is published from the cache as the user may see it,
and a failure shows in the tab instead of leaving it blank."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

from bot.access.scopes import Scope
from bot.answers.models import Answer, ComplianceSummary, RulesOverview
from bot.deps import Deps
from bot.errors import Throttled
from bot.questions.question import Question
from handlers.home import Home
from tests.support.handlers import health_answer


def answers(question: Question, scope: Scope) -> Answer[Any]:
    data: Any = {
        "summary": ComplianceSummary(group_by="account", rows=[]),
        "rules": RulesOverview(rows=[]),
    }.get(question.kind)
    return health_answer() if data is None else health_answer().model_copy(update={"data": data})


def test_the_home_tab_is_published_for_the_user(deps: Deps) -> None:
    deps.answerer.answer = Mock(side_effect=answers)
    Home(deps).publish({"type": "app_home_opened", "user": "U1", "tab": "home"})
    kwargs = deps.slack.views_publish.call_args.kwargs
    assert kwargs["user_id"] == "U1" and kwargs["view"]["type"] == "home"
    assert [call.args[0].kind for call in deps.answerer.answer.call_args_list] == [
        "summary",
        "rules",
        "health",
    ]


def test_the_messages_tab_publishes_nothing(deps: Deps) -> None:
    Home(deps).publish({"type": "app_home_opened", "user": "U1", "tab": "messages"})
    deps.slack.views_publish.assert_not_called()


def test_a_failure_is_said_in_the_tab(deps: Deps) -> None:
    deps.answerer.answer = Mock(side_effect=Throttled("GetAggregateConfigRuleComplianceSummary"))
    Home(deps).publish({"type": "app_home_opened", "user": "U1"})
    assert "throttling" in str(deps.slack.views_publish.call_args.kwargs["view"])
