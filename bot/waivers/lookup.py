"""What waivers take out of the rules overview, read from AWS: the overview counts resources per
rule from AWS's totals, without naming them, so whether a waived resource is among them (and
whether its account or region has anything else failing under that rule) is read here, for the
few places that have waivers: one call per waived place, its details, and one or two calls where a
place empties."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bot.answers import counting
from bot.answers.models import RulesOverview
from bot.aws.client import Tally
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import RULE_ROWS, RULES_BY_NAME
from bot.waivers.apply import RuleWaiving
from bot.waivers.model import Book, Waiver


def overview_waiving(
    ctx: PlanContext,
    tally: Tally,
    aggregator: str,
    overview: RulesOverview,
    book: Book,
    accounts: frozenset[str] | None,
) -> dict[str, RuleWaiving]:
    result = {}
    for row in overview.rows:
        waivers = [w for w in book.for_rule(row.rule) if accounts is None or w.account_id in accounts]
        if waivers:
            names = frozenset(row.member_rule_names)
            result[row.rule] = _rule(ctx, tally, aggregator, row.rule, names, waivers, book, accounts)
    return result


def _rule(
    ctx: PlanContext,
    tally: Tally,
    aggregator: str,
    rule: str,
    names: frozenset[str],
    waivers: list[Waiver],
    book: Book,
    accounts: frozenset[str] | None,
) -> RuleWaiving:
    places: dict[tuple[str, str], list[Waiver]] = defaultdict(list)
    for w in waivers:
        places[(w.account_id, w.region)].append(w)
    flagged = 0
    emptied: set[tuple[str, str]] = set()
    for (account, region), _ in sorted(places.items()):
        rows = [
            r
            for r in reads.non_compliant_rows(ctx.aws, tally, aggregator, AccountId=account, AwsRegion=region)
            if r["ConfigRuleName"] in names
        ]
        found, read = ctx.read_details(tally, aggregator, lambda _name: rule, rows)
        resources = counting.merge(found)
        mine = sum(
            book.of(r.rule, r.account_id, r.region, r.resource_type, r.resource_id) is not None
            for r in resources
        )
        flagged += mine
        if mine and mine == len(resources) and len(read) == len(rows):
            emptied.add((account, region))
    return RuleWaiving(
        resources=flagged,
        accounts=sum(
            _account_emptied(ctx, tally, aggregator, names, a, {g for b, g in emptied if b == a})
            for a in {a for a, _ in emptied}
        ),
        regions=sum(
            _region_emptied(ctx, tally, aggregator, names, g, {a for a, h in emptied if h == g}, accounts)
            for g in {g for _, g in emptied}
        ),
    )


def _account_emptied(
    ctx: PlanContext, tally: Tally, aggregator: str, names: frozenset[str], account: str, regions: set[str]
) -> bool:
    """Whether the rule fails nowhere in the account but in the emptied regions."""
    failing = {
        r["AwsRegion"]
        for r in reads.non_compliant_rows(ctx.aws, tally, aggregator, AccountId=account)
        if r["ConfigRuleName"] in names
    }
    return failing <= regions


def _region_emptied(
    ctx: PlanContext,
    tally: Tally,
    aggregator: str,
    names: frozenset[str],
    region: str,
    emptied_accounts: set[str],
    accounts: frozenset[str] | None,
) -> bool:
    """Whether the rule fails in the region only in the emptied accounts (each physical name read
    until one other account is found: one call, as a rule)."""

    def elsewhere(row: dict[str, Any]) -> bool:
        account = row["AccountId"]
        return account not in emptied_accounts and (accounts is None or account in accounts)

    return not any(
        ctx.aws.any(
            tally,
            RULES_BY_NAME,
            RULE_ROWS,
            elsewhere,
            ConfigurationAggregatorName=aggregator,
            Filters={"ComplianceType": "NON_COMPLIANT", "ConfigRuleName": name, "AwsRegion": region},
        )
        for name in sorted(names)
    )
