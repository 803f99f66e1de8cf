"""Configuration items carry their relationships as AWS's schema has them, in what
GetAggregateResourceConfig returns and in what an advanced query can SELECT and filter on."""

from __future__ import annotations

import json

from simulator.orggen import SeededOrg
from tests.simulator.helpers import client


def test_instances_are_related_to_their_security_group_and_volume_both_ways(org: SeededOrg) -> None:
    by_key = {(r.account_id, r.region, r.resource_type, r.resource_id): r for r in org.resources}
    instances = [r for r in org.resources if r.resource_type == "AWS::EC2::Instance"]
    assert instances
    for instance in instances:
        names = {r["relationshipName"]: r for r in instance.relationships}
        assert set(names) == {"Is associated with SecurityGroup", "Is attached to Volume"}
        for relationship in instance.relationships:
            assert set(relationship) <= {"resourceType", "resourceId", "resourceName", "relationshipName"}
            other = by_key[
                (
                    instance.account_id,
                    instance.region,
                    relationship["resourceType"],
                    relationship["resourceId"],
                )
            ]
            assert relationship.get("resourceName") == other.resource_name
            assert any(back["resourceId"] == instance.resource_id for back in other.relationships)
    databases = [r for r in org.resources if r.resource_type == "AWS::RDS::DBInstance"]
    assert databases and all(
        [r["relationshipName"] for r in db.relationships] == ["Is associated with SecurityGroup"]
        for db in databases
    )


def test_relationships_are_in_the_configuration_item_and_the_advanced_query(org: SeededOrg) -> None:
    config = client("config", org.management_account, org.spec.aggregator_region)
    instance = next(r for r in org.resources if r.resource_type == "AWS::EC2::Instance")
    item = config.get_aggregate_resource_config(
        ConfigurationAggregatorName=org.aggregator_name,
        ResourceIdentifier={
            "SourceAccountId": instance.account_id,
            "SourceRegion": instance.region,
            "ResourceId": instance.resource_id,
            "ResourceType": instance.resource_type,
        },
    )["ConfigurationItem"]
    assert item["relationships"] == instance.relationships
    rows = config.select_aggregate_resource_config(
        ConfigurationAggregatorName=org.aggregator_name,
        Expression=f"SELECT resourceId, relationships WHERE resourceId = '{instance.resource_id}'",
    )["Results"]
    assert [json.loads(r) for r in rows] == [
        {"resourceId": instance.resource_id, "relationships": instance.relationships}
    ]
    group = next(r for r in instance.relationships if r["resourceType"] == "AWS::EC2::SecurityGroup")
    related = config.select_aggregate_resource_config(
        ConfigurationAggregatorName=org.aggregator_name,
        Expression="SELECT resourceId WHERE resourceType = 'AWS::EC2::Instance' "
        f"AND relationships.resourceId = '{group['resourceId']}'",
    )["Results"]
    assert [json.loads(r)["resourceId"] for r in related] == [instance.resource_id]
