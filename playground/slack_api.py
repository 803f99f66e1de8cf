"""A local stand-in for Slack's Web API and response_url endpoints, for tests and the demo.

The bot's real slack_sdk WebClient talks to it over HTTP (SLACK_API_URL). It records every call,
answers as Slack does for the methods the bot uses, serves the upload URLs of files_upload_v2,
receives what the bot posts to response_url, and can answer 429 (with Retry-After) or 500. A
response_url minted for a posted message (`message_response_url`, as Slack puts one in a button
click's payload) acts on that message: replace_original replaces it, delete_original deletes it. The
playground page (`playground.page`) is this stand-in with a face: it adds the pages people use.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlparse


@dataclass
class Call:
    method: str  # Web API method, "response" for response_url posts, "upload" for file bytes
    params: dict[str, Any]
    path: str
    at: float = field(default_factory=time.time)
    # What the stand-in answered (e.g. a message's ts); for a response_url, the message it acted on.
    answer: dict[str, Any] | None = None


@dataclass
class _Failure:
    method: str
    status: int
    retry_after: int
    remaining: int


def _act_on(posted: list[dict[str, Any]], ts: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """A response_url's post applied to the posted message `ts` (replaced, deleted or left as it
    is, as Slack does); the message it acted on, or None if there is none."""
    found = next((m for m in posted if m["ts"] == ts), None)
    if found is None:
        return None
    if params.get("delete_original"):
        posted.remove(found)
    elif params.get("replace_original"):
        kept = {k: found[k] for k in ("channel", "ts", "thread_ts") if k in found}
        found.clear()
        found.update({k: v for k, v in params.items() if k in ("text", "blocks", "attachments")}, **kept)
    return {"channel": found.get("channel"), "ts": ts, "thread_ts": found.get("thread_ts")}


class SlackStandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self.uploads: dict[str, bytes] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> posted messages
        self._bound: dict[str, tuple[str, str]] = {}  # response_url path -> its message (channel, ts)
        self._failures: list[_Failure] = []
        self._delays: dict[str, float] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                stand_in._post(self)

            def do_GET(self) -> None:
                stand_in._get(self)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- control ------------------------------------------------------------------------------

    def start(self) -> Self:
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

    def next_ts(self) -> str:
        """A message timestamp: unique and ordered, like Slack's (the bot's and the person's alike)."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A posted message as it is now (after any replace_original), or None."""
        with self._lock:
            found = next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
            return dict(found) if found is not None else None

    def message_response_url(self, channel: str, ts: str) -> str:
        """A response_url for a click on a posted message, as Slack mints one per click: a post to
        it with replace_original replaces that message, with delete_original deletes it."""
        url = self.response_url(f"msg-{ts}-{next(self._ids)}")
        with self._lock:
            self._bound[url.removeprefix(self.url)] = (channel, ts)
        return url

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
            self._bound.clear()
            self._delays.clear()
            self._failures.clear()

    # --- serving ------------------------------------------------------------------------------

    def _post(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        path = urlparse(request.path).path
        if path == "/calls":  # the record, for a client in another process
            with self._lock:
                record = [
                    {"method": c.method, "path": c.path, "at": c.at, "params": c.params} for c in self.calls
                ]
            self._reply(request, 200, json.dumps(record, default=str))
        elif path.startswith("/upload/"):
            file_id = path.rsplit("/", 1)[1]
            self._record(Call("upload", {"file_id": file_id, "size": len(body)}, path))
            with self._lock:
                self.uploads[file_id] = body
            self._reply(request, 200, "OK", "text/plain")
        elif path.startswith("/response/"):
            self._response_url(request, path, self._params(request, body))
        elif path.startswith("/api/"):
            self._web_api(request, path, self._params(request, body))
        else:
            self._post_elsewhere(request, path, self._params(request, body))

    def _get(self, request: BaseHTTPRequestHandler) -> None:
        """Slack's Web API is POST only; the playground (`playground.page`) serves pages here."""
        self._reply(request, 404, "not found", "text/plain")

    def _post_elsewhere(self, request: BaseHTTPRequestHandler, path: str, params: dict[str, Any]) -> None:
        """A POST outside the Web API: the playground (`playground.page`) takes its forms here."""
        self._reply(request, 404, json.dumps({"error": "unknown"}))

    def _response_url(self, request: BaseHTTPRequestHandler, path: str, params: dict[str, Any]) -> None:
        failure = self._take_failure("response")  # `fail("response", 500)`: response_url fails
        if failure is not None:
            self._record(Call("response:failed", params, path))
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            self._reply(request, failure.status, "failed", "text/plain", headers=headers)
            return
        self._record(Call("response", params, path, answer=self._act_on_message(path, params)))
        self._reply(request, 200, "ok", "text/plain")

    def _act_on_message(self, path: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """What a response_url bound to a posted message does to it; which message, or None."""
        with self._lock:
            channel, ts = self._bound.get(path, ("", ""))
            return _act_on(self.messages.get(channel, []), ts, params)

    def _web_api(self, request: BaseHTTPRequestHandler, path: str, params: dict[str, Any]) -> None:
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
            ts = self.next_ts()
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

    # --- plumbing -----------------------------------------------------------------------------

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
