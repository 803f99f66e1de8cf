"""The AWS checks: the region and credentials the SDK finds, then the credentials, the role the bot
assumes and the aggregator, through the bot's own client (bot/aws/session.py)."""

from __future__ import annotations

import botocore.session
from botocore.exceptions import BotoCoreError, ClientError

from bot import boundary
from bot.aws.client import AggregatorClient, Tally
from bot.aws.session import config_client
from bot.errors import AccessDenied, AwsError, BotError
from bot.settings import Settings
from bot.setup.result import Check, ok, one_line, warn

# A check should answer in seconds, not retry for a minute as a question may.
DENIED = {"AccessDenied", "AccessDeniedException"}
BAD_CREDENTIALS = {
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "UnrecognizedClientException",
}


def region(settings: Settings) -> str | None:
    """The aggregator's region as the bot's session will use it."""
    found = settings.aggregator_region or botocore.session.Session().get_config_variable("region")
    return str(found) if found else None


def credentials_method(settings: Settings) -> str | None:
    """How the SDK's chain finds credentials (e.g. "env", "assume-role-with-web-identity"), or None."""
    core = botocore.session.Session()
    if settings.aggregator_region:
        core.set_config_variable("region", settings.aggregator_region)
    try:
        found = core.get_credentials()
    except BotoCoreError:
        return None
    return str(found.method) if found is not None else None


def access(settings: Settings) -> list[Check]:
    """The credentials, the role and the aggregator, in one call of the bot's own client (the only
    way to AWS the bot has: bot/aws/session.py), told apart by which call AWS refused."""
    quick = settings.model_copy(update={"aws_max_attempts": 2, "aws_read_timeout": 10.0})
    client = config_client(quick)
    name = settings.aggregator
    role = [ok("AWS role", f"assumed {settings.role_arn}.")] if settings.role_arn else []
    try:
        found = client.describe_configuration_aggregators(ConfigurationAggregatorNames=[name])
    except BotoCoreError as error:
        return [warn("AWS", f"did not answer ({type(error).__name__}).", "Check the network to AWS.")]
    except ClientError as error:
        code = _code(error)
        if code in BAD_CREDENTIALS:
            return [_rejected(error)]
        if error.operation_name == "AssumeRole":
            return [
                ok("AWS credentials", "accepted."),
                warn(
                    "AWS role",
                    f"cannot assume {settings.role_arn} ({code}: {_said(error)}).",
                    "The role's trust policy must allow the bot's own principal, which needs "
                    "sts:AssumeRole on the role (deploy/terraform does both).",
                ),
            ]
        aggregators = AggregatorClient(client, settings.role_arn)
        if code == "NoSuchConfigurationAggregatorException":
            where = "COMPLIANCE_AGGREGATOR_REGION" if settings.aggregator_region else "the AWS SDK's region"
            problem = warn(
                "aggregator",
                f"there is no aggregator {name} in {aggregators.region} ({where}): every question will fail.",
                _elsewhere(aggregators, name),
            )
        else:
            refused = (
                AccessDenied("DescribeConfigurationAggregators", settings.role_arn, code)
                if code in DENIED
                else AwsError(
                    f"AWS Config answered {code}: {_said(error)}", "DescribeConfigurationAggregators"
                )
            )
            problem = warn(
                "aggregator",
                boundary.describe(refused, check="setup"),
                "Grant the bot's role docs/iam-policy.json (deploy/terraform does), then check again.",
            )
        return [ok("AWS credentials", "accepted."), *role, problem]
    described = (found.get("ConfigurationAggregators") or [{}])[0]
    kind = "organization-based" if described.get("OrganizationAggregationSource") else "account-based"
    return [
        ok("AWS credentials", "accepted."),
        *role,
        ok("aggregator", f"{name} in {client.meta.region_name}, {kind}."),
    ]


def _elsewhere(client: AggregatorClient, name: str) -> str:
    """The fix for a missing aggregator: the names there are, when they can be read."""
    try:
        rows = client.call(Tally(), "DescribeConfigurationAggregators").get("ConfigurationAggregators", [])
    except BotError:
        rows = []
    names = ", ".join(str(r.get("ConfigurationAggregatorName")) for r in rows)
    there = f"Set COMPLIANCE_AGGREGATOR to one of: {names}" if names else "Create it (README.md, AWS set-up)"
    return f"{there}; or set COMPLIANCE_AGGREGATOR_REGION to the region that holds {name}."


def _code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "error")
    return type(error).__name__


def _said(error: ClientError) -> str:
    return one_line(str(error.response.get("Error", {}).get("Message", "")))[:200]


def _rejected(error: ClientError) -> Check:
    return warn(
        "AWS credentials",
        f"AWS rejected them ({_code(error)}).",
        "Refresh or replace them (for IRSA, check the ServiceAccount's role annotation).",
    )
