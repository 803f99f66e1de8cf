"""The one typed client of AWS Config the bot has: the only module that knows botocore.

Every call goes through `call`: counted (per question, in a `Tally`, and in the metrics), and
AWS's error codes turned into the bot's typed errors (`bot/errors.py`) in one place. Every list
is read by one pager, `responses`, at the operation's maximum page size: it follows NextToken
itself, for operations botocore has a paginator for and for those it has none for alike, and it
goes on past the empty pages with a token that five aggregate operations return mid-list.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from botocore.exceptions import ConnectionError as BotoConnectionError

from bot import errors, metrics

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient

log = logging.getLogger(__name__)
T = TypeVar("T")

# Each operation's maximum page size (botocore does not enforce them; AWS answers
# InvalidLimitException above them).
PAGE_MAX: dict[str, int] = {
    "DescribeConfigurationAggregators": 100,
    "DescribeConfigurationAggregatorSourcesStatus": 100,
    "DescribeAggregateComplianceByConfigRules": 1000,
    "DescribeAggregateComplianceByConformancePacks": 100,
    "GetAggregateComplianceDetailsByConfigRule": 100,
    "GetAggregateConfigRuleComplianceSummary": 1000,
    "GetAggregateConformancePackComplianceSummary": 100,
    "GetAggregateDiscoveredResourceCounts": 1000,
    "ListAggregateDiscoveredResources": 100,
    "SelectAggregateResourceConfig": 100,
    "DescribeOrganizationConfigRules": 100,
}
THROTTLING = {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
DENIED = {
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
    "OrganizationAccessDeniedException",
}


@cache
def config_regions() -> frozenset[str]:
    """Every region where AWS Config runs, as botocore knows them: what AllAwsRegions reads."""
    session = boto3.session.Session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("config", partition)
    )


class Slots:
    """The question's call slots: at most `size` of its AWS calls in flight, whichever of its
    threads makes them (chains of pages, fan-outs, a feed of details), so nesting reads never
    multiplies the budget. A call made under `AggregatorClient.first` takes a free slot before
    any other waiting call: the reads a plan's fan-out waits on are not queued behind reads
    that can wait."""

    def __init__(self, size: int) -> None:
        self._free = max(1, size)
        self._lock = threading.Lock()
        self._first = threading.Condition(self._lock)
        self._rest = threading.Condition(self._lock)
        self._first_waiting = 0

    def acquire(self, first: bool) -> None:
        with self._lock:
            if first:
                self._first_waiting += 1
                try:
                    while not self._free:
                        self._first.wait()
                finally:
                    self._first_waiting -= 1
            else:
                while not self._free or self._first_waiting:
                    self._rest.wait()
            self._free -= 1
            self._pass_on()

    def release(self) -> None:
        with self._lock:
            self._free += 1
            self._pass_on()

    def _pass_on(self) -> None:
        """A slot still free goes to a waiting call: one of the first if any waits."""
        if self._free:
            (self._first if self._first_waiting else self._rest).notify()

    @contextmanager
    def held(self) -> Iterator[None]:
        self.acquire(_FIRST.get())
        try:
            yield
        finally:
            self.release()


# Set by the outermost fan-out or `shared_slots`: the slots every call of the question shares.
_SLOTS: contextvars.ContextVar[Slots | None] = contextvars.ContextVar("aws_slots", default=None)
# Set inside `AggregatorClient.first`: calls that take free slots before the others.
_FIRST: contextvars.ContextVar[bool] = contextvars.ContextVar("aws_first", default=False)

# Set once the question gave up the reads started under it (another of its reads failed).
_ABANDONED: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "aws_abandoned", default=None
)


class Abandoned(Exception):  # noqa: N818 - a state, not a failure of its own
    """A read of work its question gave up: never shown, its result never used."""


# When the question being answered must stop asking AWS (monotonic seconds), and its limit.
_LIMIT: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("aws_limit", default=None)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """The AWS calls made inside (and in their fan-outs) start within `seconds`; later ones raise
    TooSlow. With botocore's timeouts per call, this bounds how long a question holds a worker."""
    token = _LIMIT.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _LIMIT.reset(token)


def _within_limit(operation: str) -> None:
    limit = _LIMIT.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise errors.TooSlow(operation, limit[1])


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


class Tally:
    """The AWS calls one question made, by operation; shared by its worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_operation: Counter[str] = Counter()

    def add(self, operation: str) -> None:
        with self._lock:
            self.by_operation[operation] += 1
        metrics.AWS_CALLS.labels(operation).inc()

    @property
    def total(self) -> int:
        return sum(self.by_operation.values())


class AggregatorClient:
    """AWS Config's aggregate reads: calls, errors, pages and fan-out, counted per question."""

    def __init__(
        self,
        client: ConfigServiceClient,
        role_arn: str | None = None,
        concurrency: int = 8,
        page_sizes: dict[str, int] | None = None,
    ) -> None:
        self.client = client
        self.role_arn = role_arn
        self.concurrency = concurrency
        self.page_sizes = {**PAGE_MAX, **(page_sizes or {})}

    @property
    def region(self) -> str:
        return str(self.client.meta.region_name)

    def call(self, tally: Tally, operation: str, **params: Any) -> dict[str, Any]:
        """One AWS call, counted, with AWS's errors turned into the bot's. Checked against the
        question's time limit once it has a slot, when it would start, not before waiting."""
        slots = _SLOTS.get()
        try:
            with slots.held() if slots is not None else nullcontext():
                _within_limit(operation)
                abandoned = _ABANDONED.get()
                if abandoned is not None and abandoned.is_set():
                    raise Abandoned(operation)
                tally.add(operation)
                response: dict[str, Any] = getattr(self.client, _snake(operation))(**params)
            return response
        except ClientError as error:
            translated = self._translate(error, operation, params)
            metrics.AWS_ERRORS.labels(type(translated).__name__).inc()
            raise translated from error
        except NoCredentialsError as error:  # a set-up mistake, not an outage: no "try again"
            raise errors.NoCredentials(operation) from error
        except (BotoConnectionError, BotoCoreError) as error:
            raise errors.AwsUnavailable(operation, type(error).__name__) from error

    def _translate(self, error: ClientError, operation: str, params: dict[str, Any]) -> errors.BotError:
        code = str(error.response.get("Error", {}).get("Code", ""))
        message = str(error.response.get("Error", {}).get("Message", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        log.warning("aws error operation=%s code=%s status=%s message=%s", operation, code, status, message)
        if code == "NoSuchConfigurationAggregatorException":
            # DescribeConfigurationAggregators names its aggregators in a list; the others one.
            named = params.get("ConfigurationAggregatorName") or next(
                iter(params.get("ConfigurationAggregatorNames") or []), ""
            )
            return errors.AggregatorNotFound(str(named), self.region)
        if code in DENIED:
            return errors.AccessDenied(operation, self.role_arn, code)
        if code in THROTTLING:
            return errors.Throttled(operation)
        if code == "InvalidExpressionException":
            return errors.InvalidQuery(message, from_aws=True)
        if code == "ResourceNotDiscoveredException":
            identifier = params.get("ResourceIdentifier", {}).get("ResourceId", "")
            return errors.ResourceNotFound(str(identifier))
        if status >= 500:
            return errors.AwsUnavailable(operation, f"{code or 'HTTP'} {status}")
        return errors.AwsError(f"AWS Config answered {code}: {message}", operation, code)

    def responses(
        self, tally: Tally, operation: str, start: str | None = None, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """Every page of an operation at its maximum page size. The one pager: it follows
        NextToken past empty pages, which five aggregate operations return mid-list."""
        token = start
        limit = {"Limit": self.page_sizes[operation]} if operation in self.page_sizes else {}
        while True:
            extra = {"NextToken": token} if token else {}
            response = self.call(tally, operation, **limit, **params, **extra)
            yield response
            token = response.get("NextToken")
            if not token:
                return

    def pages(self, tally: Tally, operation: str, key: str, **params: Any) -> Iterator[Any]:
        """Every item of a paginated operation."""
        for response in self.responses(tally, operation, **params):
            yield from response.get(key, [])

    def leading(
        self, tally: Tally, operation: str, key: str, enough: int, **params: Any
    ) -> tuple[list[Any], str | None]:
        """The first `enough` items (or all, if fewer), and the token of the rest if there is more."""
        items: list[Any] = []
        for response in self.responses(tally, operation, **params):
            items += response.get(key, [])
            token = response.get("NextToken")
            if token and len(items) >= enough:
                return items, token
        return items, None

    def any(self, tally: Tally, operation: str, key: str, test: Callable[[Any], bool], **params: Any) -> bool:
        """Whether any item passes `test`, reading no further than the first that does."""
        return any(test(item) for item in self.pages(tally, operation, key, **params))

    def select(self, tally: Tally, aggregator: str, expression: str) -> Iterator[dict[str, Any]]:
        """Every row of an advanced query, parsed (AWS returns each row as a JSON string)."""
        for text in self.pages(
            tally,
            "SelectAggregateResourceConfig",
            "Results",
            ConfigurationAggregatorName=aggregator,
            Expression=expression,
        ):
            yield json.loads(text)

    def non_compliant_elements(
        self, tally: Tally, aggregator: str, expression: str
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
        """(row, its configuration, one NON_COMPLIANT element of configRuleList) for every element of
        an AWS::Config::ResourceCompliance query: conditions on the array match element by element,
        so each element is re-checked here."""
        for row in self.select(tally, aggregator, expression):
            target = row.get("configuration", {})
            for element in target.get("configRuleList", []):
                if element.get("complianceType") == "NON_COMPLIANT":
                    yield row, target, element

    @contextmanager
    def shared_slots(self) -> Iterator[None]:
        """Every AWS call made inside (and in the fan-outs and feeds started there) shares one
        budget of `concurrency` calls in flight; inside another such block, that one's."""
        if _SLOTS.get() is not None:
            yield
            return
        token = _SLOTS.set(Slots(self.concurrency))
        try:
            yield
        finally:
            _SLOTS.reset(token)

    @contextmanager
    def first(self) -> Iterator[None]:
        """The AWS calls made inside (and in the fan-outs and feeds started there) take free call
        slots before the question's other calls: what the rest of its plan waits on."""
        token = _FIRST.set(True)
        try:
            yield
        finally:
            _FIRST.reset(token)

    @contextmanager
    def abandonable(self) -> Iterator[Callable[[], None]]:
        """Reads started inside, in any thread, make no further AWS call once the function it
        gives is called: the question failed, and what they would read is not wanted."""
        event = threading.Event()
        token = _ABANDONED.set(event)
        try:
            yield event.set
        finally:
            _ABANDONED.reset(token)

    def fan_out(self, jobs: Sequence[Callable[[], T]]) -> list[T]:
        """Independent reads at once, at most `concurrency` calls in flight (the question's
        budget, shared with any reads beside these); results in order."""
        if len(jobs) <= 1:
            return [job() for job in jobs]
        with self.shared_slots():
            feed: Feed[T] = Feed(self.concurrency)  # each job in a copy of this context: limit, budget
            for job in jobs:
                feed.submit(job)
            return feed.results()

    def feed(self) -> Feed[Any]:
        """Reads submitted as what they need is found, run beside the finding (within the
        question's budget: call it inside `shared_slots`)."""
        return Feed(self.concurrency)


class Feed(Generic[T]):
    """A pool fed while other reads run: `submit` as work is found, `results` when all is found.
    Each job runs in the submitter's context (time limit, budget)."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="aws-feed")
        self._futures: list[Future[T]] = []
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], T]) -> None:
        context = contextvars.copy_context()
        with self._lock:
            self._futures.append(self._pool.submit(context.run, job))

    def results(self) -> list[T]:
        """Every job's result, in submission order (the first job's error, raised)."""
        try:
            with self._lock:
                futures = list(self._futures)
            return [future.result() for future in futures]
        finally:
            self.close()

    def close(self) -> None:
        """Stop: jobs not started are dropped (a question that failed elsewhere reads no more)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
