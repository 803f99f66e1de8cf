"""What the aggregator's owner account-region holds about its aggregators: the sources forced to
FAILED or OUTDATED in a seeded organization, and the hooks tests and demos use on hand-made
worlds to force a source's status or to set how the aggregators page and cap their counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from simulator.seeding.spec import SeededOrg
from simulator.state import CONTRIBUTOR_CAP, LOCK, SourceStatus, backend, sim


def seed_statuses(org: SeededOrg, rng: random.Random) -> None:
    owner = sim(backend(org.management_account, org.spec.aggregator_region))
    members = [a for a in org.accounts if a != org.management_account] or org.accounts
    picks = rng.sample(
        [(a, r) for a in members for r in org.spec.regions],
        min(
            len(members) * len(org.spec.regions),
            org.spec.failed_sources + org.spec.outdated_sources,
        ),
    )
    for index, (account, region) in enumerate(picks):
        if index < org.spec.failed_sources:
            status = SourceStatus(
                "FAILED",
                "AccessDeniedException",
                f"AWS Config could not assume the role in account {account}: access denied.",
                datetime.now(UTC) - timedelta(hours=30),
            )
        else:
            status = SourceStatus("OUTDATED", None, None, datetime.now(UTC) - timedelta(hours=7))
        owner.source_status[(org.aggregator_name, account, region)] = status
        org.statuses[(account, region)] = status


def set_source_status(
    aggregator_account: str,
    aggregator_region: str,
    aggregator_name: str,
    account: str,
    region: str,
    status: str,
    error_code: str | None = None,
    error_message: str | None = None,
) -> None:
    """Force a source's status (tests and demos): FAILED with an error code, OUTDATED, SUCCEEDED."""
    with LOCK:
        owner = sim(backend(aggregator_account, aggregator_region))
        owner.source_status[(aggregator_name, account, region)] = SourceStatus(
            status, error_code, error_message, datetime.now(UTC)
        )


def configure_aggregator_owner(
    aggregator_account: str,
    aggregator_region: str,
    empty_page_rate: float = 0.0,
    empty_page_seed: int = 0,
    contributor_cap: int = CONTRIBUTOR_CAP,
    rule_summary_cap: int | None = None,
) -> None:
    """How the aggregators of an account and region answer (tests on hand-made worlds; `generate`
    sets the same from its OrgSpec): empty pages with a NextToken at a seeded rate, and caps."""
    with LOCK:
        owner = sim(backend(aggregator_account, aggregator_region))
        owner.empty_page_rate, owner.empty_page_seed = empty_page_rate, empty_page_seed
        owner.contributor_cap, owner.rule_summary_cap = contributor_cap, rule_summary_cap
