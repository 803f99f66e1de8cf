"""The simulator's own operations served in-process without moto's generic dispatch.

Under `mock_aws()`, moto answers botocore's requests from its `before-send` stubber: it rebuilds
each request as a werkzeug request, looks the action up among the response class's members,
and serializes the result against the operation's output shape. For the operations the
simulator serves itself that machinery is most of a call's cost (about 2.5 ms of 6 at 1,000
accounts x 17 regions), and the bench runs the bot and the simulator on one interpreter: the
fake's overhead was measured as the bot's. Here those requests go straight to the same handler
(faults, validation, the data lock, the operation) and the result is written as AWS's JSON
protocol writes it. Everything else, and every request through `ThreadedMotoServer`, still goes
through moto. The client is untouched: botocore serializes, signs, sends and parses as always.
"""

from __future__ import annotations

import json
import math
import os
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.core import models
from werkzeug.exceptions import HTTPException

Handler = Callable[[str, str, dict[str, Any]], dict[str, Any]]

TARGET = "StarlingDoveService."
_HOST = re.compile(r"^https?://config\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/?$")
# moto's own pattern for the access key in an Authorization header (BaseResponse.access_key_regex).
_ACCESS_KEY = re.compile(r"AWS.*(?P<access_key>(?<![A-Z0-9])[A-Z0-9]{20}(?![A-Z0-9]))[:/]")
_MARK = "_compliance_sim_direct"

# Operation name (as in X-Amz-Target) -> the simulator's handler; filled by `install`.
ROUTES: dict[str, Handler] = {}
enabled = True  # tests compare both paths


def _account(headers: Any) -> str:
    """The caller's account, as moto finds it (BaseResponse.get_current_account)."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if "x-moto-account-id" in headers:
        return _text(headers["x-moto-account-id"])
    from moto.iam.models import get_account_id_from

    match = _ACCESS_KEY.search(_text(headers.get("Authorization", "")))
    return get_account_id_from(match.group("access_key") if match else "AKIAEXAMPLE")


def _text(value: str | bytes) -> str:
    """A header's value: botocore's prepared requests carry bytes."""
    return value.decode() if isinstance(value, bytes) else value


def _epoch(value: Any) -> Any:
    """Timestamps as AWS's JSON protocol (and moto's serializer) write them: epoch seconds,
    truncated to the millisecond."""
    if isinstance(value, datetime):
        return math.floor(value.timestamp() * 1000) / 1000
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _without_none(value: Any) -> Any:
    """AWS's JSON omits absent members; moto's serializer drops None the same way."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def respond(request: Any) -> tuple[int, dict[str, str], str] | None:
    """(status, headers, body) for a request the simulator serves itself; None for the rest."""
    if not enabled:
        return None
    target = _text(request.headers.get("X-Amz-Target", ""))
    if not target.startswith(TARGET):
        return None
    handler = ROUTES.get(target[len(TARGET) :])
    url = _HOST.match(str(request.url).split("?", 1)[0])
    if handler is None or url is None:
        return None
    body = request.body or b"{}"
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())}
    try:
        params = json.loads(body.decode() if isinstance(body, bytes) else body)
        result = handler(_account(request.headers), url.group("region"), params)
    except HTTPException as error:
        return error.code or 500, {**headers, **dict(error.get_headers() or [])}, str(error.get_body())
    return 200, headers, json.dumps(_without_none(result), default=_epoch, separators=(",", ":"))


def install(routes: dict[str, Handler]) -> None:
    """Serve `routes` directly from moto's in-process stubber, idempotently."""
    ROUTES.update(routes)
    stubber = models.botocore_stubber
    if getattr(stubber.process_request, _MARK, False):
        return
    original = stubber.process_request

    def process_request(request: Any) -> Any:
        if stubber.enabled and (answer := respond(request)) is not None:
            return answer
        return original(request)

    setattr(process_request, _MARK, True)
    stubber.process_request = process_request  # type: ignore[method-assign]
