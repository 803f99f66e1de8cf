"""Every operation the simulator serves, by the snake_case name moto routes it under: the index
`simulator.install` attaches to moto's config service. The operations live in `simulator.api`,
one module per family; this module only gathers them, with the helpers that the seeder, tests and
benchmarks reach by this path (the compliance documents, the advanced query's documents,
recording evaluations).
"""

from __future__ import annotations

from simulator.api.advanced_query import (
    compliance_documents,
    prepare_views,
    query_documents,
    select_aggregate_resource_config,
)
from simulator.api.conformance_packs import (
    describe_aggregate_compliance_by_conformance_packs,
    get_aggregate_conformance_pack_compliance_summary,
)
from simulator.api.evaluations import put_evaluations, record_evaluations
from simulator.api.organization_rules import (
    describe_organization_config_rules,
    member_rule_name,
    put_organization_config_rule,
)
from simulator.api.resources import (
    batch_get_aggregate_resource_config,
    get_aggregate_discovered_resource_counts,
    get_aggregate_resource_config,
    list_aggregate_discovered_resources,
)
from simulator.api.rule_compliance import (
    describe_aggregate_compliance_by_config_rules,
    get_aggregate_compliance_details_by_config_rule,
    get_aggregate_config_rule_compliance_summary,
)
from simulator.api.source_status import describe_configuration_aggregator_sources_status

__all__ = [
    "batch_get_aggregate_resource_config",
    "compliance_documents",
    "describe_aggregate_compliance_by_config_rules",
    "describe_aggregate_compliance_by_conformance_packs",
    "describe_configuration_aggregator_sources_status",
    "describe_organization_config_rules",
    "get_aggregate_compliance_details_by_config_rule",
    "get_aggregate_config_rule_compliance_summary",
    "get_aggregate_conformance_pack_compliance_summary",
    "get_aggregate_discovered_resource_counts",
    "get_aggregate_resource_config",
    "list_aggregate_discovered_resources",
    "member_rule_name",
    "prepare_views",
    "put_evaluations",
    "put_organization_config_rule",
    "query_documents",
    "record_evaluations",
    "select_aggregate_resource_config",
]
