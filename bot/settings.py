"""Settings, from the environment (and later a YAML file); built once, passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the bot reads from its environment. Tests construct it directly."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr = Field(
        SecretStr(""), alias="SLACK_BOT_TOKEN", description="The bot token (xoxb-...)."
    )
    slack_signing_secret: SecretStr = Field(
        SecretStr(""), alias="SLACK_SIGNING_SECRET", description="Verifies that requests come from Slack."
    )
    slack_app_token: SecretStr | None = Field(
        None, alias="SLACK_APP_TOKEN", description="An app-level token (xapp-...): serve in Socket Mode."
    )
    slack_api_url: str = Field(
        "https://slack.com/api/", alias="SLACK_API_URL", description="Slack's Web API base URL."
    )
    port: int = Field(3000, alias="PORT", description="The HTTP port of `serve`.")
    metrics_token: SecretStr | None = Field(
        None,
        alias="COMPLIANCE_METRICS_TOKEN",
        description="When set, GET /metrics needs `Authorization: Bearer <token>` (else it is open: "
        "keep the port off the internet).",
    )
    answer_in_channel: bool = Field(
        False,
        alias="COMPLIANCE_ANSWER_IN_CHANNEL",
        description="Post answers in the channel by default; else only the asker sees them, unless `public`.",
    )
    listener_workers: int = Field(
        16,
        alias="COMPLIANCE_LISTENER_WORKERS",
        ge=1,
        le=256,
        description="Threads answering Slack requests after their ack.",
    )
    aggregator: str = Field(
        "OrgAggregator",
        alias="COMPLIANCE_AGGREGATOR",
        description="The aggregator questions go to unless they name another.",
    )
    aggregator_region: str | None = Field(
        None,
        alias="COMPLIANCE_AGGREGATOR_REGION",
        description="The aggregator's region; default: the AWS SDK's region (AWS_REGION).",
    )
    role_arn: str | None = Field(
        None,
        alias="COMPLIANCE_ROLE_ARN",
        description="A role in the aggregator account to assume; default: the SDK's credentials.",
    )
    config_file: Path | None = Field(
        None,
        alias="COMPLIANCE_CONFIG",
        description="YAML file: rule aliases, channel scopes and admins, digests, audit stream.",
    )
    aws_concurrency: int = Field(
        8,
        alias="COMPLIANCE_AWS_CONCURRENCY",
        ge=1,
        le=64,
        description="Concurrent AWS calls one question may make (fan-out plans).",
    )
    query_row_cap: int = Field(
        1000,
        alias="COMPLIANCE_QUERY_ROW_CAP",
        ge=1,
        le=100_000,
        description="Rows an advanced query reads at most.",
    )
    aws_max_attempts: int = Field(
        8,
        alias="COMPLIANCE_AWS_MAX_ATTEMPTS",
        ge=1,
        le=20,
        description="Attempts per AWS call, botocore's adaptive retries included.",
    )
    aws_read_timeout: float = Field(
        15.0,
        alias="COMPLIANCE_AWS_READ_TIMEOUT",
        gt=0,
        le=120,
        description="Seconds one AWS call may wait for its response before it is retried.",
    )
    slow_workers: int = Field(
        8,
        alias="COMPLIANCE_SLOW_WORKERS",
        ge=1,
        le=128,
        description="Questions that need AWS computed at once; more wait (help and cached answers never do).",
    )
    answer_deadline: float = Field(
        20.0,
        alias="COMPLIANCE_ANSWER_DEADLINE",
        gt=0,
        description="Seconds before the asker is told AWS is slow and the answer will be posted when ready.",
    )
    question_time_limit: float = Field(
        300.0,
        alias="COMPLIANCE_QUESTION_TIME_LIMIT",
        gt=0,
        description="Seconds a question may spend asking AWS before it gives up politely.",
    )
    redis_url: str | None = Field(
        None,
        alias="REDIS_URL",
        description="Redis shared by every replica, e.g. redis://redis:6379/0; default: in-process.",
    )
    cache_ttls: dict[str, int] = Field(
        default_factory=dict,
        alias="COMPLIANCE_CACHE_TTLS",
        description='Seconds an answer stays fresh, per question kind, as JSON: {"health": 30}.',
    )
    cache_max_stale: int = Field(
        900,
        alias="COMPLIANCE_CACHE_MAX_STALE",
        ge=0,
        description="Seconds past freshness an answer is still served while it refreshes.",
    )
    digest_grace_hours: float = Field(
        6.0,
        alias="COMPLIANCE_DIGEST_GRACE_HOURS",
        ge=0,
        description="How late a missed digest is still posted (saying it is late).",
    )
    digest_interval: float = Field(
        30.0, alias="COMPLIANCE_DIGEST_INTERVAL", gt=0, description="Seconds between checks for due digests."
    )
    watch_interval: float = Field(
        300.0,
        alias="COMPLIANCE_WATCH_INTERVAL",
        gt=0,
        description="Seconds between two readings of each watch (an alert comes within this).",
    )
    events_queue_url: str | None = Field(
        None,
        alias="COMPLIANCE_EVENTS_QUEUE_URL",
        description="SQS queue of AWS Config's compliance-change events: watches alert within seconds.",
    )
    detail_call_cap: int = Field(
        200,
        alias="COMPLIANCE_DETAIL_CALL_CAP",
        ge=1,
        description=(
            "Sources whose details one question reads at most: within it a rule's answer reads every "
            "source's details; past it, one advanced query lists the resources and details are partial."
        ),
    )


def reference() -> str:
    """The configuration reference as a Markdown table, generated from this model (README.md
    carries it between markers; a test fails when they disagree). Regenerate with
    `python -m bot.settings`."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, info in Settings.model_fields.items():
        default = info.get_default(call_default_factory=True)
        if isinstance(default, SecretStr):
            default = default.get_secret_value() or None
        shown = "" if default in (None, "", {}) else f"`{default}`"
        lines.append(f"| `{info.alias or name}` | {shown} | {info.description or ''} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference())
