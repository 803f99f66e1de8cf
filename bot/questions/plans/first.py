"""The first answer of `rule`: what Slack shows in a few AWS calls, at any organization size,
while the whole answer (rule.py) is read in the background and then replaces it."""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.answers import counting
from bot.answers.models import Answer, RuleCompliance
from bot.aws.client import Tally
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import RULE_ROWS, RULES_BY_NAME
from bot.questions.plans.rule_rows import leading_rows, of_rule

FIRST_RESOURCES = 10  # a first answer reads the details of enough sources for this many (a page)


def rule_first(
    ctx: PlanContext,
    rule: str,
    account: str | None = None,
    region: str | None = None,
    aggregator: str | None = None,
    accounts: frozenset[str] | None = None,
) -> Answer[RuleCompliance] | None:
    """A first answer in a few AWS calls at any organization size, while `rule_compliance` reads
    the whole one: the first page of NON_COMPLIANT rows (its sources, counted exactly where one
    uncapped physical rule flags a source, else as lower bounds) and the details of the first
    sources, enough for one page of resources. Every total is a lower bound when more rows follow.
    None where the whole answer is as quick (one wave of details) or the first page has nothing
    of the rule (the whole answer then decides between nothing failing and nothing evaluated)."""
    tally = Tally()
    name = ctx.name(aggregator)
    rows, rest, matcher, filters = leading_rows(ctx, tally, name, rule, account, region, accounts)
    if rest is not None:
        # The first page holds every rule's rows: the rule's organization rules, whose member
        # names are exact, are asked for by name too (at once), so it shows even when they are not
        # on that page. Conformance-pack copies have no known name: the rest finds them.
        exact = sorted(n for n in matcher.exact if n.startswith("OrgConfigRule-"))
        size = ctx.aws.page_sizes[RULES_BY_NAME]
        jobs = [
            partial(
                ctx.aws.leading,
                tally,
                RULES_BY_NAME,
                RULE_ROWS,
                size,
                ConfigurationAggregatorName=name,
                Filters={**filters, "ConfigRuleName": exact_name},
            )
            for exact_name in exact
        ]
        seen = {(r["ConfigRuleName"], r["AccountId"], r["AwsRegion"]) for r in rows}
        for more, _ in ctx.aws.fan_out(jobs):
            rows += [r for r in more if (r["ConfigRuleName"], r["AccountId"], r["AwsRegion"]) not in seen]
    mine = of_rule(rows, matcher, accounts)
    if not mine or (rest is None and len(mine) <= ctx.aws.concurrency):
        return None
    groups = reads.grouped(mine, matcher.logical_name)
    first: list[dict[str, Any]] = []
    shown = 0
    for group in sorted(groups):  # in the order the whole answer lists resources
        if shown >= FIRST_RESOURCES:
            break
        first += groups[group]
        shown += max(counting.contributors(r).value for r in groups[group])
    found, read = ctx.read_details(tally, name, matcher.logical_name, first)
    resources = counting.merge(found)
    data = RuleCompliance(
        rule=matcher.logical,
        member_rule_names=sorted({r["ConfigRuleName"] for r in mine}),
        plan="first-page",
        resources=resources,
        sources=counting.source_counts(counting.group_counts(groups, resources, read), matcher.logical),
        loading=True,
        more_sources=rest is not None,
    )
    coverage = ctx.coverage(
        tally,
        name,
        {account} if account else accounts,
        {region} if region else None,
        capped=data.non_compliant_resources.capped,
    )
    return ctx.answer(f"rule {matcher.logical}", name, tally, data, coverage)
