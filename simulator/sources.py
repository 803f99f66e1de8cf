"""Which (account, region) pairs an aggregator reads, and how each source stands.

An account-based aggregator reads its listed accounts; each must have authorized the aggregator
account and region (PutAggregationAuthorization in the source account and region), else the
source is FAILED and contributes nothing. An organization-based aggregator reads every ACTIVE
account of the organization that its account manages (moto's organizations backend).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from moto.config.models import AccountAggregatorSource, ConfigAggregator
from moto.organizations.models import FakeAccount, OrganizationsBackend, organizations_backends

from simulator.errors import NoSuchConfigurationAggregatorException
from simulator.state import SourceStatus, existing_backend, sim

UNAUTHORIZED_CODE = "AccessDeniedException"
NO_ORGANIZATION_CODE = "OrganizationAccessDeniedException"


@cache
def config_regions() -> tuple[str, ...]:
    """Every commercial region where AWS Config runs: what AllAwsRegions means."""
    return tuple(sorted(boto3.session.Session().get_available_regions("config")))


@dataclass(frozen=True, slots=True)
class Source:
    """One (account, region) an aggregator reads, with its last update status."""

    account_id: str
    region: str
    # ACCOUNT for every source account (members of an organization too); ORGANIZATION only for
    # an organization aggregator whose organization cannot be read.
    source_type: str
    source_id: str
    status: str
    last_update: datetime
    error_code: str | None = None
    error_message: str | None = None
    # False when the aggregator never got this source's data (no authorization, no organization).
    readable: bool = True


@dataclass(frozen=True, slots=True)
class Aggregator:
    account_id: str
    region: str
    name: str
    model: ConfigAggregator


def get_aggregator(account_id: str, region: str, name: str) -> Aggregator:
    owner = existing_backend(account_id, region)
    model = owner.config_aggregators.get(name) if owner else None
    if model is None:
        raise NoSuchConfigurationAggregatorException(name)
    return Aggregator(account_id, region, name, model)


def regions_of(aggregator: Aggregator) -> tuple[str, ...]:
    model = aggregator.model
    source = model.organization_aggregation_source or _account_source(aggregator)
    if source.all_aws_regions:
        return config_regions()
    return tuple(sorted(set(source.aws_regions or ())))


@dataclass(frozen=True, slots=True, eq=False)
class Organization:
    """An organization as the aggregator sees it: its management account, id and ACTIVE members.
    Equal only to itself: `organization_of` makes a new one when the members change, and views
    keyed on it compare in constant time."""

    management: str
    id: str
    members: tuple[str, ...]  # in moto's order
    member_set: frozenset[str]


class Membership:
    """Bumped by every moto call that changes who is an ACTIVE member (`install_membership`), so
    `organization_of` lists the members once per change, not on every read: at 10,000 accounts
    the list took most of a details call's compute."""

    version = 0

    @classmethod
    def changed(cls) -> None:
        cls.version += 1


# Management account -> (what the organization's members were listed under, the organization).
_LISTED: dict[str, tuple[tuple[int, ...], Organization]] = {}


def organization_of(account_id: str) -> Organization | None:
    """The account's organization (its ACTIVE members), or None outside one."""
    if dict.__contains__(organizations_backends.master_accounts, account_id):
        management = organizations_backends.master_accounts[account_id][0]
    else:
        management = account_id
    if not dict.__contains__(organizations_backends, management):
        return None
    orgs = organizations_backends[management]["aws"]
    if orgs.org is None:
        return None
    # The version, and what moto paths not wrapped would change: a reset backend, a new
    # organization, an account added or removed.
    key = (Membership.version, id(orgs), id(orgs.org), len(orgs.accounts))
    listed = _LISTED.get(management)
    if listed is not None and listed[0] == key:
        return listed[1]
    members = tuple(a.id for a in orgs.accounts if a.status == "ACTIVE")
    found = Organization(management, orgs.org.id, members, frozenset(members))
    _LISTED[management] = (key, found)
    return found


def install_membership() -> None:
    """Wrap moto's calls that change an organization's ACTIVE members (idempotent)."""
    for owner, name in (
        (FakeAccount, "close"),
        (OrganizationsBackend, "create_organization"),
        (OrganizationsBackend, "delete_organization"),
        (OrganizationsBackend, "create_account"),
        (OrganizationsBackend, "remove_account_from_organization"),
    ):
        original = owner.__dict__[name]
        if getattr(original, "_membership", False):
            continue
        setattr(owner, name, _bumping(original))


def _bumping(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        finally:
            Membership.changed()

    wrapper._membership = True  # type: ignore[attr-defined]
    return wrapper


def sources_of(aggregator: Aggregator, now: datetime | None = None) -> list[Source]:
    """Every source of the aggregator, sorted by account then region."""
    now = now or datetime.now(UTC)
    owner = existing_backend(aggregator.account_id, aggregator.region)
    forced = sim(owner).source_status if owner else {}
    regions = regions_of(aggregator)
    model = aggregator.model
    result: list[Source] = []
    if model.organization_aggregation_source is not None:
        org = organization_of(aggregator.account_id)
        if org is None or org.management != aggregator.account_id:
            return [
                Source(
                    aggregator.account_id,
                    region,
                    "ORGANIZATION",
                    aggregator.account_id,
                    "FAILED",
                    now,
                    NO_ORGANIZATION_CODE,
                    "The aggregator account is not the management account of an organization.",
                    readable=False,
                )
                for region in regions
            ]
        for account in sorted(org.members):
            for region in regions:
                result.append(_source(aggregator, account, region, True, forced, now))
        return result
    for account in sorted(set(_account_source(aggregator).account_ids)):
        for region in regions:
            authorized = _authorized(aggregator, account, region)
            result.append(_source(aggregator, account, region, authorized, forced, now))
    return result


def source_of(aggregator: Aggregator, account: str, region: str) -> Source | None:
    """The one source (account, region) of the aggregator, without listing them all; None if the
    aggregator does not read it."""
    if region not in regions_of(aggregator):
        return None
    owner = existing_backend(aggregator.account_id, aggregator.region)
    forced = sim(owner).source_status if owner else {}
    now = datetime.now(UTC)
    if aggregator.model.organization_aggregation_source is not None:
        org = organization_of(aggregator.account_id)
        if org is None or org.management != aggregator.account_id or account not in org.member_set:
            return None
        return _source(aggregator, account, region, True, forced, now)
    if account not in _account_source(aggregator).account_ids:
        return None
    return _source(aggregator, account, region, _authorized(aggregator, account, region), forced, now)


def _account_source(aggregator: Aggregator) -> AccountAggregatorSource:
    # moto accepts exactly one of the two kinds, and at most one account source.
    sources = aggregator.model.account_aggregation_sources
    assert sources, "an aggregator has an organization source or an account source"
    return sources[0]


def readable_sources(aggregator: Aggregator) -> list[Source]:
    return [s for s in sources_of(aggregator) if s.readable]


def _authorized(aggregator: Aggregator, account: str, region: str) -> bool:
    if account == aggregator.account_id:
        return True
    source_backend = existing_backend(account, region)
    if source_backend is None:
        return False
    key = f"{aggregator.account_id}/{aggregator.region}"
    return key in source_backend.aggregation_authorizations


def _source(
    aggregator: Aggregator,
    account: str,
    region: str,
    authorized: bool,
    forced: dict[tuple[str, str, str], SourceStatus],
    now: datetime,
) -> Source:
    if not authorized:
        return Source(
            account,
            region,
            "ACCOUNT",
            account,
            "FAILED",
            now,
            UNAUTHORIZED_CODE,
            f"Account {account} has not authorized aggregator account {aggregator.account_id} "
            f"in region {aggregator.region} to collect data from {region}.",
            readable=False,
        )
    status = forced.get((aggregator.name, account, region))
    if status is None:
        return Source(account, region, "ACCOUNT", account, "SUCCEEDED", now)
    # A FAILED or OUTDATED source keeps the data aggregated before it broke.
    return Source(
        account,
        region,
        "ACCOUNT",
        account,
        status.status,
        status.last_update or now,
        status.error_code,
        status.error_message,
    )
