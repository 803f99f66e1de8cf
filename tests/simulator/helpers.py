"""Clients and small worlds for the simulator's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from simulator.clients import member_client

REGION = "us-east-1"
AGGREGATOR_ACCOUNT = "111111111111"
MEMBER_A = "222222222222"
MEMBER_B = "333333333333"
UNAUTHORIZED = "444444444444"
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service: str, account: str, region: str = REGION, endpoint: str | None = None) -> Any:
    """A client whose calls land in `account`, the way moto assigns them: assumed-role keys."""
    return member_client(service, account, region, endpoint, NO_RETRIES)


def error_code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def put_rule(
    config: Any,
    name: str,
    identifier: str = "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
    types: tuple[str, ...] = ("AWS::S3::Bucket",),
) -> None:
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": name,
            "Source": {"Owner": "AWS", "SourceIdentifier": identifier},
            "Scope": {"ComplianceResourceTypes": list(types)},
        }
    )


def evaluate(
    config: Any,
    rule: str,
    verdicts: dict[str, str],
    resource_type: str = "AWS::S3::Bucket",
    when: datetime | None = None,
    annotation: str | None = None,
) -> None:
    when = when or datetime.now(UTC)
    items = list(verdicts.items())
    for start in range(0, len(items), 100):
        evaluations = []
        for resource_id, verdict in items[start : start + 100]:
            evaluation = {
                "ComplianceResourceType": resource_type,
                "ComplianceResourceId": resource_id,
                "ComplianceType": verdict,
                "OrderingTimestamp": when,
            }
            if annotation:
                evaluation["Annotation"] = annotation
            evaluations.append(evaluation)
        config.put_evaluations(ResultToken=rule, Evaluations=evaluations)


def record(account: str, region: str = REGION, **group: Any) -> None:
    """Give the account and region a configuration recorder, the way an account that AWS Config
    records gets one; by default it records every supported type, global types (IAM) included."""
    client("config", account, region).put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/"
            "AWSServiceRoleForConfig",
            "recordingGroup": group or {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )


def account_world(regions: tuple[str, ...] = (REGION, "eu-west-1")) -> dict[str, Any]:
    """An account-based aggregator over three accounts, one of which never authorized it. Every
    account records everything in every region (global types in the first region only)."""
    for account in (AGGREGATOR_ACCOUNT, MEMBER_A, MEMBER_B, UNAUTHORIZED):
        for region in regions:
            record(
                account,
                region,
                allSupported=True,
                includeGlobalResourceTypes=region == regions[0],
            )
    aggregator = client("config", AGGREGATOR_ACCOUNT)
    aggregator.put_configuration_aggregator(
        ConfigurationAggregatorName="accounts",
        AccountAggregationSources=[
            {
                "AccountIds": [AGGREGATOR_ACCOUNT, MEMBER_A, MEMBER_B, UNAUTHORIZED],
                "AwsRegions": list(regions),
            }
        ],
    )
    for account in (MEMBER_A, MEMBER_B):
        for region in regions:
            client("config", account, region).put_aggregation_authorization(
                AuthorizedAccountId=AGGREGATOR_ACCOUNT, AuthorizedAwsRegion=REGION
            )
    return {"aggregator": aggregator, "regions": regions}


def then(minutes: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)
