"""The kinds that list non-compliant resources: one rule everywhere (`rule`) and everything failing
in one account (`account`) or place (`failing`). Each pages its resources in Slack, lists them in
the terminal and exports them whole; the waived ones (accepted risks, out of every count) follow
the others in each form, marked. Pure."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.answers.models import (
    AccountDrilldown,
    Answer,
    Count,
    FailingResources,
    NonCompliantResource,
    RuleCompliance,
    Waived,
)
from bot.presenters import waived as waivers
from bot.presenters.common import buttons, except_waived, nothing_failing, sections
from bot.presenters.presenter import Presenter, Table
from bot.questions.question import Question
from bot.slack.blocks import PAGE_SIZE, clip, fields, header, section, table

SHOWN = 50  # resources and sources listed in the terminal


def resource_sections(
    resources: list[NonCompliantResource], page: int, of: str | None = None
) -> tuple[list[Block], int]:
    """The page's resources as sections of whole lines, each within Slack's section size: a page
    shows every resource it counts."""
    text, pages = resource_lines(resources, page, of)
    heading, *lines = text.split("\n• ")
    return sections([heading, *("• " + line for line in lines)]), pages


def resource_lines(
    resources: list[NonCompliantResource], page: int, of: str | None = None
) -> tuple[str, int]:
    """The page's resources as mrkdwn lines under a heading ("of" how many: all of them, unless
    said), and how many pages there are."""
    pages = max(1, -(-len(resources) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    lines = []
    for r in resources[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        line = f"• <{r.console_url}|{r.resource_id}> `{r.resource_type}` {r.account_id} {r.region}"
        if len(r.rule_names) > 1:
            line += f" ({len(r.rule_names)} rules: {', '.join(r.rule_names)})"
        if r.annotation:
            line += f"\n    _{clip(r.annotation, 200)}_"
        lines.append(line)
    last = min(len(resources), (page + 1) * PAGE_SIZE)
    heading = f"*Resources {page * PAGE_SIZE + 1}–{last} of {of or len(resources)}*"
    return heading + "\n" + "\n".join(lines), pages


def resource_text(resources: list[NonCompliantResource]) -> list[str]:
    """The resources for the terminal: the first SHOWN, and how many more."""
    lines = [
        f"  {r.account_id} {r.region:<15} {r.resource_type:<28} {r.resource_id}"
        + (f"  ({r.annotation})" if r.annotation else "")
        + (f"  [{len(r.rule_names)} rules: {', '.join(r.rule_names)}]" if len(r.rule_names) > 1 else "")
        for r in resources[:SHOWN]
    ]
    if len(resources) > SHOWN:
        lines.append(f"  ... and {len(resources) - SHOWN} more (use --json for all)")
    return lines


def resource_table(data: RuleCompliance | AccountDrilldown | FailingResources) -> Table:
    """Every resource the answer lists, one CSV row each: the non-compliant ones (those counted),
    then the waived ones, marked by their `waived_until`."""
    return resource_rows(data.resources, data.waived)


def resource_rows(resources: list[NonCompliantResource], waived: list[Waived] | None = None) -> Table:
    """Resources as a CSV header and rows; the waived ones last, with their waiver's end, reason
    and approver (those columns are empty for the others)."""
    heading = [
        "account_id",
        "region",
        "resource_type",
        "resource_id",
        "rule",
        "rule_names",
        "annotation",
        "evaluated_at",
        "console_url",
        "waived_until",
        "waiver_reason",
        "waiver_approved_by",
    ]
    rows: list[list[Any]] = [[*_cells(r), "", "", ""] for r in resources]
    rows += [
        [*_cells(w.resource), w.expires_at.isoformat(), w.reason, w.approved_by or ""] for w in waived or []
    ]
    return heading, rows


def _cells(r: NonCompliantResource) -> list[Any]:
    return [
        r.account_id,
        r.region,
        r.resource_type,
        r.resource_id,
        r.rule,
        " ".join(r.rule_names),
        r.annotation or "",
        r.evaluated_at.isoformat() if r.evaluated_at else "",
        r.console_url,
    ]


LOADING = ":hourglass_flowing_sand: _Loading the rest… this message is updated when the answer is complete._"


def _at_least(value: int, lower_bound: bool) -> str:
    return f"at least {value}" if lower_bound else str(value)


def _rule_blocks(answer: Answer[RuleCompliance], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    if not data.sources:
        return _all_clear(answer, data.rule, data.waived, question, "No non-compliant resources", data.rule)
    blocks: list[Block] = [header(f"{data.rule}")]
    waived = waivers.blocks(data.waived, data.rule)
    counts = [
        ("Non-compliant resources", data.non_compliant_resources.words),
        ("Accounts", _at_least(len(data.accounts), data.more_sources)),
        ("Regions", _at_least(len(data.regions), data.more_sources)),
    ]
    blocks.append(fields(counts + ([("Waived", str(len(data.waived)))] if data.waived else [])))
    per_account: dict[str, Count] = {}
    regions: dict[str, set[str]] = {}  # one pass: a set per account, not a scan of every source
    for s in data.sources:
        per_account[s.account_id] = per_account.get(s.account_id, Count(value=0)) + s.non_compliant
        regions.setdefault(s.account_id, set()).add(s.region)
    ranked = sorted(per_account.items(), key=lambda kv: (-kv[1].value, kv[0]))
    rows = [["account", "resources", "regions"]] + [[a, str(c), str(len(regions[a]))] for a, c in ranked]
    if data.loading:
        # The first answer: its first resources; pages and the table fill in with the update.
        listed, _ = resource_sections(data.resources[:PAGE_SIZE], 0, data.non_compliant_resources.words)
        return [*blocks, *listed, section(LOADING), *waived, *buttons(question, 0, 1)]
    blocks.append(table(rows))
    listed, pages = resource_sections(data.resources, page)
    return blocks + listed + waived + buttons(question, page, pages)


def _rule_text(data: RuleCompliance) -> list[str]:
    if not data.sources:
        return [
            f"{data.rule}: no non-compliant resources anywhere{except_waived(len(data.waived))}.",
            *waivers.text(data.waived, data.rule),
        ]
    return [
        f"{data.rule}: {data.non_compliant_resources.words} non-compliant resource(s) in "
        f"{_at_least(len(data.accounts), data.more_sources)} account(s), "
        f"{_at_least(len(data.regions), data.more_sources)} region(s)  [plan: {data.plan}]",
        "By account and region:",
        *(f"  {s.account_id} {s.region:<15} {s.non_compliant}" for s in data.sources[:SHOWN]),
        "Resources:",
        *resource_text(data.resources),
        *waivers.text(data.waived, data.rule),
    ]


RULE: Presenter[RuleCompliance] = Presenter(
    blocks=_rule_blocks, text=_rule_text, table=resource_table, empty=lambda data: not data.sources
)


def _account_blocks(answer: Answer[AccountDrilldown], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    if not data.rules:
        return _all_clear(answer, f"Account {data.account_id}", data.waived, question)
    rows = [["rule", "resources", "regions"]] + [
        [clip(r.rule, 45), str(r.resources), str(r.regions)] for r in data.rules
    ]
    listed, pages = resource_sections(data.resources, page)
    blocks: list[Block] = [
        header(f"Account {data.account_id}: {len(data.rules)} rule(s) failing"),
        table(rows),
        *listed,
        *waivers.blocks(data.waived),
    ]
    return blocks + buttons(question, page, pages)


def _all_clear(
    answer: Answer[Any],
    title: str,
    waived: list[Waived],
    question: Question | None,
    what: str = "Nothing is failing",
    rule: str | None = None,
) -> list[Block]:
    """Nothing failing (of a rule, in an account or a place): said with the waived resources, if
    any, listed (and exported: the buttons come with them)."""
    clear = section(nothing_failing(answer, what, len(waived)))
    listed = waivers.blocks(waived, rule)
    return [header(title), clear, *listed, *(buttons(question, 0, 1) if listed else [])]


def _account_text(data: AccountDrilldown) -> list[str]:
    if not data.rules:
        return [
            f"Account {data.account_id}: nothing is failing{except_waived(len(data.waived))}.",
            *waivers.text(data.waived),
        ]
    return [
        f"Account {data.account_id}: {len(data.rules)} rule(s) failing",
        *(f"  {r.rule:<55} {str(r.resources):>6} resources in {r.regions} region(s)" for r in data.rules),
        "Resources:",
        *resource_text(data.resources),
        *waivers.text(data.waived),
    ]


ACCOUNT: Presenter[AccountDrilldown] = Presenter(
    blocks=_account_blocks, text=_account_text, table=resource_table, empty=lambda data: not data.rules
)


def _failing_blocks(answer: Answer[FailingResources], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    if not data.rules:
        return _all_clear(answer, f"Failing in {data.where}", data.waived, question)
    spread = "regions" if data.region is None else "accounts"
    rows = [["rule", "resources", spread]] + [
        [clip(r.rule, 45), str(r.resources), str(r.regions if data.region is None else r.accounts)]
        for r in data.rules
    ]
    listed, pages = resource_sections(data.resources, page)
    blocks: list[Block] = [
        header(f"Failing in {data.where}: {len(data.resources)} resource(s), {len(data.rules)} rule(s)"),
        table(rows),
        *listed,
        *waivers.blocks(data.waived),
    ]
    return blocks + buttons(question, page, pages)


def _failing_text(data: FailingResources) -> list[str]:
    if not data.rules:
        clear = f"Failing in {data.where}: nothing{except_waived(len(data.waived))}."
        return [clear, *waivers.text(data.waived)]
    return [
        f"Failing in {data.where}: {len(data.resources)} resource(s), {len(data.rules)} rule(s)",
        *(f"  {r.rule:<55} {str(r.resources):>6} resources" for r in data.rules),
        "Resources:",
        *resource_text(data.resources),
        *waivers.text(data.waived),
    ]


FAILING: Presenter[FailingResources] = Presenter(
    blocks=_failing_blocks, text=_failing_text, table=resource_table, empty=lambda data: not data.rules
)
