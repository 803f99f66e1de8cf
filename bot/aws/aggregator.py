"""The aggregator service: each compliance question as the cheapest correct plan of AWS calls.

Takes a boto3 `config` client (passed in), pages every operation at its maximum page size,
returns pydantic models, counts every AWS call per question, and turns AWS error codes into the
bot's typed errors in one place (`_call`). Nothing here knows Slack exists.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any, Literal, TypeVar, cast

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from bot import errors, metrics
from bot.answers import counting
from bot.answers.coverage import coverage_of
from bot.answers.models import (
    AccountDrilldown,
    AggregatorInfo,
    Aggregators,
    Answer,
    ComplianceSummary,
    Count,
    Coverage,
    DoctorReport,
    Finding,
    GroupCount,
    NonCompliantResource,
    PackCompliance,
    PackRow,
    QueryResult,
    ResourceCounts,
    ResourceReport,
    ResourceRuleCompliance,
    RuleCompliance,
    RulesOverview,
    SourceHealth,
    SourceProblem,
    SummaryRow,
)
from bot.aws.console import console_url
from bot.questions.query_validation import MAX_LENGTH as MAX_EXPRESSION
from bot.questions.query_validation import quote, validate_query
from bot.questions.rules import Matcher, OrgRule, RuleCatalog
from bot.settings import Settings

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
THROTTLING = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
}
DENIED = {
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
    "OrganizationAccessDeniedException",
}
GLOBAL_REGION = "global"  # the awsRegion of global resources' configuration items (IAM)
PSEUDO_TYPES = ("AWS::Config::ResourceCompliance", "AWS::Config::ConformancePackCompliance")
ORG_RULES_TTL = 600.0
STATUS_TTL = 60.0
UNKNOWN_RULE_TTL = 60.0
UNKNOWN_RULES_KEPT = 1000
ACCOUNT_ID = re.compile(r"[0-9]{12}")
RULES_BY_NAME = "DescribeAggregateComplianceByConfigRules"
SELECT = "SelectAggregateResourceConfig"
NON_COMPLIANT_ITEMS = (
    "SELECT accountId, awsRegion, configuration.targetResourceId, configuration.targetResourceType, "
    "configuration.configRuleList WHERE resourceType = 'AWS::Config::ResourceCompliance' "
    "AND configuration.complianceType = 'NON_COMPLIANT'"
)
RULE_ROWS = "AggregateComplianceByConfigRules"


@cache
def config_regions() -> frozenset[str]:
    """Every region where AWS Config runs, as botocore knows them: what AllAwsRegions reads."""
    session = boto3.session.Session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("config", partition)
    )


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


class AggregatorService:
    def __init__(
        self,
        client: Any,
        settings: Settings,
        catalog: RuleCatalog | None = None,
        page_sizes: dict[str, int] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.settings = settings
        self.catalog = catalog or RuleCatalog.default()
        self.page_sizes = {**PAGE_MAX, **(page_sizes or {})}
        self.clock = clock
        self._memo: dict[tuple[str, ...], tuple[float, Any]] = {}
        self._memo_lock = threading.Lock()

    # --- plumbing -----------------------------------------------------------------------------

    def _call(self, tally: Tally, operation: str, **params: Any) -> dict[str, Any]:
        """One AWS call, counted, with AWS's errors turned into the bot's."""
        tally.add(operation)
        try:
            response: dict[str, Any] = getattr(self.client, _snake(operation))(**params)
            return response
        except ClientError as error:
            translated = self._translate(error, operation, params)
            metrics.AWS_ERRORS.labels(type(translated).__name__).inc()
            raise translated from error
        except (BotoConnectionError, BotoCoreError) as error:
            raise errors.AwsUnavailable(operation, type(error).__name__) from error

    def _translate(self, error: ClientError, operation: str, params: dict[str, Any]) -> errors.BotError:
        code = str(error.response.get("Error", {}).get("Code", ""))
        message = str(error.response.get("Error", {}).get("Message", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        log.warning("aws error operation=%s code=%s status=%s message=%s", operation, code, status, message)
        if code == "NoSuchConfigurationAggregatorException":
            return errors.AggregatorNotFound(
                str(params.get("ConfigurationAggregatorName")), str(self.client.meta.region_name)
            )
        if code in DENIED:
            return errors.AccessDenied(operation, self.settings.role_arn, code)
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

    def _responses(
        self, tally: Tally, operation: str, start: str | None = None, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """Every page of an operation at its maximum page size. The one pager: it follows
        NextToken past empty pages, which five aggregate operations return mid-list."""
        token = start
        limit = {"Limit": self.page_sizes[operation]} if operation in self.page_sizes else {}
        while True:
            extra = {"NextToken": token} if token else {}
            response = self._call(tally, operation, **limit, **params, **extra)
            yield response
            token = response.get("NextToken")
            if not token:
                return

    def _pages(self, tally: Tally, operation: str, key: str, **params: Any) -> Iterator[Any]:
        """Every item of a paginated operation."""
        for response in self._responses(tally, operation, **params):
            yield from response.get(key, [])

    def _leading(
        self, tally: Tally, operation: str, key: str, enough: int, **params: Any
    ) -> tuple[list[Any], str | None]:
        """The first `enough` items (or all, if fewer), and the token of the rest if there is more."""
        items: list[Any] = []
        for response in self._responses(tally, operation, **params):
            items += response.get(key, [])
            token = response.get("NextToken")
            if token and len(items) >= enough:
                return items, token
        return items, None

    def _any(
        self, tally: Tally, operation: str, key: str, test: Callable[[Any], bool], **params: Any
    ) -> bool:
        """Whether any item passes `test`, reading no further than the first that does."""
        return any(test(item) for item in self._pages(tally, operation, key, **params))

    def _select(self, tally: Tally, aggregator: str, expression: str) -> Iterator[dict[str, Any]]:
        """Every row of an advanced query, parsed (AWS returns each row as a JSON string)."""
        for text in self._pages(
            tally,
            "SelectAggregateResourceConfig",
            "Results",
            ConfigurationAggregatorName=aggregator,
            Expression=expression,
        ):
            yield json.loads(text)

    def _non_compliant_elements(
        self, tally: Tally, aggregator: str, expression: str
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
        """(row, its configuration, one NON_COMPLIANT element of configRuleList) for every element of
        an AWS::Config::ResourceCompliance query: conditions on the array match element by element,
        so each element is re-checked here."""
        for row in self._select(tally, aggregator, expression):
            target = row.get("configuration", {})
            for element in target.get("configRuleList", []):
                if element.get("complianceType") == "NON_COMPLIANT":
                    yield row, target, element

    def _answer(
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

    def _name(self, aggregator: str | None) -> str:
        return aggregator or self.settings.aggregator

    def _fan_out(self, tally: Tally, jobs: Sequence[Callable[[], T]]) -> list[T]:
        if len(jobs) <= 1:
            return [job() for job in jobs]
        with ThreadPoolExecutor(max_workers=self.settings.aws_concurrency, thread_name_prefix="aws") as pool:
            return list(pool.map(lambda job: job(), jobs))

    # --- rule names ---------------------------------------------------------------------------

    def org_rules(self, tally: Tally) -> list[OrgRule]:
        """The organization's config rules, if this account may see them (the management or
        delegated administrator account may); otherwise none, and names are matched by pattern."""

        def read() -> list[OrgRule]:
            try:
                return [
                    OrgRule.from_api(r)
                    for r in self._pages(tally, "DescribeOrganizationConfigRules", "OrganizationConfigRules")
                ]
            except errors.AccessDenied:
                return []
            except errors.AwsError as error:
                if error.code not in ("NoAvailableOrganizationException",):
                    raise
                return []

        return self._remembered(("org_rules", str(self.client.meta.region_name)), ORG_RULES_TTL, read)

    def _catalog(self, tally: Tally) -> RuleCatalog:
        return self.catalog.with_org_rules(self.org_rules(tally))

    # --- what the aggregator can see ----------------------------------------------------------

    def _remembered(self, key: tuple[str, ...], ttl: float, compute: Callable[[], T]) -> T:
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

    def _problems(self, tally: Tally, name: str) -> list[SourceProblem]:
        """The sources that FAILED or are OUTDATED (one page for almost any organization)."""
        return self._remembered(
            ("status", name), STATUS_TTL, lambda: self._fresh_health(tally, name).problems
        )

    def _fresh_health(self, tally: Tally, name: str) -> SourceHealth:
        """The sources' status read now; the next answers' coverage uses it too."""
        health = self._health(tally, name)
        with self._memo_lock:
            self._memo[("status", name)] = (time.monotonic(), health.problems)
        return health

    def _coverage(
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
            self._problems(tally, name), accounts, regions, without_compliance_items, capped, truncated
        )

    def _regions(self, tally: Tally, name: str) -> frozenset[str]:
        """The regions the aggregator reads."""

        def read() -> frozenset[str]:
            found = self._call(tally, "DescribeConfigurationAggregators", ConfigurationAggregatorNames=[name])
            info = _aggregator_info(found["ConfigurationAggregators"][0])
            return config_regions() if info.all_regions else frozenset(info.regions)

        return self._remembered(("regions", name), ORG_RULES_TTL, read)

    def _check_scope(self, tally: Tally, name: str, account: str | None, region: str | None) -> None:
        """Refuse an account id that is not one, or a region the aggregator does not read, before
        anything else: an answer about them would be an all-clear about nothing."""
        if account is not None and not ACCOUNT_ID.fullmatch(account):
            raise errors.AccountNotFound(account)
        if region is not None:
            regions = self._regions(tally, name)
            if region not in regions:
                raise errors.RegionNotCovered(region, difflib.get_close_matches(region, sorted(regions), n=3))

    def _without_compliance_items(self, tally: Tally, name: str) -> list[tuple[str, str]]:
        """The sources (account, region) inferred not to record compliance items: their rules have
        results there, but advanced queries see no AWS::Config::ResourceCompliance item of theirs
        there. Recorders are set per region, so this is per source. No aggregate API shows
        member recorders: it is an inference."""

        def census() -> list[tuple[str, str]]:
            evaluated = {
                (r.group, region)
                for region in sorted(self._regions(tally, name))
                for r in self._summary_groups(tally, name, "ACCOUNT_ID", {"AwsRegion": region})
                if r.compliant_rules.value or r.non_compliant_rules.value
            }
            recording = {
                (str(row.get("accountId")), str(row.get("awsRegion")))
                for row in self._select(
                    tally,
                    name,
                    "SELECT accountId, awsRegion, COUNT(*) WHERE resourceType = "
                    "'AWS::Config::ResourceCompliance' GROUP BY accountId, awsRegion",
                )
            }
            return sorted(evaluated - recording)

        return self._remembered(("census", name), ORG_RULES_TTL, census)

    # --- rule compliance ----------------------------------------------------------------------

    def rule_compliance(
        self,
        rule: str,
        account: str | None = None,
        region: str | None = None,
        aggregator: str | None = None,
        accounts: frozenset[str] | None = None,
    ) -> Answer[RuleCompliance]:
        """Every resource that breaks one logical rule, across accounts and regions, once each;
        only in `accounts` when given (a channel's scope: the detail cap then counts its sources).

        Plan: the NON_COMPLIANT rows of DescribeAggregateComplianceByConfigRules (scoped by
        account/region) find the sources; if they fit in one page's worth, fetch each matching
        source's details (fan-out). Otherwise the organization is large: one advanced query over
        AWS::Config::ResourceCompliance finds the resources, the compliance APIs cover the accounts
        that do not record compliance items, and details are fetched only for annotations.
        """
        tally = Tally()
        name = self._name(aggregator)
        self._check_scope(tally, name, account, region)
        self._unknown_rule(name, rule, accounts)
        catalog = self._catalog(tally)
        filters: dict[str, str] = {"ComplianceType": "NON_COMPLIANT"}
        if account:
            filters["AccountId"] = account
        if region:
            filters["AwsRegion"] = region
        rows, rest = self._leading(
            tally,
            RULES_BY_NAME,
            RULE_ROWS,
            self.page_sizes[RULES_BY_NAME],
            ConfigurationAggregatorName=name,
            Filters=filters,
        )
        # Names seen only in the scope's accounts: suggestions must not tell of other accounts' rules.
        observed = {r["ConfigRuleName"] for r in rows if accounts is None or r["AccountId"] in accounts}
        logical = self._resolve(tally, catalog, name, rule, observed, accounts)
        matcher = catalog.matcher(logical)
        condition = matcher.query_condition("configuration.configRuleList.configRuleName", quote)
        if rest and condition is not None:
            data = self._rule_by_query(tally, name, matcher, condition, account, region, accounts)
        else:
            if rest:
                rows += self._pages(
                    tally,
                    RULES_BY_NAME,
                    RULE_ROWS,
                    start=rest,
                    ConfigurationAggregatorName=name,
                    Filters=filters,
                )
            data = self._rule_by_fan_out(
                tally,
                name,
                matcher,
                [
                    r
                    for r in rows
                    if matcher.matches(r["ConfigRuleName"])
                    and (accounts is None or r["AccountId"] in accounts)
                ],
            )
        if not data.sources:
            self._not_an_all_clear_of_nothing(tally, name, matcher, account, region, accounts)
        coverage = self._coverage(
            tally,
            name,
            {account} if account else accounts,
            {region} if region else None,
            capped=data.non_compliant_resources.capped,
            truncated=not data.complete,
        )
        return self._answer(f"rule {logical}", name, tally, data, coverage)

    def _not_an_all_clear_of_nothing(
        self,
        tally: Tally,
        name: str,
        matcher: Matcher,
        account: str | None,
        region: str | None,
        accounts: frozenset[str] | None = None,
    ) -> None:
        """Before answering "nothing breaks the rule": the account is a source, and some source in
        scope has evaluated the rule at all; else say which of them is not so."""
        if account and not self._is_source(tally, name, account):
            raise errors.AccountNotFound(account)
        scope = {k: v for k, v in (("AccountId", account), ("AwsRegion", region)) if v}
        known = sorted(n for n in matcher.exact if n.startswith("OrgConfigRule-"))

        def in_scope(row: dict[str, Any]) -> bool:
            return accounts is None or row["AccountId"] in accounts

        for exact in known:  # an organization rule's member name is exact: one cheap probe
            if self._any(
                tally,
                RULES_BY_NAME,
                RULE_ROWS,
                in_scope,
                ConfigurationAggregatorName=name,
                Filters={**scope, "ConfigRuleName": exact},
            ):
                return
        seen: set[str] = set()

        def evaluated(row: dict[str, Any]) -> bool:
            if not in_scope(row):
                return False
            seen.add(row["ConfigRuleName"])
            return matcher.matches(row["ConfigRuleName"])

        if self._any(
            tally,
            RULES_BY_NAME,
            RULE_ROWS,
            evaluated,
            ConfigurationAggregatorName=name,
            **({"Filters": scope} if scope else {}),
        ):
            return
        where = "".join(f" in {v}" for v in (account, region) if v)
        logical_names = sorted({matcher.logical_name(n) for n in seen})
        raise errors.RuleNotDeployed(
            matcher.logical, where, difflib.get_close_matches(matcher.logical, logical_names, n=3, cutoff=0.5)
        )

    @staticmethod
    def _unknown_key(aggregator: str, text: str, accounts: frozenset[str] | None) -> tuple[str, ...]:
        # Per scope: the refusal's suggestions come from the scope's own rule names.
        return ("unknown_rule", aggregator, text.strip(), ",".join(sorted(accounts or ())) or "*")

    def _unknown_rule(self, aggregator: str, text: str, accounts: frozenset[str] | None) -> None:
        """Refuse at once, for a minute, a rule name this process found nowhere: a mistyped word
        costs AWS calls once, not at every asking."""
        with self._memo_lock:
            found = self._memo.get(self._unknown_key(aggregator, text, accounts))
        if found and time.monotonic() - found[0] < UNKNOWN_RULE_TTL:
            name, suggestions = found[1]
            raise errors.RuleNotFound(name, suggestions)  # a new error: no traceback kept alive

    def _resolve(
        self,
        tally: Tally,
        catalog: RuleCatalog,
        aggregator: str,
        text: str,
        observed: set[str],
        accounts: frozenset[str] | None = None,
    ) -> str:
        try:
            return catalog.resolve(text, observed)
        except errors.RuleNotFound as unknown:
            # A custom rule the catalog cannot know: does the aggregator have it (in the scope)?
            if self._any(
                tally,
                RULES_BY_NAME,
                RULE_ROWS,
                lambda row: accounts is None or row["AccountId"] in accounts,
                ConfigurationAggregatorName=aggregator,
                Filters={"ConfigRuleName": text.strip()},
            ):
                return text.strip()
            now = time.monotonic()
            with self._memo_lock:
                remembered = [k for k in self._memo if k[0] == "unknown_rule"]
                for key in remembered:  # bounded: the expired go, then the oldest past the cap
                    if now - self._memo[key][0] >= UNKNOWN_RULE_TTL:
                        del self._memo[key]
                remembered = sorted(
                    (k for k in remembered if k in self._memo), key=lambda k: self._memo[k][0]
                )
                for key in remembered[: max(0, len(remembered) + 1 - UNKNOWN_RULES_KEPT)]:
                    del self._memo[key]
                self._memo[self._unknown_key(aggregator, text, accounts)] = (
                    now,
                    (unknown.name, unknown.suggestions),
                )
            raise

    def _details(
        self, tally: Tally, aggregator: str, logical: str, rule_name: str, account: str, region: str
    ) -> list[NonCompliantResource]:
        return [
            _resource_from_detail(item, logical)
            for item in self._pages(
                tally,
                "GetAggregateComplianceDetailsByConfigRule",
                "AggregateEvaluationResults",
                ConfigurationAggregatorName=aggregator,
                ConfigRuleName=rule_name,
                AccountId=account,
                AwsRegion=region,
                ComplianceType="NON_COMPLIANT",
            )
        ]

    def _read_details(
        self,
        tally: Tally,
        aggregator: str,
        logical_name: Callable[[str], str],
        rows: Sequence[dict[str, Any]],
    ) -> tuple[list[NonCompliantResource], set[tuple[str, str, str]]]:
        """The details of up to detail_call_cap rows (in order), fanned out; and which rows
        (physical rule, account, region) were read."""
        fetched = list(rows[: self.settings.detail_call_cap])
        jobs = [
            partial(
                self._details,
                tally,
                aggregator,
                logical_name(r["ConfigRuleName"]),
                r["ConfigRuleName"],
                r["AccountId"],
                r["AwsRegion"],
            )
            for r in fetched
        ]
        found = [resource for batch in self._fan_out(tally, jobs) for resource in batch]
        return found, {(r["ConfigRuleName"], r["AccountId"], r["AwsRegion"]) for r in fetched}

    def _logical_counts(
        self,
        tally: Tally,
        aggregator: str,
        logical_name: Callable[[str], str],
        groups: dict[counting.Group, list[dict[str, Any]]],
        read_all: bool,
    ) -> tuple[list[NonCompliantResource], dict[counting.Group, Count], bool]:
        """Rows of DescribeAggregateComplianceByConfigRules (grouped by `_grouped`) counted once
        per logical rule: the details of every row (`read_all`), or only of the groups whose count
        needs them (several physical rules, or a capped count). Returns the merged resources, each
        group's count, and whether every detail wanted was read."""
        wanted = [r for g in groups.values() if read_all or counting.needs_details(g) for r in g]
        found, read = self._read_details(tally, aggregator, logical_name, wanted)
        resources = counting.merge(found)
        return resources, counting.group_counts(groups, resources, read), len(read) == len(wanted)

    def _rule_by_fan_out(
        self, tally: Tally, aggregator: str, matcher: Matcher, rows: list[dict[str, Any]]
    ) -> RuleCompliance:
        groups = _grouped(rows, matcher.logical_name)
        resources, counts, complete = self._logical_counts(
            tally, aggregator, matcher.logical_name, groups, read_all=True
        )
        return RuleCompliance(
            rule=matcher.logical,
            member_rule_names=sorted({r["ConfigRuleName"] for r in rows}),
            plan="fan-out",
            resources=resources,
            sources=counting.source_counts(counts, matcher.logical),
            complete=complete,
        )

    def _rule_by_query(
        self,
        tally: Tally,
        aggregator: str,
        matcher: Matcher,
        condition: str,
        account: str | None,
        region: str | None,
        accounts: frozenset[str] | None = None,
    ) -> RuleCompliance:
        conditions = [
            "resourceType = 'AWS::Config::ResourceCompliance'",
            "configuration.configRuleList.complianceType = 'NON_COMPLIANT'",
            condition,
        ]
        if account:
            conditions.append(f"accountId = {quote(account)}")
        if region:
            conditions.append(f"awsRegion = {quote(region)}")
        expression = (
            "SELECT accountId, awsRegion, configurationItemCaptureTime, configuration.targetResourceId, "
            "configuration.targetResourceType, configuration.configRuleList WHERE " + " AND ".join(conditions)
        )
        found = [
            NonCompliantResource(
                account_id=row["accountId"],
                region=row["awsRegion"],
                resource_type=target["targetResourceType"],
                resource_id=target["targetResourceId"],
                rule=matcher.logical,
                rule_names=[element["configRuleName"]],
                evaluated_at=_parse_time(row.get("configurationItemCaptureTime")),
                console_url=console_url(
                    target["targetResourceType"], target["targetResourceId"], row["awsRegion"]
                ),
            )
            for row, target, element in self._non_compliant_elements(tally, aggregator, expression)
            if matcher.matches(element.get("configRuleName", ""))
            and (accounts is None or row["accountId"] in accounts)
        ]
        # Accounts that do not record compliance items are invisible to the query: their rows
        # come from the compliance APIs instead.
        blind = {
            (a, g)
            for a, g in self._without_compliance_items(tally, aggregator)
            if account in (None, a) and region in (None, g) and (accounts is None or a in accounts)
        }
        blind_rows = [
            row
            for a, g in sorted(blind)
            for row in self._pages(
                tally,
                RULES_BY_NAME,
                RULE_ROWS,
                ConfigurationAggregatorName=aggregator,
                Filters={"ComplianceType": "NON_COMPLIANT", "AccountId": a, "AwsRegion": g},
            )
            if matcher.matches(row["ConfigRuleName"])
        ]
        seen_rows = sorted({(name, r.account_id, r.region) for r in found for name in r.rule_names})
        wanted = [
            *blind_rows,
            *({"ConfigRuleName": n, "AccountId": a, "AwsRegion": g} for n, a, g in seen_rows),
        ]
        annotated, read = self._read_details(tally, aggregator, matcher.logical_name, wanted)
        resources = counting.merge([*found, *annotated])
        groups = _grouped(blind_rows, matcher.logical_name)
        counts = counting.group_counts(groups, resources, read)
        for r in resources:  # the query saw every resource of the other sources: exact
            if (r.account_id, r.region) not in blind:
                key = (r.rule, r.account_id, r.region)
                counts[key] = Count(value=counts.get(key, Count(value=0)).value + 1)
        blind_read = all((r["ConfigRuleName"], r["AccountId"], r["AwsRegion"]) in read for r in blind_rows)
        return RuleCompliance(
            rule=matcher.logical,
            member_rule_names=sorted(
                {n for r in resources for n in r.rule_names} | {r["ConfigRuleName"] for r in blind_rows}
            ),
            plan="advanced-query",
            resources=resources,
            sources=counting.source_counts(counts, matcher.logical),
            complete=len(read) == len(wanted) and blind_read,
        )

    # --- summaries ----------------------------------------------------------------------------

    def summary(
        self,
        group_by: Literal["account", "region"] = "account",
        aggregator: str | None = None,
        accounts: frozenset[str] | None = None,
    ) -> Answer[ComplianceSummary]:
        """Compliant and non-compliant rules per account or region; limited to `accounts` when
        given (per region, that takes one filtered call per account: the grouped totals of AWS
        cannot be split by account)."""
        tally = Tally()
        name = self._name(aggregator)
        key = "ACCOUNT_ID" if group_by == "account" else "AWS_REGION"
        if accounts is not None and group_by == "region":
            totals: dict[str, list[Count]] = defaultdict(lambda: [Count(value=0), Count(value=0)])
            for account in sorted(accounts):
                for g in self._summary_groups(tally, name, key, {"AccountId": account}):
                    totals[g.group][0] += g.compliant_rules
                    totals[g.group][1] += g.non_compliant_rules
            rows = [
                SummaryRow(group=g, compliant_rules=c, non_compliant_rules=n) for g, (c, n) in totals.items()
            ]
        else:
            rows = self._summary_groups(tally, name, key, {})
            if accounts is not None:
                rows = [r for r in rows if r.group in accounts]
        rows.sort(key=lambda r: (-r.non_compliant_rules.value, r.group))
        data = ComplianceSummary(group_by=group_by, rows=rows)
        capped = data.compliant_rules.capped or data.non_compliant_rules.capped
        coverage = self._coverage(tally, name, accounts, capped=capped)
        return self._answer(f"summary by {group_by}", name, tally, data, coverage)

    def _summary_groups(self, tally: Tally, name: str, key: str, filters: dict[str, str]) -> list[SummaryRow]:
        return [
            SummaryRow(
                group=g["GroupName"],
                compliant_rules=_count(g["ComplianceSummary"]["CompliantResourceCount"]),
                non_compliant_rules=_count(g["ComplianceSummary"]["NonCompliantResourceCount"]),
            )
            for g in self._pages(
                tally,
                "GetAggregateConfigRuleComplianceSummary",
                "AggregateComplianceCounts",
                ConfigurationAggregatorName=name,
                GroupByKey=key,
                **({"Filters": filters} if filters else {}),
            )
        ]

    def _non_compliant_rows(self, tally: Tally, aggregator: str, **filters: str) -> list[dict[str, Any]]:
        return list(
            self._pages(
                tally,
                RULES_BY_NAME,
                RULE_ROWS,
                ConfigurationAggregatorName=aggregator,
                Filters={"ComplianceType": "NON_COMPLIANT", **filters},
            )
        )

    def rules_overview(
        self, aggregator: str | None = None, accounts: frozenset[str] | None = None
    ) -> Answer[RulesOverview]:
        """Each logical rule with its distinct non-compliant resources. AWS's per-source counts are
        exact only where one physical rule of a logical rule fails in a source and its count is not
        capped; the others are made exact by the cheaper of two plans: the details of those
        sources, or one advanced query over every non-compliant compliance item (plus the
        compliance APIs for the accounts that do not record them)."""
        tally = Tally()
        name = self._name(aggregator)
        logical_name = self._catalog(tally).memoized_logical_name()
        rows = self._non_compliant_rows(tally, name)
        if accounts is not None:
            rows = [r for r in rows if r["AccountId"] in accounts]
        groups = _grouped(rows, logical_name)
        ambiguous = sum(len(g) for g in groups.values() if counting.needs_details(g))
        # Pages of the query: at most one item per flagged resource, 100 to a page (an upper
        # bound: a resource flagged by several rules is one item), plus the census.
        by_query = sum(counting.contributors(r).value for r in rows) // self.page_sizes[SELECT] + 3
        if ambiguous > by_query:
            counts, complete = self._counts_by_query(tally, name, logical_name, groups)
        else:
            _, counts, complete = self._logical_counts(tally, name, logical_name, groups, read_all=False)
        overview = counting.overview(groups, counts)
        if not overview and not self._anything_evaluated(tally, name, accounts):
            raise errors.NothingEvaluated(
                "in this channel's accounts" if accounts is not None else "anywhere"
            )
        coverage = self._coverage(
            tally,
            name,
            accounts,
            truncated=not complete,
        )
        return self._answer("rules", name, tally, RulesOverview(rows=overview), coverage)

    def _anything_evaluated(self, tally: Tally, name: str, accounts: Collection[str] | None) -> bool:
        """Whether any rule has results in these accounts (None: anywhere): an empty answer is an
        all-clear only then."""
        if accounts is None:
            return self._any(
                tally, RULES_BY_NAME, RULE_ROWS, lambda row: True, ConfigurationAggregatorName=name
            )
        return any(
            self._any(
                tally,
                RULES_BY_NAME,
                RULE_ROWS,
                lambda row: True,
                ConfigurationAggregatorName=name,
                Filters={"AccountId": account},
            )
            for account in sorted(accounts)
        )

    def _counts_by_query(
        self,
        tally: Tally,
        name: str,
        logical_name: Callable[[str], str],
        groups: dict[counting.Group, list[dict[str, Any]]],
    ) -> tuple[dict[counting.Group, Count], bool]:
        """Each group's distinct resources from the NON_COMPLIANT compliance items; the groups of
        accounts that do not record them are counted from the compliance APIs."""
        seen: dict[counting.Group, set[tuple[str, str]]] = defaultdict(set)
        for row, target, element in self._non_compliant_elements(tally, name, NON_COMPLIANT_ITEMS):
            group = (logical_name(element["configRuleName"]), row["accountId"], row["awsRegion"])
            seen[group].add((target["targetResourceType"], target["targetResourceId"]))
        blind = set(self._without_compliance_items(tally, name))
        blind_groups = {g: rows for g, rows in groups.items() if g[1:] in blind}
        wanted = [r for g in blind_groups.values() if counting.needs_details(g) for r in g]
        found, read = self._read_details(tally, name, logical_name, wanted)
        counts = counting.group_counts(blind_groups, counting.merge(found), read)
        counts.update({g: Count(value=len(seen.get(g, ()))) for g in groups if g[1:] not in blind})
        return counts, len(read) == len(wanted)

    def account(self, account_id: str, aggregator: str | None = None) -> Answer[AccountDrilldown]:
        tally = Tally()
        name = self._name(aggregator)
        self._check_scope(tally, name, account_id, None)
        logical_name = self._catalog(tally).memoized_logical_name()
        rows = self._non_compliant_rows(tally, name, AccountId=account_id)
        if not rows and not self._anything_evaluated(tally, name, [account_id]):
            if self._is_source(tally, name, account_id):
                raise errors.NothingEvaluated(f"in account {account_id}")
            raise errors.AccountNotFound(account_id)
        groups = _grouped(rows, logical_name)
        resources, counts, complete = self._logical_counts(tally, name, logical_name, groups, read_all=True)
        overview = counting.overview(groups, counts)
        coverage = self._coverage(
            tally,
            name,
            {account_id},
            truncated=not complete,
        )
        return self._answer(
            f"account {account_id}",
            name,
            tally,
            AccountDrilldown(account_id=account_id, rules=overview, resources=resources, complete=complete),
            coverage,
        )

    def _is_source(self, tally: Tally, aggregator: str, account_id: str) -> bool:
        """Whether the account reports to the aggregator at all (one rule or resource will do)."""
        if self._any(
            tally,
            RULES_BY_NAME,
            RULE_ROWS,
            lambda row: True,
            ConfigurationAggregatorName=aggregator,
            Filters={"AccountId": account_id},
        ):
            return True
        counts = self._call(
            tally,
            "GetAggregateDiscoveredResourceCounts",
            ConfigurationAggregatorName=aggregator,
            Filters={"AccountId": account_id},
        )
        if counts.get("TotalDiscoveredResources"):
            return True
        # A source that FAILED before it ever reported is still one: say so, not "unknown".
        return any(p.source_id == account_id for p in self._problems(tally, aggregator))

    # --- resources ----------------------------------------------------------------------------

    def resource(
        self, identifier: str, aggregator: str | None = None, accounts: frozenset[str] | None = None
    ) -> Answer[ResourceReport]:
        """A resource by id, name or ARN: its configuration item and its compliance under every
        rule. Two advanced queries, whatever the organization's size. Only among `accounts` when
        given (a channel's scope: a same-named resource elsewhere is neither chosen nor told of)."""
        tally = Tally()
        name = self._name(aggregator)
        catalog = self._catalog(tally)
        literal = quote(identifier.strip())
        expression = (
            "SELECT accountId, awsRegion, resourceType, resourceId, resourceName, arn, "
            "configurationItemCaptureTime, configuration, tags "
            f"WHERE resourceId = {literal} OR resourceName = {literal} OR arn = {literal}"
        )
        if len(expression) > MAX_EXPRESSION:  # AWS would refuse it: no id, name or ARN is that long
            raise errors.ResourceNotFound(identifier[:80] + "…")
        matches = list(self._select(tally, name, expression))
        matches = [
            m
            for m in matches
            if m.get("resourceType") not in PSEUDO_TYPES and (accounts is None or m["accountId"] in accounts)
        ]
        if not matches:
            raise errors.ResourceNotFound(identifier)
        matches.sort(
            key=lambda m: (
                m.get("resourceId") != identifier,
                m["accountId"],
                m["awsRegion"],
                m["resourceType"],
                m["resourceId"],
            )
        )
        chosen = matches[0]
        # Rules evaluate a global resource (IAM) in a real region, so its compliance items are
        # regional: pin the region only for a regional resource.
        where_region = (
            "" if chosen["awsRegion"] == GLOBAL_REGION else f" AND awsRegion = {quote(chosen['awsRegion'])}"
        )
        compliance_expression = (
            "SELECT awsRegion, configuration.configRuleList WHERE resourceType = "
            "'AWS::Config::ResourceCompliance' "
            f"AND configuration.targetResourceId = {quote(chosen['resourceId'])} "
            f"AND configuration.targetResourceType = {quote(chosen['resourceType'])} "
            f"AND accountId = {quote(chosen['accountId'])}{where_region}"
        )
        compliance = []
        for row in self._select(tally, name, compliance_expression):
            for element in row.get("configuration", {}).get("configRuleList", []):
                compliance.append(
                    ResourceRuleCompliance(
                        rule_name=element["configRuleName"],
                        rule=catalog.logical_name(element["configRuleName"]),
                        compliance_type=element["complianceType"],
                        region=row.get("awsRegion"),
                    )
                )
        compliance.sort(key=lambda c: (c.compliance_type != "NON_COMPLIANT", c.rule, c.rule_name))
        blind = (
            [chosen["accountId"]]
            if not compliance
            and any(
                a == chosen["accountId"] and chosen["awsRegion"] in (g, GLOBAL_REGION)
                for a, g in self._without_compliance_items(tally, name)
            )
            else []
        )
        coverage = self._coverage(
            tally,
            name,
            {chosen["accountId"]},
            None if chosen["awsRegion"] == GLOBAL_REGION else {chosen["awsRegion"]},
            without_compliance_items=blind,
        )
        tags = {t["key"]: t["value"] for t in chosen.get("tags", []) if "key" in t}
        report = ResourceReport(
            account_id=chosen["accountId"],
            region=chosen["awsRegion"],
            resource_type=chosen["resourceType"],
            resource_id=chosen["resourceId"],
            resource_name=chosen.get("resourceName"),
            arn=chosen.get("arn"),
            captured_at=_parse_time(chosen.get("configurationItemCaptureTime")),
            configuration=chosen.get("configuration") or {},
            tags=tags,
            compliance=compliance,
            console_url=console_url(chosen["resourceType"], chosen["resourceId"], chosen["awsRegion"]),
            other_matches=len(matches) - 1,
        )
        return self._answer(f"resource {identifier}", name, tally, report, coverage)

    def resource_counts(
        self,
        group_by: Literal["type", "account", "region"] = "type",
        resource_type: str | None = None,
        account: str | None = None,
        region: str | None = None,
        aggregator: str | None = None,
        accounts: frozenset[str] | None = None,
    ) -> Answer[ResourceCounts]:
        """Discovered resource counts; limited to `accounts` when given (grouped by account,
        by filtering the groups; otherwise one filtered call per account, summed)."""
        tally = Tally()
        name = self._name(aggregator)
        key = {"type": "RESOURCE_TYPE", "account": "ACCOUNT_ID", "region": "AWS_REGION"}[group_by]
        filters = {k: v for k, v in (("ResourceType", resource_type), ("Region", region)) if v}
        if accounts is None or account or group_by == "account":
            total, counts = self._counts(
                tally, name, key, {**filters, **({"AccountId": account} if account else {})}
            )
            if accounts is not None:
                counts = Counter({g: n for g, n in counts.items() if group_by != "account" or g in accounts})
                total = sum(counts.values()) if group_by == "account" else total
        else:
            total, counts = 0, Counter()
            for member in sorted(accounts):
                part_total, part = self._counts(tally, name, key, {**filters, "AccountId": member})
                total += part_total
                counts.update(part)
        rows = sorted(
            (GroupCount(group=g, count=n) for g, n in counts.items()), key=lambda r: (-r.count, r.group)
        )
        scope = {account} if account else accounts
        return self._answer(
            f"resources by {group_by}",
            name,
            tally,
            ResourceCounts(group_by=group_by, total=total, rows=rows),
            self._coverage(tally, name, scope, {region} if region else None),
        )

    def _counts(self, tally: Tally, name: str, key: str, filters: dict[str, str]) -> tuple[int, Counter[str]]:
        total = 0
        counts: Counter[str] = Counter()
        extra: dict[str, Any] = {"Filters": filters} if filters else {}
        for response in self._responses(
            tally,
            "GetAggregateDiscoveredResourceCounts",
            ConfigurationAggregatorName=name,
            GroupByKey=key,
            **extra,
        ):
            total = int(response.get("TotalDiscoveredResources", 0))
            counts.update(
                {g["GroupName"]: int(g["ResourceCount"]) for g in response.get("GroupedResourceCounts", [])}
            )
        return total, counts

    # --- health, packs, aggregators -----------------------------------------------------------

    def health(self, aggregator: str | None = None) -> Answer[SourceHealth]:
        tally = Tally()
        name = self._name(aggregator)
        return self._answer("health", name, tally, self._fresh_health(tally, name))

    def _health(self, tally: Tally, name: str) -> SourceHealth:
        now = self.clock()
        problems = []
        for s in self._pages(
            tally,
            "DescribeConfigurationAggregatorSourcesStatus",
            "AggregatedSourceStatusList",
            ConfigurationAggregatorName=name,
            UpdateStatus=["FAILED", "OUTDATED"],
        ):
            last = s.get("LastUpdateTime")
            problems.append(
                SourceProblem(
                    source_id=s["SourceId"],
                    source_type=s["SourceType"],
                    region=s["AwsRegion"],
                    status=s["LastUpdateStatus"],
                    error_code=s.get("LastErrorCode"),
                    error_message=s.get("LastErrorMessage"),
                    last_update=last,
                    age_seconds=int((now - last).total_seconds()) if last else None,
                )
            )
        problems.sort(key=lambda p: (p.status != "FAILED", p.source_id, p.region))
        return SourceHealth(problems=problems)

    def packs(
        self,
        pack: str | None = None,
        account: str | None = None,
        region: str | None = None,
        aggregator: str | None = None,
    ) -> Answer[PackCompliance]:
        tally = Tally()
        name = self._name(aggregator)
        self._check_scope(tally, name, account, region)
        filters = {
            k: v
            for k, v in (
                ("ConformancePackName", pack),
                ("AccountId", account),
                ("AwsRegion", region),
            )
            if v
        }
        rows = [
            PackRow(
                pack=r["ConformancePackName"],
                account_id=r["AccountId"],
                region=r["AwsRegion"],
                compliance_type=r["Compliance"]["ComplianceType"],
                compliant_rules=r["Compliance"].get("CompliantRuleCount", 0),
                non_compliant_rules=r["Compliance"].get("NonCompliantRuleCount", 0),
                total_rules=r["Compliance"].get("TotalRuleCount", 0),
            )
            for r in self._pages(
                tally,
                "DescribeAggregateComplianceByConformancePacks",
                "AggregateComplianceByConformancePacks",
                ConfigurationAggregatorName=name,
                **({"Filters": filters} if filters else {}),
            )
        ]
        rows.sort(key=lambda r: (-r.non_compliant_rules, r.pack, r.account_id, r.region))
        coverage = self._coverage(tally, name, {account} if account else None, {region} if region else None)
        return self._answer("packs", name, tally, PackCompliance(rows=rows), coverage)

    def query(
        self, expression: str, aggregator: str | None = None, accounts: frozenset[str] | None = None
    ) -> Answer[QueryResult]:
        """An advanced query, validated before any AWS call, read up to the row cap; only the rows
        of `accounts` when given (a channel's scope: the cap then counts its rows)."""
        validate_query(expression)
        tally = Tally()
        name = self._name(aggregator)
        rows: list[dict[str, Any]] = []
        columns: list[str] = []
        truncated = False
        for response in self._responses(
            tally, "SelectAggregateResourceConfig", ConfigurationAggregatorName=name, Expression=expression
        ):
            columns = columns or [f["Name"] for f in response.get("QueryInfo", {}).get("SelectFields", [])]
            rows += [
                row
                for row in map(json.loads, response.get("Results", []))
                if accounts is None or str(row.get("accountId", "")) in accounts
            ]
            if len(rows) >= self.settings.query_row_cap:
                truncated = bool(response.get("NextToken")) or len(rows) > self.settings.query_row_cap
                rows = rows[: self.settings.query_row_cap]
                break
        # Advanced queries see only what each source records: a query about compliance items
        # cannot see the accounts that do not record them.
        blind = (
            sorted({a for a, _ in self._without_compliance_items(tally, name)})
            if "AWS::Config::ResourceCompliance" in expression
            else []
        )
        return self._answer(
            "query",
            name,
            tally,
            QueryResult(expression=expression, columns=columns, rows=rows, truncated=truncated),
            self._coverage(tally, name, accounts, without_compliance_items=blind),
        )

    def aggregators(self) -> Answer[Aggregators]:
        tally = Tally()
        rows = [
            _aggregator_info(a)
            for a in self._pages(tally, "DescribeConfigurationAggregators", "ConfigurationAggregators")
        ]
        return self._answer("aggregators", self.settings.aggregator, tally, Aggregators(rows=rows))

    def doctor(
        self,
        aggregator: str | None = None,
        organization_accounts: Callable[[], list[str] | None] | None = None,
    ) -> Answer[DoctorReport]:
        """The aggregator against the article's best practices, each finding with its fix."""
        tally = Tally()
        name = self._name(aggregator)
        found = self._call(tally, "DescribeConfigurationAggregators", ConfigurationAggregatorNames=[name])
        info = _aggregator_info(found["ConfigurationAggregators"][0])
        findings = _aggregator_findings(info)
        health = self._health(tally, name)
        for kind in ("FAILED", "OUTDATED"):
            bad = [p for p in health.problems if p.status == kind]
            if bad:
                codes = ", ".join(sorted({p.error_code for p in bad if p.error_code})) or "no error code"
                findings.append(
                    Finding(
                        severity="critical" if kind == "FAILED" else "warning",
                        title=f"{len(bad)} source(s) {kind}",
                        detail=f"{', '.join(f'{p.source_id}/{p.region}' for p in bad[:10])} ({codes}).",
                        fix=(
                            "Check the aggregator role and that AWS Config records in those accounts: "
                            f"aws configservice describe-configuration-aggregator-sources-status "
                            f"--configuration-aggregator-name {name} --update-status FAILED OUTDATED"
                        ),
                    )
                )
        rules = self.org_rules(tally)
        packs = self._any(
            tally,
            "DescribeAggregateComplianceByConformancePacks",
            "AggregateComplianceByConformancePacks",
            lambda row: True,
            ConfigurationAggregatorName=name,
        )
        if not rules and not packs:
            findings.append(
                Finding(
                    severity="warning",
                    title="No organization rules or conformance packs seen",
                    detail="Rules deployed account by account drift; deploy them once for the organization.",
                    fix=(
                        "aws configservice put-organization-conformance-pack "
                        "--organization-conformance-pack-name baseline --template-s3-uri "
                        "s3://<bucket>/Operational-Best-Practices-for-CIS-AWS-v1.4-Level1.yaml"
                    ),
                )
            )
        else:
            findings.append(
                Finding(
                    severity="ok",
                    title="Rules are deployed organization-wide",
                    detail=f"{len(rules)} organization rule(s) visible; conformance packs "
                    f"{'seen' if packs else 'not seen'}.",
                )
            )
        blind_sources = self._without_compliance_items(tally, name)
        if blind_sources:
            blind = sorted({a for a, _ in blind_sources})
            findings.append(
                Finding(
                    severity="warning",
                    title=f"{len(blind)} account(s) do not record compliance items (inferred)",
                    detail=f"{', '.join(f'{a}/{g}' for a, g in blind_sources[:20])}: their rules have "
                    "results there, but advanced queries see no AWS::Config::ResourceCompliance item "
                    "of theirs. The bot reads their "
                    "non-compliant resources from the compliance APIs; their compliant resources are "
                    "not counted.",
                    fix="Record AWS::Config::ResourceCompliance in those accounts' configuration "
                    "recorders (remove it from exclusionByResourceTypes).",
                )
            )
        if info.kind == "organization" and organization_accounts is not None:
            expected = organization_accounts()
            if expected is not None:
                seen = set(self._source_accounts(tally, name))
                missing = sorted(set(expected) - seen)
                if missing:
                    findings.append(
                        Finding(
                            severity="warning",
                            title=f"{len(missing)} organization account(s) missing",
                            detail=", ".join(missing[:20]),
                            fix="Make sure AWS Config is enabled and recording in those accounts.",
                        )
                    )
        return self._answer("doctor", name, tally, DoctorReport(aggregator=name, findings=findings))

    def snapshot(self, aggregator: str | None = None) -> Answer[Any]:
        """The organization's compliance today, for the digest: every non-compliant finding
        (one advanced query, all pages), compliant resources (one COUNT query), rules (one
        summary call) and the sources that FAILED or are OUTDATED."""
        from bot.digest.snapshots import Snapshot

        tally = Tally()
        name = self._name(aggregator)
        catalog = self._catalog(tally)
        findings: set[tuple[str, str, str, str, str]] = set()
        resources: set[tuple[str, str, str, str]] = set()
        expression = NON_COMPLIANT_ITEMS
        # Accounts, regions, rules and types repeat across hundreds of thousands of findings at
        # 10,000 accounts: one string object each keeps the snapshot a fraction of its size.
        shared: dict[str, str] = {}
        one = shared.setdefault
        for row, target, element in self._non_compliant_elements(tally, name, expression):
            key = (
                one(row["accountId"], row["accountId"]),
                one(row["awsRegion"], row["awsRegion"]),
                one(target["targetResourceType"], target["targetResourceType"]),
                target["targetResourceId"],
            )
            rule = catalog.logical_name(element["configRuleName"])
            findings.add((key[0], key[1], one(rule, rule), key[2], key[3]))
            resources.add(key)
        compliant: dict[str, int] = {}
        expression = (
            "SELECT accountId, COUNT(*) WHERE resourceType = 'AWS::Config::ResourceCompliance' "
            "AND configuration.complianceType = 'COMPLIANT' GROUP BY accountId"
        )
        for row in self._select(tally, name, expression):
            compliant[str(row.get("accountId"))] = int(row["COUNT(*)"])
        summary = self._summary_groups(tally, name, "ACCOUNT_ID", {})
        rules = {r.group: (r.compliant_rules.value, r.non_compliant_rules.value) for r in summary}
        # Sources whose rules have results but that record no compliance items are invisible to
        # the queries above: their findings come from the compliance APIs.
        blind_sources = self._without_compliance_items(tally, name)
        blind = sorted({a for a, _ in blind_sources})
        blind_rows = [
            row
            for a, g in blind_sources
            for row in self._non_compliant_rows(tally, name, AccountId=a, AwsRegion=g)
        ]
        found, read = self._read_details(tally, name, catalog.logical_name, blind_rows)
        for r in counting.merge(found):
            findings.add(
                (
                    one(r.account_id, r.account_id),
                    one(r.region, r.region),
                    one(r.rule, r.rule),
                    one(r.resource_type, r.resource_type),
                    r.resource_id,
                )
            )
            resources.add(r.key)
        problems = self._fresh_health(tally, name).problems
        # Built from validated AWS answers; validating again would copy every finding's tuple.
        snapshot = Snapshot.model_construct(
            aggregator=name,
            taken_at=self.clock(),
            compliant_resources=sum(compliant.values()),
            non_compliant_resources=len(resources),
            compliant_rules=sum(c for c, _ in rules.values()),
            non_compliant_rules=sum(n for _, n in rules.values()),
            findings=sorted(findings),
            problems=problems,
            compliant_by_account=compliant,
            rules_by_account=rules,
            without_compliance_items=blind,
            capped=any(r.compliant_rules.capped or r.non_compliant_rules.capped for r in summary),
            truncated=len(read) < len(blind_rows),
        )
        coverage = coverage_of(
            problems,
            # Their non-compliant resources are read; their compliant ones cannot be counted.
            without_compliance_items=blind,
            capped=snapshot.capped,
            truncated=snapshot.truncated,
        )
        return self._answer("snapshot", name, tally, snapshot, coverage)

    def _source_accounts(self, tally: Tally, aggregator: str) -> list[str]:
        return sorted(
            {
                s["SourceId"]
                for s in self._pages(
                    tally,
                    "DescribeConfigurationAggregatorSourcesStatus",
                    "AggregatedSourceStatusList",
                    ConfigurationAggregatorName=aggregator,
                )
                if s.get("SourceType") == "ACCOUNT"
            }
        )


# --- pure helpers ---------------------------------------------------------------------------------


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _resource_from_detail(item: dict[str, Any], logical: str) -> NonCompliantResource:
    qualifier = item["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
    return NonCompliantResource(
        account_id=item["AccountId"],
        region=item["AwsRegion"],
        resource_type=qualifier["ResourceType"],
        resource_id=qualifier["ResourceId"],
        rule=logical,
        rule_names=[qualifier["ConfigRuleName"]],
        annotation=item.get("Annotation"),
        evaluated_at=item.get("ResultRecordedTime"),
        console_url=console_url(qualifier["ResourceType"], qualifier["ResourceId"], item["AwsRegion"]),
    )


def _count(raw: dict[str, Any]) -> Count:
    """AWS's {CappedCount, CapExceeded}: a lower bound when the cap was exceeded."""
    return Count(value=int(raw.get("CappedCount", 0)), capped=bool(raw.get("CapExceeded", False)))


def _grouped(
    rows: Iterable[dict[str, Any]], logical_name: Callable[[str], str]
) -> dict[counting.Group, list[dict[str, Any]]]:
    groups: dict[counting.Group, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["AccountId"], r["AwsRegion"], r["ConfigRuleName"])):
        groups[counting.group_of(row, logical_name)].append(row)
    return groups


def _aggregator_info(raw: dict[str, Any]) -> AggregatorInfo:
    org = raw.get("OrganizationAggregationSource")
    accounts = raw.get("AccountAggregationSources") or []
    source = org or (accounts[0] if accounts else {})
    return AggregatorInfo(
        name=raw["ConfigurationAggregatorName"],
        arn=raw.get("ConfigurationAggregatorArn", ""),
        kind="organization" if org else "accounts",
        all_regions=bool(source.get("AllAwsRegions")),
        regions=sorted(source.get("AwsRegions") or []),
        accounts=sorted({a for s in accounts for a in s.get("AccountIds", [])}),
    )


def _aggregator_findings(info: AggregatorInfo) -> list[Finding]:
    findings = []
    if info.kind == "accounts":
        findings.append(
            Finding(
                severity="warning",
                title="Account-based aggregator",
                detail=f"It lists {len(info.accounts)} account(s) by hand; new accounts are missed and each "
                "needs an authorization.",
                fix=(
                    "aws configservice put-configuration-aggregator "
                    f"--configuration-aggregator-name {info.name} --organization-aggregation-source "
                    "RoleArn=<aggregator-role-arn>,AllAwsRegions=true"
                ),
            )
        )
    else:
        findings.append(
            Finding(
                severity="ok",
                title="Organization-based aggregator",
                detail="New accounts join the aggregator by themselves.",
            )
        )
    if not info.all_regions:
        findings.append(
            Finding(
                severity="warning",
                title="Not all regions",
                detail=f"It reads {', '.join(info.regions)} only; resources elsewhere are invisible.",
                fix=(
                    "Terraform: organization_aggregation_source "
                    '{ all_regions = true role_arn = "<role-arn>" }'
                ),
            )
        )
    else:
        findings.append(Finding(severity="ok", title="All regions", detail="Every region is aggregated."))
    return findings
