"""A question's call slots: never more calls in flight than its budget, and the calls its plan
waits on (`AggregatorClient.first`) take a freed slot before the calls waiting already."""

from __future__ import annotations

import threading
import time

from bot.aws.client import Slots


def test_a_freed_slot_goes_to_a_first_call_before_earlier_waiting_ones() -> None:
    slots = Slots(1)
    slots.acquire(first=False)
    order: list[str] = []

    def call(name: str, first: bool) -> None:
        slots.acquire(first)
        order.append(name)
        time.sleep(0.01)
        slots.release()

    waiting = [threading.Thread(target=call, args=(f"rest-{i}", False)) for i in range(3)]
    for thread in waiting:
        thread.start()
    time.sleep(0.05)  # the others wait first (their order among themselves does not matter)
    urgent = threading.Thread(target=call, args=("first", True))
    urgent.start()
    deadline = time.monotonic() + 5
    while slots._first_waiting == 0 and time.monotonic() < deadline:  # it waits too, now
        time.sleep(0.001)
    slots.release()
    for thread in [*waiting, urgent]:
        thread.join(5)
    assert order[0] == "first" and sorted(order[1:]) == ["rest-0", "rest-1", "rest-2"]


def test_never_more_in_flight_than_the_slots_whoever_waits() -> None:
    slots = Slots(3)
    lock = threading.Lock()
    now = most = 0

    def call(first: bool) -> None:
        nonlocal now, most
        slots.acquire(first)
        with lock:
            now += 1
            most = max(most, now)
        time.sleep(0.005)
        with lock:
            now -= 1
        slots.release()

    threads = [threading.Thread(target=call, args=(i % 3 == 0,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert most == 3 and now == 0
