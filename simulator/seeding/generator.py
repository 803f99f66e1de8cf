"""`generate`, which seeds a whole organization in order (organization, organization rules, every
account-region, source statuses, the owner's paging and caps, then every source's cached views),
deterministically by the spec's seed; and `freeze_heap` for processes that keep it for life."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager

from moto.config.models import ConfigRecorder
from moto.moto_api._internal import mock_random

from simulator.api.advanced_query import prepare_views
from simulator.seeding.account_region import recording_groups, seed_account_region
from simulator.seeding.aggregator_owner import seed_statuses
from simulator.seeding.organization import deploy_org_rules, make_organization
from simulator.seeding.spec import OrgSpec, SeededOrg
from simulator.state import LOCK, backend, sim


def generate(spec: OrgSpec | None = None) -> SeededOrg:
    """Create the organization, its aggregator, rules, resources and evaluations."""
    spec = spec or OrgSpec()
    rng = random.Random(spec.seed)
    mock_random.seed(spec.seed)  # moto's own ids (accounts, ARNs) follow the seed too
    with LOCK, _collector_paused():
        org = make_organization(spec, rng)
        deploy_org_rules(org)
        members = [a for a in org.accounts if a != org.management_account]
        org.accounts_without_compliance_items = sorted(
            rng.sample(members, min(spec.accounts_without_compliance_items, len(members)))
        )
        groups = recording_groups()
        for account in org.accounts:
            excluded = account in org.accounts_without_compliance_items
            role = (
                f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
            )
            for region in spec.regions:
                home = region == spec.home_region
                seed_account_region(org, account, region, rng, ConfigRecorder(role, groups[home, excluded]))
        seed_statuses(org, rng)
        owner = sim(backend(org.management_account, spec.aggregator_region))
        owner.empty_page_rate, owner.empty_page_seed = spec.empty_page_rate, spec.seed
        owner.contributor_cap, owner.rule_summary_cap = spec.contributor_cap, spec.rule_summary_cap
        # Derive each source's views now rather than in the first read, which would otherwise
        # take longer than a client's read timeout at 10,000 accounts.
        prepare_views(org.management_account, spec.aggregator_region, spec.aggregator_name)
    return org


def freeze_heap() -> None:
    """For a process that holds one seeded organization for the rest of its life (the served
    simulator, a benchmark): move the heap out of the cyclic collector's sight, so its full
    collections do not stall reads for seconds at 10,000 accounts."""
    gc.collect()
    gc.freeze()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Seeding makes millions of objects and no garbage cycles; the cyclic collector would scan
    the growing heap again and again (a third of seeding time at 10,000 accounts)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
