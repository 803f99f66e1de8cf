"""The plans: each question kind's cheapest correct sequence of AWS calls, one module per family.
Each plan is a function of a `PlanContext` (context.py) returning an `Answer`; this package's
public surface is the plans the registry (bot/questions/kinds.py) names."""

from bot.questions.plans.context import PlanContext
from bot.questions.plans.doctor import doctor
from bot.questions.plans.first import rule_first
from bot.questions.plans.resource_report import resource
from bot.questions.plans.resources import resource_counts
from bot.questions.plans.rule import rule_compliance
from bot.questions.plans.sources import aggregators, health, query
from bot.questions.plans.summaries import account, failing, packs, rules_overview, summary

__all__ = [
    "PlanContext",
    "account",
    "aggregators",
    "doctor",
    "failing",
    "health",
    "packs",
    "query",
    "resource",
    "resource_counts",
    "rule_compliance",
    "rule_first",
    "rules_overview",
    "summary",
]
