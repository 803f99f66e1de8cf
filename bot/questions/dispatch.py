"""From a parsed question to the service call that answers it."""

from __future__ import annotations

from typing import Any

from bot.answers.models import Answer
from bot.aws.aggregator import AggregatorService
from bot.questions.grammar import Question


def answer(
    service: AggregatorService, question: Question, accounts: frozenset[str] | None = None
) -> Answer[Any]:
    """The org-wide answer, or the answer limited to `accounts`: for the questions AWS cannot
    answer per account by filtering (summaries, rules overview, resource counts), and for those
    whose reads must be the scope's (rule details and query rows under their caps, the resource a
    name picks)."""
    p = question.params
    agg = question.aggregator
    kind = question.kind
    if kind == "rule":
        return service.rule_compliance(p["rule"], p.get("account"), p.get("region"), agg, accounts)
    if kind == "summary":
        return service.summary("region" if p.get("by") == "region" else "account", agg, accounts)
    if kind == "rules":
        return service.rules_overview(agg, accounts)
    if kind == "account":
        return service.account(p["account"], agg)
    if kind == "resource":
        return service.resource(p["id"], agg, accounts)
    if kind == "resources":
        group = p.get("by", "type")
        assert group in ("type", "account", "region")
        return service.resource_counts(group, p.get("type"), p.get("account"), p.get("region"), agg, accounts)  # type: ignore[arg-type]
    if kind == "health":
        return service.health(agg)
    if kind == "packs":
        return service.packs(p.get("pack"), p.get("account"), p.get("region"), agg)
    if kind == "query":
        return service.query(p["expression"], agg, accounts)
    if kind == "aggregators":
        return service.aggregators()
    if kind == "doctor":
        return service.doctor(agg)
    raise ValueError(f"{kind} is not a question for AWS")
