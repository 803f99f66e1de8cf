"""The set-up checks that need no network, one set-up mistake each: the message a deployer reads
and its fix. Pure (but for reading the configuration file)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.settings import Settings
from bot.setup import settings_checks as checks
from bot.setup.result import Check
from bot.setup.services import shown
from bot.setup.slack_checks import SCOPES, scopes

ROOT = Path(__file__).resolve().parents[2]


def settings(**values: object) -> Settings:
    return Settings(**values)  # type: ignore[arg-type]


def by_name(found: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in found}


def test_missing_tokens_fail_each_with_where_to_find_them() -> None:
    found = by_name(checks.slack_tokens(settings(), socket_mode=False))
    assert found["SLACK_BOT_TOKEN"].status == "fail"
    assert "Bot User OAuth Token (xoxb-...)" in found["SLACK_BOT_TOKEN"].line()
    assert found["SLACK_SIGNING_SECRET"].status == "fail"
    assert "or set SLACK_APP_TOKEN to serve in Socket Mode" in found["SLACK_SIGNING_SECRET"].line()


def test_socket_mode_needs_no_signing_secret_but_an_app_token() -> None:
    found = by_name(checks.slack_tokens(settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xoxb-2"), True))
    assert "SLACK_SIGNING_SECRET" not in found
    assert found["SLACK_APP_TOKEN"].status == "warn"
    assert "app-level token" in found["SLACK_APP_TOKEN"].message


def test_a_user_token_is_not_a_bot_token() -> None:
    found = by_name(
        checks.slack_tokens(settings(SLACK_BOT_TOKEN="xoxp-1", SLACK_SIGNING_SECRET="0" * 32), False)
    )
    assert found["SLACK_BOT_TOKEN"].status == "warn"
    assert "xoxp- is a user's token" in found["SLACK_BOT_TOKEN"].message


def test_a_bad_signing_secret_shape_warns() -> None:
    assert checks.signing_secret("0123456789abcdef" * 2).status == "ok"
    wrong = checks.signing_secret("xoxb-not-a-secret")
    assert wrong.status == "warn"
    assert wrong.line() == (
        "[WARN] SLACK_SIGNING_SECRET: is not 32 hex characters (it looks like a token): every request "
        "from Slack will be refused (401). Fix: Copy the Signing Secret (not the Client Secret, nor a "
        "token) from Basic Information > App Credentials."
    )


def test_missing_region_and_credentials_fail() -> None:
    region = checks.aws_region(None)
    assert region.status == "fail" and "Set COMPLIANCE_AGGREGATOR_REGION" in region.fix
    credentials = checks.aws_credentials(None)
    assert credentials.status == "fail" and "none found" in credentials.message
    assert "IRSA" in credentials.fix
    assert checks.aws_credentials("env").status == "ok"


def test_invalid_values_fail_each() -> None:
    def build() -> Settings:
        return Settings(PORT="abc", COMPLIANCE_AWS_CONCURRENCY="0")  # type: ignore[arg-type]

    loaded, found = checks.load_settings(build)
    assert loaded is None
    assert [c.name for c in found] == ["PORT", "COMPLIANCE_AWS_CONCURRENCY"]
    assert all(c.status == "fail" for c in found)
    assert "PORT='abc' is not valid" in found[0].message


def test_no_configuration_file_keeps_the_open_default_and_says_so_once() -> None:
    found = checks.config_file(None)
    assert found.status == "warn"
    assert found.line().count("\n") == 0
    assert "every channel sees the whole organization" in found.message


def test_a_bad_configuration_file_fails_with_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "config.yml"
    bad.write_text("default_scope: some\nadmins: [U1]\n")
    found = checks.config_file(bad)
    assert found.status == "fail"
    assert found.message.startswith(f"{bad} is not valid: default_scope: Input should be 'all' or 'none'")
    assert "\n" not in found.line()
    bad.write_text("channels: [unclosed\n")
    assert "Cannot read COMPLIANCE_CONFIG" in checks.config_file(bad).message
    assert "Cannot read" in checks.config_file(tmp_path / "absent.yml").message
    good = tmp_path / "good.yml"
    good.write_text("admins: [U1]\ndefault_scope: none\nchannels: {C1: {accounts: all}}\n")
    assert checks.config_file(good).line() == (
        f"[ok  ] COMPLIANCE_CONFIG: {good}: 1 channel(s), 1 admin(s), channels not listed see nothing."
    )


def test_the_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert set(SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])


def test_missing_scopes_are_named_with_their_reason() -> None:
    granted = ",".join(s for s in SCOPES if s not in ("files:write", "im:write"))
    found = scopes(granted)
    assert found.status == "warn"
    assert "missing files:write (Export CSV and the digest chart), im:write (" in found.message
    assert "reinstall the app" in found.fix
    assert scopes(", ".join(SCOPES)).status == "ok"


def test_scopes_are_unknown_without_slacks_header() -> None:
    found = scopes(None)
    assert found.status == "warn"
    assert found.message == "unknown: Slack sent no x-oauth-scopes header."


def test_a_redis_password_is_never_shown() -> None:
    assert shown("redis://:hunter2@redis:6379/0") == "redis://:***@redis:6379/0"
    assert shown("redis://redis:6379/0") == "redis://redis:6379/0"


def test_odd_configured_waivers_are_warnings_that_name_them(tmp_path: Path) -> None:
    base = {"account_id": "111122223333", "region": "us-east-1", "reason": "why"}
    waivers = [
        {**base, "rule": "s3-encryption", "resource_id": "ended", "expires_at": "2020-01-31"},
        {**base, "rule": "s3-encryption", "resource_id": "forever", "expires_at": "2099-01-31"},
        {**base, "rule": "s3-encryptoin", "resource_id": "typo", "expires_at": "2099-01-31"},
    ]
    path = tmp_path / "config.yml"
    path.write_text(yaml.safe_dump({"admins": ["U1"], "waivers": waivers}))
    found = checks.config_file(path)
    assert found.status == "warn" and "\n" not in found.line()
    assert "#1 (ended, s3-encryption) ended at 2020-02-01 00:00 UTC" in found.message  # through the 31st
    assert "#2 (forever, s3-encryption) lasts past 365 days" in found.message
    assert "#3 (typo, s3-encryptoin): no rule the catalog knows" in found.message
    misspelt = {**waivers[1], "resource_typ": "AWS::S3::Bucket"}
    path.write_text(yaml.safe_dump({"admins": ["U1"], "waivers": [misspelt]}))
    assert checks.config_file(path).status == "fail"  # an unknown key would widen the waiver
