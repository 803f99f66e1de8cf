"""The build backend: setuptools', choosing which packages a build holds.

The product is bot/ and handlers/. The workshop, simulator/ (the AWS fake) and playground/ (the
Slack stand-in and the demo), serves tests, benchmarks and `compliance-bot sim` and `demo`, and
has no place in production. So:

- the wheel (`pip wheel .`, what the Dockerfile builds and installs) holds the product alone, and
  is checked for it after it is built;
- an editable install of a checkout (`pip install -e '.[demo]'` or `'.[dev]'`: the README, .ci/run)
  maps the workshop too, so `compliance-bot sim` and `demo` work wherever the checkout is.

setuptools takes its package list from setup.py, which asks `packages()` here; everything else
comes from pyproject.toml. setuptools runs setup.py in this process, inside these hooks, which is
how `packages()` knows which build it serves.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools import find_namespace_packages

PRODUCT = ("bot", "handlers")
WORKSHOP = ("simulator", "playground")

_editable = False


def packages() -> list[str]:
    """The packages this build holds: the product's, and the workshop's in an editable install."""
    roots = PRODUCT + WORKSHOP if _editable else PRODUCT
    found: list[str] = find_namespace_packages(include=[p for r in roots for p in (r, f"{r}.*")])
    return [p for p in found if "__pycache__" not in p.split(".")]


@contextlib.contextmanager
def _with_workshop() -> Iterator[None]:
    global _editable
    _editable = True
    try:
        yield
    finally:
        _editable = False


# The wheel's hooks are setuptools' own; the product's wheel is then checked.
get_requires_for_build_wheel = _setuptools.get_requires_for_build_wheel
prepare_metadata_for_build_wheel = _setuptools.prepare_metadata_for_build_wheel
get_requires_for_build_sdist = _setuptools.get_requires_for_build_sdist
build_sdist = _setuptools.build_sdist


def build_wheel(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    name: str = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    with zipfile.ZipFile(Path(wheel_directory) / name) as wheel:
        strays = sorted({n.split("/")[0] for n in wheel.namelist()} - set(PRODUCT) - {_dist_info(name)})
    if strays:
        (Path(wheel_directory) / name).unlink()
        raise RuntimeError(
            f"the product wheel would hold {strays}, not only {list(PRODUCT)}. If a build/ directory left "
            "by an older build holds them (setuptools packs all of build/lib), remove it and build again."
        )
    return name


def _dist_info(wheel_name: str) -> str:
    distribution, version = wheel_name.split("-")[:2]
    return f"{distribution}-{version}.dist-info"


# The editable hooks: setuptools', with the workshop.
def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    with _with_workshop():
        requires: list[str] = _setuptools.get_requires_for_build_editable(config_settings)
        return requires


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: dict[str, Any] | None = None
) -> str:
    with _with_workshop():
        name: str = _setuptools.prepare_metadata_for_build_editable(metadata_directory, config_settings)
        return name


def build_editable(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    with _with_workshop():
        name: str = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
        return name
