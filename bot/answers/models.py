"""Answers of the query layer: pydantic models, never raw AWS dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Count(Model):
    """A count that may be a lower bound: AWS caps some counts (shown as "100+")."""

    value: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.value}+" if self.capped else str(self.value)

    @property
    def words(self) -> str:
        """The count in a sentence: "at least N" when it is a lower bound."""
        return f"at least {self.value}" if self.capped else str(self.value)

    def __add__(self, other: Count) -> Count:
        return Count(value=self.value + other.value, capped=self.capped or other.capped)


class NonCompliantResource(Model):
    """One resource that breaks one logical rule, however many physical rules flag it."""

    account_id: str
    region: str
    resource_type: str
    resource_id: str
    rule: str  # the logical rule
    rule_names: list[str]  # the physical rules (names in that account) that flag it
    annotation: str | None = None
    evaluated_at: datetime | None = None
    console_url: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.account_id, self.region, self.resource_type, self.resource_id)


class Waived(Model):
    """A non-compliant resource left out of the counts by a waiver: who accepted it, why, until when."""

    resource: NonCompliantResource
    expires_at: datetime
    reason: str
    approved_by: str | None = None


class SourceCount(Model):
    """Distinct non-compliant resources of one source (account, region); a lower bound when capped."""

    account_id: str
    region: str
    non_compliant: Count


class RuleCompliance(Model):
    rule: str
    member_rule_names: list[str]
    plan: Literal["fan-out", "advanced-query", "first-page"]
    resources: list[NonCompliantResource]
    sources: list[SourceCount]
    # False when some sources' details were not fetched (detail_call_cap).
    complete: bool = True
    # A first answer (bot/questions/plans/rule.py `rule_first`): the first resources and what the
    # first page of compliance rows counts; the whole answer is being read and replaces it.
    loading: bool = False
    # Only with `loading`: more compliance rows than were read, so every total is a lower bound.
    more_sources: bool = False
    waived: list[Waived] = Field(default_factory=list)  # left out of resources and sources

    @property
    def non_compliant_resources(self) -> Count:
        """The sum of the sources' distinct counts: the number of resources when every source's
        details were read (then it equals len(resources)), else a lower bound."""
        total = Count(value=0, capped=self.more_sources)
        for source in self.sources:
            total = total + source.non_compliant
        return total

    @property
    def accounts(self) -> list[str]:
        return sorted({s.account_id for s in self.sources})

    @property
    def regions(self) -> list[str]:
        return sorted({s.region for s in self.sources})


class SummaryRow(Model):
    """Rules (as deployed in each account and region) with a compliant or non-compliant verdict."""

    group: str
    compliant_rules: Count
    non_compliant_rules: Count


# What the summary's numbers count, beside `rules` and `account`, which count logical rules.
SUMMARY_UNIT = (
    "Rules as AWS counts them: each rule in each account and region (an organization rule and its "
    "pack copy are two). `rules` counts each logical rule once."
)


class ComplianceSummary(Model):
    group_by: Literal["account", "region"]
    rows: list[SummaryRow]

    @property
    def compliant_rules(self) -> Count:
        return sum((r.compliant_rules for r in self.rows), Count(value=0))

    @property
    def non_compliant_rules(self) -> Count:
        return sum((r.non_compliant_rules for r in self.rows), Count(value=0))


class RuleOverviewRow(Model):
    rule: str
    member_rule_names: list[str]
    accounts: int
    regions: int
    resources: Count
    waived: int = 0  # non-compliant resources left out of `resources` by waivers


class RulesOverview(Model):
    rows: list[RuleOverviewRow]  # worst first
    # Waived resources of rules that no longer fail once they are left out (no row of their own).
    waived_elsewhere: int = 0

    @property
    def waived(self) -> int:
        return sum(r.waived for r in self.rows) + self.waived_elsewhere


class AccountDrilldown(Model):
    account_id: str
    rules: list[RuleOverviewRow]
    resources: list[NonCompliantResource]
    complete: bool = True
    waived: list[Waived] = Field(default_factory=list)


class FailingResources(Model):
    """Every resource that breaks some rule in an account, a region, or an account's region."""

    account_id: str | None = None
    region: str | None = None
    rules: list[RuleOverviewRow]
    resources: list[NonCompliantResource]
    complete: bool = True
    waived: list[Waived] = Field(default_factory=list)

    @property
    def where(self) -> str:
        return ", ".join(
            p for p in (f"account {self.account_id}" if self.account_id else "", self.region or "") if p
        )


class ResourceRuleCompliance(Model):
    rule_name: str
    rule: str
    compliance_type: str
    region: str | None = None  # where the rule evaluated it (a global resource's rules are regional)
    # From the rule's details (read for the NON_COMPLIANT rules only, within detail_call_cap).
    annotation: str | None = None
    evaluated_at: datetime | None = None
    details_unread: bool = False  # its details were wanted but not read (detail_call_cap)
    # NON_COMPLIANT, and accepted by a waiver until then (bot/waivers)
    waived_until: datetime | None = None
    waiver_reason: str | None = None


class ResourceRef(Model):
    """One resource as AWS Config names it."""

    account_id: str
    region: str
    resource_type: str
    resource_id: str
    resource_name: str | None = None
    arn: str | None = None

    @property
    def handle(self) -> str:
        """What to ask by to get this one resource: its ARN, else its id."""
        return self.arn or self.resource_id


class RelatedResource(Model):
    """One relationship of a configuration item (AWS's Relationship: id or name may be absent)."""

    resource_type: str
    resource_id: str | None = None
    resource_name: str | None = None
    relationship: str


class ResourceReport(Model):
    """One resource for an incident: every rule that evaluates it, a summary of its configuration
    item, its tags and relationships, where to open it and when it last changed. When the
    identifier names several resources and none exactly, `resource` is None and `matches` lists
    them to pick from; with one exact match, `matches` holds the others that also match."""

    identifier: str
    resource: ResourceRef | None = None
    # False: AWS Config holds no configuration item of it (a type not recorded there): only
    # its rules' evaluations are known.
    configuration_item: bool = True
    captured_at: datetime | None = None  # the configuration item's capture time: when it last changed
    configuration: dict[str, str] = Field(default_factory=dict)  # a few top-level scalar fields
    tags: dict[str, str] = Field(default_factory=dict)
    relationships: list[RelatedResource] = Field(default_factory=list)
    compliance: list[ResourceRuleCompliance] = Field(default_factory=list)
    console_url: str | None = None
    matches: list[ResourceRef] = Field(default_factory=list)
    more_matches: bool = False  # more resources match than were read: ask by ARN or id

    @property
    def compliance_type(self) -> str:
        """NON_COMPLIANT while some rule flags it without a waiver; a waived finding counts as
        compliant here, as in every count (its rule row still says NON_COMPLIANT, waived)."""
        kinds = {"COMPLIANT" if c.waived_until else c.compliance_type for c in self.compliance}
        if "NON_COMPLIANT" in kinds:
            return "NON_COMPLIANT"
        return "COMPLIANT" if "COMPLIANT" in kinds else "INSUFFICIENT_DATA"


class GroupCount(Model):
    group: str
    count: int


class ResourceCounts(Model):
    group_by: Literal["type", "account", "region"]
    total: int
    rows: list[GroupCount]


class SourceProblem(Model):
    source_id: str
    source_type: str
    region: str
    status: Literal["FAILED", "OUTDATED"]
    error_code: str | None = None
    error_message: str | None = None
    last_update: datetime | None = None
    age_seconds: int | None = None


class SourceHealth(Model):
    problems: list[SourceProblem]

    @property
    def failed(self) -> list[SourceProblem]:
        return [p for p in self.problems if p.status == "FAILED"]

    @property
    def outdated(self) -> list[SourceProblem]:
        return [p for p in self.problems if p.status == "OUTDATED"]


class PackRow(Model):
    pack: str
    account_id: str
    region: str
    compliance_type: str
    compliant_rules: int
    non_compliant_rules: int
    total_rules: int


class PackCompliance(Model):
    rows: list[PackRow]


class QueryResult(Model):
    expression: str
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False


class AggregatorInfo(Model):
    name: str
    arn: str
    kind: Literal["organization", "accounts"]
    all_regions: bool
    regions: list[str]
    accounts: list[str] = Field(default_factory=list)


class Aggregators(Model):
    rows: list[AggregatorInfo]


class Finding(Model):
    severity: Literal["ok", "info", "warning", "critical"]
    title: str
    detail: str
    fix: str | None = None


class DoctorReport(Model):
    aggregator: str
    findings: list[Finding]


class Coverage(Model):
    """What an answer could not see: sources that did not report, accounts whose recorder does not
    record compliance items (inferred: they have rule evaluations but no compliance items), counts
    AWS capped, details not read. Empty when the answer saw everything in its scope."""

    failed: list[SourceProblem] = Field(default_factory=list)
    outdated: list[SourceProblem] = Field(default_factory=list)
    without_compliance_items: list[str] = Field(default_factory=list)
    capped: bool = False
    truncated: bool = False

    @property
    def complete(self) -> bool:
        return not (
            self.failed or self.outdated or self.without_compliance_items or self.capped or self.truncated
        )


class Answer(BaseModel, Generic[T]):
    """One answer: its data, what it could not see, how fresh it is, and what it cost."""

    question: str
    aggregator: str
    data: T
    coverage: Coverage = Field(default_factory=Coverage)
    as_of: datetime
    aws_calls: int
    calls_by_operation: dict[str, int] = Field(default_factory=dict)
    cached: bool = False
    # Limited to a channel's accounts: its AWS cost (the organization's) is not shown there.
    limited: bool = False
