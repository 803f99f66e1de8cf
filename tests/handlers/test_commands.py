"""The slash command's "Working on it…" notice, without Slack: a notice in flight when the answer
is ready is waited for, so the answer knows to replace it and none is left standing."""

from __future__ import annotations

import threading
import time
from typing import Any

from handlers.commands import WorkingNotice


def test_a_notice_in_flight_is_waited_for_and_then_replaced() -> None:
    sending = threading.Event()
    sent: list[dict[str, Any]] = []

    def slow_respond(**message: Any) -> None:  # the notice takes a while to reach Slack
        sending.set()
        time.sleep(0.3)
        sent.append(message)

    with WorkingNotice(slow_respond, after=0.01) as notice:
        assert sending.wait(2)  # the answer is ready while the notice is still being sent
    assert sent and notice.sent  # so the answer replaces it


def test_no_notice_for_a_quick_answer() -> None:
    sent: list[dict[str, Any]] = []
    with WorkingNotice(lambda **m: sent.append(m), after=0.5) as notice:
        pass
    time.sleep(0.6)
    assert not sent and not notice.sent
