"""Which resources break one logical rule, across accounts and regions, each counted once: the
compliance rows find the sources, then the cheaper of a fan-out of details or one advanced query
(plus the compliance APIs for the sources that record no compliance items)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import partial
from typing import Any

from bot import errors
from bot.answers import counting
from bot.answers.models import Answer, Count, NonCompliantResource, RuleCompliance
from bot.aws.client import Tally
from bot.aws.console import console_url
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.detail_feed import DetailFeed, key_of
from bot.questions.plans.reads import RULE_ROWS, RULES_BY_NAME
from bot.questions.plans.rule_rows import all_rows, leading_rows, of_rule
from bot.questions.query_validation import quote
from bot.questions.rules import Matcher


def rule_compliance(
    ctx: PlanContext,
    rule: str,
    account: str | None = None,
    region: str | None = None,
    aggregator: str | None = None,
    accounts: frozenset[str] | None = None,
) -> Answer[RuleCompliance]:
    """Every resource that breaks one logical rule, across accounts and regions, once each;
    only in `accounts` when given (a channel's scope: the detail cap then counts its sources).

    Plan: the NON_COMPLIANT rows of DescribeAggregateComplianceByConfigRules (scoped by
    account/region) find the sources. Where they fit in one page, or the rule's sources fit under
    `detail_call_cap`, every source's details are read (fan-out): they list and count every
    resource exactly, and the rows are the fewest calls that name the sources. When the rows run
    over pages and the sources pass the cap, the fan-out would answer partially: one advanced
    query over AWS::Config::ResourceCompliance finds and counts the resources, the compliance
    APIs cover the accounts that do not record compliance items, and details are read, within
    the cap, for annotations. Rows are read to decide only until the sources pass the cap.
    """
    tally = Tally()
    name = ctx.name(aggregator)
    rows, rest, matcher, filters = leading_rows(ctx, tally, name, rule, account, region, accounts)
    logical = matcher.logical
    condition = matcher.query_condition("configuration.configRuleList.configRuleName", quote)
    cap = ctx.settings.detail_call_cap if condition is not None else None
    past_cap = cap is not None and len(of_rule(rows, matcher, accounts)) > cap
    if rest and not past_cap:
        rows, past_cap = all_rows(ctx, tally, name, filters, (rows, rest), matcher, accounts, cap)
    if rest and past_cap and condition is not None:
        data = _rule_by_query(ctx, tally, name, matcher, condition, account, region, accounts)
    else:
        data = _rule_by_fan_out(ctx, tally, name, matcher, of_rule(rows, matcher, accounts))
    if not data.sources:
        _not_an_all_clear_of_nothing(ctx, tally, name, matcher, account, region, accounts)
    coverage = ctx.coverage(
        tally,
        name,
        {account} if account else accounts,
        {region} if region else None,
        capped=data.non_compliant_resources.capped,
        truncated=not data.complete,
    )
    return ctx.answer(f"rule {logical}", name, tally, data, coverage)


def _elements_by_region(
    ctx: PlanContext,
    tally: Tally,
    aggregator: str,
    fields: str,
    where: str,
    on_element: Callable[[int, dict[str, Any], dict[str, Any]], None] = lambda chain, row, element: None,
    on_chain_done: Callable[[int], None] = lambda _: None,
) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """The NON_COMPLIANT elements of `SELECT fields WHERE where` over compliance items, read as one
    chain of pages per region at once, not one chain for all: sequential pages are what a slow
    AWS makes costly. The regions, and whether splitting pays, come from one GROUP BY query
    (every region with items is a group of it, so nothing is left out). Each element goes to
    `on_element` with its chain's number (chains in region order) as its page arrives, and each
    chain's end to `on_chain_done`."""
    with ctx.aws.first():  # every chain waits on it
        counts = list(
            ctx.aws.select(tally, aggregator, f"SELECT awsRegion, COUNT(*) WHERE {where} GROUP BY awsRegion")
        )
    total = sum(int(c.get("COUNT(*)", 0)) for c in counts)
    size = ctx.aws.page_sizes["SelectAggregateResourceConfig"]
    if total <= size or len(counts) <= 1:
        expressions = [f"SELECT {fields} WHERE {where}"]
    else:
        expressions = [
            f"SELECT {fields} WHERE {where} AND awsRegion = {quote(region)}"
            for region in sorted(str(c["awsRegion"]) for c in counts)
        ]

    def chain(number: int, expression: str) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
        elements = []
        for row, target, element in ctx.aws.non_compliant_elements(tally, aggregator, expression):
            on_element(number, row, element)
            elements.append((row, target, element))
        on_chain_done(number)
        return elements

    chains = ctx.aws.fan_out([partial(chain, n, e) for n, e in enumerate(expressions)])
    return [element for found in chains for element in found]


def _not_an_all_clear_of_nothing(
    ctx: PlanContext,
    tally: Tally,
    name: str,
    matcher: Matcher,
    account: str | None,
    region: str | None,
    accounts: frozenset[str] | None = None,
) -> None:
    """Before answering "nothing breaks the rule": the account is a source, and some source in
    scope has evaluated the rule at all; else say which of them is not so."""
    if account and not ctx.is_source(tally, name, account):
        raise errors.AccountNotFound(account)
    scope = {k: v for k, v in (("AccountId", account), ("AwsRegion", region)) if v}
    known = sorted(n for n in matcher.exact if n.startswith("OrgConfigRule-"))

    def in_scope(row: dict[str, Any]) -> bool:
        return accounts is None or row["AccountId"] in accounts

    for exact in known:  # an organization rule's member name is exact: one cheap probe
        if reads.any_rule_row(ctx.aws, tally, name, {**scope, "ConfigRuleName": exact}, accounts):
            return
    seen: set[str] = set()

    def evaluated(row: dict[str, Any]) -> bool:
        if not in_scope(row):
            return False
        seen.add(row["ConfigRuleName"])
        return matcher.matches(row["ConfigRuleName"])

    if ctx.aws.any(
        tally,
        RULES_BY_NAME,
        RULE_ROWS,
        evaluated,
        ConfigurationAggregatorName=name,
        **({"Filters": scope} if scope else {}),
    ):
        return
    where = "".join(f" in {v}" for v in (account, region) if v)
    logical_names = sorted({matcher.logical_name(n) for n in seen})
    raise errors.RuleNotDeployed(
        matcher.logical, where, difflib.get_close_matches(matcher.logical, logical_names, n=3, cutoff=0.5)
    )


def _rule_by_fan_out(
    ctx: PlanContext, tally: Tally, aggregator: str, matcher: Matcher, rows: list[dict[str, Any]]
) -> RuleCompliance:
    groups = reads.grouped(rows, matcher.logical_name)
    resources, counts, complete = ctx.logical_counts(
        tally, aggregator, matcher.logical_name, groups, read_all=True
    )
    return RuleCompliance(
        rule=matcher.logical,
        member_rule_names=sorted({r["ConfigRuleName"] for r in rows}),
        plan="fan-out",
        resources=resources,
        sources=counting.source_counts(counts, matcher.logical),
        complete=complete,
    )


def _rule_by_query(
    ctx: PlanContext,
    tally: Tally,
    aggregator: str,
    matcher: Matcher,
    condition: str,
    account: str | None,
    region: str | None,
    accounts: frozenset[str] | None = None,
) -> RuleCompliance:
    """The query finds the resources of the sources that record compliance items (exact counts);
    the sources that do not are read through the compliance APIs beside it; the details of both
    are read as their sources are found (detail_feed.py), all within one concurrency budget."""
    conditions = [
        "resourceType = 'AWS::Config::ResourceCompliance'",
        "configuration.configRuleList.complianceType = 'NON_COMPLIANT'",
        condition,
    ]
    if account:
        conditions.append(f"accountId = {quote(account)}")
    if region:
        conditions.append(f"awsRegion = {quote(region)}")
    fields = (
        "accountId, awsRegion, configurationItemCaptureTime, configuration.targetResourceId, "
        "configuration.targetResourceType, configuration.configRuleList"
    )

    def wanted(row: dict[str, Any], element: dict[str, Any]) -> bool:
        return matcher.matches(element.get("configRuleName", "")) and (
            accounts is None or row["accountId"] in accounts
        )

    with ctx.aws.shared_slots(), ctx.aws.abandonable() as abandon:
        feed = DetailFeed(ctx.aws, tally, aggregator, matcher.logical_name, ctx.settings.detail_call_cap)
        beside = ctx.aws.feed()
        try:

            def blind_side() -> tuple[set[tuple[str, str]], list[dict[str, Any]]]:
                # The feed of details waits on it: its calls go first.
                with ctx.aws.first():
                    blind, rows = _blind_rows(ctx, tally, aggregator, matcher, account, region, accounts)
                feed.blind(rows)
                return blind, rows

            beside.submit(blind_side)
            elements = _elements_by_region(
                ctx,
                tally,
                aggregator,
                fields,
                " AND ".join(conditions),
                on_element=lambda chain, row, element: (
                    feed.seen(chain, (element["configRuleName"], row["accountId"], row["awsRegion"]))
                    if wanted(row, element)
                    else None
                ),
                on_chain_done=feed.chain_done,
            )
            ((blind, blind_rows),) = beside.results()
            found = [
                NonCompliantResource(
                    account_id=row["accountId"],
                    region=row["awsRegion"],
                    resource_type=target["targetResourceType"],
                    resource_id=target["targetResourceId"],
                    rule=matcher.logical,
                    rule_names=[element["configRuleName"]],
                    evaluated_at=reads.parse_time(row.get("configurationItemCaptureTime")),
                    console_url=console_url(
                        target["targetResourceType"], target["targetResourceId"], row["awsRegion"]
                    ),
                )
                for row, target, element in elements
                if wanted(row, element)
            ]
            seen_rows = {(name, r.account_id, r.region) for r in found for name in r.rule_names}
            annotated, read = feed.finish()
        except BaseException:
            abandon()  # the reads still running beside make no more calls: the error is said now
            raise
        finally:
            beside.close()
            feed.close()
    resources = counting.merge([*found, *annotated])
    groups = reads.grouped(blind_rows, matcher.logical_name)
    counts = counting.group_counts(groups, resources, read)
    for r in resources:  # the query saw every resource of the other sources: exact
        if (r.account_id, r.region) not in blind:
            key = (r.rule, r.account_id, r.region)
            counts[key] = Count(value=counts.get(key, Count(value=0)).value + 1)
    every = {*seen_rows, *map(key_of, blind_rows)}
    return RuleCompliance(
        rule=matcher.logical,
        member_rule_names=sorted(
            {n for r in resources for n in r.rule_names} | {r["ConfigRuleName"] for r in blind_rows}
        ),
        plan="advanced-query",
        resources=resources,
        sources=counting.source_counts(counts, matcher.logical),
        complete=every <= read,
    )


def _blind_rows(
    ctx: PlanContext,
    tally: Tally,
    aggregator: str,
    matcher: Matcher,
    account: str | None,
    region: str | None,
    accounts: frozenset[str] | None,
) -> tuple[set[tuple[str, str]], list[dict[str, Any]]]:
    """The sources (account, region) in scope that do not record compliance items, invisible to
    advanced queries, and the rule's NON_COMPLIANT rows there from the compliance APIs (one chain
    per source, at once)."""
    blind = {
        (a, g)
        for a, g in ctx.without_compliance_items(tally, aggregator)
        if account in (None, a) and region in (None, g) and (accounts is None or a in accounts)
    }
    chains = ctx.aws.fan_out(
        [
            partial(
                lambda a, g: list(
                    ctx.aws.pages(
                        tally,
                        RULES_BY_NAME,
                        RULE_ROWS,
                        ConfigurationAggregatorName=aggregator,
                        Filters={"ComplianceType": "NON_COMPLIANT", "AccountId": a, "AwsRegion": g},
                    )
                ),
                a,
                g,
            )
            for a, g in sorted(blind)
        ]
    )
    return blind, [row for chain in chains for row in chain if matcher.matches(row["ConfigRuleName"])]
