"""The checks that need no network: the settings' values, the tokens' and the signing secret's
shapes, and the configuration file. Pure, but for reading that file."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from bot.config import ComplianceConfig, load_config
from bot.errors import BotError, UserError
from bot.questions.rules import RuleCatalog
from bot.settings import Settings
from bot.setup.result import Check, fail, ok, one_line, warn
from bot.waivers.model import MAX_DAYS

REFERENCE = "see README.md, Configuration reference"
# Slack's signing secrets are 32 lowercase hex characters (Basic Information > App Credentials).
SIGNING_SECRET = re.compile(r"[0-9a-f]{32}")


def load_settings(build: Callable[[], Settings] = Settings) -> tuple[Settings | None, list[Check]]:
    """The settings, or one failure per variable whose value cannot be used (all of them at once)."""
    try:
        return build(), []
    except ValidationError as error:
        return None, [_invalid(e["loc"], e.get("input"), e["msg"]) for e in error.errors()]


def _invalid(location: tuple[int | str, ...], value: object, reason: str) -> Check:
    name = ".".join(str(part) for part in location)
    shown = "" if "TOKEN" in name or "SECRET" in name else f"={value!r}"  # never a secret on screen
    return fail(
        name, f"{name}{shown} is not valid: {reason}.", f"Set it to a valid value or unset it ({REFERENCE})."
    )


def slack_tokens(settings: Settings, socket_mode: bool) -> list[Check]:
    """What `serve` needs from Slack: the bot token always, the signing secret in HTTP mode."""
    checks = [_bot_token(settings.slack_bot_token.get_secret_value())]
    secret = settings.slack_signing_secret.get_secret_value()
    if socket_mode:
        checks.append(
            _app_token(settings.slack_app_token.get_secret_value() if settings.slack_app_token else "")
        )
    elif not secret:
        checks.append(
            fail(
                "SLACK_SIGNING_SECRET",
                "not set: requests from Slack cannot be verified.",
                "Copy the app's Signing Secret (Basic Information > App Credentials) into "
                "SLACK_SIGNING_SECRET, or set SLACK_APP_TOKEN to serve in Socket Mode.",
            )
        )
    if secret:
        checks.append(signing_secret(secret))
    return checks


def _bot_token(token: str) -> Check:
    if not token:
        return fail(
            "SLACK_BOT_TOKEN",
            "not set.",
            "Install the app to the workspace and copy its Bot User OAuth Token (xoxb-...) from "
            "OAuth & Permissions into SLACK_BOT_TOKEN.",
        )
    if not token.startswith("xoxb-"):
        return warn(
            "SLACK_BOT_TOKEN",
            f"starts with {token[:5]!r}, not 'xoxb-': it is not a bot token "
            "(xoxp- is a user's token, xapp- an app-level token).",
            "Use the Bot User OAuth Token from OAuth & Permissions.",
        )
    return ok("SLACK_BOT_TOKEN", "set, shaped as a bot token (xoxb-...).")


def _app_token(token: str) -> Check:
    if token.startswith("xapp-"):
        return ok("SLACK_APP_TOKEN", "set, shaped as an app-level token: serving in Socket Mode.")
    return warn(
        "SLACK_APP_TOKEN",
        "does not start with 'xapp-': Socket Mode needs an app-level token.",
        "Create one with connections:write under Basic Information > App-Level Tokens.",
    )


def signing_secret(secret: str) -> Check:
    if SIGNING_SECRET.fullmatch(secret):
        return ok("SLACK_SIGNING_SECRET", "set, shaped as a signing secret (32 hex characters).")
    looks_like = " (it looks like a token)" if secret.startswith(("xox", "xapp-")) else ""
    return warn(
        "SLACK_SIGNING_SECRET",
        f"is not 32 hex characters{looks_like}: every request from Slack will be refused (401).",
        "Copy the Signing Secret (not the Client Secret, nor a token) from Basic Information > "
        "App Credentials.",
    )


def aws_region(region: str | None) -> Check:
    if region:
        return ok("AWS region", f"{region}.")
    return fail(
        "AWS region",
        "none: neither COMPLIANCE_AGGREGATOR_REGION nor the AWS SDK's region (AWS_REGION) is set.",
        "Set COMPLIANCE_AGGREGATOR_REGION to the aggregator's region, e.g. us-east-1.",
    )


def aws_credentials(method: str | None) -> Check:
    if method:
        return ok("AWS credentials", f"found ({method}).")
    return fail(
        "AWS credentials",
        "none found in the AWS SDK's chain (environment, profile, web identity, container or instance role).",
        "Run with a role (IRSA: the ServiceAccount's eks.amazonaws.com/role-arn annotation, see "
        "deploy/README.md), or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    )


def config_file(path: Path | None) -> Check:
    """Without a file the bot keeps its open default, which the demo relies on; a file that is set
    but unusable stops `serve`, since falling back would open every channel to the organization."""
    if path is None:
        return warn(
            "COMPLIANCE_CONFIG",
            "not set: every channel sees the whole organization, and there are no admins.",
            "Set COMPLIANCE_CONFIG to a YAML file with admins, channels and default_scope: none "
            "(README.md, Configuration reference).",
        )
    try:
        config = load_config(path)
    except BotError as error:
        cause = error.__cause__
        if isinstance(cause, ValidationError):
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in cause.errors()
            )
            message = f"{path} is not valid: {detail}."
        else:
            message = one_line(error.message) + "."
        return fail("COMPLIANCE_CONFIG", message, "Fix the file (README.md shows every key), or unset it.")
    scope = "channels not listed see nothing" if config.default_scope == "none" else "other channels see all"
    summary = f"{path}: {len(config.channels)} channel(s), {len(config.admins)} admin(s), {scope}."
    problems = waiver_problems(config)
    if problems:
        return warn(
            "COMPLIANCE_CONFIG",
            f"{summary} Its waivers: {'; '.join(problems)}.",
            "Correct or remove those waivers (README.md, Waivers).",
        )
    return ok("COMPLIANCE_CONFIG", summary)


def waiver_problems(config: ComplianceConfig, now: datetime | None = None) -> list[str]:
    """What is odd in the configured waivers: ended already (they apply to nothing), longer than a
    waiver made in Slack may be, or of a rule the catalog does not know (a typo, or a custom rule)."""
    now = now or datetime.now(UTC)
    catalog = RuleCatalog.default(config.aliases)
    problems = []
    for index, w in enumerate(config.waivers):
        name = f"#{index + 1} ({w.resource_id}, {w.rule})"
        if not w.active(now):
            problems.append(f"{name} ended at {w.expires_at:%Y-%m-%d %H:%M} UTC")
        elif w.expires_at - now > timedelta(days=MAX_DAYS + 1):
            problems.append(f"{name} lasts past {MAX_DAYS} days")
        try:
            catalog.resolve(w.rule, suggest=False)
        except UserError:
            problems.append(f"{name}: no rule the catalog knows is called that (a custom rule is fine)")
    return problems
