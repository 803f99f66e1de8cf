"""Questions answered through the cache: the path every surface (CLI, Slack, digest) takes. The
registry entry of the question's kind gives the plan, the model, the TTL and how scope applies."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from bot.access.scopes import EVERYTHING, Scope
from bot.access.scoping import Scoping, check, restrict
from bot.answers.models import Answer, RulesOverview
from bot.aws.client import Tally
from bot.cache import store as cache_module
from bot.cache.lease import REDIS_ERRORS
from bot.cache.store import Cache, NotCached, pattern
from bot.errors import UserError
from bot.questions.grammar import parse
from bot.questions.plans.context import PlanContext
from bot.questions.question import Question
from bot.questions.registry import REGISTRY, RULE, Kind
from bot.waivers import apply
from bot.waivers.apply import RuleWaiving
from bot.waivers.lookup import overview_waiving
from bot.waivers.model import Book, Waiver

log = logging.getLogger(__name__)


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
    def __init__(
        self, service: PlanContext, cache: Cache, waivers: Callable[[], Sequence[Waiver]] = lambda: ()
    ) -> None:
        self.service = service
        self.cache = cache
        self.waivers = waivers  # the waivers made in Slack and configured (bot/waivers/desk.py)

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
        """The answer for this scope, with the waivers in force applied: checked before any AWS
        call, then cached under the scope (without waivers: they apply each time it is shown, so
        a waiver changes every answer at once). A filtered scope reuses the cached org-wide
        answer, so channels share its AWS cost. With `cached_only`, an answer that needs AWS
        raises NotCached (a refusal still raises)."""
        return self.waived(self._answer(question, scope, cached_only), question, scope, cached_only)

    def _answer(self, question: Question, scope: Scope, cached_only: bool = False) -> Answer[Any]:
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
            compute = lambda: restrict(self._answer(question, EVERYTHING), scope)  # noqa: E731
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
            head = first(self.service, question, None)
        elif kind.scoping is Scoping.FILTER:
            head = first(self.service, question, None)
            head = restrict(head, scope) if head is not None else None
        else:
            head = first(self.service, question, scope.accounts)
            filtered = kind.scoping is Scoping.READ_IN_SCOPE
            head = restrict(head, scope) if head is not None and filtered else head
        return self.waived(head, question, scope) if head is not None else None

    # --- waivers ------------------------------------------------------------------------------

    def book(self, aggregator: str, accounts: frozenset[str] | None = None) -> Book:
        """The waivers in force now for this aggregator, in these accounts (None: all): a waiver
        elsewhere must not move a scoped channel's counts, nor hint that it exists."""
        waivers = [w for w in self.waivers() if accounts is None or w.account_id in accounts]
        return Book(waivers, self.service.clock(), aggregator)

    def waived(
        self, found: Answer[Any], question: Question, scope: Scope, cached_only: bool = False
    ) -> Answer[Any]:
        book = self.book(found.aggregator, scope.accounts)
        if not book:
            return found
        overview = None
        if isinstance(found.data, RulesOverview) and any(book.for_rule(r.rule) for r in found.data.rows):
            overview = self._overview_waiving(found, question, scope, book, cached_only)
        return apply.answer(found, book, overview)

    def _overview_waiving(
        self, found: Answer[Any], question: Question, scope: Scope, book: Book, cached_only: bool
    ) -> dict[str, RuleWaiving]:
        """What the waivers take out of this overview (read from AWS, cached beside it for as long
        as it lives: the same overview and the same waivers give the same figures)."""
        said = json.dumps(
            [found.as_of.isoformat(), sorted((w.id, w.expires_at.isoformat()) for w in book.waivers)]
        )
        key = f"{self.key_of(question, scope.name)}:waived:{hashlib.sha256(said.encode()).hexdigest()[:16]}"
        try:
            raw = self.cache.redis.get(key)
        except REDIS_ERRORS as error:
            log.warning("cached waiver figures unavailable (%s); reading them", error)
            raw = None
        if raw is not None:
            return {rule: RuleWaiving(*figures) for rule, figures in json.loads(raw).items()}
        if cached_only:
            raise NotCached(waiting=False)
        figures = overview_waiving(self.service, Tally(), found.aggregator, found.data, book, scope.accounts)
        ttl = self.cache.policy.ttls.get(question.kind, 300) + self.cache.policy.max_stale
        try:
            self.cache.redis.set(
                key, json.dumps({r: [f.resources, f.accounts, f.regions] for r, f in figures.items()}), ex=ttl
            )
        except REDIS_ERRORS as error:
            log.warning("waiver figures not cached (%s)", error)
        return figures

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
