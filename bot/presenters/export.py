"""Whole answers as CSV, for "Export CSV". Pure."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.answers.models import (
    AccountDrilldown,
    Answer,
    ComplianceSummary,
    NonCompliantResource,
    PackCompliance,
    QueryResult,
    ResourceCounts,
    RuleCompliance,
    RulesOverview,
    SourceHealth,
)


def _resources(resources: list[NonCompliantResource]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "account_id",
        "region",
        "resource_type",
        "resource_id",
        "rule",
        "rule_names",
        "annotation",
        "evaluated_at",
        "console_url",
    ]
    rows = [
        [
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
        for r in resources
    ]
    return header, rows


def table(answer: Answer[Any]) -> tuple[list[str], list[list[Any]]]:
    data = answer.data
    if isinstance(data, RuleCompliance | AccountDrilldown):
        return _resources(data.resources)
    if isinstance(data, ComplianceSummary):
        return [data.group_by, "compliant_rules", "non_compliant_rules"], [
            [r.group, str(r.compliant_rules), str(r.non_compliant_rules)] for r in data.rows
        ]
    if isinstance(data, RulesOverview):
        return ["rule", "non_compliant_resources", "capped", "accounts", "regions", "rule_names"], [
            [
                r.rule,
                r.resources.value,
                r.resources.capped,
                r.accounts,
                r.regions,
                " ".join(r.member_rule_names),
            ]
            for r in data.rows
        ]
    if isinstance(data, ResourceCounts):
        return [data.group_by, "resources"], [[r.group, r.count] for r in data.rows]
    if isinstance(data, SourceHealth):
        return [
            "source_id",
            "source_type",
            "region",
            "status",
            "error_code",
            "error_message",
            "last_update",
        ], [
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
    if isinstance(data, PackCompliance):
        return [
            "pack",
            "account_id",
            "region",
            "compliance_type",
            "compliant_rules",
            "non_compliant_rules",
            "total_rules",
        ], [
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
    if isinstance(data, QueryResult):
        return data.columns, [[_cell(_lookup(row, column)) for column in data.columns] for row in data.rows]
    raise ValueError(f"{type(data).__name__} has no CSV form")


def _lookup(row: dict[str, Any], column: str) -> Any:
    if column in row:
        return row[column]
    node: Any = row
    for part in column.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return ""
    return node


def _cell(value: Any) -> Any:
    return json.dumps(value, separators=(",", ":")) if isinstance(value, dict | list) else value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """A cell a spreadsheet will not run: text that starts like a formula gets a leading `'`
    (OWASP's advice for CSV injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(answer: Answer[Any]) -> str:
    header, rows = table(answer)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert(cell) for cell in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return buffer.getvalue()
