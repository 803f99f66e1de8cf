"""What every plan reads through: the aggregator client, the settings and the rule catalog, and
what this process remembers of the aggregator for a while (the organization's rules, the
sources' status, the regions it reads, which sources record compliance items, rule names found
nowhere). Plans are functions of a `PlanContext` (rule.py, summaries.py, ...)."""

from __future__ import annotations

import difflib
import re
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from bot import errors
from bot.answers import counting
from bot.answers.coverage import coverage_of
from bot.answers.models import Answer, Count, Coverage, NonCompliantResource, SourceHealth, SourceProblem
from bot.aws.client import AggregatorClient, Tally, config_regions
from bot.questions.plans import reads
from bot.questions.rules import OrgRule, RuleCatalog
from bot.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient

T = TypeVar("T")
ORG_RULES_TTL = 600.0
STATUS_TTL = 60.0
UNKNOWN_RULE_TTL = 60.0
UNKNOWN_RULES_KEPT = 1000
ACCOUNT_ID = re.compile(r"[0-9]{12}")
# A census longer than this many pages is read one region at a time, at once.
SPLIT_PAGES = 10


class PlanContext:
    def __init__(
        self,
        client: ConfigServiceClient,
        settings: Settings,
        catalog: RuleCatalog | None = None,
        page_sizes: dict[str, int] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.aws = AggregatorClient(client, settings.role_arn, settings.aws_concurrency, page_sizes)
        self.settings = settings
        self.catalog = catalog or RuleCatalog.default()
        self.clock = clock
        self._memo: dict[tuple[str, ...], tuple[float, Any]] = {}
        self._memo_lock = threading.Lock()

    def name(self, aggregator: str | None) -> str:
        """The aggregator a question asks: the one it names, else the configured one (the one place
        that default is resolved)."""
        return aggregator or self.settings.aggregator

    def answer(
        self, question: str, aggregator: str, tally: Tally, data: T, coverage: Coverage | None = None
    ) -> Answer[T]:
        return Answer[Any](
            question=question,
            aggregator=aggregator,
            data=data,
            coverage=coverage or Coverage(),
            as_of=self.clock(),
            aws_calls=tally.total,
            calls_by_operation=dict(tally.by_operation),
        )

    # --- remembered for a while ---------------------------------------------------------------

    def remembered(self, key: tuple[str, ...], ttl: float, compute: Callable[[], T]) -> T:
        """A value shared by this process's questions for `ttl` seconds (sources' status, the
        aggregator's regions, which accounts record compliance items): cheap to keep, and every
        answer needs them."""
        with self._memo_lock:
            cached = self._memo.get(key)
            if cached and time.monotonic() - cached[0] < ttl:
                return cast(T, cached[1])
        value = compute()
        with self._memo_lock:
            self._memo[key] = (time.monotonic(), value)
        return value

    def forget(self) -> None:
        """Forget what this process remembers of the aggregator (sources' status, regions, which
        accounts record compliance items), but the organization's rules: the next answers read
        them again."""
        with self._memo_lock:
            for key in [k for k in self._memo if k[0] != "org_rules"]:
                del self._memo[key]

    def org_rules(self, tally: Tally) -> list[OrgRule]:
        """The organization's config rules, if this account may see them (the management or
        delegated administrator account may); otherwise none, and names are matched by pattern."""

        def read() -> list[OrgRule]:
            try:
                return [
                    OrgRule.from_api(r)
                    for r in self.aws.pages(
                        tally, "DescribeOrganizationConfigRules", "OrganizationConfigRules"
                    )
                ]
            except errors.AccessDenied:
                return []
            except errors.AwsError as error:
                if error.code not in ("NoAvailableOrganizationException",):
                    raise
                return []

        return self.remembered(("org_rules", self.aws.region), ORG_RULES_TTL, read)

    def catalog_of(self, tally: Tally) -> RuleCatalog:
        return self.catalog.with_org_rules(self.org_rules(tally))

    @staticmethod
    def _unknown_key(aggregator: str, text: str, accounts: frozenset[str] | None) -> tuple[str, ...]:
        # Per scope: the refusal's suggestions come from the scope's own rule names.
        return ("unknown_rule", aggregator, text.strip(), ",".join(sorted(accounts or ())) or "*")

    def refuse_known_unknown(self, aggregator: str, text: str, accounts: frozenset[str] | None) -> None:
        """Refuse at once, for a minute, a rule name this process found nowhere: a mistyped word
        costs AWS calls once, not at every asking."""
        with self._memo_lock:
            found = self._memo.get(self._unknown_key(aggregator, text, accounts))
        if found and time.monotonic() - found[0] < UNKNOWN_RULE_TTL:
            name, suggestions = found[1]
            raise errors.RuleNotFound(name, suggestions)  # a new error: no traceback kept alive

    def remember_unknown(
        self, aggregator: str, text: str, accounts: frozenset[str] | None, unknown: errors.RuleNotFound
    ) -> None:
        now = time.monotonic()
        with self._memo_lock:
            remembered = [k for k in self._memo if k[0] == "unknown_rule"]
            for key in remembered:  # bounded: the expired go, then the oldest past the cap
                if now - self._memo[key][0] >= UNKNOWN_RULE_TTL:
                    del self._memo[key]
            remembered = sorted((k for k in remembered if k in self._memo), key=lambda k: self._memo[k][0])
            for key in remembered[: max(0, len(remembered) + 1 - UNKNOWN_RULES_KEPT)]:
                del self._memo[key]
            self._memo[self._unknown_key(aggregator, text, accounts)] = (
                now,
                (unknown.name, unknown.suggestions),
            )

    # --- what the aggregator can see ----------------------------------------------------------

    def problems(self, tally: Tally, name: str) -> list[SourceProblem]:
        """The sources that FAILED or are OUTDATED (one page for almost any organization)."""
        return self.remembered(("status", name), STATUS_TTL, lambda: self.fresh_health(tally, name).problems)

    def fresh_health(self, tally: Tally, name: str) -> SourceHealth:
        """The sources' status read now; the next answers' coverage uses it too."""
        health = self.read_health(tally, name)
        with self._memo_lock:
            self._memo[("status", name)] = (time.monotonic(), health.problems)
        return health

    def read_health(self, tally: Tally, name: str) -> SourceHealth:
        return reads.source_health(self.aws, tally, name, self.clock())

    def coverage(
        self,
        tally: Tally,
        name: str,
        accounts: Collection[str] | None = None,
        regions: Collection[str] | None = None,
        without_compliance_items: Iterable[str] = (),
        capped: bool = False,
        truncated: bool = False,
    ) -> Coverage:
        return coverage_of(
            self.problems(tally, name), accounts, regions, without_compliance_items, capped, truncated
        )

    def regions(self, tally: Tally, name: str) -> frozenset[str]:
        """The regions the aggregator reads."""

        def read() -> frozenset[str]:
            found = self.aws.call(
                tally, "DescribeConfigurationAggregators", ConfigurationAggregatorNames=[name]
            )
            info = reads.aggregator_info(found["ConfigurationAggregators"][0])
            return config_regions() if info.all_regions else frozenset(info.regions)

        return self.remembered(("regions", name), ORG_RULES_TTL, read)

    def check_scope(self, tally: Tally, name: str, account: str | None, region: str | None) -> None:
        """Refuse an account id that is not one, or a region the aggregator does not read, before
        anything else: an answer about them would be an all-clear about nothing."""
        if account is not None and not ACCOUNT_ID.fullmatch(account):
            raise errors.AccountNotFound(account)
        if region is not None:
            regions = self.regions(tally, name)
            if region not in regions:
                raise errors.RegionNotCovered(region, difflib.get_close_matches(region, sorted(regions), n=3))

    def without_compliance_items(self, tally: Tally, name: str) -> list[tuple[str, str]]:
        """The sources (account, region) inferred not to record compliance items: their rules have
        results there, but advanced queries see no AWS::Config::ResourceCompliance item of theirs
        there. Recorders are set per region, so this is per source. No aggregate API shows
        member recorders: it is an inference."""

        def census() -> list[tuple[str, str]]:
            regions = sorted(self.regions(tally, name))
            # One chain of pages per region, at once: the critical path is one region's, not all.
            by_region = self.aws.fan_out(
                [
                    partial(reads.summary_groups, self.aws, tally, name, "ACCOUNT_ID", {"AwsRegion": region})
                    for region in regions
                ]
            )
            evaluated = {
                (r.group, region)
                for region, rows in zip(regions, by_region, strict=True)
                for r in rows
                if r.compliant_rules.value or r.non_compliant_rules.value
            }
            recording = reads.recording_sources(self.aws, tally, name, evaluated, SPLIT_PAGES)
            return sorted(evaluated - recording)

        return self.remembered(("census", name), ORG_RULES_TTL, census)

    def is_source(self, tally: Tally, aggregator: str, account_id: str) -> bool:
        """Whether the account reports to the aggregator at all (one rule or resource will do)."""
        if reads.any_rule_row(self.aws, tally, aggregator, {"AccountId": account_id}):
            return True
        counts = self.aws.call(
            tally,
            "GetAggregateDiscoveredResourceCounts",
            ConfigurationAggregatorName=aggregator,
            Filters={"AccountId": account_id},
        )
        if counts.get("TotalDiscoveredResources"):
            return True
        # A source that FAILED before it ever reported is still one: say so, not "unknown".
        return any(p.source_id == account_id for p in self.problems(tally, aggregator))

    # --- details, within the detail cap -------------------------------------------------------

    def read_details(
        self,
        tally: Tally,
        aggregator: str,
        logical_name: Callable[[str], str],
        rows: Sequence[dict[str, Any]],
    ) -> tuple[list[NonCompliantResource], set[tuple[str, str, str]]]:
        return reads.read_details(
            self.aws, tally, aggregator, logical_name, rows, self.settings.detail_call_cap
        )

    def logical_counts(
        self,
        tally: Tally,
        aggregator: str,
        logical_name: Callable[[str], str],
        groups: dict[counting.Group, list[dict[str, Any]]],
        read_all: bool,
    ) -> tuple[list[NonCompliantResource], dict[counting.Group, Count], bool]:
        return reads.logical_counts(
            self.aws, tally, aggregator, logical_name, groups, read_all, self.settings.detail_call_cap
        )
