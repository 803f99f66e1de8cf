"""Slack's Socket Mode, as far as a bot in Socket Mode meets it: the Web API stand-in
(`playground.slack_api`) also answers `apps.connections.open` with the URL of a WebSocket server of
its own, which, as Slack's does, greets each connection with a `hello` message and answers pings
with pongs. slack_sdk's own Socket Mode client connects to it (a ws:// URL on a port other than
443 is plain TCP), so `compliance-bot serve` with SLACK_APP_TOKEN and SLACK_API_URL pointed here
connects, and reports the socket up, as it would with Slack.

Only what connecting needs: unfragmented frames, no envelopes sent to the bot (the bot's answers to
commands and events are tested over HTTP, through the same Bolt app)."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import socketserver
import struct
import threading
from typing import Any, Self

from playground.slack_api import SlackStandIn

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455's, for Sec-WebSocket-Accept
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def frame(opcode: int, payload: bytes) -> bytes:
    """One final, unmasked frame, as a server sends it."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 2**16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return header + payload


def _exactly(stream: Any, count: int) -> bytes | None:
    data = stream.read(count) if count else b""
    return data if len(data) == count else None


def read_frame(stream: Any) -> tuple[int, bytes] | None:
    """(opcode, payload) of the client's next frame, unmasked; None when the connection ends."""
    head = _exactly(stream, 2)
    if head is None:
        return None
    opcode, size = head[0] & 0x0F, head[1] & 0x7F
    if size >= 126:
        extended = _exactly(stream, 2 if size == 126 else 8)
        if extended is None:
            return None
        size = struct.unpack("!H" if len(extended) == 2 else "!Q", extended)[0]
    mask = _exactly(stream, 4) if head[1] & 0x80 else b"\0\0\0\0"
    payload = _exactly(stream, size)
    if mask is None or payload is None:
        return None
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class SocketModeSlack(SlackStandIn):
    """The Web API stand-in with Socket Mode's WebSocket: `connections` counts the sockets the
    bot opened, `received` what it sent over them (text frames)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.connections = 0
        self.received: list[str] = []
        self._open: list[socket.socket] = []
        stand_in = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                stand_in._serve(self.request, self.rfile)

        self.sockets = socketserver.ThreadingTCPServer((host, 0), Handler)
        self.sockets.daemon_threads = True
        self.socket_url = f"ws://{host}:{self.sockets.server_address[1]}/link/"
        self._socket_thread = threading.Thread(target=self.sockets.serve_forever, daemon=True)

    def start(self) -> Self:
        self._socket_thread.start()
        return super().start()

    def stop(self) -> None:
        self.sockets.shutdown()
        self.sockets.server_close()
        with self._lock:
            for connection in self._open:
                connection.close()
        super().stop()

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        return super()._answer(method, params)

    def _serve(self, connection: socket.socket, stream: Any) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            line = stream.readline()
            if not line:
                return
            request += line
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in request.decode().split("\r\n")[1:] if line)
        )
        digest = hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()  # RFC 6455
        connection.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + base64.b64encode(digest) + b"\r\n\r\n"
        )
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP"}}
        connection.sendall(frame(TEXT, json.dumps(hello).encode()))
        with self._lock:
            self.connections += 1
            self._open.append(connection)
        while (received := read_frame(stream)) is not None:
            opcode, payload = received
            if opcode == PING:
                connection.sendall(frame(PONG, payload))
            elif opcode == TEXT:
                with self._lock:
                    self.received.append(payload.decode())
            elif opcode == CLOSE:
                connection.sendall(frame(CLOSE, payload[:2]))
                return
