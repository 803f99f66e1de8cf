"""The playground: the Slack stand-in with a page in front, standing in for Slack's client.

A person types a command or a mention (in the channel, or as a reply in a message's thread), clicks
a button or opens App Home on the page (playground.html); the page posts it here, and this sends the
bot the signed request Slack would send. The page reads the stand-in's record (`/feed`) to draw
what the bot posted back, and the files it uploaded (`/files/<id>`).
"""

from __future__ import annotations

import json
import time
import uuid
from http.server import BaseHTTPRequestHandler
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlparse

from playground.slack_api import Call, SlackStandIn
from playground.slack_requests import FORM, block_actions_body, command_body, event_body, post_signed


class Playground(SlackStandIn):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self._bot: tuple[str, str] | None = None  # the bot's events URL and signing secret

    def attach_bot(self, events_url: str, signing_secret: str) -> None:
        """Where the playground sends the signed requests that Slack would send."""
        self._bot = (events_url, signing_secret)

    def send_signed(self, body: bytes, content_type: str) -> int:
        """POST to the bot as Slack does: signed with the app's signing secret."""
        assert self._bot is not None, "attach_bot first"
        return post_signed(*self._bot, body, content_type)

    def send_event(self, event: dict[str, Any]) -> int:
        return self.send_signed(event_body(event), "application/json")

    # --- the page and what it reads -----------------------------------------------------------

    def _get(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        if parsed.path == "/":
            page = resources.files("playground").joinpath("playground.html").read_text()
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
            super()._get(request)

    # --- what the page sends: as Slack would send it to the bot --------------------------------

    def _post_elsewhere(self, request: BaseHTTPRequestHandler, path: str, data: dict[str, Any]) -> None:
        if not path.startswith("/ui/"):
            super()._post_elsewhere(request, path, data)
            return
        if self._bot is None:
            self._reply(request, 503, json.dumps({"error": "no bot attached"}))
            return
        channel, user = str(data.get("channel") or "C0SECURITY"), str(data.get("user") or "U0ALICE")
        text = str(data.get("text", ""))
        if path == "/ui/command":
            self._sent(f"/compliance {text}", channel, user, path)
            name = uuid.uuid4().hex[:10]
            body = command_body(
                text, f"{self.url}/response/{name}", channel_id=channel, user_id=user, trigger_id=name
            )
            status = self.send_signed(body, FORM)
        elif path == "/ui/mention":
            # The person's message has a ts like the bot's, so the answer nests under it; in a
            # thread, Slack's event names the thread's root (thread_ts), and so does the record.
            ts = self.next_ts()
            thread = {"thread_ts": str(data["thread_ts"])} if data.get("thread_ts") else {}
            self._sent(f"@compliance-bot {text}", channel, user, path, ts=ts, **thread)
            mention = {"type": "app_mention", "user": user, "text": f"<@U0BOT> {text}", "ts": ts, **thread}
            status = self.send_event({**mention, "channel": channel, "event_ts": ts})
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
            status = self.send_signed(self._click(data, channel, user), FORM)
        else:
            super()._post_elsewhere(request, path, data)
            return
        self._reply(request, 200, json.dumps({"bot_status": status}))

    def _click(self, data: dict[str, Any], channel: str, user: str) -> bytes:
        """A button click's payload. On a message the bot posted, Slack sends the message and a
        response_url of the click's own that acts on it; on an answer to a command, the page sends
        the response_url that answer came by."""
        ts = str(data.get("message_ts") or "1.000001")
        posted = self.message(channel, ts)
        if posted is not None:
            response_url = self.message_response_url(channel, ts)
        else:
            response_url = data.get("response_url") or self.response_url(uuid.uuid4().hex[:10])
        return block_actions_body(data.get("action") or {}, channel, user, ts, response_url, message=posted)

    def _sent(self, text: str, channel: str, user: str, path: str, **where: str) -> None:
        """What the person typed, in the record, so the page shows it as their message (`where`: a
        mention's ts and, in a thread, its thread_ts)."""
        self._record(Call("ui.sent", {"text": text, "channel": channel, "user": user, **where}, path))
