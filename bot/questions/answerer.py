"""Questions answered through the cache: the path every surface (CLI, Slack, digest) takes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from bot.access.scopes import EVERYTHING, Scope
from bot.access.scoping import FILTERED, READ_IN_SCOPE, check, restrict
from bot.answers.models import (
    AccountDrilldown,
    Aggregators,
    Answer,
    ComplianceSummary,
    DoctorReport,
    PackCompliance,
    QueryResult,
    ResourceCounts,
    ResourceReport,
    RuleCompliance,
    RulesOverview,
    SourceHealth,
)
from bot.aws.aggregator import AggregatorService
from bot.cache import store as cache_module
from bot.cache.store import Cache, pattern
from bot.errors import UserError
from bot.questions.dispatch import answer as ask_aws
from bot.questions.grammar import Question, parse

ANSWER_MODELS: dict[str, type[Answer[Any]]] = {
    "rule": Answer[RuleCompliance],
    "summary": Answer[ComplianceSummary],
    "rules": Answer[RulesOverview],
    "account": Answer[AccountDrilldown],
    "resource": Answer[ResourceReport],
    "resources": Answer[ResourceCounts],
    "health": Answer[SourceHealth],
    "packs": Answer[PackCompliance],
    "query": Answer[QueryResult],
    "aggregators": Answer[Aggregators],
    "doctor": Answer[DoctorReport],
}


class Answerer:
    def __init__(self, service: AggregatorService, cache: Cache) -> None:
        self.service = service
        self.cache = cache

    def _arguments(self, question: Question) -> dict[str, str]:
        args = dict(question.params)
        if question.kind == "rule":
            try:  # one key for every name of a rule, when the catalog alone can tell
                args["rule"] = self.service.catalog.resolve(args["rule"])
            except UserError:
                args["rule"] = args["rule"].strip()
        return args

    def key_of(self, question: Question, scope: str = "all") -> str:
        aggregator = question.aggregator or self.service.settings.aggregator
        return cache_module.key(
            self.cache.policy, aggregator, scope, question.kind, self._arguments(question)
        )

    def answer(self, question: Question, scope: Scope = EVERYTHING) -> Answer[Any]:
        """The answer for this scope: checked before any AWS call, then cached under the scope.
        A filtered scope reuses the cached org-wide answer, so channels share its AWS cost."""
        if question.kind not in ANSWER_MODELS:
            raise UserError(
                f"`{question.kind}` is not a question about compliance: it manages something in a "
                "Slack channel, so ask it there with `/compliance`."
            )
        check(question, scope)
        compute: Callable[[], Answer[Any]]
        if scope.everything:
            compute = partial(ask_aws, self.service, question)
        elif question.kind in READ_IN_SCOPE:
            compute = lambda: restrict(ask_aws(self.service, question, scope.accounts), scope)  # noqa: E731
        elif question.kind in FILTERED:
            compute = lambda: restrict(self.answer(question), scope)  # noqa: E731
        else:
            compute = partial(ask_aws, self.service, question, scope.accounts)
        key = self.key_of(question, scope.name)
        return self.cache.get_or_compute(key, question.kind, ANSWER_MODELS[question.kind], compute)

    def refresh(self, text: str = "", aggregator: str | None = None) -> int:
        """Drop the cached answers to one question (in every scope), or all of an aggregator's."""
        name = aggregator or self.service.settings.aggregator
        self.service.forget()  # what this process remembers of AWS goes too (status, census...)
        if not text.strip():
            return self.cache.drop(pattern(self.cache.policy, name))
        question = parse(text)
        if question.kind not in ANSWER_MODELS:
            raise UserError(f"`{text}` is not a question with a cached answer.")
        return self.forget(
            question
            if question.aggregator
            else Question(question.kind, question.params, name, question.public)
        )

    def forget(self, question: Question) -> int:
        """Drop the cached answers to this question, in every scope."""
        exact = self.key_of(question, scope="SCOPE")
        before, _, after = exact.partition(":SCOPE:")
        return self.cache.drop(f"{before}:*:{after}")
