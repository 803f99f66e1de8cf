"""`compliance-bot ask` against the simulator served over HTTP, configured as in production."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from moto.core.base_backend import BackendDict

from bot.ask_json import schema, schema_text
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


ROOT = Path(__file__).resolve().parent.parent


def test_the_json_schema_file_is_the_models() -> None:
    assert (ROOT / "docs" / "ask-json-schema.json").read_text() == schema_text(), (
        "regenerate it: python -m bot.ask_json > docs/ask-json-schema.json"
    )


def test_ask_json_schema_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json-schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schema()


def held_to_the_schema(printed: str) -> dict[str, Any]:
    document = json.loads(printed)
    jsonschema.Draft202012Validator(schema()).validate(document)
    return document


@pytest.mark.parametrize(
    "text",
    [
        "s3-encryption",
        "summary by region",
        "rules",
        "health",
        "resources by account",
        "query SELECT resourceType, COUNT(*) GROUP BY resourceType",
        "aggregators",
        "doctor",
        "help",
        "are all S3 buckets across every account encrypted?",
    ],
)
def test_ask_json_is_held_to_its_schema(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    assert main(["ask", text, "--json"]) == 0
    document = held_to_the_schema(capsys.readouterr().out)  # stdout is the JSON alone
    assert document["kind"] in (text.split()[0], "rule")
    assert document["reading"] == ("s3-encryption" if text.startswith("are") else None)


def test_the_schema_refuses_what_is_not_an_answer() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    assert not validator.is_valid({"kind": "summary", "answer": {}, "message": {"text": "", "blocks": []}})
    assert not validator.is_valid({"kind": "nope"})


def test_ask_prints_query_rows_as_a_table(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["ask", "query SELECT resourceType, COUNT(*) GROUP BY resourceType ORDER BY resourceType"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["resourceType", "COUNT(*)"]
    assert set(lines[1]) == {"-", " "}
    assert "{" not in "\n".join(lines) and "AWS::S3::Bucket" in "\n".join(lines)
    # Counts line up on the right under their header.
    assert len({len(line) for line in lines[2 : lines.index("") - 1]}) == 1


def test_ask_keeps_stdout_for_the_answer_and_logs_on_stderr(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "summary"]) == 0
    captured = capsys.readouterr()
    assert not any(line.startswith("{") for line in captured.out.splitlines())
    audit = [json.loads(line) for line in captured.err.splitlines() if line.startswith('{"')]
    assert [(a["event"], a["surface"], a["kind"], a["outcome"]) for a in audit] == [
        ("question", "cli", "summary", "answered")
    ]


def test_ask_shows_slack_markup_for_a_terminal(
    configured: server.RunningSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "help"]) == 0
    out = capsys.readouterr().out
    assert "/compliance summary [by account|region]" in out
    for markup in ("*", "&lt;", "&gt;", "<http", ":x:", ":warning:"):
        assert markup not in out


def test_demo_once_prints_for_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--once", "health"]) == 0
    captured = capsys.readouterr()
    assert "[critical]" in captured.out  # a FAILED source, as words
    for markup in ("<http", ":red_circle:", "&lt;", "```", '{"'):
        assert markup not in captured.out
    assert '"event": "question"' in captured.err  # the audit line is a log here
