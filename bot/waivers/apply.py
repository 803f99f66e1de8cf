"""Waivers applied to an answer. Pure: the cached answer is AWS's, and the waivers in force are
applied to it each time it is shown, so a waiver changes every answer at once (nobody refreshes).

A waived finding leaves the non-compliant counts and the all-clear and is listed as waived.
Where an answer lists every non-compliant resource of a place, the counts are recomputed from the
rest; where it does not (details not read, a first answer, a capped count), the known waived ones
are subtracted, and a waiver whose resource the answer did not list makes the count a lower bound
("at least N"): the resource may or may not be among those counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.answers.models import (
    AccountDrilldown,
    Answer,
    Count,
    FailingResources,
    NonCompliantResource,
    ResourceReport,
    RuleCompliance,
    RuleOverviewRow,
    RulesOverview,
    Waived,
)
from bot.digest.snapshots import Finding, Snapshot
from bot.waivers.model import Book, Waiver


@dataclass(frozen=True)
class RuleWaiving:
    """What a rule's waivers take out of the rules overview (bot/waivers/lookup.py reads it):
    waived resources AWS still flags, and the accounts and regions where nothing else fails."""

    resources: int = 0
    accounts: int = 0
    regions: int = 0


def waived(resource: NonCompliantResource, waiver: Waiver) -> Waived:
    return Waived(
        resource=resource, expires_at=waiver.expires_at, reason=waiver.reason, approved_by=waiver.approved_by
    )


def _split(
    resources: Sequence[NonCompliantResource], book: Book
) -> tuple[list[NonCompliantResource], list[Waived]]:
    kept, left_out = [], []
    for r in resources:
        waiver = book.of(r.rule, r.account_id, r.region, r.resource_type, r.resource_id)
        if waiver is None:
            kept.append(r)
        else:
            left_out.append(waived(r, waiver))
    return kept, left_out


def _unlisted(
    waivers: Sequence[Waiver], listed: Sequence[NonCompliantResource], where: tuple[str | None, str | None]
) -> list[Waiver]:
    """Waivers in the answer's place whose resource the answer does not list."""
    keys = {(r.rule, r.account_id, r.region, r.resource_id) for r in listed}
    account, region = where
    return [
        w
        for w in waivers
        if (w.rule, w.account_id, w.region, w.resource_id) not in keys
        and account in (None, w.account_id)
        and region in (None, w.region)
    ]


def rule_compliance(data: RuleCompliance, book: Book) -> RuleCompliance:
    waivers = book.for_rule(data.rule)
    if not waivers:
        return data
    kept, left_out = _split(data.resources, book)
    listed = Counter((r.account_id, r.region) for r in data.resources)
    removed = Counter((w.resource.account_id, w.resource.region) for w in left_out)
    unknown = Counter((w.account_id, w.region) for w in _unlisted(waivers, data.resources, (None, None)))
    sources = []
    for s in data.sources:
        where = (s.account_id, s.region)
        count = s.non_compliant
        everything_listed = listed[where] == count.value and not count.capped
        value = count.value - removed[where]
        capped = count.capped
        if unknown[where] and not everything_listed:  # the waived one may be among those counted
            value, capped = value - unknown[where], True
        count = Count(value=max(value, 0), capped=capped)
        if count.value or count.capped:
            sources.append(s.model_copy(update={"non_compliant": count}))
    return data.model_copy(update={"resources": kept, "sources": sources, "waived": left_out})


def overview_rows(
    rows: Sequence[RuleOverviewRow],
    resources: Sequence[NonCompliantResource],
    kept: Sequence[NonCompliantResource],
    unknown: Sequence[Waiver],
) -> list[RuleOverviewRow]:
    """A drill-down's rule rows without the waived resources: recomputed from the resources where
    the answer lists them all, else the known ones subtracted (and each unknown one, as a bound)."""
    listed = Counter(r.rule for r in resources)
    by_rule: dict[str, list[NonCompliantResource]] = {}
    for r in kept:
        by_rule.setdefault(r.rule, []).append(r)
    result = []
    for row in rows:
        mine = by_rule.get(row.rule, [])
        removed = listed[row.rule] - len(mine)
        if listed[row.rule] == row.resources.value and not row.resources.capped:
            row = row.model_copy(
                update={
                    "resources": Count(value=len(mine)),
                    "accounts": len({r.account_id for r in mine}),
                    "regions": len({r.region for r in mine}),
                    "waived": removed,
                }
            )
        else:
            bound = sum(w.rule == row.rule for w in unknown)
            value = row.resources.value - removed - bound
            capped = row.resources.capped or bool(bound)
            row = row.model_copy(
                update={"resources": Count(value=max(value, 0), capped=capped), "waived": removed}
            )
        if row.resources.value or row.resources.capped:
            result.append(row)
    result.sort(key=lambda r: (-r.resources.value, -r.accounts, r.rule))
    return result


def drilldown(data: AccountDrilldown | FailingResources, book: Book) -> AccountDrilldown | FailingResources:
    region = data.region if isinstance(data, FailingResources) else None
    waivers = [w for w in book.waivers if any(row.rule == w.rule for row in data.rules)]
    if not waivers:
        return data
    kept, left_out = _split(data.resources, book)
    unknown = _unlisted(waivers, data.resources, (data.account_id, region))
    rows = overview_rows(data.rules, data.resources, kept, unknown)
    return data.model_copy(update={"resources": kept, "rules": rows, "waived": left_out})


def rules_overview(data: RulesOverview, by_rule: Mapping[str, RuleWaiving]) -> RulesOverview:
    rows, elsewhere = [], 0
    for row in data.rows:
        taken = by_rule.get(row.rule, RuleWaiving())
        value = row.resources.value - taken.resources
        updated = row.model_copy(
            update={
                "resources": Count(value=max(value, 0), capped=row.resources.capped),
                "accounts": row.accounts - taken.accounts,
                "regions": row.regions - taken.regions,
                "waived": taken.resources,
            }
        )
        if updated.resources.value or updated.resources.capped:
            rows.append(updated)
        else:
            elsewhere += taken.resources
    rows.sort(key=lambda r: (-r.resources.value, -r.accounts, r.rule))
    return data.model_copy(update={"rows": rows, "waived_elsewhere": elsewhere})


def resource_report(data: ResourceReport, book: Book) -> ResourceReport:
    if data.resource is None or not book:
        return data
    ref = data.resource
    compliance = []
    for c in data.compliance:
        waiver = book.of(c.rule, ref.account_id, c.region or ref.region, ref.resource_type, ref.resource_id)
        if c.compliance_type == "NON_COMPLIANT" and waiver is not None:
            c = c.model_copy(update={"waived_until": waiver.expires_at, "waiver_reason": waiver.reason})
        compliance.append(c)
    return data.model_copy(update={"compliance": compliance})


def snapshot(data: Snapshot, book: Book) -> tuple[Snapshot, list[Finding]]:
    """The digest's snapshot without waived findings (every total recomputed from the rest), and
    the waived findings."""
    if not book:
        return data, []
    kept: list[Finding] = []
    left_out: list[Finding] = []
    for f in data.findings:
        account, region, rule, kind, resource = f
        (left_out if book.of(rule, account, region, kind, resource) else kept).append(f)
    if not left_out:
        return data, []
    update = {"findings": kept, "non_compliant_resources": len({f[:2] + f[3:] for f in kept})}
    return data.model_copy(update=update), left_out


def answer(
    data_answer: Answer[Any], book: Book, overview: Mapping[str, RuleWaiving] | None = None
) -> Answer[Any]:
    """The answer with the waivers in force applied (unchanged where its kind has no findings)."""
    data = data_answer.data
    if isinstance(data, RuleCompliance):
        data = rule_compliance(data, book)
    elif isinstance(data, AccountDrilldown | FailingResources):
        data = drilldown(data, book)
    elif isinstance(data, RulesOverview) and overview:
        data = rules_overview(data, overview)
    elif isinstance(data, ResourceReport):
        data = resource_report(data, book)
    else:
        return data_answer
    return data_answer.model_copy(update={"data": data})
