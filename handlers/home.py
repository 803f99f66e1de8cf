"""App Home: the organization's posture at a glance, from the cache, on app_home_opened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.access.scopes import scope_for
from bot.boundary import describe
from bot.presenters import formatting
from bot.questions.grammar import Question

if TYPE_CHECKING:
    from slack_bolt import Ack, App

    from bot.deps import Deps


EVENT = "app_home_opened"


def _acknowledge(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def publish(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        answers: dict[str, Any] = {}
        user = event.get("user")
        problem = None
        for kind, params in (("summary", {"by": "account"}), ("rules", {}), ("health", {})):
            try:
                answers[kind] = deps.answerer.answer(
                    Question(kind, params), scope_for(deps.access, None, user)
                )
            except Exception as error:
                problem = describe(error, surface="app_home", user=event.get("user"))
        view = formatting.home_view(
            answers.get("summary"), answers.get("rules"), answers.get("health"), deps.clock(), problem
        )
        deps.slack.views_publish(user_id=event["user"], view=view)

    app.event(EVENT)(ack=_acknowledge, lazy=[publish])
