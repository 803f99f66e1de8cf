"""Waivers end to end: the bot served over HTTP against the simulator, the real Redis and the
Slack stand-in. A waiver changes every answer at once (no refresh), ends with `unwaive` or its
expiry, and a watch alerts a waived finding only once its waiver has ended."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.answers.models import Count
from bot.errors import UserError
from bot.presenters.common import ACTION_ASK, question_from_value
from bot.questions.question import Question
from bot.waivers.desk import Waivers
from handlers.common import message_for
from simulator.seeding.spec import SeededEvaluation
from tests.support.slack import ADMIN, Bot, buttons, text_of
from tests.support.watches import CHANNEL, compliant, posts, report, scheduler, watch
from tests.waivers.conftest import APPROVER

pytestmark = pytest.mark.server


def failing(bot: Bot) -> SeededEvaluation:
    """A non-compliant finding of the seed (not the one the configuration file waives)."""
    return [e for e in bot.org.evaluations if e.compliance_type == "NON_COMPLIANT"][0]


def ask(bot: Bot, kind: str, **params: str) -> Any:
    return bot.running.deps.answerer.answer(Question(kind, params)).data


def counts(bot: Bot, e: SeededEvaluation) -> tuple[Count, Count, Count]:
    """The finding's rule as `/compliance <rule>`, `rules` and `account <id>` count it."""
    rule = ask(bot, "rule", rule=e.logical_rule).non_compliant_resources
    (row,) = [r for r in ask(bot, "rules").rows if r.rule == e.logical_rule] or [None]
    (mine,) = [r for r in ask(bot, "account", account=e.account_id).rules if r.rule == e.logical_rule] or [
        None
    ]
    return rule, row.resources if row else Count(value=0), mine.resources if mine else Count(value=0)


def waive(e: SeededEvaluation, reason: str = "RISK-142 legacy") -> str:
    return f"waive {e.resource_id} {e.logical_rule} account {e.account_id} region {e.region} 30d {reason}"


def test_a_waiver_takes_one_from_every_count_at_once_and_unwaive_puts_it_back(bot: Bot, fresh: None) -> None:
    e = failing(bot)
    before = counts(bot, e)  # cached now: the waiver must change them without a refresh
    said = watch(bot, waive(e, "RISK-142 <!channel> *legacy*"))
    assert "Waived" in said and e.resource_id in said and "<!channel>" not in said
    after = counts(bot, e)
    assert [a.value for a in after] == [b.value - 1 for b in before]
    waived = ask(bot, "rule", rule=e.logical_rule).waived
    assert [w.resource.resource_id for w in waived] == [e.resource_id]
    listed = watch(bot, f"waivers {e.logical_rule}")
    assert e.resource_id in listed and "&lt;!channel&gt;" in listed and "<!channel>" not in listed
    audit = bot.running.deps.cache.redis.xrange(f"{bot.running.deps.cache.policy.prefix}:audit")
    assert any(b'"event": "waive"' in fields[b"line"] or b'"waive"' in fields[b"line"] for _, fields in audit)
    said = watch(bot, f"unwaive {e.resource_id} {e.logical_rule} account {e.account_id}")
    assert "Ended 1 waiver" in said
    assert counts(bot, e) == before


def test_only_admins_and_approvers_waive(bot: Bot, fresh: None) -> None:
    e = failing(bot)
    assert "Only the bot's admins and the waiver approvers" in watch(bot, waive(e), user="U0SOMEONE")
    assert "Waived" in watch(bot, waive(e), user=APPROVER)
    assert "Only the bot's admins and the waiver approvers" in watch(
        bot, f"unwaive {e.resource_id} {e.logical_rule}", user="U0SOMEONE"
    )


def test_a_configured_waiver_applies_and_is_ended_in_the_file(bot: Bot, fresh: None) -> None:
    e = [e for e in bot.org.evaluations if e.compliance_type == "NON_COMPLIANT"][-1]
    waived = ask(bot, "rule", rule=e.logical_rule).waived
    assert e.resource_id in {w.resource.resource_id for w in waived}
    said = watch(bot, f"unwaive {e.resource_id} {e.logical_rule} account {e.account_id} region {e.region}")
    assert "configuration file" in said
    assert "kept in git" in watch(bot, "waivers")


def test_a_rule_that_does_not_evaluate_the_resource_is_refused(bot: Bot, fresh: None) -> None:
    e = failing(bot)
    said = watch(bot, f"waive {e.resource_id} no-such-rule account {e.account_id} region {e.region} 30d why")
    assert "does not evaluate" in said and "nothing to waive" in said


def test_a_name_several_accounts_share_is_asked_about_with_buttons(bot: Bot, fresh: None) -> None:
    _, url = bot.command(
        "waive OrganizationAccountAccessRole some-rule 30d why", user_id=ADMIN, channel_id=CHANNEL
    )
    reply = bot.responses(url)[-1]
    assert "Which one do you waive?" in text_of(reply)
    asks = [b for k, b in buttons(reply).items() if k.startswith(ACTION_ASK)]
    assert len(asks) > 1
    picked = [question_from_value(a["value"])[0] for a in asks]
    assert {q.kind for q in picked} == {"waive"} and len({q.params["account"] for q in picked}) == len(asks)
    assert all(q.params["reason"] == "why" and q.params["days"] == "30" for q in picked)


def test_the_alerts_waive_button_says_what_to_type(bot: Bot, fresh: None) -> None:
    e = failing(bot)
    params = {"resource": e.resource_id, "rule": e.logical_rule, "account": e.account_id, "region": e.region}
    message = message_for(bot.running.deps, Question("waive", params), 0, CHANNEL, ADMIN)
    text = text_of(message)
    assert (
        f"/compliance waive {e.resource_id} {e.logical_rule} account {e.account_id}" in text and "30d" in text
    )


def test_a_waived_break_is_not_alerted_until_its_waiver_ends(bot: Bot, fresh: None) -> None:
    deps = bot.running.deps
    assert deps.waivers is not None
    new, old = compliant(bot, count=2)
    report(bot, [old], "NON_COMPLIANT")  # broken before the watch: part of its baseline
    watch(bot, f"watch {new.logical_rule}")
    for e in (new, old):
        assert "Waived" in watch(bot, waive(e))
    report(bot, [new], "NON_COMPLIANT")
    scheduler(bot).tick()
    scheduler(bot).tick()
    assert posts(bot) == []  # waived: no alert
    for w in deps.waivers.store.all():  # both waivers end
        deps.waivers.store.put(w.model_copy(update={"expires_at": deps.clock() - timedelta(seconds=1)}))
    scheduler(bot).tick()
    (alert,) = posts(bot)
    shown = text_of(alert.params)
    assert new.resource_id in shown and old.resource_id in shown
    scheduler(bot).tick()
    assert len(posts(bot)) == 1  # once
    report(bot, [new, old], "COMPLIANT")
    scheduler(bot).tick()


def test_waive_on_an_alert_answers_the_clicker_and_keeps_the_alert(bot: Bot, fresh: None) -> None:
    (target,) = compliant(bot)
    watch(bot, f"watch {target.logical_rule}")
    report(bot, [target], "NON_COMPLIANT")
    scheduler(bot).tick()
    (alert,) = posts(bot)
    (button,) = [b for b in buttons(alert.params).values() if b["text"]["text"] == "Waive…"]
    url = bot.slack.response_url()
    bot.action(button, channel=CHANNEL, user=ADMIN, response_url=url, message=alert.params)
    (reply,) = bot.responses(url)
    assert reply.get("response_type") == "ephemeral" and reply.get("replace_original") is False
    assert f"/compliance waive {target.resource_id} {target.logical_rule}" in text_of(reply)
    report(bot, [target], "COMPLIANT")
    scheduler(bot).tick()


def test_waiving_an_alerted_break_says_so_in_its_thread_once(bot: Bot, fresh: None) -> None:
    (target,) = compliant(bot)
    watch(bot, f"watch {target.logical_rule}")
    report(bot, [target], "NON_COMPLIANT")
    scheduler(bot).tick()
    (alert,) = posts(bot)
    watch(bot, waive(target))
    scheduler(bot).tick()
    scheduler(bot).tick()
    notes = [c for c in posts(bot) if c.params.get("thread_ts") == (alert.answer or {}).get("ts")]
    assert (
        len(notes) == 1
        and "Waived" in text_of(notes[0].params)
        and target.resource_id in text_of(notes[0].params)
    )
    report(bot, [target], "COMPLIANT")
    scheduler(bot).tick()
    assert len(posts(bot)) == 2  # a waived finding's fix is not said: it was not alerted as failing


def test_a_mistyped_waive_is_refused_never_answered_as_another_question(bot: Bot, fresh: None) -> None:
    e = failing(bot)
    for bad, said in (("366d why", "1 to 365 days"), ("30d", "Say why"), ("30 days why", "how long")):
        reply = watch(bot, f"waive {e.resource_id} {e.logical_rule} {bad}")
        assert said in reply and "Non-compliant" not in reply
    assert deps_waivers(bot).store.all() == []


def test_a_buttons_days_and_reason_are_checked_again_on_click(bot: Bot, fresh: None) -> None:
    e = failing(bot)
    base = {"resource": e.resource_id, "rule": e.logical_rule, "account": e.account_id, "region": e.region}
    for days, reason in (("9999", "why"), ("-3", "why"), ("abc", "why"), ("30", ""), ("30", "x" * 501)):
        with pytest.raises(UserError):
            message_for(
                bot.running.deps,
                Question("waive", {**base, "days": days, "reason": reason}),
                0,
                CHANNEL,
                ADMIN,
            )
    assert deps_waivers(bot).store.all() == []


def test_waiving_a_compliant_finding_warns_that_a_break_would_be_hidden(bot: Bot, fresh: None) -> None:
    (target,) = compliant(bot)
    said = watch(bot, waive(target))
    assert "Waived" in said and "reports it compliant now" in said


def deps_waivers(bot: Bot) -> Waivers:
    assert bot.running.deps.waivers is not None
    return bot.running.deps.waivers
