"""The details of a rule's sources read while the sources are still being found.

The advanced-query plan finds a rule's NON_COMPLIANT sources page by page, region by region, and
the sources of accounts that record no compliance items through the census: the details of each
(annotations, evaluation times; the distinct resources of ambiguous sources) need not wait for
the last page. Reading them as they are found puts the plan's long chains of pages beside its
fan-out of details instead of before it: the whole answer then costs about its calls divided by
the concurrency, not the chains plus that.

Within `detail_call_cap`, which sources are read must not depend on timing, and the blind
sources come first (their resources are listed, and their counts made exact, only through their
details; the query already lists and counts its own). So the feed streams once it knows the blind
sources (early: the census's calls take free call slots first, and the query's chains keep the
others busy meanwhile): it reads the blind sources, then the query's in a fixed order, each
chain's (region's) in page order, chain after chain, a later chain's held until the earlier ones
end; the cap cuts that order.
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
    """Offer what is found (`blind`, `seen`, `chain_done`), then `finish` once the query and the
    blind side are done."""

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
        self._streaming = False  # until the blind sources are known
        self._held: dict[int, list[Source]] = {}  # per chain: found, not submitted yet
        self._ended: set[int] = set()
        self._current = 0  # the chain whose sources are submitted as they come
        self._submitted: set[Source] = set()

    # --- what the plan has found ---------------------------------------------------------------

    def blind(self, rows: Sequence[dict[str, Any]]) -> None:
        """The rule's rows in the sources the query cannot see (all of them, at once): read
        first, then what the query's chains found and find."""
        with self._lock:
            self._streaming = True
            for row in rows:
                self._submit(key_of(row))
            self._advance()

    def seen(self, chain: int, source: Source) -> None:
        """A source the query's `chain` found (again, perhaps), in its page order."""
        with self._lock:
            if self._streaming and chain == self._current:
                self._submit(source)
            else:
                self._held.setdefault(chain, []).append(source)

    def chain_done(self, chain: int) -> None:
        """The query's `chain` has no more pages."""
        with self._lock:
            self._ended.add(chain)
            if self._streaming:
                self._advance()

    def _advance(self) -> None:
        """Submit the current chain's held sources; past every ended chain, the next one's."""
        while True:
            for source in self._held.pop(self._current, []):
                self._submit(source)
            if self._current not in self._ended:
                return
            self._current += 1

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

    def finish(self) -> tuple[list[NonCompliantResource], set[Source]]:
        """Once the query and the blind side are done (every source offered): the details read
        (within the cap) and which sources they are."""
        found = [resource for batch in self._feed.results() for resource in batch]
        with self._lock:
            return found, set(self._submitted)

    def close(self) -> None:
        """Give up (the plan failed): the details not started are not read."""
        self._feed.close()
