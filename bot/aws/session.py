"""The boto3 `config` client the bot uses: credentials, region, endpoint and retries.

Credentials come from the SDK's default chain, or from a role in the aggregator account
(COMPLIANCE_ROLE_ARN) assumed with those, refreshed by botocore before they expire.
AWS_ENDPOINT_URL is honoured by boto3 itself (the tests and the demo point it at the simulator).
Retries use botocore's adaptive mode, which also rate-limits the client when AWS throttles.
Timestamps are read as UTC (`utc_timestamp`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import botocore.utils
from botocore.config import Config
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    CredentialProvider,
    Credentials,
    DeferredRefreshableCredentials,
)

from bot.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient

SESSION_NAME = "compliance-bot"


class _AssumedRoleProvider(CredentialProvider):
    METHOD = "compliance-bot-assume-role"
    CANONICAL_NAME = "compliance-bot-assume-role"

    def __init__(self, fetcher: AssumeRoleCredentialFetcher) -> None:
        super().__init__()
        self._fetcher = fetcher

    def load(self) -> Credentials:
        return DeferredRefreshableCredentials(
            method=self.METHOD, refresh_using=self._fetcher.fetch_credentials
        )


def utc_timestamp(value: Any) -> datetime:
    """A timestamp of AWS's answer, in UTC. AWS Config's JSON protocol sends epoch seconds;
    botocore's default reads them in the machine's local zone through dateutil, about 30 us each:
    a summary page of 1,000 groups spent half its client-side time there."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    parsed = botocore.utils.parse_timestamp(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _session(settings: Settings) -> boto3.session.Session:
    core = botocore.session.Session()
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=utc_timestamp)
    if settings.aggregator_region:
        core.set_config_variable("region", settings.aggregator_region)
    if settings.role_arn:
        source = botocore.session.Session()
        if settings.aggregator_region:
            source.set_config_variable("region", settings.aggregator_region)
        fetcher = AssumeRoleCredentialFetcher(
            client_creator=source.create_client,
            source_credentials=source.get_credentials(),
            role_arn=settings.role_arn,
            extra_args={"RoleSessionName": SESSION_NAME},
        )
        resolver: Any = core.get_component("credential_provider")
        resolver.insert_before("env", _AssumedRoleProvider(fetcher))
    return boto3.session.Session(botocore_session=core)


def config_client(settings: Settings) -> ConfigServiceClient:
    retries: Any = {"mode": "adaptive", "total_max_attempts": settings.aws_max_attempts}
    client: ConfigServiceClient = _session(settings).client(
        "config",
        config=Config(
            retries=retries,
            connect_timeout=5,
            read_timeout=settings.aws_read_timeout,
            max_pool_connections=max(10, settings.aws_concurrency * 2),
            user_agent_extra="compliance-bot",
        ),
    )
    return client


def events_client(settings: Settings) -> Any:
    """An `sqs` client for the compliance-change events queue (COMPLIANCE_EVENTS_QUEUE_URL), with
    the same credentials; its read timeout outlasts a long poll (bot/watch/events.py)."""
    return _session(settings).client("sqs", config=Config(connect_timeout=5, read_timeout=40))
