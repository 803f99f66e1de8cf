"""The seeded organization's public names, by the path tests, benchmarks, the demo and
`compliance-bot sim` import them from: `generate(OrgSpec(...))` returns a `SeededOrg`. What is
seeded, and how, is told in `simulator.seeding`, whose modules hold these names.
"""

from __future__ import annotations

from simulator.seeding.aggregator_owner import configure_aggregator_owner, set_source_status
from simulator.seeding.catalog import (
    CUSTOM_ORG_RULE,
    CUSTOM_ORG_RULE_METADATA,
    IAM_RULE,
    LOCAL_RULE,
    ORG_RULES,
    PACK_COPIES,
    PACK_COPY_SHARE,
    PACK_KEY,
    PACK_NAME,
    SECURITY_HUB_CREATOR,
    SECURITY_HUB_RULES,
    SECURITY_HUB_SHARE,
    conformance_packs,
    pack_rules,
)
from simulator.seeding.generator import freeze_heap, generate
from simulator.seeding.organization import AGGREGATOR_ROLE, READ_ROLE, STAGES, TEAMS
from simulator.seeding.resources import ENGINES, INSTANCE_TYPES, ROLE_ID_ALPHABET
from simulator.seeding.spec import DEFAULT_REGIONS, WIDE_REGIONS, OrgSpec, SeededEvaluation, SeededOrg

__all__ = [
    "AGGREGATOR_ROLE",
    "CUSTOM_ORG_RULE",
    "CUSTOM_ORG_RULE_METADATA",
    "DEFAULT_REGIONS",
    "ENGINES",
    "IAM_RULE",
    "INSTANCE_TYPES",
    "LOCAL_RULE",
    "ORG_RULES",
    "PACK_COPIES",
    "PACK_COPY_SHARE",
    "PACK_KEY",
    "PACK_NAME",
    "READ_ROLE",
    "ROLE_ID_ALPHABET",
    "SECURITY_HUB_CREATOR",
    "SECURITY_HUB_RULES",
    "SECURITY_HUB_SHARE",
    "STAGES",
    "TEAMS",
    "WIDE_REGIONS",
    "OrgSpec",
    "SeededEvaluation",
    "SeededOrg",
    "configure_aggregator_owner",
    "conformance_packs",
    "freeze_heap",
    "generate",
    "pack_rules",
    "set_source_status",
]
