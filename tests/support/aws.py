"""Settings and plan contexts for an organization seeded in moto's in-process mock; the `org` and
`service` fixtures (tests/conftest.py) build on them."""

from __future__ import annotations

from typing import Any

from bot.aws.session import config_client
from bot.questions.plans import PlanContext
from bot.settings import Settings
from simulator.orggen import SeededOrg


def settings_for(org: SeededOrg, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "aggregator": org.aggregator_name,
        "aggregator_region": org.spec.aggregator_region,
        "role_arn": org.role_arn,
        **overrides,
    }
    return Settings(**values)


def small_pages(org: SeededOrg, **overrides: Any) -> PlanContext:
    """A service that pages at 2 items, so every answer crosses page boundaries."""
    settings = settings_for(org, **overrides)
    from bot.aws.client import PAGE_MAX

    return PlanContext(config_client(settings), settings, page_sizes=dict.fromkeys(PAGE_MAX, 2))
