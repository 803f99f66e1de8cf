"""The watch's messages: one alert, a burst's summary, a fix in the alert's thread. Pure; every
string of AWS's is neutralised before it reaches mrkdwn (bot/slack/text.py)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.answers.models import NonCompliantResource
from bot.presenters.common import ACTION_ASK, question_value
from bot.questions.question import Question
from bot.slack.blocks import clip, fit, header, section
from bot.slack.text import neutral, neutralised
from bot.watch.model import Watch

ACTION_MUTE = "compliance_watch_mute"
BURST = 10  # more new findings than this at once: one summary, never a flood
EVENT_TYPE = "compliance_watch_alert"


def _line(resource: NonCompliantResource) -> str:
    r = neutralised(resource)
    line = f"• <{r.console_url}|{r.resource_id}> `{r.resource_type}` in {r.account_id} {r.region}: *{r.rule}*"
    if r.annotation:
        line += f"\n    _{clip(r.annotation, 200)}_"
    return line


def _buttons(watch: Watch, resource: NonCompliantResource | None) -> list[Block]:
    """Details and Waive… (each asks its question; left out when too long for a button), Mute."""
    elements = []
    if resource is not None:
        # Waive… asks `waive` without days or reason: the reply is the command to type, filled in.
        where = {"account": resource.account_id, "region": resource.region}
        waive = {"resource": resource.resource_id, "rule": resource.rule, **where}
        for index, (label, question) in enumerate(
            (
                ("Details", Question("resource", {"id": resource.resource_id}, watch.aggregator)),
                ("Waive…", Question("waive", waive, watch.aggregator)),
            )
        ):
            value = question_value(question)
            if value is not None:
                elements.append(ButtonElement(text=label, action_id=f"{ACTION_ASK}_{index}", value=value))
    elements.append(ButtonElement(text="Mute this watch for a day", action_id=ACTION_MUTE, value=watch.id))
    return [ActionsBlock(elements=elements)]


def alert(watch: Watch, resources: list[NonCompliantResource]) -> dict[str, Any]:
    """One alert for one new finding, or one summary of a burst (the first BURST; the rest is the
    CSV in its thread)."""
    what = neutral(watch.label)
    if len(resources) == 1:
        (resource,) = resources
        title = f"Newly non-compliant: {resource.rule}"
        body = [header(clip(title, 150)), section(_line(resource)), *_buttons(watch, resource)]
    else:
        title = f"{len(resources)} resources became non-compliant"
        shown = "\n".join(_line(r) for r in resources[:BURST])
        more = (
            f"\n…and {len(resources) - BURST} more: the CSV in this thread has them all."
            if len(resources) > BURST
            else ""
        )
        body = [header(clip(title, 150)), section(shown + more), *_buttons(watch, None)]
    # The header is plain text (shown as it is); the notification text is mrkdwn: neutral.
    return {"text": neutral(title), "blocks": fit(body, f":eyes: watch `{what}` in this channel")}


def fixed(resources: list[NonCompliantResource | None], keys: list[str]) -> dict[str, Any]:
    """The fix, in the alert's thread."""
    return _thread_note(
        resources, keys, ":white_check_mark:", "Compliant again", "AWS Config no longer reports these"
    )


def waived(resources: list[NonCompliantResource | None], keys: list[str]) -> dict[str, Any]:
    """A waiver made for an alerted finding, in the alert's thread."""
    return _thread_note(
        resources, keys, ":memo:", "Waived", "accepted risks: not counted or alerted until their waivers end"
    )


def _thread_note(
    resources: list[NonCompliantResource | None], keys: list[str], emoji: str, title: str, context: str
) -> dict[str, Any]:
    lines = [
        _line(r).replace("• ", f"• {emoji} ", 1) if r is not None else f"• {emoji} {neutral(k)}"
        for r, k in zip(resources, keys, strict=True)
    ]
    text = f"{title}:\n" + "\n".join(lines)
    return {"text": title, "blocks": fit([section(clip(text, 2900))], context)}


def baseline(watch: Watch, count: int) -> dict[str, Any]:
    text = (
        f":eyes: Watching `{neutral(watch.label)}` in this channel from now on. {count} resource(s) are "
        "already non-compliant: they are the baseline, and only new ones are alerted."
    )
    return {"text": text, "blocks": fit([section(text)], "watch")}
