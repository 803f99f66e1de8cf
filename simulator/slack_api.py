"""A local stand-in for Slack's Web API and response_url endpoints, for tests and the demo.

The bot's real slack_sdk WebClient talks to it over HTTP (SLACK_API_URL). It records every call,
answers as Slack does for the methods the bot uses, serves the upload URLs of files_upload_v2,
receives what the bot posts to response_url, and can answer 429 (with Retry-After) or 500.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse


def block_actions_body(
    action: dict[str, Any],
    channel: str,
    user: str,
    message_ts: str,
    response_url: str,
    team: str = "T0PLAYGROUND",
    app: str = "A0PLAYGROUND",
    ephemeral: bool = False,
) -> bytes:
    """The form body Slack posts when someone clicks a button on a message (an ephemeral one, a
    private answer, says so in its container)."""
    payload = {
        "type": "block_actions",
        "team": {"id": team},
        "user": {"id": user},
        "api_app_id": app,
        "token": "stand-in",
        "trigger_id": uuid.uuid4().hex,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "channel": {"id": channel},
        "message": {"ts": message_ts, "text": ""},
        "response_url": response_url,
        "actions": [action],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_signed(url: str, secret: str, body: bytes, content_type: str, later: int = 0) -> int:
    """POST `body` to `url` signed as Slack signs requests; `later` seconds on the timestamp give a
    retry a signature of its own, as Slack's retries have. Returns the HTTP status."""
    timestamp = str(int(time.time()) + later)
    signature = (
        "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    )
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@dataclass
class Call:
    method: str  # Web API method, "response" for response_url posts, "upload" for file bytes
    params: dict[str, Any]
    path: str
    at: float = field(default_factory=time.time)
    answer: dict[str, Any] | None = None  # what the stand-in answered (e.g. a message's ts)


@dataclass
class _Failure:
    method: str
    status: int
    retry_after: int
    remaining: int


class SlackStandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self.uploads: dict[str, bytes] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> posted messages
        self._failures: list[_Failure] = []
        self._delays: dict[str, float] = {}
        self._bot: tuple[str, str] | None = (
            None  # the bot's events URL and signing secret, for the playground
        )
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                stand_in._handle(self)

            def do_GET(self) -> None:
                stand_in._get(self)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- control ------------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "") -> str:
        return f"{self.url}/response/{name or next(self._ids)}"

    def fail(self, method: str, status: int = 429, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `status` (429 carries Retry-After)."""
        with self._lock:
            self._failures.append(_Failure(method, status, retry_after, times))

    def delay(self, method: str, seconds: float) -> None:
        """Answer `method` only after `seconds` (the call is recorded, and acted on, at once)."""
        with self._lock:
            self._delays[method] = seconds

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"Slack stand-in: condition not met; calls: {[c.method for c in self.calls]}"
                    )
                self._lock.wait(left)
            return list(self.calls)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.uploads.clear()
            self.messages.clear()
            self._delays.clear()
            self._failures.clear()

    # --- serving ------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        path = urlparse(request.path).path
        if path == "/calls":  # the record, for a client in another process
            with self._lock:
                record = [
                    {"method": c.method, "path": c.path, "at": c.at, "params": c.params} for c in self.calls
                ]
            self._reply(request, 200, json.dumps(record, default=str))
            return
        if path.startswith("/upload/"):
            file_id = path.rsplit("/", 1)[1]
            self._record(Call("upload", {"file_id": file_id, "size": len(body)}, path))
            with self._lock:
                self.uploads[file_id] = body
            self._reply(request, 200, "OK", "text/plain")
            return
        params = self._params(request, body)
        if path.startswith("/ui/"):
            self._ui(request, path, params)
            return
        if path.startswith("/response/"):
            failure = self._take_failure("response")  # `fail("response", 500)`: response_url fails
            if failure is not None:
                self._record(Call("response:failed", params, path))
                headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
                self._reply(request, failure.status, "failed", "text/plain", headers=headers)
                return
            self._record(Call("response", params, path))
            self._reply(request, 200, "ok", "text/plain")
            return
        method = path.removeprefix("/api/")
        failure = self._take_failure(method)
        if failure is not None:
            self._record(Call(f"{method}:failed", params, path))
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            error = "ratelimited" if failure.status == 429 else "internal_error"
            self._reply(request, failure.status, json.dumps({"ok": False, "error": error}), headers=headers)
            return
        answered = self._answer(method, params)
        self._record(Call(method, params, path, answer=answered))
        answer = json.dumps(answered)
        with self._lock:
            pause = self._delays.get(method, 0.0)
        if pause:
            time.sleep(pause)
        self._reply(request, 200, answer)

    # --- the playground: a page that stands in for Slack's client ----------------------------

    def attach_bot(self, events_url: str, signing_secret: str) -> None:
        """Where the playground sends the signed requests that Slack would send."""
        self._bot = (events_url, signing_secret)

    def _get(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        if parsed.path == "/":
            page = resources.files("simulator").joinpath("playground.html").read_text()
            self._reply(request, 200, page, "text/html; charset=utf-8")
        elif parsed.path == "/feed":
            after = int(parse_qs(parsed.query).get("after", ["0"])[0])
            with self._lock:
                feed = [
                    {"i": i, "method": c.method, "path": c.path, "params": c.params, "answer": c.answer}
                    for i, c in enumerate(self.calls)
                    if i >= after
                ]
            self._reply(request, 200, json.dumps(feed, default=str))
        elif parsed.path.startswith("/files/"):
            with self._lock:
                blob = self.uploads.get(parsed.path.rsplit("/", 1)[1])
            if blob is None:
                self._reply(request, 404, "no such file", "text/plain")
                return
            kind = "image/png" if blob.startswith(b"\x89PNG") else "text/csv; charset=utf-8"
            request.send_response(200)
            request.send_header("Content-Type", kind)
            request.send_header("Content-Length", str(len(blob)))
            request.end_headers()
            request.wfile.write(blob)
        else:
            self._reply(request, 404, "not found", "text/plain")

    def _ui(self, request: BaseHTTPRequestHandler, path: str, data: dict[str, Any]) -> None:
        if self._bot is None:
            self._reply(request, 503, json.dumps({"error": "no bot attached"}))
            return
        channel, user = str(data.get("channel") or "C0SECURITY"), str(data.get("user") or "U0ALICE")
        if path == "/ui/command":
            name = uuid.uuid4().hex[:10]
            self._record(
                Call(
                    "ui.sent",
                    {"text": f"/compliance {data.get('text', '')}", "channel": channel, "user": user},
                    path,
                )
            )
            body = urlencode(
                {
                    "token": "playground",
                    "team_id": "T0PLAYGROUND",
                    "channel_id": channel,
                    "user_id": user,
                    "command": "/compliance",
                    "text": data.get("text", ""),
                    "response_url": f"{self.url}/response/{name}",
                    "trigger_id": name,
                }
            ).encode()
            status = self.send_signed(body, "application/x-www-form-urlencoded")
        elif path == "/ui/mention":
            ts = f"{time.time():.6f}"
            self._record(
                Call(
                    "ui.sent",
                    {"text": f"@compliance-bot {data.get('text', '')}", "channel": channel, "user": user},
                    path,
                )
            )
            status = self.send_event(
                {
                    "type": "app_mention",
                    "user": user,
                    "text": f"<@U0BOT> {data.get('text', '')}",
                    "ts": ts,
                    "channel": channel,
                    "event_ts": ts,
                }
            )
        elif path == "/ui/home":
            status = self.send_event(
                {
                    "type": "app_home_opened",
                    "user": user,
                    "channel": "D0HOME",
                    "tab": "home",
                    "event_ts": f"{time.time():.6f}",
                }
            )
        elif path == "/ui/action":
            body = block_actions_body(
                data.get("action") or {},
                channel,
                user,
                str(data.get("message_ts") or "1.000001"),
                data.get("response_url") or f"{self.url}/response/{uuid.uuid4().hex[:10]}",
            )
            status = self.send_signed(body, "application/x-www-form-urlencoded")
        else:
            self._reply(request, 404, json.dumps({"error": "unknown"}))
            return
        self._reply(request, 200, json.dumps({"bot_status": status}))

    def send_event(self, event: dict[str, Any]) -> int:
        body = json.dumps(
            {
                "token": "playground",
                "team_id": "T0PLAYGROUND",
                "api_app_id": "A0PLAYGROUND",
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:12]}",
                "event_time": int(time.time()),
                "event": event,
            }
        ).encode()
        return self.send_signed(body, "application/json")

    def send_signed(self, body: bytes, content_type: str) -> int:
        """POST to the bot as Slack does: signed with the app's signing secret."""
        assert self._bot is not None
        return post_signed(*self._bot, body, content_type)

    def _params(self, request: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
        content_type = request.headers.get("Content-Type", "")
        if "json" in content_type:
            loaded = json.loads(body or b"{}")
            return loaded if isinstance(loaded, dict) else {"payload": loaded}
        parsed: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(body.decode()).items()}
        for name in ("blocks", "view", "files", "attachments", "metadata"):
            value = parsed.get(name)
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    parsed[name] = json.loads(value)
        return parsed

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.method == method and failure.remaining > 0:
                    failure.remaining -= 1
                    return failure
        return None

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Example",
                "user": "compliance-bot",
                "team_id": "T0EXAMPLE",
                "user_id": "U0BOT",
                "bot_id": "B0BOT",
            }
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            if method == "chat.postMessage":
                with self._lock:
                    self.messages.setdefault(str(params.get("channel")), []).append({**params, "ts": ts})
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message_ts": ts}
        if method == "conversations.open":  # a direct message with the user
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).lstrip("U")}}
        if method == "conversations.history":
            oldest = float(params.get("oldest") or 0)
            with self._lock:
                found = [
                    m for m in self.messages.get(str(params.get("channel")), []) if float(m["ts"]) >= oldest
                ]
            return {"ok": True, "messages": list(reversed(found)), "has_more": False}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):08d}"
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        return {"ok": True}

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    @staticmethod
    def _reply(
        request: BaseHTTPRequestHandler,
        status: int,
        body: str,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode()
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)
