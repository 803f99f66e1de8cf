"""Answers limited to a scope. Pure: a scoped answer is the org-wide one with everything outside
the scope's accounts removed, so it never shows an out-of-scope account or count."""

from __future__ import annotations

import enum
from typing import Any

from bot.access.scopes import NotAvailable, QueryNotAllowed, Scope
from bot.answers.coverage import limited, problems_in_scope
from bot.answers.models import (
    AccountDrilldown,
    Answer,
    PackCompliance,
    QueryResult,
    ResourceReport,
    RuleCompliance,
    SourceHealth,
)
from bot.questions.query_validation import selected_fields, validate_query
from bot.questions.question import Question


class Scoping(enum.Enum):
    """How a channel limited to some accounts gets its answer."""

    FILTER = "the organization's answer, with everything outside the scope removed"
    READ_IN_SCOPE = "read for the scope's accounts (caps count theirs), then filtered"
    LIMIT = "the plan limits itself to the scope's accounts (AWS's totals cannot be split)"
    ORGANIZATION_ONLY = "not available in a channel limited to some accounts"


def check(question: Question, scope: Scope, scoping: Scoping) -> None:
    """Refuse, before any AWS call, what this scope may not ask."""
    if scope.nothing:
        raise NotAvailable("Compliance data")
    if scope.everything:
        if question.kind == "query" and not scope.query:
            raise QueryNotAllowed()
        return
    account = question.params.get("account")
    if account and not scope.allows(account):
        raise NotAvailable("That account")
    if scoping is Scoping.ORGANIZATION_ONLY:
        raise NotAvailable(f"`{question.kind}`")
    if question.kind == "query":
        if not scope.query:
            raise QueryNotAllowed()
        expression = question.params.get("expression", "")
        validate_query(expression)
        if "accountId" not in selected_fields(expression):
            raise NotAvailable(
                "A query that does not SELECT accountId (needed to keep its rows to this channel's accounts)"
            )


def restrict(answer: Answer[Any], scope: Scope) -> Answer[Any]:
    """The org-wide answer with everything outside the scope removed."""
    if scope.everything:
        return answer
    data = answer.data
    allowed = scope.allows
    if isinstance(data, RuleCompliance):
        data = data.model_copy(
            update={
                "resources": [r for r in data.resources if allowed(r.account_id)],
                "sources": [s for s in data.sources if allowed(s.account_id)],
                "member_rule_names": data.member_rule_names,
            }
        )
    elif isinstance(data, AccountDrilldown):
        if not allowed(data.account_id):
            raise NotAvailable("That account")
    elif isinstance(data, ResourceReport):
        # The plan read only the scope's accounts; a resource or a match elsewhere is never shown.
        matches = [m for m in data.matches if allowed(m.account_id)]
        if (data.resource is None and not matches) or (
            data.resource is not None and not allowed(data.resource.account_id)
        ):
            raise NotAvailable("That resource")
        data = data.model_copy(update={"matches": matches})
    elif isinstance(data, SourceHealth):
        data = data.model_copy(update={"problems": problems_in_scope(data.problems, allowed)})
    elif isinstance(data, PackCompliance):
        data = data.model_copy(update={"rows": [r for r in data.rows if allowed(r.account_id)]})
    elif isinstance(data, QueryResult):
        data = data.model_copy(
            update={"rows": [r for r in data.rows if allowed(str(r.get("accountId", "")))]}
        )
    else:
        raise TypeError(f"{type(data).__name__} cannot be filtered by account")
    return answer.model_copy(
        update={"data": data, "coverage": limited(answer.coverage, allowed), "limited": True}
    )
