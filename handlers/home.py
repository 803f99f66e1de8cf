"""App Home: the organization's posture at a glance, from the cache, on app_home_opened."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.access.scopes import scope_for
from bot.boundary import describe
from bot.deps import Deps
from bot.presenters.home import home_view
from bot.questions.question import Question

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
        view = home_view(
            answers.get("summary"), answers.get("rules"), answers.get("health"), deps.clock(), problem
        )
        deps.slack.views_publish(user_id=event["user"], view=view)

    app.event(EVENT)(ack=_acknowledge, lazy=[publish])
