"""Questions answered through the cache: the path every surface (CLI, Slack, digest) takes. The
registry entry of the question's kind gives the plan, the model, the TTL and how scope applies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.access.scopes import EVERYTHING, Scope
from bot.access.scoping import Scoping, check, restrict
from bot.answers.models import Answer
from bot.cache import store as cache_module
from bot.cache.store import Cache, pattern
from bot.errors import UserError
from bot.questions.grammar import parse
from bot.questions.plans.context import PlanContext
from bot.questions.question import Question
from bot.questions.registry import REGISTRY, RULE, Kind


def kind_of(question: Question) -> Kind:
    """The registry entry of a question that asks AWS, or a polite refusal."""
    kind = REGISTRY.get(question.kind)
    if kind is None or kind.plan is None:
        raise UserError(
            f"`{question.kind}` is not a question about compliance: it manages something in a "
            "Slack channel, so ask it there with `/compliance`."
        )
    return kind


def ttls() -> dict[str, int]:
    """Each kind's cache TTL, in seconds (settings may override them)."""
    return {name: kind.ttl for name, kind in REGISTRY.items() if kind.plan is not None}


class Answerer:
    def __init__(self, service: PlanContext, cache: Cache) -> None:
        self.service = service
        self.cache = cache

    def _arguments(self, question: Question) -> dict[str, str]:
        args = dict(question.params)
        if question.kind == RULE:
            try:  # one key for every name of a rule, when the catalog alone can tell
                args["rule"] = self.service.catalog.resolve(args["rule"])
            except UserError:
                args["rule"] = args["rule"].strip()
        return args

    def key_of(self, question: Question, scope: str = "all") -> str:
        aggregator = self.service.name(question.aggregator)
        return cache_module.key(
            self.cache.policy, aggregator, scope, question.kind, self._arguments(question)
        )

    def answer(self, question: Question, scope: Scope = EVERYTHING, cached_only: bool = False) -> Answer[Any]:
        """The answer for this scope: checked before any AWS call, then cached under the scope.
        A filtered scope reuses the cached org-wide answer, so channels share its AWS cost.
        With `cached_only`, an answer that needs AWS raises NotCached (a refusal still raises)."""
        kind = kind_of(question)
        plan, model = kind.plan, kind.model
        assert plan is not None and model is not None
        check(question, scope, kind.scoping)
        compute: Callable[[], Answer[Any]]
        if scope.everything:
            compute = lambda: plan(self.service, question, None)  # noqa: E731
        elif kind.scoping is Scoping.READ_IN_SCOPE:
            compute = lambda: restrict(plan(self.service, question, scope.accounts), scope)  # noqa: E731
        elif kind.scoping is Scoping.FILTER:
            compute = lambda: restrict(self.answer(question), scope)  # noqa: E731
        else:
            compute = lambda: plan(self.service, question, scope.accounts)  # noqa: E731
        key = self.key_of(question, scope.name)
        return self.cache.get_or_compute(key, question.kind, model, compute, cached_only)

    def first(self, question: Question, scope: Scope = EVERYTHING) -> Answer[Any] | None:
        """A first answer (partial, `loading`) for a question whose kind has one, read as the
        scope may see it; None where the kind has none or the whole answer is as quick. Not
        cached: the whole answer is, by `answer`, which replaces it."""
        kind = kind_of(question)
        first = kind.first
        if first is None:
            return None
        check(question, scope, kind.scoping)
        if scope.everything:
            return first(self.service, question, None)
        if kind.scoping is Scoping.FILTER:
            head = first(self.service, question, None)
            return restrict(head, scope) if head is not None else None
        head = first(self.service, question, scope.accounts)
        filtered = kind.scoping is Scoping.READ_IN_SCOPE
        return restrict(head, scope) if head is not None and filtered else head

    def refresh(self, text: str = "", aggregator: str | None = None) -> int:
        """Drop the cached answers to one question (in every scope), or all of an aggregator's."""
        name = self.service.name(aggregator)
        self.service.forget()  # what this process remembers of AWS goes too (status, census...)
        if not text.strip():
            return self.cache.drop(pattern(self.cache.policy, name))
        question = parse(text)
        if question.kind not in REGISTRY or REGISTRY[question.kind].plan is None:
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
