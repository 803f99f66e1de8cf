"""The playground's tests share one running demo per module (its own simulator, Redis prefix and
Slack stand-in)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from playground import demo, harness


@pytest.fixture(autouse=True)
def aws_environment() -> None:
    """The demo sets the environment it needs (AWS_ENDPOINT_URL among it)."""


@pytest.fixture(scope="module")
def playground() -> Iterator[harness.Harness]:
    running = demo.start(port=0)
    yield running
    running.stop()  # and the environment is as it was
