"""Knowing when moto's own config state changes, and moto rules made only when someone looks.

The simulator caches what it derives (per source, per aggregator) under version numbers. Its own
writes bump them; moto's writes (PutConfigRule, DeleteConfigRule, PutConfigurationRecorder,
PutAggregationAuthorization, PutConfigurationAggregator) go into four dicts of the backend, which
`install` makes `TrackedDict`s (a descriptor on ConfigBackend, so a dict assigned later, as tests
do with recorders, is tracked too) that bump the backend's version on every write. moto changes a
rule in place only in fields the simulator does not read.

A seeded organization of 10,000 accounts x 17 regions deploys five million rules; a moto
`ConfigRule` costs about 35 us and 1.5 KB, which was most of seeding's time and memory.
`LazyRules` holds the seeded rules as shared recipes (`Pending`) and makes a rule the moto way
only when moto code reads it (DescribeConfigRules, a put over it...); the simulator reads a
pending rule's name, ARN and id without making it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from moto.config.models import ConfigBackend, ConfigRule
from moto.iam.models import IAMBackend
from moto.s3.models import S3Backend
from moto.s3control.models import S3ControlBackend
from moto.sns.models import SNSBackend

TRACKED = ("recorders", "config_aggregators", "aggregation_authorizations")


class TrackedDict(dict[Any, Any]):
    """A dict that calls `changed` after every write."""

    __slots__ = ("changed",)

    def __init__(self, items: dict[Any, Any], changed: Callable[[], None]) -> None:
        super().__init__(items)
        self.changed = changed

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.changed()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self.changed()

    def pop(self, key: Any, *default: Any) -> Any:
        try:
            return super().pop(key, *default)
        finally:
            self.changed()  # after the change: a reader of the new version sees it

    def popitem(self) -> tuple[Any, Any]:
        try:
            return super().popitem()
        finally:
            self.changed()

    def clear(self) -> None:
        super().clear()
        self.changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.changed()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        added = key not in self
        value = super().setdefault(key, default)
        if added:
            self.changed()
        return value


@dataclass(frozen=True, slots=True)
class Pending:
    """How to make one seeded rule the moto way: one recipe, shared by every source that has the
    rule (its name there is the key of `LazyRules`). `finish` adjusts what put_config_rule made
    (CreatedBy, a custom source)."""

    request: dict[str, Any]
    finish: Callable[[ConfigRule], None] | None = None


def rule_id(account: str, region: str, name: str) -> str:
    """A seeded rule's ConfigRuleId, as moto shapes one (config-rule-<6 chars>), but derived from
    where it is, so a rule made late has the id the simulator already reported."""
    return "config-rule-" + hashlib.sha256(f"{account}/{region}/{name}".encode()).hexdigest()[:6]


def rule_arn(account: str, region: str, identifier: str) -> str:
    return f"arn:aws:config:{region}:{account}:config-rule/{identifier}"


class LazyRules(TrackedDict):
    """moto's `config_rules`, holding seeded rules as recipes until moto code reads them."""

    __slots__ = ("pending", "backend")

    def __init__(self, items: dict[str, Any], changed: Callable[[], None], backend: ConfigBackend) -> None:
        super().__init__(items, changed)
        self.pending: dict[str, Pending] = {}
        self.backend = backend

    def defer(self, name: str, recipe: Pending) -> None:
        """Deploy a seeded rule without making it (replacing a rule of that name, as a put would)."""
        dict.pop(self, name, None)
        self.pending[name] = recipe
        self.changed()

    def discard(self, name: str) -> None:
        """Delete the rule, made or not, without making the others."""
        if self.pending.pop(name, None) is not None:
            self.changed()
        elif dict.__contains__(self, name):
            super().__delitem__(name)

    def names(self) -> list[str]:
        return [*dict.keys(self), *self.pending]

    def identity(self, name: str) -> tuple[str, str] | None:
        """(ARN, id) of the rule, made or not."""
        if name in self.pending:
            made_id = rule_id(self.backend.account_id, self.backend.region_name, name)
            return rule_arn(self.backend.account_id, self.backend.region_name, made_id), made_id
        rule = dict.get(self, name)
        return None if rule is None else (rule.config_rule_arn, rule.config_rule_id)

    def materialize(self) -> None:
        """Make every pending rule as PutConfigRule would, with the id already reported."""
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        for name, recipe in pending.items():
            request = {**recipe.request, "ConfigRuleName": name}
            rule = ConfigRule(self.backend.account_id, self.backend.region_name, request, {})
            rule.config_rule_id = rule_id(self.backend.account_id, self.backend.region_name, name)
            rule.config_rule_arn = rule_arn(
                self.backend.account_id, self.backend.region_name, rule.config_rule_id
            )
            if recipe.finish is not None:
                recipe.finish(rule)
            dict.__setitem__(self, name, rule)

    # Every read of values goes through the made rules; counting and membership do not need them.
    def __contains__(self, key: object) -> bool:
        return key in self.pending or dict.__contains__(self, key)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self.pending)

    def __iter__(self) -> Iterator[Any]:
        self.materialize()
        return dict.__iter__(self)

    def __getitem__(self, key: Any) -> Any:
        self.materialize()
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        self.materialize()
        return dict.get(self, key, default)

    def keys(self) -> Any:
        self.materialize()
        return dict.keys(self)

    def values(self) -> Any:
        self.materialize()
        return dict.values(self)

    def items(self) -> Any:
        self.materialize()
        return dict.items(self)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.materialize()
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self.materialize()
        super().__delitem__(key)

    def pop(self, key: Any, *default: Any) -> Any:
        self.materialize()
        return super().pop(key, *default)

    def __repr__(self) -> str:
        self.materialize()
        return dict.__repr__(self)


class _Tracked:
    """A data descriptor on ConfigBackend for one of the four dicts: whatever is assigned to it
    (by moto's __init__, or by a test replacing a backend's recorders) is stored tracked, and a
    replacement after creation counts as a change."""

    def __init__(self, name: str, changed: Callable[[ConfigBackend], None]) -> None:
        self.name = name
        self.changed = changed

    def __get__(self, backend: ConfigBackend | None, owner: type) -> Any:
        if backend is None:
            return self
        return backend.__dict__[self.name]

    def __set__(self, backend: ConfigBackend, value: dict[Any, Any]) -> None:
        changed = partial(self.changed, backend)
        kept: TrackedDict
        if self.name == "config_rules":
            rules = LazyRules(value, changed, backend)
            if isinstance(value, LazyRules):
                rules.pending.update(value.pending)
            kept = rules
        else:
            kept = TrackedDict(value, changed)
        created = self.name in backend.__dict__ or "_sim" in backend.__dict__
        backend.__dict__[self.name] = kept
        if created:
            changed()


def install(changed: Callable[[ConfigBackend], None]) -> None:
    """Track the four dicts of every ConfigBackend (idempotent); `changed` bumps a backend's version."""
    for name in (*TRACKED, "config_rules"):
        if not isinstance(ConfigBackend.__dict__.get(name), _Tracked):
            setattr(ConfigBackend, name, _Tracked(name, changed))
    for owner, names in NATIVE_COLLECTIONS.items():
        for name in names:
            if not isinstance(owner.__dict__.get(name), _Native):
                setattr(owner, name, _Native(name))


class Natives:
    """One number bumped whenever a collection of moto's own resources that AWS Config's
    aggregator lists (IAM roles and policies, S3 buckets and account public access blocks, SNS
    topics) gains or loses an entry or is replaced, or a backend holding one is made, and the
    number at which each account's last moved: advanced queries at 10,000 accounts keep their
    list of those resources and re-list only the accounts that moved, instead of counting every
    backend's collections on every query (or listing 10,000 accounts' roles again because one
    account's backend was made)."""

    version = 0
    moved: dict[str, int] = {}  # account -> the version of its last change

    @classmethod
    def changed(cls, account: str) -> None:
        cls.version += 1
        cls.moved[account] = cls.version

    @classmethod
    def since(cls, version: int) -> set[str]:
        """The accounts whose collections moved after `version`."""
        return {account for account, last in list(cls.moved.items()) if last > version}


# moto's collections that hold what moto.config's RESOURCE_MAP lists, by backend class.
NATIVE_COLLECTIONS: dict[type, tuple[str, ...]] = {
    IAMBackend: ("roles", "managed_policies"),
    S3Backend: ("buckets",),
    S3ControlBackend: ("public_access_block",),  # one object per account, not a dict
    SNSBackend: ("topics",),
}


class _Native:
    """A data descriptor for one of those collections: what moto assigns is stored tracked (and
    the assignment counts as a change); a dict found untracked (a backend made before `install`)
    is tracked when first read."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, backend: Any, owner: type) -> Any:
        if backend is None:
            return self
        try:
            value = backend.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None
        if type(value) is not TrackedDict and isinstance(value, dict):
            changed = partial(Natives.changed, backend.account_id)
            value = backend.__dict__[self.name] = TrackedDict(value, changed)
            changed()
        return value

    def __set__(self, backend: Any, value: Any) -> None:
        changed = partial(Natives.changed, backend.account_id)
        backend.__dict__[self.name] = TrackedDict(value, changed) if isinstance(value, dict) else value
        changed()
