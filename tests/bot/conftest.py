from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.aws.session import config_client
from bot.questions.plans import PlanContext
from bot.settings import Settings
from simulator.faults import FAULTS
from simulator.orggen import OrgSpec, SeededOrg, generate

SPEC = OrgSpec(
    seed=21, accounts=6, regions=("us-east-1", "eu-west-1"), resources_per_region=5, non_compliance=0.3
)


@pytest.fixture
def org(moto: None) -> Iterator[SeededOrg]:
    FAULTS.clear()
    yield generate(SPEC)
    FAULTS.clear()


def settings_for(org: SeededOrg, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "aggregator": org.aggregator_name,
        "aggregator_region": org.spec.aggregator_region,
        "role_arn": org.role_arn,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def service(org: SeededOrg) -> PlanContext:
    settings = settings_for(org)
    return PlanContext(config_client(settings), settings)


def small_pages(org: SeededOrg, **overrides: Any) -> PlanContext:
    """A service that pages at 2 items, so every answer crosses page boundaries."""
    settings = settings_for(org, **overrides)
    from bot.aws.client import PAGE_MAX

    return PlanContext(config_client(settings), settings, page_sizes=dict.fromkeys(PAGE_MAX, 2))
