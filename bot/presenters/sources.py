"""The kinds about the aggregator itself: its sources that FAILED or are OUTDATED (`health`), the
aggregators there are (`aggregators`) and its check against AWS's best practices (`doctor`). Only
`health` has a CSV form: the other two are short notes about the setup, not data. Pure."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.answers.models import Aggregators, Answer, DoctorReport, SourceHealth
from bot.presenters.common import buttons
from bot.presenters.presenter import Presenter, Table
from bot.questions.question import Question
from bot.slack.blocks import header, section

SHOWN = 40  # source problems listed in Slack
FINDINGS_SHOWN = 20  # doctor findings shown in Slack
SEVERITY_ICONS = {
    "ok": ":white_check_mark:",
    "info": ":information_source:",
    "warning": ":warning:",
    "critical": ":red_circle:",
}


def _health_blocks(answer: Answer[SourceHealth], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    if not data.problems:
        return [header("Aggregator sources"), section(":white_check_mark: Every source is up to date.")]
    lines = []
    for p in data.problems[:SHOWN]:
        age = f"{p.age_seconds // 3600} h ago" if p.age_seconds is not None else "never"
        icon = ":red_circle:" if p.status == "FAILED" else ":large_orange_circle:"
        code = f" `{p.error_code}`" if p.error_code else ""
        lines.append(f"{icon} *{p.status}* {p.source_id} {p.region}{code}, last update {age}")
    more = len(data.problems) - SHOWN
    if more > 0:
        lines.append(f"… and {more} more")
    return [
        header(f"{len(data.failed)} source(s) FAILED, {len(data.outdated)} OUTDATED"),
        section("\n".join(lines)),
        *buttons(question, 0, 1),
    ]


def _health_text(data: SourceHealth) -> list[str]:
    if not data.problems:
        return ["All aggregator sources are up to date."]
    return [
        f"{len(data.failed)} source(s) FAILED, {len(data.outdated)} OUTDATED:",
        *(
            f"  {p.status:<8} {p.source_id} {p.region:<15} {p.error_code or ''} "
            f"{p.error_message or ''}".rstrip()
            for p in data.problems
        ),
    ]


def _health_table(data: SourceHealth) -> Table:
    heading = ["source_id", "source_type", "region", "status", "error_code", "error_message", "last_update"]
    return heading, [
        [
            p.source_id,
            p.source_type,
            p.region,
            p.status,
            p.error_code or "",
            p.error_message or "",
            p.last_update.isoformat() if p.last_update else "",
        ]
        for p in data.problems
    ]


HEALTH: Presenter[SourceHealth] = Presenter(blocks=_health_blocks, text=_health_text, table=_health_table)


def _aggregators_blocks(answer: Answer[Aggregators], question: Question | None, page: int) -> list[Block]:
    lines = [
        f"• *{a.name}*: {a.kind}-based, regions {'all' if a.all_regions else ', '.join(a.regions)}"
        for a in answer.data.rows
    ] or ["No aggregators in this account and region."]
    return [header("Aggregators"), section("\n".join(lines))]


def _aggregators_text(data: Aggregators) -> list[str]:
    return [
        f"{a.name}: {a.kind}-based, regions {'all' if a.all_regions else ', '.join(a.regions)}"
        for a in data.rows
    ] or ["No aggregators here."]


AGGREGATORS: Presenter[Aggregators] = Presenter(blocks=_aggregators_blocks, text=_aggregators_text)


def _doctor_blocks(answer: Answer[DoctorReport], question: Question | None, page: int) -> list[Block]:
    blocks: list[Block] = [header(f"Doctor: {answer.data.aggregator}")]
    for f in answer.data.findings[:FINDINGS_SHOWN]:
        text = f"{SEVERITY_ICONS[f.severity]} *{f.title}*\n{f.detail}"
        if f.fix:
            text += f"\nFix: `{f.fix}`"
        blocks.append(section(text))
    return blocks


def _doctor_text(data: DoctorReport) -> list[str]:
    lines = [f"Aggregator {data.aggregator}:"]
    for f in data.findings:
        lines.append(f"  [{f.severity}] {f.title}: {f.detail}")
        if f.fix:
            lines.append(f"      fix: {f.fix}")
    return lines


DOCTOR: Presenter[DoctorReport] = Presenter(blocks=_doctor_blocks, text=_doctor_text)
