"""The details of a rule's sources read while the sources are still being found.

The advanced-query plan finds a rule's NON_COMPLIANT sources page by page, region by region, and
the sources of accounts that record no compliance items through the census: the details of each
(annotations, evaluation times; the distinct resources of ambiguous sources) need not wait for
the last page. Reading them as they are found puts the plan's long chains of pages beside its
fan-out of details instead of before it: the whole answer then costs about its calls divided by
the concurrency, not the chains plus that.

Within `detail_call_cap`, which sources are read must not depend on timing. When the query's
count (known after one call) says its sources fit under the cap, they are read as they are found,
and the blind sources' after them, in order, with what the cap leaves. Otherwise the plan reads
as before, once all is found: the blind sources first (their counts may need their details), then
the query's in order. (A resource flagged by several physical rules is several sources: in the
rare case that they pass the cap while the count does not, the cap stops the feed and the answer
says what it did not read.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from bot.answers.models import NonCompliantResource
from bot.aws.client import AggregatorClient, Tally
from bot.questions.plans import reads

Source = tuple[str, str, str]  # physical rule, account, region


def key_of(row: dict[str, Any]) -> Source:
    return (str(row["ConfigRuleName"]), str(row["AccountId"]), str(row["AwsRegion"]))


class DetailFeed:
    """Offer sources as they are found (`found_total`, `seen`, `blind`), then `finish` once the
    query and the blind side are done."""

    def __init__(
        self,
        aws: AggregatorClient,
        tally: Tally,
        aggregator: str,
        logical_name: Callable[[str], str],
        cap: int,
    ) -> None:
        self._aws = aws
        self._tally = tally
        self._aggregator = aggregator
        self._logical_name = logical_name
        self._cap = cap
        self._feed = aws.feed()
        self._lock = threading.Lock()
        self._blind: list[dict[str, Any]] | None = None
        self._streaming: bool | None = None  # None: not decided yet
        self._pending: list[Source] = []
        self._submitted: set[Source] = set()

    # --- what the plan has found ---------------------------------------------------------------

    def found_total(self, rows: int) -> None:
        """The query will find this many resources' rows (its count)."""
        with self._lock:
            self._streaming = rows <= self._cap
            if self._streaming:
                for source in self._pending:
                    self._submit(source)
            self._pending = []

    def blind(self, rows: Sequence[dict[str, Any]]) -> None:
        """The rule's rows in the sources the query cannot see (all of them, at once)."""
        with self._lock:
            self._blind = list(rows)

    def seen(self, source: Source) -> None:
        """One source the query found (again, perhaps)."""
        with self._lock:
            if self._streaming:
                self._submit(source)
            elif self._streaming is None:
                self._pending.append(source)

    def _submit(self, source: Source) -> None:
        if source in self._submitted or len(self._submitted) >= self._cap:
            return
        self._submitted.add(source)
        rule_name, account, region = source
        self._feed.submit(
            partial(
                reads.details,
                self._aws,
                self._tally,
                self._aggregator,
                self._logical_name(rule_name),
                rule_name,
                account,
                region,
            )
        )

    # --- the result ----------------------------------------------------------------------------

    def finish(self, seen: Sequence[Source]) -> tuple[list[NonCompliantResource], set[Source]]:
        """Every source found by the query (`seen`, in order) and the blind ones offered: the
        details read (within the cap) and which sources they are."""
        with self._lock:
            streaming = self._streaming
            if streaming:
                for row in self._blind or []:
                    self._submit(key_of(row))
        if streaming:
            found = [resource for batch in self._feed.results() for resource in batch]
            return found, set(self._submitted)
        self._feed.close()
        rows = [
            *(self._blind or []),
            *({"ConfigRuleName": n, "AccountId": a, "AwsRegion": g} for n, a, g in seen),
        ]
        return reads.read_details(
            self._aws, self._tally, self._aggregator, self._logical_name, rows, self._cap
        )

    def close(self) -> None:
        """Give up (the plan failed): the details not started are not read."""
        self._feed.close()
