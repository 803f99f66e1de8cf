"""Answers as Slack Block Kit messages, built with slack_sdk's block models. Pure: the time and
the page come in as arguments; no clock, no I/O.

Every message stays inside Slack's limits (50 blocks, 3000-character sections, 10 fields of
2000 characters, 150-character headers, 2000-character button values): `_fit` enforces them
whatever the answer's size.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.answers.coverage import caveat_line
from bot.answers.models import (
    SUMMARY_UNIT,
    AccountDrilldown,
    Aggregators,
    Answer,
    ComplianceSummary,
    Count,
    DoctorReport,
    NonCompliantResource,
    PackCompliance,
    QueryResult,
    ResourceCounts,
    ResourceReport,
    RuleCompliance,
    RulesOverview,
    SourceHealth,
)
from bot.questions.grammar import Question
from bot.slack.text import BACKTICK_LOOKALIKE, escape, neutralised, unescape

PAGE_SIZE = 10
TABLE_ROWS = 15
MAX_BLOCKS = 50
SECTION_CHARS = 3000
FIELD_CHARS = 2000
HEADER_CHARS = 150
BUTTON_VALUE_CHARS = 2000
TEXT_BUDGET = 12_000  # characters of text per message; Slack refuses around 13k
ACTION_PAGE = "compliance_page"
ACTION_EXPORT = "compliance_export"
ACTION_REFRESH = "compliance_refresh"


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    entity = cut.rfind("&")
    if entity >= 0 and ";" not in cut[entity:] and len(cut) - entity <= 5:
        cut = cut[:entity]  # never half an escape (&lt;) on show
    return cut + "…"


def _header(text: str) -> HeaderBlock:
    # plain_text is shown as it is: the data in it (already neutral) is unescaped for reading.
    return HeaderBlock(text=PlainTextObject(text=_clip(unescape(text), HEADER_CHARS)))


def _clip_mrkdwn(text: str, limit: int) -> str:
    """Clipped without cutting markup in two: at a line's end where it can be, never inside a
    link, and with every code span closed."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rindex("<")]
    if cut.count("`") % 2:
        cut += "`"
    return cut + "…"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_clip_mrkdwn(text, SECTION_CHARS)))


def _fields(pairs: list[tuple[str, str]]) -> SectionBlock:
    return SectionBlock(
        fields=[MarkdownTextObject(text=_clip(f"*{k}*\n{v}", FIELD_CHARS)) for k, v in pairs[:10]]
    )


def _table(rows: list[list[str]], total: int | None = None) -> SectionBlock:
    """A compact monospace table that reads on a phone: columns padded, at most TABLE_ROWS rows."""
    shown = rows[: TABLE_ROWS + 1]
    widths = [max(len(r[i]) for r in shown) for i in range(len(shown[0]))] if shown else []
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in shown]
    more = (total if total is not None else len(rows) - 1) - (len(shown) - 1)
    if more > 0:
        lines.append(f"… and {more} more")
    body = "\n".join(lines)
    return _section(f"```{_clip(body, SECTION_CHARS - 6)}```")


def context_line(answer: Answer[Any], now: datetime) -> str:
    as_of = answer.as_of.strftime("%H:%M UTC")
    if answer.cached:
        minutes = max(0, int((now - answer.as_of).total_seconds() // 60))
        age = "cached just now" if minutes == 0 else f"cached {minutes} min ago"
    elif answer.limited:  # the count would tell of the accounts outside the channel's scope
        age = "fresh"
    else:
        age = f"fresh, {answer.aws_calls} AWS call{'s' if answer.aws_calls != 1 else ''}"
    return f"data as of {as_of}, {age}, aggregator {answer.aggregator}"


def question_value(question: Question, page: int = 0) -> str | None:
    """What a button carries: the question and the page (state lives here, not in memory)."""
    value = json.dumps(
        {"k": question.kind, "p": question.params, "a": question.aggregator, "n": page}, separators=(",", ":")
    )
    return value if len(value) <= BUTTON_VALUE_CHARS else None


def question_from_value(value: str) -> tuple[Question, int]:
    data = json.loads(value)
    return Question(str(data["k"]), {str(k): str(v) for k, v in data["p"].items()}, data.get("a")), int(
        data["n"]
    )


def _buttons(question: Question | None, page: int, pages: int, export: bool = True) -> list[Block]:
    if question is None:
        return []
    elements = []
    if pages > 1 and page > 0 and (value := question_value(question, page - 1)):
        elements.append(ButtonElement(text="◀ Previous", action_id=f"{ACTION_PAGE}_prev", value=value))
    if pages > 1 and page < pages - 1 and (value := question_value(question, page + 1)):
        elements.append(ButtonElement(text="Next ▶", action_id=f"{ACTION_PAGE}_next", value=value))
    current = question_value(question, page)
    if current is None:
        return []
    if export:
        elements.append(ButtonElement(text="Export CSV", action_id=ACTION_EXPORT, value=current))
    elements.append(ButtonElement(text="Refresh", action_id=ACTION_REFRESH, value=current))
    return [ActionsBlock(elements=elements)]


def _resource_sections(resources: list[NonCompliantResource], page: int) -> tuple[list[Block], int]:
    """The page's resources as sections of whole lines, each within Slack's section size: a page
    shows every resource it counts."""
    text, pages = _resource_lines(resources, page)
    sections: list[str] = []
    for line in text.split("\n• "):
        line = line if not sections else "• " + line
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_CHARS:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    return [_section(s) for s in sections], pages


def _resource_lines(resources: list[NonCompliantResource], page: int) -> tuple[str, int]:
    pages = max(1, -(-len(resources) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    lines = []
    for r in resources[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        line = f"• <{r.console_url}|{r.resource_id}> `{r.resource_type}` {r.account_id} {r.region}"
        if len(r.rule_names) > 1:
            line += f" ({len(r.rule_names)} rules: {', '.join(r.rule_names)})"
        if r.annotation:
            line += f"\n    _{_clip(r.annotation, 200)}_"
        lines.append(line)
    last = min(len(resources), (page + 1) * PAGE_SIZE)
    header = f"*Resources {page * PAGE_SIZE + 1}–{last} of {len(resources)}*"
    return header + "\n" + "\n".join(lines), pages


def _nothing_failing(answer: Answer[Any], what: str) -> str:
    """The all-clear, only when every source in scope reported; else what it rests on."""
    where = answer.coverage
    if where.failed or where.outdated:
        return (
            f":warning: {what} in the sources that reported, but not every source did (below): "
            "this is not an all-clear."
        )
    return f":white_check_mark: {what} in any account or region."


def _rule(answer: Answer[RuleCompliance], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    blocks: list[Block] = [_header(f"{data.rule}")]
    if not data.sources:
        return [*blocks, _section(_nothing_failing(answer, "No non-compliant resources"))]
    blocks.append(
        _fields(
            [
                ("Non-compliant resources", data.non_compliant_resources.words),
                ("Accounts", str(len(data.accounts))),
                ("Regions", str(len(data.regions))),
            ]
        )
    )
    per_account: dict[str, Count] = {}
    for s in data.sources:
        per_account[s.account_id] = per_account.get(s.account_id, Count(value=0)) + s.non_compliant
    ranked = sorted(per_account.items(), key=lambda kv: (-kv[1].value, kv[0]))
    rows = [["account", "resources", "regions"]] + [
        [a, str(c), str(len({s.region for s in data.sources if s.account_id == a}))] for a, c in ranked
    ]
    blocks.append(_table(rows))
    sections, pages = _resource_sections(data.resources, page)
    return blocks + sections + _buttons(question, page, pages)


def _summary(answer: Answer[ComplianceSummary], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    rows = [[data.group_by, "compliant", "non-compliant"]] + [
        [r.group, str(r.compliant_rules), str(r.non_compliant_rules)] for r in data.rows
    ]
    return [
        _header(f"Compliance by {data.group_by}"),
        _fields(
            [
                ("Compliant rules", str(data.compliant_rules)),
                ("Non-compliant rules", str(data.non_compliant_rules)),
            ]
        ),
        _table(rows),
        _section(f"_{SUMMARY_UNIT}_"),
        *_buttons(question, 0, 1),
    ]


def _rules(answer: Answer[RulesOverview], question: Question | None, page: int) -> list[Block]:
    rows = answer.data.rows
    if not rows:
        return [_header("Rules"), _section(_nothing_failing(answer, "No rule has non-compliant resources"))]
    table = [["rule", "resources", "accounts", "regions"]] + [
        [_clip(r.rule, 45), str(r.resources), str(r.accounts), str(r.regions)] for r in rows
    ]
    return [
        _header("Rules with non-compliant resources, worst first"),
        _table(table),
        *_buttons(question, 0, 1),
    ]


def _account(answer: Answer[AccountDrilldown], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    if not data.rules:
        return [
            _header(f"Account {data.account_id}"),
            _section(_nothing_failing(answer, "Nothing is failing")),
        ]
    table = [["rule", "resources", "regions"]] + [
        [_clip(r.rule, 45), str(r.resources), str(r.regions)] for r in data.rules
    ]
    sections, pages = _resource_sections(data.resources, page)
    blocks: list[Block] = [
        _header(f"Account {data.account_id}: {len(data.rules)} rule(s) failing"),
        _table(table),
        *sections,
    ]
    return blocks + _buttons(question, page, pages)


def _resource(answer: Answer[ResourceReport], question: Question | None, page: int) -> list[Block]:
    r = answer.data
    icon = {"NON_COMPLIANT": ":x:", "COMPLIANT": ":white_check_mark:"}.get(
        r.compliance_type, ":grey_question:"
    )
    blocks: list[Block] = [
        _header(f"{r.resource_name or r.resource_id}"),
        _fields(
            [
                ("Compliance", f"{icon} {r.compliance_type}"),
                ("Type", r.resource_type),
                ("Account", r.account_id),
                ("Region", r.region),
                ("Id", r.resource_id),
            ]
        ),
        _section(f"<{r.console_url}|Open in the AWS console>"),
    ]
    if r.compliance:
        lines = [
            f"{':x:' if c.compliance_type == 'NON_COMPLIANT' else ':white_check_mark:'} {c.rule}"
            + (f" (`{c.rule_name}`)" if c.rule_name != c.rule else "")
            for c in r.compliance
        ]
        blocks.append(_section("*Rules*\n" + "\n".join(lines)))
    if r.other_matches:
        blocks.append(_section(f"_{r.other_matches} other resource(s) match; ask by ARN to pick one._"))
    return blocks + _buttons(question, 0, 1, export=False)


def _counts(answer: Answer[ResourceCounts], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    table = [[data.group_by, "resources"]] + [[r.group, str(r.count)] for r in data.rows]
    return [_header(f"{data.total} resources by {data.group_by}"), _table(table), *_buttons(question, 0, 1)]


def _health(answer: Answer[SourceHealth], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    if not data.problems:
        return [_header("Aggregator sources"), _section(":white_check_mark: Every source is up to date.")]
    lines = []
    for p in data.problems[:40]:
        age = f"{p.age_seconds // 3600} h ago" if p.age_seconds is not None else "never"
        icon = ":red_circle:" if p.status == "FAILED" else ":large_orange_circle:"
        code = f" `{p.error_code}`" if p.error_code else ""
        lines.append(f"{icon} *{p.status}* {p.source_id} {p.region}{code}, last update {age}")
    more = len(data.problems) - 40
    if more > 0:
        lines.append(f"… and {more} more")
    return [
        _header(f"{len(data.failed)} source(s) FAILED, {len(data.outdated)} OUTDATED"),
        _section("\n".join(lines)),
        *_buttons(question, 0, 1),
    ]


def _packs(answer: Answer[PackCompliance], question: Question | None, page: int) -> list[Block]:
    rows = answer.data.rows
    table = [["pack", "account", "region", "non-compliant rules"]] + [
        [_clip(r.pack, 30), r.account_id, r.region, f"{r.non_compliant_rules}/{r.total_rules}"] for r in rows
    ]
    bad = sum(r.compliance_type == "NON_COMPLIANT" for r in rows)
    return [
        _header("Conformance packs"),
        _fields([("Non-compliant", str(bad)), ("Deployments", str(len(rows)))]),
        _table(table),
        *_buttons(question, 0, 1),
    ]


def _query(answer: Answer[QueryResult], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    pages = max(1, -(-len(data.rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = data.rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    body = (
        "\n".join(json.dumps(row, separators=(",", ":"), ensure_ascii=False) for row in shown) or "(no rows)"
    )
    note = f"{len(data.rows)} row(s)" + (" (capped)" if data.truncated else "")
    return [
        _header("Advanced query"),
        _section(f"`{_clip(data.expression, 500)}`\n{note}"),
        _section(f"```{_clip(body, SECTION_CHARS - 6)}```"),
        *_buttons(question, page, pages),
    ]


def _aggregators(answer: Answer[Aggregators], question: Question | None, page: int) -> list[Block]:
    lines = [
        f"• *{a.name}*: {a.kind}-based, regions {'all' if a.all_regions else ', '.join(a.regions)}"
        for a in answer.data.rows
    ] or ["No aggregators in this account and region."]
    return [_header("Aggregators"), _section("\n".join(lines))]


def _doctor(answer: Answer[DoctorReport], question: Question | None, page: int) -> list[Block]:
    icons = {
        "ok": ":white_check_mark:",
        "info": ":information_source:",
        "warning": ":warning:",
        "critical": ":red_circle:",
    }
    blocks: list[Block] = [_header(f"Doctor: {answer.data.aggregator}")]
    for f in answer.data.findings[:20]:
        text = f"{icons[f.severity]} *{f.title}*\n{f.detail}"
        if f.fix:
            text += f"\nFix: `{f.fix}`"
        blocks.append(_section(text))
    return blocks


FORMATTERS: dict[type, Any] = {
    RuleCompliance: _rule,
    ComplianceSummary: _summary,
    RulesOverview: _rules,
    AccountDrilldown: _account,
    ResourceReport: _resource,
    ResourceCounts: _counts,
    SourceHealth: _health,
    PackCompliance: _packs,
    QueryResult: _query,
    Aggregators: _aggregators,
    DoctorReport: _doctor,
}


def _text_size(block: dict[str, Any]) -> int:
    size = len(block.get("text", {}).get("text", "")) if isinstance(block.get("text"), dict) else 0
    size += sum(len(f.get("text", "")) for f in block.get("fields", []) or [])
    size += sum(
        len(e.get("text", "")) for e in block.get("elements", []) or [] if isinstance(e.get("text"), str)
    )
    return size


def _fit(blocks: list[Block], context: str, caveat: str | None = None) -> list[dict[str, Any]]:
    """At most MAX_BLOCKS blocks and TEXT_BUDGET characters of text (Slack rejects messages with
    much more, `msg_blocks_too_long`); buttons, what the answer could not see, and the context
    line are always kept."""
    tail = [ContextBlock(elements=[MarkdownTextObject(text=_clip(context, SECTION_CHARS))]).to_dict()]
    if caveat:
        tail.insert(0, _caveat(caveat).to_dict())
    kept: list[dict[str, Any]] = []
    budget = TEXT_BUDGET - sum(_text_size(b) for b in tail)
    shortened = False
    for block in (b.to_dict() for b in blocks):
        size = _text_size(block)
        if block["type"] != "actions" and (size > budget or len(kept) >= MAX_BLOCKS - 3):
            shortened = True
            continue
        kept.append(block)
        budget -= size
    if shortened:
        note = "_Shortened to fit in Slack: Export CSV has all of it._"
        kept.append(_section(note).to_dict())
    return kept[: MAX_BLOCKS - len(tail)] + tail


def message(
    answer: Answer[Any], now: datetime, question: Question | None = None, page: int = 0
) -> dict[str, Any]:
    """The Slack message for an answer: `text` (the notification) and `blocks`. Every string of
    data in the answer is made neutral first (`bot/slack/text.py`), so no formatter can forget."""
    answer = neutralised(answer)
    formatter = FORMATTERS[type(answer.data)]
    blocks = formatter(answer, question, page)
    return {
        "text": _clip(answer.question, 300),
        "blocks": _fit(blocks, context_line(answer, now), caveat_line(answer.coverage)),
    }


def _caveat(text: str) -> SectionBlock:
    return _section(f":warning: {text}")


def text_message(text: str, title: str | None = None) -> dict[str, Any]:
    """A short message (help, errors, notices), within the limits."""
    blocks: list[Block] = [_header(title)] if title else []
    blocks.append(_section(text))
    return {"text": _clip(text, 300), "blocks": [b.to_dict() for b in blocks]}


def refusal_text(text: str) -> str:
    """A refusal or an error as mrkdwn: it may quote what the user typed or AWS named (quoted with
    `errors.quoted`), so it is escaped (no ping, no link); its own code spans stay code unless one
    is left open, when no backtick stays."""
    text = escape(text)
    return text if text.count("`") % 2 == 0 else text.replace("`", BACKTICK_LOOKALIKE)


def error_message(text: str) -> dict[str, Any]:
    return text_message(refusal_text(text))


def working_message() -> dict[str, Any]:
    return text_message(":hourglass_flowing_sand: Working on it…")


def home_view(
    summary: Answer[ComplianceSummary] | None,
    rules: Answer[RulesOverview] | None,
    health: Answer[SourceHealth] | None,
    now: datetime,
    problem: str | None = None,
) -> dict[str, Any]:
    """The App Home tab: the organization's posture at a glance."""
    summary, rules, health = neutralised(summary), neutralised(rules), neutralised(health)
    blocks: list[Block] = [_header("Compliance posture")]
    if problem:
        blocks.append(_section(f":warning: {refusal_text(problem)}"))
    if summary is not None:
        data = summary.data
        total = (data.compliant_rules + data.non_compliant_rules).value
        share = f"{100 * data.compliant_rules.value // total}%" if total else "n/a"
        blocks.append(
            _fields(
                [
                    ("Compliant rules", f"{data.compliant_rules} ({share})"),
                    ("Non-compliant rules", str(data.non_compliant_rules)),
                ]
            )
        )
        worst = [r for r in data.rows if r.non_compliant_rules.value][:8]
        if worst:
            blocks.append(
                _table(
                    [["worst accounts", "non-compliant rules"]]
                    + [[r.group, str(r.non_compliant_rules)] for r in worst]
                )
            )
    if rules is not None and rules.data.rows:
        blocks.append(
            _table(
                [["worst rules", "resources", "accounts"]]
                + [[_clip(r.rule, 40), str(r.resources), str(r.accounts)] for r in rules.data.rows[:8]]
            )
        )
    if health is not None:
        h = health.data
        state = (
            ":white_check_mark: every source up to date"
            if not h.problems
            else (f":red_circle: {len(h.failed)} FAILED, {len(h.outdated)} OUTDATED")
        )
        blocks.append(_section(f"*Aggregator sources*: {state}"))
    gaps = [caveat_line(a.coverage) for a in (rules, summary) if a is not None]
    for gap in dict.fromkeys(g for g in gaps if g):  # each distinct gap once
        blocks.append(_caveat(gap))
    latest = next((a for a in (summary, rules, health) if a is not None), None)
    if latest is not None:
        blocks.append(DividerBlock())
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context_line(latest, now))]))
    return {"type": "home", "blocks": [b.to_dict() for b in blocks[:100]]}
