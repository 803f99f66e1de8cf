"""App Home: the organization's posture at a glance, from the cache, on app_home_opened; with the
channels' watches and the waivers ending soon in the accounts the user may see."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.access.scopes import scope_for
from bot.boundary import describe
from bot.deps import Deps
from bot.presenters.home import home_view
from bot.questions.question import Question
from bot.waivers.model import expiring

EVENT = "app_home_opened"


class Home:
    """The listeners of app_home_opened: `acknowledge`, then `publish` the tab (lazy), from the
    cache, as the user may see it."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def acknowledge(self, ack: Ack) -> None:
        ack()

    def publish(self, event: dict[str, Any]) -> None:
        deps = self.deps
        if event.get("tab", "home") != "home":
            return
        answers: dict[str, Any] = {}
        user = event.get("user")
        scope = scope_for(deps.access, None, user)
        problem = None
        for kind, params in (("summary", {"by": "account"}), ("rules", {}), ("health", {})):
            try:
                answers[kind] = deps.answerer.answer(Question(kind, params), scope)
            except Exception as error:
                problem = describe(error, surface="app_home", user=user)
        watches = None
        if scope.everything and deps.watches is not None:
            try:
                watches = deps.watches.watches()
            except Exception as error:
                problem = describe(error, surface="app_home", user=user)
        soon = None
        if deps.waivers is not None and not scope.nothing:
            try:
                mine = [w for w in deps.waivers.in_force() if scope.allows(w.account_id)]
                soon = expiring(mine, deps.clock())
            except Exception as error:
                problem = describe(error, surface="app_home", user=user)
        view = home_view(
            answers.get("summary"),
            answers.get("rules"),
            answers.get("health"),
            deps.clock(),
            problem,
            watches,
            soon,
        )
        deps.slack.views_publish(user_id=event["user"], view=view)


def register(app: App, deps: Deps) -> None:
    home = Home(deps)
    app.event(EVENT)(ack=home.acknowledge, lazy=[home.publish])
