"""The registry of question kinds: one entry per name, and every surface reads it."""

from __future__ import annotations

import dataclasses

import pytest

from bot.access.scoping import Scoping
from bot.answers.models import Answer, SourceHealth
from bot.deps import policy_from
from bot.questions import kinds
from bot.questions.help import help_text, usage_hint
from bot.questions.registry import REGISTRY, Kind, presenter_of, register
from bot.settings import Settings


def test_a_second_kind_of_the_same_name_fails_at_registration() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register(REGISTRY["health"])


def test_a_kind_has_a_plan_or_an_action_and_a_plan_has_a_model_and_a_presenter() -> None:
    health = REGISTRY["health"]
    with pytest.raises(ValueError, match="plan or an action"):
        register(dataclasses.replace(health, name="both", action=REGISTRY["help"].action))
    with pytest.raises(ValueError, match="no model or presenter"):
        register(dataclasses.replace(health, name="bare", presenter=None))
    assert "both" not in REGISTRY and "bare" not in REGISTRY


def test_every_kind_is_complete() -> None:
    assert REGISTRY["rule"].usage == kinds.RULE_USAGE
    for kind in REGISTRY.values():
        assert isinstance(kind, Kind) and kind.usage and kind.help
        if kind.asks_aws:
            assert kind.model is not None and kind.presenter is not None and kind.ttl > 0
    actions = {"help", "refresh", "digest", "watch", "unwatch", "watches", "waive", "unwaive", "waivers"}
    assert {k.name for k in REGISTRY.values() if not k.asks_aws} == actions
    assert REGISTRY["doctor"].scoping is Scoping.ORGANIZATION_ONLY
    assert REGISTRY["rule"].scoping is Scoping.READ_IN_SCOPE


def test_help_the_usage_hint_and_the_cache_ttls_read_the_registry() -> None:
    assert all(kind.usage in help_text() for kind in REGISTRY.values())
    assert usage_hint().split(" | ") == [k.hint for k in REGISTRY.values() if k.hint]
    policy = policy_from(Settings(_env_file=None))
    assert {name: policy.ttl(name) for name in ("health", "resources", "aggregators")} == {
        "health": 60,
        "resources": 900,
        "aggregators": 3600,
    }


def test_an_answer_finds_its_presenter_by_its_data() -> None:
    answer = Answer[SourceHealth].model_validate(
        {
            "question": "health",
            "aggregator": "a",
            "data": {"problems": []},
            "as_of": "2026-01-01T00:00:00Z",
            "aws_calls": 0,
        }
    )
    assert presenter_of(answer) is REGISTRY["health"].presenter
