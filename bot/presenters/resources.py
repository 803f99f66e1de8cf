"""The kinds about what AWS Config records: one resource and its compliance (`resource`, which has
no CSV form: it is one item) and how many resources there are (`resources`). Pure."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.answers.models import Answer, ResourceCounts, ResourceReport
from bot.presenters.common import buttons, when
from bot.presenters.presenter import Presenter, Table
from bot.questions.question import Question
from bot.slack.blocks import fields, header, section, table


def _resource_blocks(answer: Answer[ResourceReport], question: Question | None, page: int) -> list[Block]:
    r = answer.data
    icon = {"NON_COMPLIANT": ":x:", "COMPLIANT": ":white_check_mark:"}.get(
        r.compliance_type, ":grey_question:"
    )
    blocks: list[Block] = [
        header(f"{r.resource_name or r.resource_id}"),
        fields(
            [
                ("Compliance", f"{icon} {r.compliance_type}"),
                ("Type", r.resource_type),
                ("Account", r.account_id),
                ("Region", r.region),
                ("Id", r.resource_id),
            ]
        ),
        section(f"<{r.console_url}|Open in the AWS console>"),
    ]
    if r.compliance:
        lines = [
            f"{':x:' if c.compliance_type == 'NON_COMPLIANT' else ':white_check_mark:'} {c.rule}"
            + (f" (`{c.rule_name}`)" if c.rule_name != c.rule else "")
            for c in r.compliance
        ]
        blocks.append(section("*Rules*\n" + "\n".join(lines)))
    if r.other_matches:
        blocks.append(section(f"_{r.other_matches} other resource(s) match; ask by ARN to pick one._"))
    return blocks + buttons(question, 0, 1, export=False)


def _resource_text(data: ResourceReport) -> list[str]:
    lines = [
        f"{data.resource_type} {data.resource_id}"
        + (f" ({data.resource_name})" if data.resource_name else ""),
        f"  account {data.account_id}, region {data.region}, captured {when(data.captured_at)}",
        f"  {data.console_url}",
        f"  compliance: {data.compliance_type}",
    ]
    lines += [f"    {c.compliance_type:<14} {c.rule} ({c.rule_name})" for c in data.compliance]
    if data.other_matches:
        lines.append(f"  ({data.other_matches} other resource(s) match; ask by ARN to pick one)")
    return lines


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
