"""`compliance-bot ask` against the simulator served over HTTP, configured as in production."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from moto.core.base_backend import BackendDict

from bot.cli import main
from simulator import server
from simulator.orggen import OrgSpec

pytestmark = pytest.mark.server


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[server.RunningSimulator]:
    BackendDict.reset()
    running = server.start(port=0, spec=OrgSpec(seed=9, accounts=4, regions=("us-east-1", "eu-west-1")))
    assert running.org is not None
    monkeypatch.setenv("AWS_ENDPOINT_URL", running.endpoint)
    monkeypatch.setenv("COMPLIANCE_ROLE_ARN", running.org.role_arn)
    monkeypatch.setenv("COMPLIANCE_AGGREGATOR", running.org.aggregator_name)
    yield running
    running.stop()
    BackendDict.reset()


def test_ask_prints_the_answer(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "s3-encryption"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("s3-bucket-server-side-encryption-enabled: ")
    assert "aggregator OrgAggregator" in out and "AWS call(s)" in out


def test_ask_json_has_the_complete_data_and_a_message(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    org = configured.org
    assert org is not None
    assert main(["ask", "restricted-ssh", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = {
        (e.account_id, e.region, e.resource_id)
        for e in org.evaluations
        if e.logical_rule == "restricted-ssh" and e.compliance_type == "NON_COMPLIANT"
    }
    data = printed["answer"]["data"]
    assert {(r["account_id"], r["region"], r["resource_id"]) for r in data["resources"]} == expected
    assert printed["message"]["blocks"][0]["type"] == "header"
    assert len(printed["message"]["blocks"]) <= 50


def test_ask_explains_what_it_cannot_answer(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "s3-encrypton"]) == 1
    assert "Close matches: `s3-encryption`" in capsys.readouterr().err
    assert main(["ask", "query SELECT a FROM b"]) == 1
    assert "FROM" in capsys.readouterr().err
    assert main(["ask", "summary --aggregator Nope"]) == 1
    assert "There is no aggregator `Nope`" in capsys.readouterr().err


def test_ask_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "help"]) == 0
    assert "/compliance summary [by account|region]" in capsys.readouterr().out


def test_ask_a_slack_only_command_answers_politely(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "digest list"]) == 1
    captured = capsys.readouterr()
    assert "Slack channel" in captured.err and "Traceback" not in captured.err


def test_ask_in_your_own_words_says_how_it_read_the_question(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "are all S3 buckets across every account encrypted?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Reading this as: s3-encryption\ns3-bucket-server-side-encryption-enabled: ")
    assert main(["ask", "banana"]) == 1
    assert "Questions I do understand:\n  " in capsys.readouterr().err
    assert main(["ask", "are any buckets public?"]) == 1
    assert "s3-public-read" in capsys.readouterr().out
