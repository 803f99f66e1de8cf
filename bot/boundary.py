"""User-facing texts and the one error boundary: any failure becomes a short, polite message
that says what to do, and one structured log line with its context."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from bot.access.audit import redact
from bot.access.scopes import NotAvailable, QueryNotAllowed
from bot.errors import AccessDenied, AwsError, BotError, Throttled, UserError
from bot.slack import blocks

log = logging.getLogger("bot.errors")


def unexpected(reference: str) -> str:
    return (
        f"Sorry, something went wrong on my side (reference `{reference}`). "
        "It is logged; please try again in a minute."
    )


def describe(error: BaseException, **context: Any) -> str:
    """The message for the asker, after logging the failure once with its context."""
    fields = {k: redact(v) if isinstance(v, str) else v for k, v in context.items() if v is not None}
    if isinstance(error, UserError):
        log.info(json.dumps({"event": "question_refused", "error": type(error).__name__, **fields}))
        return error.message
    if isinstance(error, Throttled):
        log.warning(json.dumps({"event": "aws_throttled", "operation": error.operation, **fields}))
        return error.message
    if isinstance(error, AwsError):
        log.warning(
            json.dumps(
                {
                    "event": "aws_error",
                    "error": type(error).__name__,
                    "operation": error.operation,
                    "code": error.code,
                    **({"role": error.role} if isinstance(error, AccessDenied) else {}),
                    **fields,
                }
            )
        )
        return error.message
    if isinstance(error, BotError):
        log.error(
            json.dumps(
                {"event": "bot_error", "error": type(error).__name__, "message": error.message, **fields}
            )
        )
        return error.message
    reference = uuid.uuid4().hex[:8]
    log.error(
        json.dumps(
            {"event": "unexpected_error", "reference": reference, "error": type(error).__name__, **fields}
        ),
        exc_info=error,
    )
    return unexpected(reference)


def outcome(error: BaseException) -> str:
    """How a question ended, for the metrics and the audit line."""
    if isinstance(error, NotAvailable | QueryNotAllowed):
        return "denied"
    if isinstance(error, UserError):
        return "refused"
    if isinstance(error, AwsError):
        return "aws_error"
    return "error"


def error_message(error: BaseException, **context: Any) -> dict[str, Any]:
    """The one reply to any failure: logged once (`describe`), escaped, within Slack's limits."""
    return blocks.error_message(describe(error, **context))
