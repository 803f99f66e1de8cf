"""Rule resolution: every rule of AWS's conformance packs by each of its names."""

from __future__ import annotations

import pytest

from bot.errors import AmbiguousRule, RuleNotFound
from bot.questions.rules import OrgRule, RuleCatalog, packaged_rules

CATALOG = RuleCatalog.default()
RULES = packaged_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_every_pack_rule_resolves_by_each_of_its_names(rule) -> None:
    assert CATALOG.resolve(rule.name) == rule.name
    assert CATALOG.resolve(rule.name.upper()) == rule.name
    assert CATALOG.resolve(f"OrgConfigRule-{rule.name}-ab12cd34") == rule.name
    assert CATALOG.resolve(f"{rule.name}-conformance-pack-x1y2z3w4") == rule.name
    if rule.identifier:
        assert CATALOG.resolve(rule.identifier) == rule.name
        assert CATALOG.resolve(rule.identifier.lower()) == rule.name


def test_the_seed_articles_rule_means_all_its_names() -> None:
    for text in (
        "s3-encryption",
        "s3-bucket-server-side-encryption-enabled",
        "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "OrgConfigRule-s3-bucket-server-side-encryption-enabled-ab12cd34",
        "s3-bucket-server-side-encryption-enabled-conformance-pack-xyz12ab9",
        "securityhub-s3-bucket-server-side-encryption-enabled-1a2b3c4d",
    ):
        assert CATALOG.resolve(text) == "s3-bucket-server-side-encryption-enabled"


def test_names_that_differ_in_words_resolve_through_the_identifier() -> None:
    assert CATALOG.resolve("INCOMING_SSH_DISABLED") == "restricted-ssh"
    assert CATALOG.resolve("CLOUD_TRAIL_ENABLED") == "cloudtrail-enabled"


def test_organization_rules_with_their_own_names() -> None:
    catalog = CATALOG.with_org_rules(
        [OrgRule("org-s3-encryption", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "ab12cd34")]
    )
    assert catalog.resolve("org-s3-encryption") == "s3-bucket-server-side-encryption-enabled"
    assert (
        catalog.resolve("OrgConfigRule-org-s3-encryption-ab12cd34")
        == "s3-bucket-server-side-encryption-enabled"
    )
    matcher = catalog.matcher("s3-bucket-server-side-encryption-enabled")
    assert "OrgConfigRule-org-s3-encryption-ab12cd34" in matcher.exact
    assert matcher.matches("OrgConfigRule-org-s3-encryption-ab12cd34")
    assert matcher.matches("s3-bucket-server-side-encryption-enabled-conformance-pack-q9w8e7r6")
    assert not matcher.matches("s3-bucket-versioning-enabled")


def test_org_rule_from_the_api_takes_the_suffix_from_its_arn() -> None:
    rule = OrgRule.from_api(
        {
            "OrganizationConfigRuleName": "org-ssh",
            "OrganizationConfigRuleArn": (
                "arn:aws:config:us-east-1:111122223333:organization-config-rule/org-ssh-q1w2e3r4"
            ),
            "OrganizationManagedRuleMetadata": {"RuleIdentifier": "INCOMING_SSH_DISABLED"},
        }
    )
    assert rule == OrgRule("org-ssh", "INCOMING_SSH_DISABLED", "q1w2e3r4")
    assert rule.member_name == "OrgConfigRule-org-ssh-q1w2e3r4"


def test_configured_aliases() -> None:
    catalog = RuleCatalog.default({"pci-enc": "s3-bucket-server-side-encryption-enabled"})
    assert catalog.resolve("pci-enc") == "s3-bucket-server-side-encryption-enabled"
    assert catalog.resolve("PCI_ENC") == "s3-bucket-server-side-encryption-enabled"


def test_ambiguous_names_list_the_candidates() -> None:
    with pytest.raises(AmbiguousRule) as raised:
        CATALOG.resolve("encryption")
    assert "dynamodb-table-encryption-enabled" in raised.value.candidates
    assert len(raised.value.candidates) <= 8


def test_unknown_names_suggest_close_ones() -> None:
    with pytest.raises(RuleNotFound) as raised:
        CATALOG.resolve("s3-encrypton")
    assert "s3-encryption" in raised.value.suggestions
    with pytest.raises(RuleNotFound) as raised:
        CATALOG.resolve("zzzz-qqqq")
    assert raised.value.suggestions == []


def test_custom_rules_seen_in_the_aggregator_resolve_to_themselves() -> None:
    assert CATALOG.resolve("team-custom-check", observed={"team-custom-check"}) == "team-custom-check"
    assert CATALOG.logical_name("OrgConfigRule-team-custom-check-ab12cd34") == "team-custom-check"


def test_a_name_is_claimed_by_its_whole_shape_not_by_a_prefix() -> None:
    catalog = CATALOG.with_org_rules(
        [
            OrgRule("restricted-ssh", "INCOMING_SSH_DISABLED", "ab12cd34"),
            OrgRule("restricted-ssh-periodic", None, "q1w2e3r4"),  # a custom rule: another check
        ]
    )
    ssh = catalog.matcher("restricted-ssh")
    assert ssh.matches("OrgConfigRule-restricted-ssh-ab12cd34")
    assert not ssh.matches("OrgConfigRule-restricted-ssh-periodic-q1w2e3r4")
    assert not ssh.matches("restricted-ssh-periodic-conformance-pack-zz11yy22")
    assert catalog.logical_name("OrgConfigRule-restricted-ssh-periodic-q1w2e3r4") == "restricted-ssh-periodic"
    periodic = catalog.matcher("restricted-ssh-periodic")
    assert periodic.matches("OrgConfigRule-restricted-ssh-periodic-q1w2e3r4")
    assert not periodic.matches("OrgConfigRule-restricted-ssh-ab12cd34")


def test_security_hub_rules_stand_for_their_check() -> None:
    matcher = CATALOG.matcher("restricted-ssh")
    assert matcher.matches("securityhub-restricted-ssh-9f8e7d6c")
    assert not matcher.matches("securityhub-restricted-ssh-periodic-9f8e7d6c")
    assert CATALOG.logical_name("securityhub-restricted-ssh-9f8e7d6c") == "restricted-ssh"


def test_no_like_pattern_holds_an_underscore() -> None:
    # `_` is a LIKE wildcard in AWS's query language: a pattern built from `my_rule` would also
    # match `myXrule`. The condition cuts each pattern before the first `_` (a superset that the
    # caller re-filters with `matches`) and takes exact names by `=`.
    catalog = CATALOG.with_org_rules([OrgRule("team_s3_check", None, "ab12cd34")])
    matcher = catalog.matcher("team_s3_check")
    condition = matcher.query_condition("name", lambda text: f"'{text}'")
    assert condition is not None
    likes = [term.split(" LIKE ")[1] for term in condition.strip("()").split(" OR ") if " LIKE " in term]
    assert likes and not any("_" in pattern for pattern in likes)
    assert "name = 'OrgConfigRule-team_s3_check-ab12cd34'" in condition
    assert matcher.matches("OrgConfigRule-team_s3_check-ab12cd34")
    assert not matcher.matches("OrgConfigRule-teamXs3_check-ab12cd34")


def test_no_condition_when_a_safe_pattern_is_too_short() -> None:
    matcher = CATALOG.with_org_rules([]).matcher("ab_c")
    assert matcher.query_condition("name", lambda text: f"'{text}'") is None


def test_no_like_pattern_holds_a_percent_sign_in_the_middle() -> None:
    matcher = CATALOG.with_org_rules([OrgRule("weird%rule", None, "ab12cd34")]).matcher("weird%rule")
    condition = matcher.query_condition("name", lambda text: f"'{text}'")
    assert condition is not None
    likes = [term.split(" LIKE ")[1] for term in condition.strip("()").split(" OR ") if " LIKE " in term]
    assert all(pattern.count("%") == 1 and pattern.endswith("%'") for pattern in likes)
