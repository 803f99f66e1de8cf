"""The kinds that count rules across the organization: per account or region (`summary`), every
failing rule worst first (`rules`, without the waived resources, said as "N waived") and
conformance packs (`packs`). One table each. Pure. The summary counts rules as AWS does: a waiver
does not change it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.answers.models import SUMMARY_UNIT, Answer, ComplianceSummary, PackCompliance, RulesOverview
from bot.presenters import waived
from bot.presenters.common import buttons, except_waived, nothing_failing
from bot.presenters.presenter import Presenter, Table
from bot.questions.question import Question
from bot.slack.blocks import clip, fields, header, section, table


def _summary_blocks(answer: Answer[ComplianceSummary], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    rows = [[data.group_by, "compliant", "non-compliant"]] + [
        [r.group, str(r.compliant_rules), str(r.non_compliant_rules)] for r in data.rows
    ]
    return [
        header(f"Compliance by {data.group_by}"),
        fields(
            [
                ("Compliant rules", str(data.compliant_rules)),
                ("Non-compliant rules", str(data.non_compliant_rules)),
            ]
        ),
        table(rows),
        section(f"_{SUMMARY_UNIT}_"),
        *buttons(question, 0, 1),
    ]


def _summary_text(data: ComplianceSummary) -> list[str]:
    return [
        f"Rules by {data.group_by}: {data.compliant_rules} compliant, "
        f"{data.non_compliant_rules} non-compliant",
        *(
            f"  {r.group:<15} compliant {r.compliant_rules!s:>5}  non-compliant {r.non_compliant_rules!s:>5}"
            for r in data.rows
        ),
        SUMMARY_UNIT.replace("`", ""),
    ]


def _summary_table(data: ComplianceSummary) -> Table:
    return [data.group_by, "compliant_rules", "non_compliant_rules"], [
        [r.group, str(r.compliant_rules), str(r.non_compliant_rules)] for r in data.rows
    ]


SUMMARY: Presenter[ComplianceSummary] = Presenter(
    blocks=_summary_blocks, text=_summary_text, table=_summary_table
)


def _rules_blocks(answer: Answer[RulesOverview], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    note = [section(waived.note(data.waived))] if data.waived else []
    if not data.rows:
        clear = nothing_failing(answer, "No rule has non-compliant resources", data.waived)
        return [header("Rules"), section(clear), *note, *(buttons(question, 0, 1) if note else [])]
    # A waived column where waivers took resources out of some rule's count.
    column = any(r.waived for r in data.rows)
    shown = [["rule", "resources", "accounts", "regions", *(["waived"] if column else [])]] + [
        [clip(r.rule, 45), str(r.resources), str(r.accounts), str(r.regions)]
        + ([str(r.waived or "")] if column else [])
        for r in data.rows
    ]
    return [
        header("Rules with non-compliant resources, worst first"),
        table(shown),
        *note,
        *buttons(question, 0, 1),
    ]


def _rules_text(data: RulesOverview) -> list[str]:
    note = [waived.text_note(data.waived)] if data.waived else []
    if not data.rows:
        return [f"No rule has non-compliant resources{except_waived(data.waived)}.", *note]
    return [
        "Rules with non-compliant resources, worst first:",
        *(
            f"  {r.rule:<55} {str(r.resources):>6} resources  {r.accounts:>4} accounts  "
            f"{r.regions:>2} regions" + (f"  {r.waived} waived" if r.waived else "")
            for r in data.rows
        ),
        *note,
    ]


def _rules_table(data: RulesOverview) -> Table:
    heading = ["rule", "non_compliant_resources", "capped", "accounts", "regions", "rule_names", "waived"]
    return heading, [
        [
            r.rule,
            r.resources.value,
            r.resources.capped,
            r.accounts,
            r.regions,
            " ".join(r.member_rule_names),
            r.waived,
        ]
        for r in data.rows
    ]


RULES: Presenter[RulesOverview] = Presenter(
    blocks=_rules_blocks, text=_rules_text, table=_rules_table, empty=lambda data: not data.rows
)


def _packs_blocks(answer: Answer[PackCompliance], question: Question | None, page: int) -> list[Block]:
    rows = answer.data.rows
    shown = [["pack", "account", "region", "non-compliant rules"]] + [
        [clip(r.pack, 30), r.account_id, r.region, f"{r.non_compliant_rules}/{r.total_rules}"] for r in rows
    ]
    bad = sum(r.compliance_type == "NON_COMPLIANT" for r in rows)
    return [
        header("Conformance packs"),
        fields([("Non-compliant", str(bad)), ("Deployments", str(len(rows)))]),
        table(shown),
        *buttons(question, 0, 1),
    ]


def _packs_text(data: PackCompliance) -> list[str]:
    return [
        "Conformance packs:",
        *(
            f"  {r.pack:<30} {r.account_id} {r.region:<15} {r.compliance_type:<17} "
            f"{r.non_compliant_rules}/{r.total_rules} rules non-compliant"
            for r in data.rows
        ),
    ]


def _packs_table(data: PackCompliance) -> Table:
    heading = [
        "pack",
        "account_id",
        "region",
        "compliance_type",
        "compliant_rules",
        "non_compliant_rules",
        "total_rules",
    ]
    return heading, [
        [
            r.pack,
            r.account_id,
            r.region,
            r.compliance_type,
            r.compliant_rules,
            r.non_compliant_rules,
            r.total_rules,
        ]
        for r in data.rows
    ]


PACKS: Presenter[PackCompliance] = Presenter(blocks=_packs_blocks, text=_packs_text, table=_packs_table)
