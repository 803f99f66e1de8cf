"""`waive`, `unwaive` and `waivers`: accepted risks managed from Slack. The registry's entries
(bot/questions/kinds.py) run these. The resource is found as `resource <id>` finds it (by id,
name or ARN); where several accounts or regions have it, the reply asks which, with buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.access.scopes import Scope, scope_for
from bot.answers.models import ResourceRef, ResourceReport
from bot.errors import UserError, quoted
from bot.presenters.waived import until
from bot.questions import parsers
from bot.questions.question import Question
from bot.questions.registry import Desk, Reply
from bot.slack.text import neutral
from bot.waivers.desk import Waivers
from bot.waivers.model import Waiver

USAGE = "waive <resource> <rule> [account <id>] [region <r>] <days>d <reason>"


def _waivers(deps: Desk) -> Waivers:
    if deps.waivers is None:
        raise UserError("Waivers are not set up here.")
    return deps.waivers


def _check_approver(deps: Desk, waivers: Waivers, user: str | None) -> None:
    if not waivers.may_approve(deps.access, user):
        raise UserError(
            "Only the bot's admins and the waiver approvers named in its configuration can waive or "
            "unwaive findings."
        )


def _rule(deps: Desk, text: str) -> str:
    try:
        return deps.catalog.resolve(text)
    except UserError:
        return text.strip()  # a custom rule the catalog cannot know: checked against the resource


def _candidates(report: ResourceReport, params: dict[str, str]) -> list[ResourceRef]:
    found = ([report.resource] if report.resource else []) + list(report.matches)
    return [
        r
        for r in found
        if params.get("account") in (None, r.account_id) and params.get("region") in (None, r.region)
    ]


def _choice(question: Question, ref: ResourceRef) -> tuple[str, Question]:
    params = {**question.params, "resource": ref.handle, "account": ref.account_id, "region": ref.region}
    label = f"{ref.resource_name or ref.resource_id} in {ref.account_id} {ref.region}"
    return label, Question("waive", params, question.aggregator, question.public)


def _in_scope(scope: Scope, account: str) -> None:
    if scope.nothing or not scope.allows(account):
        raise UserError("That resource is outside the accounts this channel sees.")


def _audit(
    deps: Desk, event: str, waiver: Waiver, channel: str | None, user: str | None, **more: str | None
) -> None:
    deps.audit.record(
        event=event,
        channel=channel,
        user=user,
        waiver=waiver.id,
        rule=waiver.rule,
        account=waiver.account_id,
        region=waiver.region,
        resource=waiver.resource_id,
        **more,
    )


def _guide(params: dict[str, str]) -> str:
    where = " ".join(f"{k} {params[k]}" for k in ("account", "region") if params.get(k))
    command = " ".join(p for p in ("/compliance waive", params["resource"], params["rule"], where) if p)
    return (
        "To accept this finding until a date, with the reason kept beside it, send:\n"
        f"{quoted(command + ' 30d <reason, e.g. a ticket>')}\n"
        "(change `30d` to the days you accept it for, at most a year)."
    )


def waive_command(deps: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    waivers = _waivers(deps)
    _check_approver(deps, waivers, user)
    params = question.params
    if "days" not in params:  # the alerts' "Waive…" button: what to type, the finding filled in
        return Reply(_guide(params), "Waive")
    # A button carries its days and reason: held to the command's rules again.
    typed = f"_ _ {params['days']}d {params.get('reason', '')}"
    checked = parsers.waive(typed.split(), typed, USAGE)
    scope = scope_for(deps.access, channel, user)
    report = deps.answerer.answer(
        Question("resource", {"id": params["resource"]}, question.aggregator), scope
    )
    candidates = _candidates(report.data, params)
    if not candidates:
        raise UserError(
            f"I found no resource {quoted(params['resource'])} there; `resource <id>` looks it up."
        )
    if len(candidates) > 1:
        listed = "\n".join(
            f"• {quoted(ref.resource_name or ref.resource_id)}: account {ref.account_id} region {ref.region}"
            for ref in candidates[:10]
        )
        return Reply(
            f"{quoted(params['resource'])} names {len(candidates)} resources. Which one do you waive? "
            f"(Or ask again with its `account <id> region <r>`.)\n{listed}",
            choices=[_choice(question, ref) for ref in candidates[:5]],
        )
    (ref,) = candidates
    _in_scope(scope, ref.account_id)
    rule = _rule(deps, params["rule"])
    if ref != report.data.resource:  # one of several matches: its own report, with its rules
        report = deps.answerer.answer(Question("resource", {"id": ref.handle}, question.aggregator), scope)
    rows = [c for c in report.data.compliance if c.rule == rule]
    regions = sorted({c.region or ref.region for c in rows})
    failing = any(c.compliance_type == "NON_COMPLIANT" for c in rows)
    if not regions:
        evaluated = sorted({c.rule for c in report.data.compliance})
        listed = ", ".join(quoted(r) for r in evaluated[:10]) or "none"
        raise UserError(
            f"{quoted(rule)} does not evaluate {quoted(ref.resource_name or ref.resource_id)}, so there is "
            f"nothing to waive. The rules that evaluate it: {listed}."
        )
    now = waivers.clock()
    expires = now + timedelta(days=int(checked["days"]))
    made = [
        Waiver(
            rule=rule,
            account_id=ref.account_id,
            region=region,
            resource_id=ref.resource_id,
            resource_type=ref.resource_type,
            resource_name=ref.resource_name,
            resource_arn=ref.arn,
            expires_at=expires,
            reason=checked["reason"],
            approved_by=user,
            created_at=now,
            aggregator=question.aggregator,
        )
        for region in regions
    ]
    for waiver in made:
        if waivers.is_configured(waiver.id):
            raise UserError("That finding is waived in the bot's configuration file; change it there.")
    for waiver in made:
        replaced = waivers.store.put(waiver)
        _audit(
            deps,
            "waive",
            waiver,
            channel,
            user,
            expires_at=waiver.expires_at.isoformat(),
            reason=waiver.reason,
            replaced=replaced.expires_at.isoformat() if replaced else None,
        )
    where = ", ".join(regions)
    return Reply(
        f":memo: Waived {quoted(ref.resource_name or ref.resource_id)} (`{neutral(ref.resource_type)}`, "
        f"{ref.account_id} {where}) for {quoted(rule)} until {until(expires, now)}: "
        f"_{neutral(params['reason'])}_\n"
        + (
            "Every answer, the digest and the alerts leave it out of the non-compliant counts from now on"
            if failing
            else ":warning: AWS Config reports it compliant now: if it breaks before the waiver ends, it "
            "will not be counted or alerted"
        )
        + "; `waivers` lists the waivers, `unwaive` ends one.",
        "Waived",
    )


def _matching(waivers: Sequence[Waiver], deps: Desk, params: dict[str, str]) -> list[Waiver]:
    """The waivers of that rule for a resource named by its id, name or ARN."""
    rule = _rule(deps, params["rule"])
    resource = params["resource"]
    return [
        w
        for w in waivers
        if w.rule == rule
        and resource in (w.resource_id, w.resource_name, w.resource_arn)
        and params.get("account") in (None, w.account_id)
        and params.get("region") in (None, w.region)
    ]


def unwaive_command(deps: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    waivers = _waivers(deps)
    _check_approver(deps, waivers, user)
    scope = scope_for(deps.access, channel, user)
    now = waivers.clock()
    found = [
        w
        for w in _matching(waivers.all(), deps, question.params)
        if w.active(now) and not scope.nothing and scope.allows(w.account_id)
    ]
    if not found:
        raise UserError(
            f"No waiver in force for {quoted(question.params['resource'])} and "
            f"{quoted(question.params['rule'])} in this channel's accounts. `waivers` lists them."
        )
    configured = [w for w in found if w.source == "config"]
    if configured:
        raise UserError("That waiver is declared in the bot's configuration file; end it there.")
    for waiver in found:
        waivers.store.delete(waiver.id)
        _audit(deps, "unwaive", waiver, channel, user)
    lines = "\n".join(f"• {neutral(w.label)}: {quoted(w.rule)}" for w in found)
    return Reply(f"Ended {len(found)} waiver(s); these count again in every answer:\n{lines}", "Unwaived")


def line(waiver: Waiver, now: datetime) -> str:
    """One waiver in a list (its texts are data: neutral)."""
    state = f"until {until(waiver.expires_at, now)}" if waiver.active(now) else "*expired*"
    by = f", approved by {neutral(waiver.approved_by)}" if waiver.approved_by else ""
    return (
        f"• {neutral(waiver.label)}: {quoted(waiver.rule)} {state}{by} ({waiver.source})\n"
        f"    _{neutral(waiver.reason)}_"
    )


def waivers_command(deps: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    waivers = _waivers(deps)
    scope = scope_for(deps.access, channel, user)
    rule = _rule(deps, question.params["rule"]) if question.params.get("rule") else None
    now = waivers.clock()
    mine = [
        w
        for w in waivers.all()
        if not scope.nothing and scope.allows(w.account_id) and rule in (None, w.rule)
    ]
    if not mine:
        what = f" for {quoted(rule)}" if rule else ""
        return Reply(
            f"No waivers{what} in this channel's accounts. "
            "`waive <resource> <rule> <days>d <reason>` makes one."
        )
    active = [w for w in mine if w.active(now)]
    shown = active[:20] + [w for w in mine if not w.active(now)][: max(0, 20 - len(active))]
    more = f"\n…and {len(mine) - len(shown)} more." if len(mine) > len(shown) else ""
    title = f"{len(active)} waiver(s) in force" + (f" for {rule}" if rule else "")
    return Reply("\n".join(line(w, now) for w in shown) + more, title)
