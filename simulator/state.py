"""The simulator's own state, kept on moto's per-account, per-region `ConfigBackend` instances.

Keeping it on the backend (rather than in module globals) means moto's reset clears it between
tests, and that each source account's data lives where moto keeps that account's rules.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from moto.config.models import ConfigBackend, config_backends

from simulator import tracking

# One lock for every simulator read and write: moto serves requests on threads, and the
# aggregate reads iterate dicts that PutEvaluations and the seeders mutate.
LOCK = threading.RLock()

T = TypeVar("T")
COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")
CONTRIBUTOR_CAP = 100  # AWS caps ComplianceContributorCount; the console shows "100+".


@dataclass(slots=True)
class Resource:
    """One configuration item, as AWS Config records it in a source account and region."""

    account_id: str
    region: str
    resource_type: str
    resource_id: str
    resource_name: str | None = None
    arn: str | None = None
    configuration: dict[str, Any] = field(default_factory=dict)
    supplementary: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    availability_zone: str | None = None
    created: datetime | None = None
    captured: datetime = field(default_factory=lambda: datetime.now(UTC))
    # As AWS's ConfigurationItem has them: {resourceType, resourceId, resourceName?, relationshipName}.
    relationships: list[dict[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.resource_type, self.resource_id)

    def base_item(self) -> dict[str, Any]:
        """The BaseConfigurationItem shape (no tags, no relationships)."""
        item: dict[str, Any] = {
            "version": "1.3",
            "accountId": self.account_id,
            "configurationItemCaptureTime": self.captured,
            "configurationItemStatus": "OK",
            "configurationStateId": str(int(self.captured.timestamp() * 1000)),
            "resourceType": self.resource_type,
            "resourceId": self.resource_id,
            "awsRegion": self.region,
            "configuration": json.dumps(self.configuration, sort_keys=True),
            "supplementaryConfiguration": {
                k: v if isinstance(v, str) else json.dumps(v) for k, v in self.supplementary.items()
            },
        }
        optional = {
            "arn": self.arn,
            "resourceName": self.resource_name,
            "availabilityZone": self.availability_zone,
            "resourceCreationTime": self.created,
        }
        item.update({k: v for k, v in optional.items() if v is not None})
        return item

    def configuration_item(self) -> dict[str, Any]:
        """The full ConfigurationItem shape of GetAggregateResourceConfig."""
        item = self.base_item()
        item["tags"] = dict(self.tags)
        item["relatedEvents"] = []
        item["relationships"] = [dict(r) for r in self.relationships]
        return item

    def query_document(self) -> dict[str, Any]:
        """The document that advanced queries see: configuration as JSON, tags as a list."""
        doc: dict[str, Any] = {
            "accountId": self.account_id,
            "awsRegion": self.region,
            "resourceType": self.resource_type,
            "resourceId": self.resource_id,
            "configurationItemCaptureTime": _iso(self.captured),
            "configurationItemStatus": "OK",
            "configuration": self.configuration,
            "supplementaryConfiguration": self.supplementary,
            "tags": [{"key": k, "value": v, "tag": f"{k}={v}"} for k, v in sorted(self.tags.items())],
            "relationships": [dict(r) for r in self.relationships],
        }
        optional = {
            "arn": self.arn,
            "resourceName": self.resource_name,
            "availabilityZone": self.availability_zone,
            "resourceCreationTime": _iso(self.created) if self.created else None,
        }
        doc.update({k: v for k, v in optional.items() if v is not None})
        return doc


@dataclass(slots=True)
class Evaluation:
    """The latest evaluation of one resource by one rule (AWS keeps the newest per resource)."""

    resource_type: str
    resource_id: str
    compliance_type: str
    ordering_timestamp: datetime
    recorded: datetime
    annotation: str | None = None


@dataclass(slots=True)
class ConformancePack:
    name: str
    arn: str
    pack_id: str
    rule_names: list[str]


@dataclass(slots=True)
class OrganizationRule:
    name: str
    arn: str
    managed: dict[str, Any] | None
    custom: dict[str, Any] | None
    excluded_accounts: list[str]
    updated: datetime
    # Member account -> the rule's name there (OrgConfigRule-<name>-<suffix>).
    member_rule_names: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class SourceStatus:
    """A status forced on one aggregator source, for tests and demos."""

    status: str  # FAILED | OUTDATED | SUCCEEDED
    error_code: str | None = None
    error_message: str | None = None
    last_update: datetime | None = None


def by_rule(
    evaluations: dict[tuple[str, str, str], Evaluation],
) -> dict[str, dict[tuple[str, str], Evaluation]]:
    """Rule name -> (resource type, resource id) -> latest evaluation."""
    grouped: dict[str, dict[tuple[str, str], Evaluation]] = {}
    for (rule, resource_type, resource_id), evaluation in evaluations.items():
        grouped.setdefault(rule, {})[(resource_type, resource_id)] = evaluation
    return grouped


@dataclass
class SimState:
    """Everything the simulator adds to one account's ConfigBackend in one region."""

    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)
    # (rule name, resource type, resource id) -> latest evaluation: one dict per source, not one
    # per rule (most of a seeded source's rules judge a resource or two; at 10,000 accounts x 17
    # regions two million small dicts took a quarter of the memory). `by_rule` groups them.
    evaluations: dict[tuple[str, str, str], Evaluation] = field(default_factory=dict)
    packs: dict[str, ConformancePack] = field(default_factory=dict)
    org_rules: dict[str, OrganizationRule] = field(default_factory=dict)
    # (aggregator name, source account, source region) -> forced status.
    source_status: dict[tuple[str, str, str], SourceStatus] = field(default_factory=dict)
    # Page snapshots: token id -> (fingerprint, rows). Bounded; see paging.py.
    pages: dict[str, tuple[str, Any]] = field(default_factory=dict)
    # Bumped by every simulator write to this backend, so views derived from it can be cached.
    version: int = 0
    # View name -> (the state it was derived from, the view); see `derived`.
    views: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # How this account-region's aggregators answer, as the owner of an aggregator (tests set these
    # per organization; moto's reset restores the defaults). The rate at which a page of the five
    # operations that may do so is an empty page with a NextToken, and the seed that decides which.
    empty_page_rate: float = 0.0
    empty_page_seed: int = 0
    # ComplianceContributorCount's cap, and the rule summary's (None: uncapped, as AWS seems to be).
    contributor_cap: int = CONTRIBUTOR_CAP
    rule_summary_cap: int | None = None

    def changed(self) -> None:
        self.version += 1
        WORLD.changed()


class World:
    """One number bumped by every change of any backend the simulator tracks: what views across
    sources (an aggregator's indexes) are keyed on."""

    version = 0

    @classmethod
    def changed(cls) -> None:
        cls.version += 1


WORLD = World


def sim(backend: ConfigBackend) -> SimState:
    """The simulator's state on a backend, attached on first use."""
    state = backend.__dict__.get("_sim")
    if state is None:
        state = backend.__dict__.setdefault("_sim", SimState())
    assert isinstance(state, SimState)
    return state


def backend(account_id: str, region: str) -> ConfigBackend:
    """The backend of an account and region, created as moto would on a first call there."""
    # moto's BackendDict.__getitem__ copies every account id on each lookup (O(accounts)), which
    # made seeding 10,000 accounts quadratic; an existing backend is read from the dicts directly.
    found = existing_backend(account_id, region)
    return found if found is not None else config_backends[account_id][region]


def derived(found: ConfigBackend, view: str, build: Callable[[], T]) -> T:
    """A view of the backend's rules, recorder and the simulator's state, rebuilt only when one of
    them changed: every write to them bumps `SimState.version` (moto's through
    simulator.tracking)."""
    state = sim(found)
    key = state.version
    cached = state.views.get(view)
    if cached is not None and cached[0] == key:
        return cast(T, cached[1])
    value = build()
    state.views[view] = (key, value)
    return value


def existing_backend(account_id: str, region: str) -> ConfigBackend | None:
    """The backend if the account ever used Config in that region; never creates one.

    An organization of 10,000 accounts x 30 regions must not make 300,000 empty backends just
    because an aggregator looked at it.
    """
    if not dict.__contains__(config_backends, account_id):
        return None
    per_account = dict.__getitem__(config_backends, account_id)
    if not dict.__contains__(per_account, region):
        return None
    found = dict.__getitem__(per_account, region)
    assert isinstance(found, ConfigBackend)
    return found


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _attach_on_creation() -> None:
    """Track moto's writes to every config backend (simulator.tracking) and attach the simulator's
    state to every backend moto makes, so a change in one no simulator code touched yet still
    moves `WORLD`."""
    tracking.install(lambda found: sim(found).changed())
    if getattr(ConfigBackend.__init__, "_compliance_sim", False):
        return
    native = ConfigBackend.__init__

    def init(self: ConfigBackend, region_name: str, account_id: str) -> None:
        native(self, region_name, account_id)
        sim(self)  # an empty backend changes no answer: its first write moves WORLD

    init._compliance_sim = True  # type: ignore[attr-defined]
    ConfigBackend.__init__ = init  # type: ignore[method-assign]


_attach_on_creation()
