"""`compliance-bot doctor --setup` and `serve`'s start against the simulator served over HTTP and
the Slack stand-in: each set-up mistake shows its line and its fix, and only missing settings
stop `serve` (all listed at once, never a traceback)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from moto.core.base_backend import BackendDict

from bot.cli import main
from bot.setup.slack_checks import SCOPES
from playground.slack_api import SlackStandIn
from simulator import server
from simulator.orggen import OrgSpec

pytestmark = pytest.mark.server
SECRET = "0123456789abcdef0123456789abcdef"


class Slack(SlackStandIn):
    """The stand-in, answering auth.test as Slack does for a token it refuses, and sending the
    scopes it granted in the x-oauth-scopes header (as Slack does; the stand-in sends none)."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: str | None = None
        self.scopes: str | None = None

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test" and self.refuse:
            return {"ok": False, "error": self.refuse}
        return super()._answer(method, params)

    def _reply(  # type: ignore[override]
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        body: str,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        granted = {"x-oauth-scopes": self.scopes} if self.scopes is not None else {}
        SlackStandIn._reply(request, status, body, content_type, {**(headers or {}), **granted})


@pytest.fixture(scope="module")
def simulator() -> Iterator[server.RunningSimulator]:
    BackendDict.reset()
    running = server.start(port=0, spec=OrgSpec(seed=9, accounts=3, regions=("us-east-1",)))
    yield running
    running.stop()
    BackendDict.reset()


@pytest.fixture
def slack() -> Iterator[Slack]:
    stand_in = Slack().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def deployed(
    simulator: server.RunningSimulator, slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> server.RunningSimulator:
    """Everything set as a deployer would, against the simulator and the stand-in."""
    assert simulator.org is not None
    for name, value in {
        "AWS_ENDPOINT_URL": simulator.endpoint,
        "COMPLIANCE_ROLE_ARN": simulator.org.role_arn,
        "COMPLIANCE_AGGREGATOR": simulator.org.aggregator_name,
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("REDIS_URL", "COMPLIANCE_CONFIG", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return simulator


def doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code = main(["doctor", "--setup"])
    out = capsys.readouterr().out
    lines = {
        line.split("] ", 1)[1].split(":", 1)[0]: line for line in out.splitlines() if line.startswith("[")
    }
    return code, lines


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_good_set_up_reads_ok_but_for_the_configuration_file(
    deployed: server.RunningSimulator, slack: Slack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert deployed.org is not None
    slack.scopes = ",".join(SCOPES)
    code, lines = doctor(capsys)
    assert code == 0
    assert lines["Slack token"] == "[ok  ] Slack token: accepted: compliance-bot in Example (T0EXAMPLE)."
    assert lines["Slack scopes"].startswith("[ok  ] Slack scopes: all 8")
    assert lines["AWS role"] == f"[ok  ] AWS role: assumed {deployed.org.role_arn}."
    assert lines["AWS credentials"] == "[ok  ] AWS credentials: accepted."
    assert lines["aggregator"].startswith("[ok  ] aggregator: OrgAggregator in us-east-1")
    assert lines["Redis"].startswith("[ok  ]")
    # No configuration file: today's open default, said in one warning line.
    assert lines["COMPLIANCE_CONFIG"].startswith(
        "[WARN] COMPLIANCE_CONFIG: not set: every channel sees the whole organization"
    )
    assert [line for line in lines.values() if not line.startswith("[ok  ]")] == [lines["COMPLIANCE_CONFIG"]]


def test_a_token_slack_rejects(
    deployed: server.RunningSimulator, slack: Slack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.refuse = "invalid_auth"
    code, lines = doctor(capsys)
    assert code == 0  # a warning: only missing settings stop serve
    assert lines["Slack token"] == (
        "[WARN] Slack token: Slack rejected SLACK_BOT_TOKEN (invalid_auth). Fix: Copy the Bot User "
        "OAuth Token (xoxb-...) again from OAuth & Permissions."
    )


def test_missing_and_unknown_scopes(
    deployed: server.RunningSimulator, slack: Slack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.scopes = "commands,chat:write"
    _, lines = doctor(capsys)
    assert lines["Slack scopes"].startswith(
        "[WARN] Slack scopes: missing app_mentions:read (answering @mentions)"
    )
    slack.scopes = None
    _, lines = doctor(capsys)
    assert lines["Slack scopes"].startswith(
        "[WARN] Slack scopes: unknown: Slack sent no x-oauth-scopes header. Fix: Compare"
    )


def test_an_aggregator_that_does_not_exist(
    deployed: server.RunningSimulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLIANCE_AGGREGATOR", "Nope")
    _, lines = doctor(capsys)
    assert lines["aggregator"] == (
        "[WARN] aggregator: there is no aggregator Nope in us-east-1 (the AWS SDK's region): every "
        "question will fail. Fix: Set COMPLIANCE_AGGREGATOR to one of: OrgAggregator; or set "
        "COMPLIANCE_AGGREGATOR_REGION to the region that holds Nope."
    )


def test_redis_down(
    deployed: server.RunningSimulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://:sesame@127.0.0.1:{free_port()}/0")
    _, lines = doctor(capsys)
    assert lines["Redis"].startswith("[WARN] Redis: redis://:***@127.0.0.1:")
    assert "does not answer (ConnectionError" in lines["Redis"] and "sesame" not in lines["Redis"]
    assert "Fix: Start Redis or correct REDIS_URL" in lines["Redis"]


def test_a_bad_configuration_file_stops_serve(
    deployed: server.RunningSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    bad = tmp_path / "config.yml"
    bad.write_text("default_scope: some\n")
    monkeypatch.setenv("COMPLIANCE_CONFIG", str(bad))
    code, lines = doctor(capsys)
    assert code == 1
    assert lines["COMPLIANCE_CONFIG"].startswith(
        f"[FAIL] COMPLIANCE_CONFIG: {bad} is not valid: default_scope"
    )
    assert main(["serve", "--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    assert "compliance-bot serve cannot start: 1 setting(s) missing or unusable." in err
    assert "Traceback" not in err


def test_serve_without_settings_lists_every_missing_one_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "COMPLIANCE_AGGREGATOR_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["serve", "--port", str(free_port())]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("compliance-bot serve cannot start: 4 setting(s) missing or unusable.\n")
    for missing in (
        "SLACK_BOT_TOKEN: not set",
        "SLACK_SIGNING_SECRET: not set",
        "AWS region: none",
        "AWS credentials: none found",
    ):
        assert f"[FAIL] {missing}" in captured.err
    assert "Try again shortly" not in captured.err and "Traceback" not in captured.err


def test_serve_on_a_taken_port(deployed: server.RunningSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--host", "127.0.0.1", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert (
        f"[FAIL] PORT: 127.0.0.1:{port} is already in use by another process. Fix: Stop what listens" in err
    )
    assert "Traceback" not in err


def test_ask_without_credentials_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["ask", "summary"]) == 1
    err = capsys.readouterr().err
    assert "compliance-bot ask cannot start: 1 setting(s) missing or unusable." in err
    assert "[FAIL] AWS credentials: none found in the AWS SDK's chain" in err
    assert "Try again shortly" not in err


def test_serve_with_a_token_slack_rejects_stops_without_a_traceback(
    deployed: server.RunningSimulator, slack: Slack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.refuse = "token_revoked"
    assert main(["serve", "--host", "127.0.0.1", "--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    assert "[WARN] Slack token: Slack rejected SLACK_BOT_TOKEN (token_revoked)." in err
    assert "compliance-bot serve cannot start: Slack did not accept the bot token" in err
    assert "Traceback" not in err
