"""The YAML configuration file (COMPLIANCE_CONFIG).

aliases:
  s3-enc: s3-bucket-server-side-encryption-enabled
synonyms:                         # phrases people use, for questions in their own words
  crown jewels: s3-bucket-public-read-prohibited
account_names:                    # what people call accounts
  payments-prod: "111122223333"
digests:
  - {channel: C0SECURITY, time: "09:00", timezone: Europe/Paris}
  - {channel: C0PAYMENTS, time: "08:30", timezone: America/New_York, weekdays: weekdays}
waiver_approvers: [U0RISKLEAD]    # besides the admins, who may waive and unwaive from Slack
waivers:                          # accepted risks kept in git (the same as `waive` in Slack)
  - rule: s3-bucket-server-side-encryption-enabled
    account_id: "111122223333"
    region: us-east-1
    resource_id: legacy-logs
    resource_type: AWS::S3::Bucket   # optional: without it, the id under any type
    expires_at: 2026-12-31           # a date waives through that day (UTC)
    reason: Replaced by the new log archive in Q4 (RISK-142)
    approved_by: U0RISKLEAD
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from bot.access.scopes import AccessConfig, ChannelAccess
from bot.digest.schedule import DigestSubscription
from bot.errors import BotError
from bot.questions.rules import RuleCatalog
from bot.waivers.model import Waiver
from bot.watch.model import Watch


class ComplianceConfig(BaseModel):
    aliases: dict[str, str] = Field(default_factory=dict)
    synonyms: dict[str, str] = Field(default_factory=dict)  # a phrase -> the rule (or alias) it names
    account_names: dict[str, str] = Field(default_factory=dict)  # what people call an account -> its id
    digests: list[DigestSubscription] = Field(default_factory=list)
    watches: list[Watch] = Field(default_factory=list)  # made `source: config` when loaded
    admins: list[str] = Field(default_factory=list)
    default_scope: Literal["all", "none"] = "all"
    channels: dict[str, ChannelAccess] = Field(default_factory=dict)
    audit_stream: bool = False  # also append audit lines to a bounded Redis stream
    waiver_approvers: list[str] = Field(default_factory=list)  # Slack user ids, besides the admins
    waivers: list[Waiver] = Field(default_factory=list)  # made `source: config` when loaded

    def configured_watches(self) -> list[Watch]:
        return [w.model_copy(update={"source": "config"}) for w in self.watches]

    def access(self) -> AccessConfig:
        return AccessConfig(
            admins=self.admins,
            default_scope=self.default_scope,
            channels=self.channels,
        )


def load_config(path: Path | None) -> ComplianceConfig:
    if path is None:
        return ComplianceConfig()
    try:
        data = yaml.safe_load(path.read_text()) or {}
        return ComplianceConfig.model_validate(data)
    except (OSError, yaml.YAMLError) as error:
        raise BotError(f"Cannot read COMPLIANCE_CONFIG {path}: {error}") from error
    except ValidationError as error:
        raise BotError(f"COMPLIANCE_CONFIG {path} is not valid: {error}") from error


def load_catalog(path: Path | None) -> RuleCatalog:
    return RuleCatalog.default(load_config(path).aliases)
