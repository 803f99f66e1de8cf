"""Getting an answer to Slack, or saying that it could not be: retries within Slack's limits, a
fallback post, and one structured line when an answer is given up. Nothing is lost silently."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger("bot.slack.delivery")
# response_url takes 5 uses in 30 minutes; a slow answer's notice may have used one, and
# replacing it another: three tries for the answer, spaced out for a brief outage.
RESPONSE_DELAYS: Sequence[float] = (0.0, 1.0, 4.0)


def _status(result: Any) -> int:
    """The HTTP status of what `respond` returned (a WebhookResponse), 200 if it says none."""
    return int(getattr(result, "status_code", 200) or 200)


def respond_or_post(
    respond: Callable[..., Any],
    message: dict[str, Any],
    fallback: Callable[[], Any],
    context: dict[str, Any],
    sleep: Callable[[float], None] = time.sleep,
    delays: Sequence[float] = RESPONSE_DELAYS,
    **options: Any,
) -> bool:
    """Send `message` through response_url (with `options`), retrying a failed send; if every try
    fails, `fallback()` (a post in the channel, or to the asker alone); if that fails too, log
    `answer_given_up` once. True when the answer reached Slack."""
    reason = ""
    for delay in delays:
        if delay:
            sleep(delay)
        try:
            status = _status(respond(**message, **options))
        except (SlackClientError, OSError) as error:
            reason = type(error).__name__
            continue
        if status < 400:
            return True
        reason = f"response_url answered {status}"
    log.warning(json.dumps({"event": "answer_fallback", "reason": reason, **context}))
    try:
        fallback()
        return True
    except (SlackClientError, OSError) as error:
        detail = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
        log.error(
            json.dumps({"event": "answer_given_up", "reason": f"{reason}; fallback: {detail}", **context})
        )
        return False


def post_or_give_up(post: Callable[[], Any], context: dict[str, Any]) -> bool:
    """One Web API post (the client retries rate limits and server errors itself); if it still
    fails, log `answer_given_up` once. True when it reached Slack."""
    try:
        post()
        return True
    except (SlackClientError, OSError) as error:
        detail = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
        log.error(json.dumps({"event": "answer_given_up", "reason": str(detail), **context}))
        return False
