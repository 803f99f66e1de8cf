"""Two lanes for answers, so slow AWS never delays anyone else.

    a listener's thread  cheap answers (help, cached answers, refusals, choices): at once
    the slow lane        answers that need AWS: a bounded pool of their own, each question with
                         a deadline for the asker ("AWS is slow, I'll post it here when it's
                         ready") and a time limit for its AWS calls (bot/aws/client.py)

A listener first asks for the answer without computing it (NotCached when it needs AWS), then
hands the computation to the slow lane and returns: no number of slow questions holds the
listeners' threads, so help, cached answers and refusals are never queued behind them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from bot.aws.client import time_limit

log = logging.getLogger(__name__)
R = TypeVar("R")


class Notice:
    """A notice sent after `after` seconds unless the work ends first, and whether it was sent.
    It is sent under a lock that the end of the work takes too, so once `done()` returns, `sent`
    is final: a notice in flight is waited for, and the answer replaces it."""

    def __init__(self, send: Callable[[], Any], after: float) -> None:
        self._send = send
        self._lock = threading.Lock()
        self._done = False
        self.sent = False
        self._timer = threading.Timer(after, self._notice)
        self._timer.daemon = True

    def _notice(self) -> None:
        with self._lock:
            if self._done:
                return
            try:
                self._send()
                self.sent = True
            except Exception as error:  # a notice that cannot be sent must not stop the answer
                log.warning(
                    "a notice could not be sent (%s); the answer follows anyway", type(error).__name__
                )

    def start(self) -> Notice:
        self._timer.start()
        return self

    def done(self) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()

    def __enter__(self) -> Notice:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.done()


class SlowLane:
    """The bounded pool of answers that need AWS."""

    def __init__(self, workers: int, deadline: float, time_limit: float) -> None:
        self.deadline = deadline  # seconds before the asker is told AWS is slow
        self.time_limit = time_limit  # seconds a question's AWS calls may take in all
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slow-lane")

    def run(
        self, work: Callable[[], R], deliver: Callable[[R], object], notices: Sequence[Notice] = ()
    ) -> Future[None]:
        """Compute `work()` in the lane, then `deliver` it. The `notices` start now; each is sent
        if the work is not done by its time, and is final by the time `deliver` runs."""
        for notice in notices:
            notice.start()

        def job() -> None:
            try:
                with time_limit(self.time_limit):
                    result = work()
            finally:
                for notice in notices:
                    notice.done()
            deliver(result)

        try:
            future = self._pool.submit(job)
        except RuntimeError:  # the pool is closed: the bot is stopping, nothing new is started
            log.info("the bot is stopping: an answer that needs AWS is not started")
            cancelled: Future[None] = Future()
            cancelled.cancel()
            return cancelled
        future.add_done_callback(_log_failure)
        return future

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _log_failure(future: Future[None]) -> None:
    # `work` answers its own failures politely (handlers/common.py); this is the last resort.
    error = future.exception() if not future.cancelled() else None
    if error is not None:
        log.error("an answer in the slow lane failed: %s", error, exc_info=error)
