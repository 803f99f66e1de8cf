"""The project's own files: the Slack manifest, the shipped data and its provenance."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from bot.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def test_manifest_is_valid_against_slacks_schema() -> None:
    schema = json.loads((ROOT / "tests/data/slack-manifest.schema.1.0.0.json").read_text())
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    jsonschema.validate(manifest, schema)
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == ["/compliance"]


def test_conformance_pack_data_ships_with_its_provenance() -> None:
    data = json.loads((ROOT / "bot/data/conformance-packs.json").read_text())
    assert data["_source"]["license"].startswith("CC0")
    notes = (ROOT / "bot/data/README.md").read_text()
    assert "awslabs/aws-config-rules" in notes and "CC0" in notes
    identifiers = {r["SourceIdentifier"] for p in data["packs"].values() for r in p["rules"]}
    assert len(identifiers - {"AWS_CONFIG_PROCESS_CHECK"}) == 233


def test_the_readme_configuration_reference_is_generated_from_the_settings() -> None:
    from bot.settings import reference

    readme = (ROOT / "README.md").read_text()
    generated = readme.split("<!-- settings:start -->\n", 1)[1].split("\n<!-- settings:end -->", 1)[0]
    assert generated == reference(), "regenerate it: python -m bot.settings"


def test_the_readme_commands_are_the_demo_and_the_ci_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [b.split("```", 1)[0] for b in readme.split("```sh\n")[1:3]]
    assert "compliance-bot demo" in blocks[0]
    test_command = blocks[1].strip().split(" && ")[-1]
    assert test_command in (ROOT / ".ci/run").read_text()


def test_the_readmes_configuration_example_is_a_valid_configuration(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "compliance.yml").write_text(example)
    config = load_config(tmp_path / "compliance.yml")
    assert config.waivers and config.waiver_approvers and config.watches and config.digests
