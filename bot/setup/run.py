"""The set-up check as a whole: which checks run, in what order, and how they read.

`local` needs no network and holds everything that stops `serve`; `remote` asks Slack, AWS and
Redis, and only warns."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot import boundary
from bot.deps import slack_client
from bot.settings import Settings
from bot.setup import aws_checks, settings_checks, slack_checks
from bot.setup.result import Check, failed, warn
from bot.setup.services import redis_check
from bot.slack.server import mode


def local(settings: Settings, slack: bool = True) -> list[Check]:
    """The settings `serve` (with `slack`) or `ask` cannot start without, and the file's checks."""
    checks = settings_checks.slack_tokens(settings, mode(settings) == "socket") if slack else []
    return [
        *checks,
        settings_checks.aws_region(aws_checks.region(settings)),
        settings_checks.aws_credentials(aws_checks.credentials_method(settings)),
        settings_checks.config_file(settings.config_file),
    ]


def remote(settings: Settings, aws: bool = True) -> list[Check]:
    """Slack, AWS (unless its region or credentials are missing) and Redis, asked: warnings only.
    A check that breaks says so on its line, and the others still run."""
    steps: list[tuple[str, Callable[[], list[Check]]]] = [
        ("Redis", lambda: [redis_check(settings.redis_url)])
    ]
    if aws:
        steps.insert(0, ("AWS", lambda: aws_checks.access(settings)))
    if settings.slack_bot_token.get_secret_value():
        steps.insert(0, ("Slack token", lambda: slack_checks.token(slack_client(settings))))
    checks: list[Check] = []
    for name, step in steps:
        try:
            checks += step()
        except Exception as error:  # one broken check must not hide the others' lines
            checks.append(warn(name, boundary.describe(error, check="setup")))
    return checks


def report(checks: Sequence[Check]) -> str:
    return "\n".join(check.line() for check in checks)


def refusal(checks: Sequence[Check], what: str = "compliance-bot serve") -> str:
    """Why `serve` (or `ask`) does not start: every failed check at once, then the others."""
    stopped = failed(checks)
    return "\n".join(
        [
            f"{what} cannot start: {len(stopped)} setting(s) missing or unusable.",
            *(c.line() for c in stopped),
            *(c.line() for c in checks if c.status != "fail"),
        ]
    )
