"""A rule's NON_COMPLIANT rows (DescribeAggregateComplianceByConfigRules): the rule resolved, the
first page's rows for the first answer and the plan's choice, and every row for a fan-out."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from bot import errors
from bot.aws.client import Tally
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import RULE_ROWS, RULES_BY_NAME
from bot.questions.rules import Matcher, RuleCatalog


def all_rows(
    ctx: PlanContext,
    tally: Tally,
    name: str,
    filters: dict[str, str],
    first: tuple[list[dict[str, Any]], str],
    matcher: Matcher,
    accounts: frozenset[str] | None,
    cap: int | None,
) -> tuple[list[dict[str, Any]], bool]:
    """Every NON_COMPLIANT row (`first`: the first page's and the token of the rest), and whether
    the rule's sources pass `cap` (then reading stops: the advanced query answers). At 10,000
    accounts every rule's rows fill hundreds of pages, too long a chain to wait for: without a
    region filter they are read one chain per region at once, each from its start (the first
    page's rows come again there), over the regions where AWS's rule summary counts
    non-compliant rules (the regions configured may be dozens, most of them empty). Should the
    first page hold a row of a region the summary does not name, the rows are read in one chain,
    as AWS pages them."""
    rows, rest = first
    starts: list[tuple[dict[str, str], str | None]] = [(filters, rest)]
    if "AwsRegion" not in filters:
        scope = {k: v for k, v in filters.items() if k == "AccountId"}
        regions = {
            r.group
            for r in reads.summary_groups(ctx.aws, tally, name, "AWS_REGION", scope)
            if r.non_compliant_rules.value or r.non_compliant_rules.capped
        }
        if {r["AwsRegion"] for r in rows} <= regions:
            rows = []
            starts = [({**filters, "AwsRegion": region}, None) for region in sorted(regions)]
    lock = threading.Lock()
    sources = len(of_rule(rows, matcher, accounts))
    past = threading.Event()

    def chain(scope: dict[str, str], start: str | None) -> list[dict[str, Any]]:
        nonlocal sources
        found: list[dict[str, Any]] = []
        for page in ctx.aws.responses(
            tally, RULES_BY_NAME, start=start, ConfigurationAggregatorName=name, Filters=scope
        ):
            more = page.get(RULE_ROWS, [])
            found += more
            with lock:
                sources += len(of_rule(more, matcher, accounts))
                if cap is not None and sources > cap:
                    past.set()
            if past.is_set():
                break
        return found

    chains = ctx.aws.fan_out([partial(chain, scope, start) for scope, start in starts])
    return [*rows, *(row for found in chains for row in found)], past.is_set()


def of_rule(
    rows: list[dict[str, Any]], matcher: Matcher, accounts: frozenset[str] | None
) -> list[dict[str, Any]]:
    """The rows of the rule's physical rules, in the scope's accounts."""
    return [
        r
        for r in rows
        if matcher.matches(r["ConfigRuleName"]) and (accounts is None or r["AccountId"] in accounts)
    ]


def leading_rows(
    ctx: PlanContext,
    tally: Tally,
    name: str,
    rule: str,
    account: str | None,
    region: str | None,
    accounts: frozenset[str] | None,
) -> tuple[list[dict[str, Any]], str | None, Matcher, dict[str, str]]:
    """The scope checked and the rule resolved, with the first page's worth of NON_COMPLIANT rows
    (and the token of the rest), the rule's matcher and the rows' filters."""
    ctx.check_scope(tally, name, account, region)
    ctx.refuse_known_unknown(name, rule, accounts)
    catalog = ctx.catalog_of(tally)
    filters: dict[str, str] = {"ComplianceType": "NON_COMPLIANT"}
    if account:
        filters["AccountId"] = account
    if region:
        filters["AwsRegion"] = region
    rows, rest = ctx.aws.leading(
        tally,
        RULES_BY_NAME,
        RULE_ROWS,
        ctx.aws.page_sizes[RULES_BY_NAME],
        ConfigurationAggregatorName=name,
        Filters=filters,
    )
    # Names seen only in the scope's accounts: suggestions must not tell of other accounts' rules.
    observed = {r["ConfigRuleName"] for r in rows if accounts is None or r["AccountId"] in accounts}
    logical = _resolve(ctx, tally, catalog, name, rule, observed, accounts)
    return rows, rest, catalog.matcher(logical), filters


def _resolve(
    ctx: PlanContext,
    tally: Tally,
    catalog: RuleCatalog,
    aggregator: str,
    text: str,
    observed: set[str],
    accounts: frozenset[str] | None = None,
) -> str:
    try:
        return catalog.resolve(text, observed)
    except errors.RuleNotFound as unknown:
        # A custom rule the catalog cannot know: does the aggregator have it (in the scope)?
        if reads.any_rule_row(ctx.aws, tally, aggregator, {"ConfigRuleName": text.strip()}, accounts):
            return text.strip()
        ctx.remember_unknown(aggregator, text, accounts, unknown)
        raise
