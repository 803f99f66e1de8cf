"""The product and the workshop: the wheel the Dockerfile builds holds the bot alone (bot/,
handlers/ and their data), an editable install of a checkout maps the simulator and the playground
too, and without them `compliance-bot sim` and `demo` say how to get them.

The builds run the in-tree backend with this venv's setuptools (the dev extra's), in a copy of the
tree, as pip runs it (backend-path on sys.path): a few seconds, no network."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
WORKSHOP = ("simulator", "playground")


def _dockerfile_copies() -> list[str]:
    """What the Dockerfile's build stage copies from the checkout."""
    build_stage = (ROOT / "Dockerfile").read_text().split("\nFROM ", 2)[1]
    return [
        source
        for line in build_stage.splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for source in line.split()[1:-1]
    ]


def _build(tmp_path: Path, hook: str, sources: list[str]) -> zipfile.ZipFile:
    """Run the backend's `hook` (build_wheel or build_editable) in a copy of `sources`."""
    tree, out = tmp_path / "tree", tmp_path / "out"
    out.mkdir(parents=True)
    for source in sources:
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, tree / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tree / source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source, tree / source)
    backend_path = os.pathsep.join(str(tree / p) for p in PYPROJECT["build-system"]["backend-path"])
    backend = PYPROJECT["build-system"]["build-backend"]
    code = f"import sys, {backend} as b; print(b.{hook}(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": backend_path},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return zipfile.ZipFile(out / done.stdout.strip().splitlines()[-1])


def test_the_dockerfile_copies_what_the_build_needs_and_no_workshop() -> None:
    copies = _dockerfile_copies()
    assert not set(copies) & set(WORKSHOP)
    assert {"pyproject.toml", "setup.py", "bot", "handlers"} <= set(copies)
    assert set(PYPROJECT["build-system"]["backend-path"]) <= set(copies)


def test_the_wheel_holds_the_bot_alone_even_built_beside_the_workshop(tmp_path: Path) -> None:
    with _build(tmp_path, "build_wheel", [*_dockerfile_copies(), *WORKSHOP]) as wheel:
        names = wheel.namelist()
    assert {n.split("/")[0] for n in names} == {"bot", "handlers", "compliance_bot-0.1.0.dist-info"}
    assert {"bot/data/conformance-packs.json", "bot/data/README.md", "bot/cli.py"} <= set(names)
    assert "handlers/__init__.py" in names


def test_an_editable_install_maps_the_workshop_too(tmp_path: Path) -> None:
    sources = ["pyproject.toml", "setup.py", "README.md", *PYPROJECT["build-system"]["backend-path"]]
    with _build(tmp_path, "build_editable", [*sources, "bot", "handlers", *WORKSHOP]) as wheel:
        finder = next(n for n in wheel.namelist() if n.endswith("_finder.py"))
        text = wheel.read(finder).decode()
    found = re.search(r"^MAPPING[^=]*= (\{.*\})$", text, re.MULTILINE)
    assert found, text[:2000]
    assert set(ast.literal_eval(found.group(1))) == {"bot", "handlers", *WORKSHOP}


@pytest.mark.parametrize(
    ("argv", "missing", "says"),
    [
        (["demo", "--once", "help"], "playground", "The demo comes with a checkout"),
        (["sim", "--port", "0"], "simulator", "The simulator comes with a checkout"),
    ],
)
def test_without_the_workshop_sim_and_demo_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    missing: str,
    says: str,
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # as in the product's image: no such package
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert says in error and "pip install -e '.[demo]'" in error


def test_a_broken_bot_module_is_not_reported_as_a_missing_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import playground

    for name in ("demo", "harness"):  # imported afresh, so that they import the bot again
        monkeypatch.delitem(sys.modules, f"playground.{name}", raising=False)
        monkeypatch.delattr(playground, name, raising=False)
    monkeypatch.setitem(sys.modules, "bot.app", None)
    with pytest.raises(ModuleNotFoundError, match="bot.app"):
        main(["demo", "--once", "help"])
