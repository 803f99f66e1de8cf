"""Rule names: one logical rule behind the many names AWS gives it.

`s3-encryption`, `s3-bucket-server-side-encryption-enabled`, `S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED`,
`OrgConfigRule-s3-bucket-server-side-encryption-enabled-ab12cd34` and
`s3-bucket-server-side-encryption-enabled-conformance-pack-xyz` are one rule. The catalog is AWS's
own conformance-pack rules (bot/data/conformance-packs.json), the organization's own rules
(DescribeOrganizationConfigRules), built-in and configured aliases. Pure: no I/O but loading the
packaged data.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from bot.errors import AmbiguousRule, RuleNotFound, UserError

# How AWS names one check in member accounts; matched by their whole shape, so that
# `OrgConfigRule-restricted-ssh-` never claims `OrgConfigRule-restricted-ssh-periodic-<suffix>`.
_ORG_MEMBER = re.compile(r"^OrgConfigRule-(?P<name>.+)-(?P<suffix>[A-Za-z0-9]{8})$")
_PACK_MEMBER = re.compile(r"^(?P<name>.+)-conformance-pack-(?P<suffix>[A-Za-z0-9]{8,12})$")
_SECURITY_HUB_MEMBER = re.compile(r"^securityhub-(?P<name>.+)-(?P<suffix>[A-Za-z0-9]{8})$")
_ORG_RULE_ARN = re.compile(r":organization-config-rule/(?P<name>.+)-(?P<suffix>[A-Za-z0-9]{8})$")
PROCESS_CHECK = "AWS_CONFIG_PROCESS_CHECK"

# What people type for the rules they ask about most.
BUILTIN_ALIASES: Mapping[str, str] = {
    "s3-encryption": "s3-bucket-server-side-encryption-enabled",
    "s3-sse": "s3-bucket-server-side-encryption-enabled",
    "s3-public-read": "s3-bucket-public-read-prohibited",
    "s3-public-write": "s3-bucket-public-write-prohibited",
    "s3-versioning": "s3-bucket-versioning-enabled",
    "s3-ssl": "s3-bucket-ssl-requests-only",
    "ssh": "restricted-ssh",
    "open-ssh": "restricted-ssh",
    "ebs-encryption": "encrypted-volumes",
    "rds-encryption": "rds-storage-encrypted",
    "rds-public": "rds-instance-public-access-check",
    "cloudtrail": "cloudtrail-enabled",
    "root-mfa": "root-account-mfa-enabled",
    "root-access-key": "iam-root-access-key-check",
    "mfa": "mfa-enabled-for-iam-console-access",
    "access-keys": "access-keys-rotated",
    "vpc-flow-logs": "vpc-flow-logs-enabled",
    "guardduty": "guardduty-enabled-centralized",
}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    name: str  # the conformance packs' rule name: the logical rule's canonical name
    identifier: str | None  # the managed rule identifier
    description: str | None = None
    resource_types: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OrgRule:
    """An organization config rule: its name, what it runs, and its members' name suffix."""

    name: str
    identifier: str | None
    suffix: str | None

    @property
    def member_name(self) -> str | None:
        return f"OrgConfigRule-{self.name}-{self.suffix}" if self.suffix else None

    @staticmethod
    def from_api(rule: Mapping[str, object]) -> OrgRule:
        managed = rule.get("OrganizationManagedRuleMetadata")
        identifier = managed.get("RuleIdentifier") if isinstance(managed, Mapping) else None
        match = _ORG_RULE_ARN.search(str(rule.get("OrganizationConfigRuleArn", "")))
        return OrgRule(
            str(rule["OrganizationConfigRuleName"]),
            str(identifier) if identifier else None,
            match.group("suffix") if match else None,
        )


@cache
def packaged_rules() -> tuple[RuleInfo, ...]:
    text = resources.files("bot").joinpath("data/conformance-packs.json").read_text()
    packs = json.loads(text)["packs"]
    merged: dict[str, dict[str, object]] = {}
    for pack_name, pack in packs.items():
        for rule in pack["rules"]:
            entry = merged.setdefault(
                rule["ConfigRuleName"],
                {
                    "identifier": None
                    if rule["SourceIdentifier"] == PROCESS_CHECK
                    else rule["SourceIdentifier"],
                    "description": rule.get("Description"),
                    "types": tuple(rule.get("ComplianceResourceTypes") or ()),
                    "packs": [],
                },
            )
            packs_of = entry["packs"]
            assert isinstance(packs_of, list)
            packs_of.append(pack_name)
    return tuple(
        RuleInfo(name, e["identifier"], e["description"], e["types"], tuple(e["packs"]))  # type: ignore[arg-type]
        for name, e in sorted(merged.items())
    )


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[-_\s]+", text.lower()) if t]


def like_prefix(prefix: str) -> str | None:
    """A LIKE pattern's literal part for names starting with `prefix`: cut before the first `_` or
    `%` (wildcards in AWS's LIKE), so the pattern matches a superset that the caller re-filters;
    None when fewer than the 3 characters AWS requires before `%` remain."""
    literal = prefix.split("_", 1)[0].split("%", 1)[0]
    return literal if len(literal) >= 3 else None


@dataclass(frozen=True)
class Matcher:
    """Which member rule names stand for one logical rule, for queries and client-side filters.

    `matches` is the catalog's own mapping (`logical_name`), so a name is claimed by its whole
    shape; `exact` and `bases` only narrow the advanced query, which is re-filtered by `matches`.
    """

    logical: str
    exact: frozenset[str]
    bases: frozenset[str]  # names that appear inside OrgConfigRule-, pack and Security Hub names
    logical_name: Callable[[str], str]

    def matches(self, member_name: str) -> bool:
        return member_name in self.exact or self.logical_name(member_name) == self.logical

    @property
    def prefixes(self) -> frozenset[str]:
        """Name prefixes of the member shapes (for LIKE; a superset of what `matches` takes)."""
        shapes = ("OrgConfigRule-{}-", "{}-conformance-pack-", "securityhub-{}-")
        return frozenset(shape.format(base) for base in self.bases for shape in shapes)

    def query_condition(self, column: str, quote: Callable[[str], str]) -> str | None:
        """An advanced-query condition that holds for every member name of the rule (and maybe
        others): exact names by `=`, shapes by LIKE without `_`. None if no safe LIKE exists."""
        terms = [f"{column} = {quote(name)}" for name in sorted(self.exact)]
        for prefix in sorted(self.prefixes):
            literal = like_prefix(prefix)
            if literal is None:
                return None
            terms.append(f"{column} LIKE {quote(literal + '%')}")
        return "(" + " OR ".join(dict.fromkeys(terms)) + ")"


@dataclass
class RuleCatalog:
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    org_rules: dict[str, OrgRule] = field(default_factory=dict)

    @staticmethod
    def default(aliases: Mapping[str, str] | None = None, org_rules: Iterable[OrgRule] = ()) -> RuleCatalog:
        catalog = RuleCatalog({r.name: r for r in packaged_rules()})
        catalog.aliases = {_key(k): v for k, v in {**BUILTIN_ALIASES, **(aliases or {})}.items()}
        catalog.org_rules = {r.name: r for r in org_rules}
        return catalog

    def with_org_rules(self, org_rules: Iterable[OrgRule]) -> RuleCatalog:
        return RuleCatalog(self.rules, self.aliases, {r.name: r for r in org_rules})

    @cached_property
    def _by_identifier(self) -> dict[str, str]:
        return {r.identifier: r.name for r in self.rules.values() if r.identifier}

    def logical_name(self, member_name: str) -> str:
        """The logical rule a rule name in a member account stands for."""
        org = _ORG_MEMBER.match(member_name)
        if org:
            inner = org.group("name")
            org_rule = self.org_rules.get(inner)
            if org_rule and org_rule.identifier and org_rule.identifier in self._by_identifier:
                return self._by_identifier[org_rule.identifier]
            return self.logical_name(inner)
        pack = _PACK_MEMBER.match(member_name) or _SECURITY_HUB_MEMBER.match(member_name)
        if pack:
            return self.logical_name(pack.group("name"))
        key = _key(member_name)
        if key in self.rules:
            return key
        identifier = member_name.strip().upper().replace("-", "_")
        if identifier in self._by_identifier:
            return self._by_identifier[identifier]
        org_rule = self.org_rules.get(member_name)
        if org_rule and org_rule.identifier in self._by_identifier:
            return self._by_identifier[org_rule.identifier or ""]
        return member_name

    def knows(self, word: str) -> bool:
        """Whether the catalog alone resolves `word` to one rule (the grammar's `is_rule`); no
        suggestions are looked for (they cost a fuzzy search over every name)."""
        try:
            self.resolve(word, suggest=False)
        except UserError:
            return False
        return True

    def resolve(self, text: str, observed: Iterable[str] = (), suggest: bool = True) -> str:
        """The logical rule the asker means, or RuleNotFound / AmbiguousRule.

        `observed` are member rule names seen in the aggregator, for custom rules the catalog
        cannot know.
        """
        text = text.strip()
        logical = self.logical_name(text)
        if logical in self.rules or text in self.org_rules or logical != text:
            return logical
        observed_names = set(observed)
        if text in observed_names:
            return self.logical_name(text)
        # A logical name the aggregator shows (`rules` lists it) though the catalog does not know
        # it: an organization rule whose definition this account may not read, say.
        if any(self.logical_name(name) == text for name in observed_names):
            return text
        key = _key(text)
        if key in self.aliases:
            return self.aliases[key]
        wanted = _tokens(text)
        candidates = sorted(
            name
            for name in self.rules
            if all(
                any(t.startswith(w) or w.startswith(t) and len(w) >= 4 for t in _tokens(name)) for w in wanted
            )
        )
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise AmbiguousRule(text, candidates[:8])
        if not suggest:
            raise RuleNotFound(text)
        vocabulary = [*self.rules, *self.aliases, *self.org_rules, *observed_names]
        raise RuleNotFound(text, difflib.get_close_matches(key, vocabulary, n=3, cutoff=0.6))

    def matcher(self, logical: str) -> Matcher:
        """The names that stand for the logical rule in member accounts."""
        exact = {logical}
        bases = {logical}
        info = self.rules.get(logical)
        if info is not None and info.identifier:
            exact.add(info.identifier)
        for org_rule in self.org_rules.values():
            if self.logical_name(org_rule.name) == logical or (
                info is not None and info.identifier is not None and org_rule.identifier == info.identifier
            ):
                if org_rule.member_name:
                    exact.add(org_rule.member_name)
                bases.add(org_rule.name)
        return Matcher(logical, frozenset(exact), frozenset(bases), self.memoized_logical_name())

    def memoized_logical_name(self) -> Callable[[str], str]:
        """`logical_name` remembering its answers: one question maps the same names many times."""
        names: dict[str, str] = {}

        def logical_name(member_name: str) -> str:
            found = names.get(member_name)
            if found is None:
                found = names[member_name] = self.logical_name(member_name)
            return found

        return logical_name

    def suggestions(self, text: str) -> list[str]:
        vocabulary = [*self.rules, *self.aliases]
        return difflib.get_close_matches(_key(text), vocabulary, n=3, cutoff=0.6)
