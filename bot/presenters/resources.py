"""The kinds about what AWS Config records: one resource for an incident (`resource`, which has no
CSV form: it is one item, or the few that share its name, to pick from) and how many resources
there are (`resources`). Pure."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.answers.models import (
    Answer,
    ResourceCounts,
    ResourceRef,
    ResourceReport,
    ResourceRuleCompliance,
)
from bot.presenters.common import ask_buttons, buttons, sections, when
from bot.presenters.presenter import Presenter, Table
from bot.questions.question import Question
from bot.slack.blocks import TABLE_ROWS, clip, fields, header, section, table
from bot.slack.text import unescape

ICONS = {"NON_COMPLIANT": ":x:", "COMPLIANT": ":white_check_mark:"}
WAIVED_ICON = ":memo:"  # as `waive` answers: an accepted risk, not a pass
RELATED_SHOWN = 15
RULES_SHOWN = 30  # broken rules shown in Slack (with annotations); the others are counted
ANNOTATION_CHARS = 200
NO_ITEM = (
    "AWS Config holds no configuration item of it (its type is not recorded there): "
    "only its rules' evaluations are known."
)


def _resource_blocks(answer: Answer[ResourceReport], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    if data.resource is None:
        return _pick_blocks(data, question)
    r = data.resource
    blocks: list[Block] = [
        header(r.resource_name or r.resource_id),
        fields(
            [
                (
                    "Compliance",
                    f"{ICONS.get(data.compliance_type, ':grey_question:')} {data.compliance_type}"
                    + _waived_count(data),
                ),
                ("Type", r.resource_type),
                ("Account", r.account_id),
                ("Region", r.region),
                ("Id", r.resource_id),
                (
                    "Last changed",
                    when(data.captured_at) if data.configuration_item else "no configuration item",
                ),
            ]
        ),
    ]
    link = [f"<{data.console_url}|Open in the AWS console>"] if data.console_url else []
    blocks.append(section("\n".join([*link, *([f"`{r.arn}`"] if r.arn else [])]) or r.resource_id))
    if not data.configuration_item:
        blocks.append(section(f"_{NO_ITEM}_"))
    blocks += sections(_rule_lines(data.compliance) or ["_No rule has evaluated it._"])
    if data.configuration:
        blocks.append(section("*Configuration*"))
        blocks.append(fields(list(data.configuration.items())))
    if data.tags:
        tags = " · ".join(f"`{k}` {v}" for k, v in sorted(data.tags.items()))
        blocks.append(section(f"*Tags*\n{tags}"))
    if data.relationships:
        blocks.append(section("*Related resources*\n" + "\n".join(_related_lines(data))))
    if data.matches:
        lines = [f"• {_ref_line(m)}" for m in data.matches[:TABLE_ROWS]]
        more = len(data.matches) - TABLE_ROWS
        blocks.append(
            section(
                f"*Also matching `{data.identifier}`*\n"
                + "\n".join(lines)
                + (f"\n… and {more} more" if more > 0 else "")
                + ("\n" + _more(data).strip() if data.more_matches else "")
            )
        )
        blocks += _choice(data.matches, question)
    return blocks + buttons(question, 0, 1, export=False)


def _pick_blocks(data: ResourceReport, question: Question | None) -> list[Block]:
    rows = [["account", "region", "type", "ARN or id"]] + [
        [m.account_id, m.region, m.resource_type, m.handle] for m in data.matches
    ]
    shown = min(len(data.matches), 5) if question else 0
    pick = "Pick one below" if shown == len(data.matches) else "Ask for one by its ARN or id"
    if 0 < shown < len(data.matches):
        pick += f" (buttons for the first {shown})"
    return [
        header(f"{_count(data)} resources match {data.identifier}"),
        section(f"Several resources are named `{data.identifier}`. {pick}." + _more(data)),
        table(rows),
        *_choice(data.matches, question),
        *buttons(question, 0, 1, export=False),
    ]


def _count(data: ResourceReport) -> str:
    return f"{len(data.matches)}{'+' if data.more_matches else ''}"


def _more(data: ResourceReport) -> str:
    return " More match than were read: the first are listed." if data.more_matches else ""


def _choice(matches: list[ResourceRef], question: Question | None) -> list[Block]:
    """One button per match (the first few) asking for it by its ARN or id; none without a
    question (no buttons there). A button's label and value are not mrkdwn: shown as they are."""
    if question is None:
        return []
    return ask_buttons(
        [
            (
                unescape(f"{m.account_id} {m.region} {m.resource_type.removeprefix('AWS::')}"),
                Question("resource", {"id": unescape(m.handle)}, question.aggregator, question.public),
            )
            for m in matches
        ]
    )


def _waived_count(data: ResourceReport) -> str:
    """What the compliance figure leaves out: rules it breaks under a waiver."""
    waived = sum(c.waived_until is not None for c in data.compliance)
    return f" ({waived} rule{'s' if waived != 1 else ''} waived)" if waived else ""


def _rule_lines(compliance: list[ResourceRuleCompliance]) -> list[str]:
    """The rules it breaks, each with its annotation and time (the waived ones after the others,
    each saying until when and why); then the others, in one line each kind (a resource passes
    dozens of rules: they are not what an incident reads first)."""
    lines = [f"*Rules that evaluate it ({len(compliance)})*"] if compliance else []
    breaking = [c for c in compliance if c.compliance_type == "NON_COMPLIANT"]
    breaking.sort(key=lambda c: c.waived_until is not None)
    for c in breaking[:RULES_SHOWN]:
        where = ", ".join(p for p in (f"`{c.rule_name}`" if c.rule_name != c.rule else "", c.region) if p)
        line = f"{WAIVED_ICON if c.waived_until else ':x:'} *{c.rule}*" + (f" ({where})" if where else "")
        if c.waived_until:
            line += f": NON_COMPLIANT, {_waiver(c)}"
        if c.annotation:
            line += f"\n    _{clip(c.annotation, ANNOTATION_CHARS)}_"
        if c.evaluated_at:
            line += f"\n    evaluated {when(c.evaluated_at)}"
        if c.details_unread:
            line += "\n    _annotation not read (detail_call_cap)_"
        lines.append(line)
    if len(breaking) > RULES_SHOWN:
        lines.append(f"… and {len(breaking) - RULES_SHOWN} more rules it breaks")
    others: dict[str, list[str]] = {}
    for c in compliance:
        if c.compliance_type != "NON_COMPLIANT":
            others.setdefault(c.compliance_type, []).append(c.rule)
    for kind, rules in others.items():
        names = ", ".join(dict.fromkeys(rules))
        lines.append(f"{ICONS.get(kind, ':grey_question:')} {kind.replace('_', ' ').lower()}: {names}")
    return lines


def _waiver(c: ResourceRuleCompliance) -> str:
    """A waived rule row's waiver: "waived until <date>: <reason>"."""
    return f"waived until {when(c.waived_until)}: {clip(c.waiver_reason or '', ANNOTATION_CHARS)}"


def _related_lines(data: ResourceReport) -> list[str]:
    lines = [
        f"• {r.relationship}: `{r.resource_type}` {r.resource_id or ''}"
        + (f" ({r.resource_name})" if r.resource_name else "")
        for r in data.relationships[:RELATED_SHOWN]
    ]
    more = len(data.relationships) - RELATED_SHOWN
    return lines + ([f"… and {more} more"] if more > 0 else [])


def _ref_line(m: ResourceRef) -> str:
    return f"`{m.resource_type}` {m.handle}, account {m.account_id}, {m.region}"


def _resource_text(data: ResourceReport) -> list[str]:
    if data.resource is None:
        return [
            f"{_count(data)} resources match {data.identifier}; ask for one by its ARN or id:",
            *(f"  {_ref_text(m)}" for m in data.matches),
            *([f" {_more(data)}"] if data.more_matches else []),
        ]
    r = data.resource
    changed = when(data.captured_at) if data.configuration_item else "- (no configuration item)"
    lines = [
        f"{r.resource_type} {r.resource_id}" + (f" ({r.resource_name})" if r.resource_name else ""),
        f"  account {r.account_id}, region {r.region}, last changed {changed}",
        *([f"  {r.arn}"] if r.arn else []),
        f"  {data.console_url}",
        *([f"  {NO_ITEM}"] if not data.configuration_item else []),
        f"  compliance: {data.compliance_type}{_waived_count(data)}",
    ]
    for c in data.compliance:
        lines.append(
            f"    {c.compliance_type:<14} {c.rule} ({c.rule_name}{f', {c.region}' if c.region else ''})"
            + (f": {_waiver(c)}" if c.waived_until else "")
        )
        if c.annotation or c.evaluated_at:
            lines.append(f"      {when(c.evaluated_at)}  {c.annotation or ''}".rstrip())
        if c.details_unread:
            lines.append("      annotation not read (detail_call_cap)")
    if data.configuration:
        lines.append("  configuration: " + ", ".join(f"{k}={v}" for k, v in data.configuration.items()))
    if data.tags:
        lines.append("  tags: " + ", ".join(f"{k}={v}" for k, v in sorted(data.tags.items())))
    for rel in data.relationships:
        lines.append(
            f"  related: {rel.relationship} {rel.resource_type} {rel.resource_id or rel.resource_name or ''}"
        )
    if data.matches:
        lines.append(f"  also matching {data.identifier} (ask by ARN or id):")
        lines += [f"    {_ref_text(m)}" for m in data.matches]
        lines += [f"   {_more(data)}"] if data.more_matches else []
    return lines


def _ref_text(m: ResourceRef) -> str:
    return (
        f"{m.account_id} {m.region} {m.resource_type} {m.resource_id}"
        + (f" ({m.resource_name})" if m.resource_name and m.resource_name != m.resource_id else "")
        + (f"  {m.arn}" if m.arn else "")
    )


RESOURCE: Presenter[ResourceReport] = Presenter(blocks=_resource_blocks, text=_resource_text)


def _counts_blocks(answer: Answer[ResourceCounts], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    rows = [[data.group_by, "resources"]] + [[r.group, str(r.count)] for r in data.rows]
    return [header(f"{data.total} resources by {data.group_by}"), table(rows), *buttons(question, 0, 1)]


def _counts_text(data: ResourceCounts) -> list[str]:
    return [
        f"{data.total} resources, by {data.group_by}:",
        *(f"  {r.group:<45} {r.count:>7}" for r in data.rows),
    ]


def _counts_table(data: ResourceCounts) -> Table:
    return [data.group_by, "resources"], [[r.group, r.count] for r in data.rows]


RESOURCES: Presenter[ResourceCounts] = Presenter(
    blocks=_counts_blocks, text=_counts_text, table=_counts_table
)
