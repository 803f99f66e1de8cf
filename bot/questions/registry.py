"""The registry of question kinds: the spine every surface reads. One `Kind` per name holds its
parser, usage and help, and either a plan (with its answer model, cache TTL, how a channel's scope
applies, and its presenter) or an action (help, refresh, digest: they manage something rather
than ask AWS). Help, the manifest's usage hint, refresh, the cache, scoping, `ask` and the Slack
surfaces all read it. A second kind of the same name fails at import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.access.audit import Audit
from bot.access.scopes import AccessConfig, Scope
from bot.access.scoping import Scoping
from bot.answers.models import Answer
from bot.digest.runner import DigestScheduler
from bot.presenters.presenter import Presenter
from bot.questions.plans.context import PlanContext
from bot.questions.question import Question
from bot.questions.rules import RuleCatalog
from bot.slack.dedupe import Dedupe
from bot.waivers.desk import Waivers
from bot.watch.runner import WatchScheduler

Parser = Callable[[list[str], str, str], dict[str, str]]
Plan = Callable[[PlanContext, Question, frozenset[str] | None], Answer[Any]]
# A first answer in a few calls while the plan reads the whole one (None: the plan is as quick).
FirstPlan = Callable[[PlanContext, Question, frozenset[str] | None], Answer[Any] | None]


class Refresher(Protocol):
    def refresh(self, text: str = "", aggregator: str | None = None) -> int: ...

    def answer(self, question: Question, scope: Scope = ..., cached_only: bool = False) -> Answer[Any]: ...


class Desk(Protocol):
    """What an action may use: the parts of `bot.deps.Deps` it needs."""

    @property
    def answerer(self) -> Refresher: ...

    @property
    def access(self) -> AccessConfig: ...

    @property
    def digests(self) -> DigestScheduler | None: ...

    @property
    def watches(self) -> WatchScheduler | None: ...

    @property
    def dedupe(self) -> Dedupe: ...

    @property
    def waivers(self) -> Waivers | None: ...

    @property
    def catalog(self) -> RuleCatalog: ...

    @property
    def audit(self) -> Audit: ...


@dataclass(frozen=True)
class Reply:
    """What an action says: a short text (mrkdwn in Slack) and an optional title."""

    text: str
    title: str | None = None
    # One button per (label, question): the reply asks which (several resources of one name).
    choices: Sequence[tuple[str, Question]] = ()


Action = Callable[[Desk, Question, str | None, str | None], Reply]  # desk, question, channel, user


@dataclass(frozen=True)
class Kind:
    name: str
    usage: str
    help: str
    parse: Parser
    # A question for AWS: its plan, model, TTL, scoping and presenter.
    plan: Plan | None = None
    model: type[Answer[Any]] | None = None
    ttl: int = 300
    scoping: Scoping = Scoping.FILTER
    presenter: Presenter[Any] | None = None
    first: FirstPlan | None = None
    # Or an action that manages something (refresh, digest, help); the questions of it that read
    # AWS (`digest now`) wait in the slow lane like the plans' (handlers/lanes.py).
    action: Action | None = None
    action_reads_aws: Callable[[Question], bool] | None = None
    # Only the bot's admins may ask it in Slack (the terminal's operator may always).
    admin_only: bool = False
    # The manifest's one-line hint: the usage, shortened (None: left out of the hint).
    hint: str | None = None

    @property
    def asks_aws(self) -> bool:
        return self.plan is not None

    def may_read_aws(self, question: Question) -> bool:
        """Whether answering this question may call AWS (a plan, or an action that does)."""
        return self.plan is not None or bool(self.action_reads_aws and self.action_reads_aws(question))


REGISTRY: dict[str, Kind] = {}
RULE = "rule"  # the kind a bare rule name or alias asks: `/compliance s3-encryption`


def register(kind: Kind) -> Kind:
    if kind.name in REGISTRY:
        raise ValueError(f"question kind {kind.name!r} is registered twice")
    if (kind.plan is None) == (kind.action is None):
        raise ValueError(f"question kind {kind.name!r} needs a plan or an action, not both")
    if kind.plan is not None and (kind.model is None or kind.presenter is None):
        raise ValueError(f"question kind {kind.name!r} has a plan but no model or presenter")
    REGISTRY[kind.name] = kind
    return kind


def data_type(kind: Kind) -> type:
    """The type of the data in the kind's answers: X of its model Answer[X]."""
    assert kind.model is not None
    found: type = kind.model.__pydantic_generic_metadata__["args"][0]
    return found


def presenter_of(answer: Answer[Any]) -> Presenter[Any]:
    """The presenter of the kind whose model `answer` is."""
    for kind in REGISTRY.values():
        if kind.model is not None and kind.presenter is not None and isinstance(answer.data, data_type(kind)):
            return kind.presenter
    raise LookupError(f"no question kind answers with {type(answer.data).__name__}")
