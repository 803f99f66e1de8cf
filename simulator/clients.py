"""A boto3 client whose calls land in one account of the simulated organization, the way moto
assigns them (assumed-role keys): how tests and benchmarks act as a member account's rule."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def member_client(
    service: str, account: str, region: str, endpoint: str | None = None, config: Config | None = None
) -> Any:
    sts = boto3.client("sts", region_name=region, endpoint_url=endpoint, config=config)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/test", RoleSessionName="member")[
        "Credentials"
    ]
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=config,
    )
