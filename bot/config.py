"""The YAML configuration file (COMPLIANCE_CONFIG): for now, rule aliases.

aliases:
  s3-enc: s3-bucket-server-side-encryption-enabled
  pci-logging: OrgConfigRule-cloudtrail-enabled-ab12cd34
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.errors import BotError
from bot.rules import RuleCatalog


def load_catalog(path: Path | None) -> RuleCatalog:
    if path is None:
        return RuleCatalog.default()
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise BotError(f"Cannot read COMPLIANCE_CONFIG {path}: {error}") from error
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()
    ):
        raise BotError(f"{path}: `aliases` must map alias names to rule names.")
    return RuleCatalog.default(aliases)
