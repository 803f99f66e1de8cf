"""What to seed and what was seeded: `OrgSpec` (the seed, the organization's size and regions, its
non-compliance rate, its broken sources, how its aggregator pages) and `SeededOrg`, the ground
truth tests compare answers with, whose `SeededEvaluation.logical_rule` is the rule a physical
rule stands for."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.inventory import GLOBAL_HOME
from simulator.state import CONTRIBUTOR_CAP, Resource, SourceStatus

DEFAULT_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
# Seventeen regions, for organizations as wide as the benchmarks ask (the first four as above).
WIDE_REGIONS = (
    *DEFAULT_REGIONS,
    "eu-central-1",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
    "eu-north-1",
    "ap-south-1",
    "us-east-2",
    "eu-west-2",
    "eu-west-3",
    "ap-northeast-2",
    "ap-southeast-1",
    "us-west-1",
    "me-south-1",
)


@dataclass(frozen=True)
class OrgSpec:
    seed: int = 7
    accounts: int = 12
    regions: tuple[str, ...] = DEFAULT_REGIONS
    resources_per_region: int = 6
    non_compliance: float = 0.2
    failed_sources: int = 1
    outdated_sources: int = 1
    management_account: str = "111122223333"
    aggregator_name: str = "OrgAggregator"
    aggregator_region: str = "us-east-1"
    # Members whose recorders exclude AWS::Config::ResourceCompliance (never the management).
    accounts_without_compliance_items: int = 1
    # The share of pages of the five operations that may do so answered as an empty page with a
    # NextToken, decided by the seed (see paging.EmptyPages).
    empty_page_rate: float = 0.2
    # ComplianceContributorCount's cap; the rule summary's (None: uncapped; AWS documents 25).
    contributor_cap: int = CONTRIBUTOR_CAP
    rule_summary_cap: int | None = None

    @property
    def home_region(self) -> str:
        """Where global resources are recorded and account-level rules run: us-east-1 if the
        organization uses it, else its first region."""
        return GLOBAL_HOME if GLOBAL_HOME in self.regions else self.regions[0]


@dataclass(frozen=True, slots=True)
class SeededEvaluation:
    account_id: str
    region: str
    rule_name: str  # as named in the member account
    logical_rule: str  # the pack rule name it stands for
    resource_type: str
    resource_id: str
    compliance_type: str
    annotation: str | None


@dataclass
class SeededOrg:
    spec: OrgSpec
    organization_id: str
    accounts: list[str]
    account_names: dict[str, str]
    role_arn: str
    aggregator_arn: str
    # logical rule -> member rule name (same in every account)
    org_rule_names: dict[str, str] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)
    evaluations: list[SeededEvaluation] = field(default_factory=list)
    statuses: dict[tuple[str, str], SourceStatus] = field(default_factory=dict)
    # Accounts whose recorders exclude AWS::Config::ResourceCompliance, sorted.
    accounts_without_compliance_items: list[str] = field(default_factory=list)

    @property
    def management_account(self) -> str:
        return self.spec.management_account

    @property
    def aggregator_name(self) -> str:
        return self.spec.aggregator_name
