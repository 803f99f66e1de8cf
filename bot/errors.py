"""The bot's errors.

    BotError                      anything the bot raises on purpose
    +-- UserError                 the asker can act on it; its message is shown to them
    |   +-- UnknownCommand        input the grammar does not know (with a suggestion)
    |   +-- InvalidQuery          an advanced query rejected, by our validator or by AWS
    |   +-- RuleNotFound          no rule by that name (with close suggestions)
    |   +-- AmbiguousRule         several rules match (with the candidates)
    |   +-- ResourceNotFound      no resource by that id, name or ARN
    |   +-- AccountNotFound       the account is not a source of the aggregator
    |   +-- RegionNotCovered      the aggregator does not read that region (with close names)
    |   +-- RuleNotDeployed       a known rule that no source in scope has evaluated
    |   +-- NothingEvaluated      no rule has results in scope: no all-clear to give
    |   +-- AggregatorNotFound    no aggregator by that name in the region
    +-- AwsError                  AWS failed in a way the asker cannot fix by rephrasing
        +-- AccessDenied          which call, which role
        +-- Throttled             throttling outlasted botocore's adaptive retries
        +-- AwsUnavailable        AWS (or the endpoint) unreachable or 5xx after retries
        +-- TooSlow               the question's AWS calls outlasted its time limit
        +-- NoCredentials         the bot found no AWS credentials at all

Every message says what to do next; the error boundary (Slack issue) turns these into replies.
"""

from __future__ import annotations

from collections.abc import Sequence


def quoted(text: object) -> str:
    """A name or text quoted as code in a message: its own backticks become a look-alike, so it
    cannot close the code span (the message reaches Slack; bot/slack/text.py)."""
    return "`" + str(text).replace("`", "\u02cb") + "`"


class BotError(Exception):
    """Root of every error the bot raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(BotError):
    pass


class UnknownCommand(UserError):
    def __init__(self, text: str, suggestion: str | None = None) -> None:
        hint = f" Did you mean {quoted(suggestion)}?" if suggestion else ""
        super().__init__(f"I don't know {quoted(text)}.{hint} Try `help`.")
        self.text = text
        self.suggestion = suggestion


class InvalidQuery(UserError):
    def __init__(self, message: str, *, from_aws: bool = False) -> None:
        prefix = "AWS Config rejected the query" if from_aws else "That query can't run"
        super().__init__(f"{prefix}: {message}")
        self.reason = message
        self.from_aws = from_aws


class RuleNotFound(UserError):
    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        hint = f" Close matches: {', '.join(quoted(s) for s in suggestions)}." if suggestions else ""
        super().__init__(f"No rule called {quoted(name)} in this aggregator.{hint}")
        self.name = name
        self.suggestions = list(suggestions)


class AmbiguousRule(UserError):
    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        listed = ", ".join(quoted(c) for c in candidates)
        super().__init__(f"{quoted(name)} matches several rules: {listed}. Which one?")
        self.name = name
        self.candidates = list(candidates)


class ResourceNotFound(UserError):
    def __init__(self, identifier: str) -> None:
        super().__init__(
            f"No resource {quoted(identifier)} in this aggregator (tried id, name and ARN). "
            "Recently created resources can take a few minutes to be aggregated."
        )
        self.identifier = identifier


class AccountNotFound(UserError):
    def __init__(self, account_id: str) -> None:
        if account_id.isascii() and account_id.isdigit() and len(account_id) == 12:
            message = f"Account {quoted(account_id)} is not a source of this aggregator."
        else:
            message = f"{quoted(account_id)} is not an AWS account id (12 digits)."
        super().__init__(message)
        self.account_id = account_id


class RegionNotCovered(UserError):
    def __init__(self, region: str, suggestions: Sequence[str] = ()) -> None:
        hint = f" Did you mean {', '.join(quoted(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(
            f"The aggregator does not read region {quoted(region)}, so I can't say anything about it.{hint}"
        )
        self.region = region
        self.suggestions = list(suggestions)


class RuleNotDeployed(UserError):
    def __init__(self, rule: str, where: str = "", suggestions: Sequence[str] = ()) -> None:
        hint = f" Rules that are: {', '.join(quoted(s) for s in suggestions)}." if suggestions else ""
        super().__init__(
            f"No source{where} has evaluated {quoted(rule)}: it is not deployed there (or has no results "
            f"yet), so this is not an all-clear.{hint}"
        )
        self.rule = rule
        self.suggestions = list(suggestions)


class NothingEvaluated(UserError):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"No rule has results {where} yet, so there is nothing to call compliant: this is not an "
            "all-clear. `health` shows whether its sources report."
        )


class AggregatorNotFound(UserError):
    def __init__(self, name: str, region: str) -> None:
        super().__init__(
            f"There is no aggregator {quoted(name)} in {region}. `aggregators` lists the ones there are."
        )
        self.name = name
        self.region = region


class AwsError(BotError):
    def __init__(self, message: str, operation: str, code: str | None = None) -> None:
        super().__init__(message)
        self.operation = operation
        self.code = code


class AccessDenied(AwsError):
    def __init__(self, operation: str, role: str | None, code: str | None = None) -> None:
        # The role and its account are in the log line (bot/boundary.py), not in the reply: a
        # channel limited to some accounts should not learn the aggregator account.
        super().__init__(
            f"AWS denied `config:{operation}` to the bot's AWS role. The bot's admins can grant "
            "that permission (see docs/iam-policy.json); then ask again.",
            operation,
            code,
        )
        self.role = role


class Throttled(AwsError):
    def __init__(self, operation: str) -> None:
        super().__init__(
            f"AWS Config is throttling {quoted(operation)} even after retries. Try again in a minute.",
            operation,
            "ThrottlingException",
        )


class AwsUnavailable(AwsError):
    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(
            f"AWS Config did not answer {quoted(operation)} ({detail}). Try again shortly.",
            operation,
        )


class TooSlow(AwsError):
    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__(
            f"AWS Config took more than {seconds:g} s to answer this question, so I stopped asking. "
            "Try again later, or ask about one account or region.",
            operation,
        )


class NoCredentials(AwsError):
    def __init__(self, operation: str) -> None:
        super().__init__(
            "The bot has no AWS credentials, so it cannot ask AWS Config. Its admins can check the "
            "set-up with `compliance-bot doctor --setup`.",
            operation,
            "NoCredentialsError",
        )
