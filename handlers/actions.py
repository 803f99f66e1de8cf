"""Buttons: next/previous page, Export CSV, Refresh, and the digest's drill-ins. Their state is in
the button's value; the scope is always that of the channel the button is clicked in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.access.scopes import may_manage, scope_for
from bot.boundary import error_message
from bot.cache.store import NotCached
from bot.deps import Deps
from bot.digest.message import ACTION_DRILL
from bot.errors import UserError
from bot.presenters.common import ACTION_ASK, ACTION_EXPORT, ACTION_PAGE, ACTION_REFRESH, question_from_value
from bot.presenters.export import to_csv
from bot.questions.registry import presenter_of
from bot.slack import blocks
from bot.slack.lanes import Notice
from bot.watch.message import ACTION_MUTE
from handlers.common import message_for
from handlers.threads import ThreadMemory


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return channel, (body.get("user") or {}).get("id")


def _thread(body: dict[str, Any]) -> str | None:
    """The thread a clicked message is in (or starts)."""
    message, container = body.get("message") or {}, body.get("container") or {}
    thread = message.get("thread_ts") or container.get("thread_ts")
    return thread or message.get("ts") or container.get("message_ts")


def _is_alert(body: dict[str, Any]) -> bool:
    """Whether the clicked message is a watch's alert (it carries the mute button)."""
    blocks = (body.get("message") or {}).get("blocks") or []
    return any(
        element.get("action_id") == ACTION_MUTE
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    )


class Buttons:
    """The listeners of the answers' buttons: `acknowledge` at once, then one lazy listener per
    button; each answers its own failure politely, to the clicker alone."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.threads = ThreadMemory(deps.cache.redis, deps.cache.policy.prefix)

    def acknowledge(self, ack: Ack) -> None:
        ack()

    @staticmethod
    def failed(respond: Respond, error: Exception, action: str, body: dict[str, Any]) -> None:
        channel, user = _where(body)
        respond(
            **error_message(error, action=action, channel=channel, user=user),
            response_type="ephemeral",
            replace_original=False,
        )

    def _run(self, respond: Respond, body: dict[str, Any], name: str, work: Callable[[bool], None]) -> None:
        """`work(may_compute)` at once where it needs no AWS (it raises NotCached before doing
        anything otherwise), else in the slow lane; each failure answered to the clicker."""
        try:
            work(False)
            return
        except NotCached:
            pass
        except Exception as error:
            self.failed(respond, error, name, body)
            return

        def compute() -> None:
            try:
                work(True)
            except Exception as error:
                self.failed(respond, error, name, body)

        slow = Notice(
            lambda: respond(**blocks.slow_message(), response_type="ephemeral", replace_original=False),
            self.deps.lane.deadline,
        )
        self.deps.lane.run(compute, lambda _: None, [slow])

    def page(self, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        def work(may_compute: bool) -> None:
            question, number = question_from_value(action["value"])
            message = message_for(self.deps, question, number, *_where(body), may_compute=may_compute)
            respond(**message, replace_original=True)

        self._run(respond, body, "page", work)

    def ask(self, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        """A chosen question (one reading of a question, one of several matches): its answer
        replaces the choice, as the clicker's channel may see it. A watch's alert stays: the
        answer to its Details or Waive… goes to the clicker alone."""
        channel, user = _where(body)
        alert = _is_alert(body)

        def work(may_compute: bool) -> None:
            question, _ = question_from_value(action["value"])
            message = message_for(self.deps, question, 0, channel, user, may_compute)
            if alert:
                respond(**message, response_type="ephemeral", replace_original=False)
                return
            thread = _thread(body)
            if channel and thread:  # a follow-up in the thread refines the chosen question (from
                self.threads.remember(channel, thread, question)  # the moment its answer is seen)
            respond(**message, replace_original=True)

        self._run(respond, body, "ask", work)

    def refresh(self, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        deps = self.deps
        channel, user = _where(body)
        try:
            if not may_manage(deps.access, user):
                raise UserError("Only the bot's admins can refresh cached answers.")
            question, number = question_from_value(action["value"])
            deps.answerer.forget(question)
        except Exception as error:
            self.failed(respond, error, "refresh", body)
            return

        def work(may_compute: bool) -> None:
            respond(**message_for(deps, question, number, channel, user, may_compute), replace_original=True)

        self._run(respond, body, "refresh", work)

    def export(self, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        deps = self.deps
        channel, user = _where(body)

        def work(may_compute: bool) -> None:
            question, _ = question_from_value(action["value"])
            scope = scope_for(deps.access, channel, user)
            answer = deps.answerer.answer(question, scope, cached_only=not may_compute)
            message = body.get("message") or {}
            csv_file: dict[str, Any] = {
                "content": to_csv(answer, presenter_of(answer)),
                "filename": f"compliance-{question.kind}-{answer.as_of:%Y%m%d-%H%M}.csv",
                "title": f"{answer.question} ({answer.aggregator})",
            }
            if (body.get("container") or {}).get("is_ephemeral"):
                # A private answer's export goes to the asker alone, in a direct message (an
                # ephemeral message cannot carry a file; this is why the app asks for im:write).
                direct = deps.slack.conversations_open(users=user)
                deps.slack.files_upload_v2(channel=direct["channel"]["id"], **csv_file)
            else:
                deps.slack.files_upload_v2(
                    channel=channel, thread_ts=message.get("thread_ts") or message.get("ts"), **csv_file
                )

        self._run(respond, body, "export", work)

    def drill(self, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        def work(may_compute: bool) -> None:
            question, _ = question_from_value(action["value"])
            message = message_for(self.deps, question, 0, *_where(body), may_compute=may_compute)
            respond(**message, response_type="ephemeral", replace_original=False)

        self._run(respond, body, "drill", work)

    def mute(self, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        """ "Mute this watch for a day": no alerts from it here until then (fixes are still said)."""
        deps = self.deps
        channel, user = _where(body)
        try:
            if deps.watches is None:
                raise UserError("Watches are not running here.")
            # Only a watch of this channel: a button's value may be forged.
            if not any(w.id == action["value"] and w.channel == channel for w in deps.watches.watches()):
                raise UserError("That watch is not one of this channel's (`watches` lists them).")
            deps.watches.runner.store.mute(str(action["value"]))
            deps.audit.record(event="watch_muted", channel=channel, user=user, watch=action["value"])
            respond(
                text="Muted: this watch alerts nothing here for the next 24 hours.",
                response_type="ephemeral",
                replace_original=False,
            )
        except Exception as error:
            self.failed(respond, error, "mute", body)


def register(app: App, deps: Deps) -> None:
    buttons = Buttons(deps)
    app.action(re.compile(f"^{ACTION_PAGE}_(next|prev)$"))(ack=buttons.acknowledge, lazy=[buttons.page])
    app.action(re.compile(f"^{ACTION_ASK}_[0-9]+$"))(ack=buttons.acknowledge, lazy=[buttons.ask])
    app.action(ACTION_REFRESH)(ack=buttons.acknowledge, lazy=[buttons.refresh])
    app.action(ACTION_EXPORT)(ack=buttons.acknowledge, lazy=[buttons.export])
    app.action(re.compile(f"^{ACTION_DRILL}_"))(ack=buttons.acknowledge, lazy=[buttons.drill])
    app.action(ACTION_MUTE)(ack=buttons.acknowledge, lazy=[buttons.mute])
