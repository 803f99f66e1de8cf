"""The answer cache against the real Redis the tests share (tests/support/cache.py; each test its
own key prefix), and
against a Redis the tests start and stop for the outage case."""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import socket
import subprocess
import threading
import time
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import pytest
import redis

from bot.answers.models import Answer, SourceHealth, SourceProblem
from bot.cache.store import Cache, CachePolicy, NotCached, connect, encode, key, pattern
from tests.support.cache import REDIS_URL

MODEL = Answer[SourceHealth]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def answer_at(moment: datetime, marker: str = "a") -> Answer[SourceHealth]:
    problem = SourceProblem(source_id=marker, source_type="ACCOUNT", region="us-east-1", status="FAILED")
    return MODEL(
        question="health", aggregator="Org", data=SourceHealth(problems=[problem]), as_of=moment, aws_calls=1
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make(prefix: str, clock: Clock | None = None, **policy: object) -> Cache:
    return Cache(connect(REDIS_URL), CachePolicy(prefix=prefix, **policy), clock=clock or Clock())  # type: ignore[arg-type]


class Counted:
    """A computation that counts its executions and takes a while."""

    def __init__(self, clock: Clock, seconds: float = 0.0) -> None:
        self.clock = clock
        self.seconds = seconds
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> Answer[SourceHealth]:
        with self._lock:
            self.calls += 1
            number = self.calls
        time.sleep(self.seconds)
        return answer_at(self.clock(), marker=f"run-{number}")


def test_a_miss_computes_and_a_repeat_is_a_hit(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock)
    compute = Counted(clock)
    k = key(cache.policy, "Org", "all", "health", {})
    first = cache.get_or_compute(k, "health", MODEL, compute)
    second = cache.get_or_compute(k, "health", MODEL, compute)
    assert compute.calls == 1
    assert not first.cached and second.cached
    assert second.data == first.data and second.as_of == first.as_of
    assert cache.stats()["hits"] == 1 and cache.stats()["misses"] == 1


def test_keys_come_from_one_template(prefix: str) -> None:
    policy = CachePolicy(prefix=prefix)
    a = key(policy, "Org", "all", "rule", {"rule": "restricted-ssh", "account": "111111111111"})
    b = key(policy, "Org", "all", "rule", {"account": "111111111111", "rule": " restricted-ssh "})
    assert a == b and a.startswith(f"{prefix}:v1:Org:all:rule:")
    assert key(policy, "Org", "C0PAY", "rule", {"rule": "restricted-ssh"}) != key(
        policy, "Org", "all", "rule", {"rule": "restricted-ssh"}
    )


def test_entries_expire_in_redis_after_ttl_plus_max_stale(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock, ttls={"health": 1}, max_stale=0)
    k = key(cache.policy, "Org", "all", "health", {})
    cache.get_or_compute(k, "health", MODEL, Counted(clock))
    ttl_ms = cache.redis.pttl(k)
    assert 0 < ttl_ms <= 1000
    time.sleep(1.2)
    assert cache.redis.get(k) is None


def test_an_entry_past_its_ttl_and_staleness_is_a_miss(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock, ttls={"health": 60}, max_stale=60)
    compute = Counted(clock)
    k = key(cache.policy, "Org", "all", "health", {})
    cache.get_or_compute(k, "health", MODEL, compute)
    clock.now += timedelta(seconds=121)
    fresh = cache.get_or_compute(k, "health", MODEL, compute)
    assert compute.calls == 2 and not fresh.cached


def test_stale_while_revalidate_answers_at_once_and_refreshes_once(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock, ttls={"health": 60}, max_stale=600)
    compute = Counted(clock, seconds=1.0)  # longer than the five reads, on a busy machine too
    k = key(cache.policy, "Org", "all", "health", {})
    original = cache.get_or_compute(k, "health", MODEL, compute)
    clock.now += timedelta(seconds=90)
    started = time.monotonic()
    stale = [cache.get_or_compute(k, "health", MODEL, compute) for _ in range(5)]
    assert time.monotonic() - started < 0.5  # nobody waited for the refresh
    assert all(s.cached and s.as_of == original.as_of for s in stale)
    cache.close()  # waits for the background refresh
    assert compute.calls == 2
    refreshed = make(prefix, clock).get_or_compute(k, "health", MODEL, compute)
    assert refreshed.as_of == clock.now and refreshed.data.problems[0].source_id == "run-2"


def test_single_flight_within_a_process(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock)
    compute = Counted(clock, seconds=1.0)  # long enough for the 19 others to arrive and wait
    k = key(cache.policy, "Org", "all", "health", {})
    results: list[Answer[SourceHealth]] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute(k, "health", MODEL, compute)))
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert compute.calls == 1 and len(results) == 20
    assert len({r.data.problems[0].source_id for r in results}) == 1
    assert cache.stats()["waits"] == 19


def _process(prefix: str, threads: int, start_at: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    cache = Cache(connect(REDIS_URL), CachePolicy(prefix=prefix))
    counter = redis.Redis.from_url(REDIS_URL)
    k = key(cache.policy, "Org", "all", "health", {})

    def compute() -> Answer[SourceHealth]:
        counter.incr(f"{prefix}:executions")
        time.sleep(0.5)
        return answer_at(datetime.now(UTC), marker=uuid.uuid4().hex)

    seen: list[str] = []
    lock = threading.Lock()

    def ask() -> None:
        result = cache.get_or_compute(k, "health", MODEL, compute)
        with lock:
            seen.append(result.data.problems[0].source_id)

    time.sleep(max(0.0, start_at - time.time()))
    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(seen)


def test_single_flight_across_processes(prefix: str) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 3.0
    processes = [context.Process(target=_process, args=(prefix, n, start_at, queue)) for n in (34, 33, 33)]
    for process in processes:
        process.start()
    seen = [answer for _ in processes for answer in queue.get(timeout=60)]
    for process in processes:
        process.join(timeout=30)
    assert len(seen) == 100 and len(set(seen)) == 1
    assert int(redis.Redis.from_url(REDIS_URL).get(f"{prefix}:executions") or 0) == 1


def test_a_waiter_takes_over_when_the_holder_dies(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock, lock_lease=0.3)
    k = key(cache.policy, "Org", "all", "health", {})
    cache.redis.set(f"{k}:lock", "a-holder-that-died", px=300)
    compute = Counted(clock)
    result = cache.get_or_compute(k, "health", MODEL, compute)
    assert compute.calls == 1 and not result.cached


def test_a_waiter_that_times_out_answers_uncached(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock, wait_timeout=0.3)
    k = key(cache.policy, "Org", "all", "health", {})
    cache.redis.set(f"{k}:lock", "a-slow-holder", px=60_000)
    compute = Counted(clock)
    result = cache.get_or_compute(k, "health", MODEL, compute)
    assert compute.calls == 1 and not result.cached
    assert cache.stats()["wait_timeouts"] == 1


@pytest.mark.parametrize(
    "stored",
    [
        b"not zlib at all",
        zlib.compress(b"{not json"),
        zlib.compress(b'{"v": 0, "answer": {}}'),
        zlib.compress(b'{"v": 1, "answer": {"question": "health"}}'),
    ],
)
def test_corrupt_and_old_schema_entries_are_misses(prefix: str, clock: Clock, stored: bytes) -> None:
    cache = make(prefix, clock)
    k = key(cache.policy, "Org", "all", "health", {})
    cache.redis.set(k, stored)
    compute = Counted(clock)
    result = cache.get_or_compute(k, "health", MODEL, compute)
    assert compute.calls == 1 and not result.cached
    assert cache.stats()["corrupt"] == 1
    assert cache.get_or_compute(k, "health", MODEL, compute).cached  # and it heals


def test_drop_deletes_what_the_pattern_names(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock)
    for kind in ("health", "rules"):
        cache.redis.set(key(cache.policy, "Org", "all", kind, {}), encode(answer_at(clock.now)))
    cache.redis.set(key(cache.policy, "Other", "all", "health", {}), encode(answer_at(clock.now)))
    assert cache.drop(pattern(cache.policy, "Org", "health")) == 1
    assert cache.drop(pattern(cache.policy, "Org")) == 1
    assert cache.drop(pattern(cache.policy)) == 1


def test_the_embedded_default_is_a_real_in_process_redis() -> None:
    client = connect(None)
    client.set("k", "v", px=200)
    assert client.get("k") == b"v"
    time.sleep(0.3)
    assert client.get("k") is None
    assert client.set("lock", "a", nx=True) and not client.set("lock", "b", nx=True)


# --- outage and recovery ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_redis(port: int) -> subprocess.Popen[bytes]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def test_redis_outage_degrades_then_recovers(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    port = _free_port()
    process = _start_redis(port)
    cache = Cache(
        connect(f"redis://127.0.0.1:{port}/0"), CachePolicy(prefix="outage", retry_after=0.2), clock=clock
    )
    compute = Counted(clock)
    k = key(cache.policy, "Org", "all", "health", {})
    try:
        cache.get_or_compute(k, "health", MODEL, compute)
        assert cache.get_or_compute(k, "health", MODEL, compute).cached
        process.kill()
        process.wait()
        with caplog.at_level(logging.ERROR, logger="bot.cache.store"):
            answers = [cache.get_or_compute(k, "health", MODEL, compute) for _ in range(3)]
            time.sleep(0.25)
            answers.append(cache.get_or_compute(k, "health", MODEL, compute))
        assert all(not a.cached for a in answers) and compute.calls == 5
        assert cache.degraded and cache.stats()["degraded"] == 1
        assert sum("cache degraded" in r.getMessage() for r in caplog.records) == 1
        process = _start_redis(port)
        time.sleep(0.25)
        cache.get_or_compute(k, "health", MODEL, compute)
        assert not cache.degraded
        assert cache.get_or_compute(k, "health", MODEL, compute).cached
    finally:
        process.kill()
        process.wait()


def test_a_holder_slower_than_its_lease_is_waited_for_while_it_lives(prefix: str, clock: Clock) -> None:
    """The lease is renewed while the holder computes: however long that takes, the others wait
    for its answer and the AWS work is done once."""
    # Renewed every 0.2 s, the lease survives a stall of the renewing thread of 0.4 s.
    cache = make(prefix, clock, lock_lease=0.6)
    compute = Counted(clock, seconds=1.8)  # three leases long
    k = key(cache.policy, "Org", "all", "health", {})
    results: list[Answer[SourceHealth]] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute(k, "health", MODEL, compute)))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert compute.calls == 1 and len({r.data.problems[0].source_id for r in results}) == 1


def test_cached_only_serves_what_is_cached_and_never_computes_or_waits(prefix: str, clock: Clock) -> None:
    cache = make(prefix, clock)
    compute = Counted(clock)
    k = key(cache.policy, "Org", "all", "health", {})
    with pytest.raises(NotCached) as missing:
        cache.get_or_compute(k, "health", MODEL, compute, cached_only=True)
    assert not missing.value.waiting and compute.calls == 0
    cache.redis.set(f"{k}:lock", "someone-computing", px=5000)  # another replica computes it now
    with pytest.raises(NotCached) as being_computed:
        cache.get_or_compute(k, "health", MODEL, compute, cached_only=True)
    assert being_computed.value.waiting and cache.computing(k)
    cache.redis.delete(f"{k}:lock")
    cache.get_or_compute(k, "health", MODEL, compute)
    assert cache.get_or_compute(k, "health", MODEL, compute, cached_only=True).cached
    assert compute.calls == 1
