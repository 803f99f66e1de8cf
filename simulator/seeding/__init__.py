"""A simulated AWS organization, deterministic by seed, loaded into the simulator.

Accounts come from moto's organizations backend; rules are drawn from AWS's own conformance
packs (simulator/data/conformance-packs.json): a few deployed as organization config rules (so
they appear as OrgConfigRule-<name>-<suffix> in every member), a conformance pack per account and
region (rules named <rule>-conformance-pack-<suffix>), and a plain local rule in some accounts.
As in real organizations, one check is often deployed several times: in some account-regions
the pack also holds a copy of organization rules, and Security Hub's service-linked rules
(securityhub-<rule>-<suffix>) check the same; each copy gives the verdicts the same managed rule
would. A custom organization rule, `restricted-ssh-periodic`, extends another's name with its own
verdicts. Each account has an IAM role (awsRegion "global", an AROA id) recorded in the home
region, where a rule evaluates it.

Every account-region has a configuration recorder (all supported types; global types in the
home region only), except that some accounts' recorders exclude AWS::Config::ResourceCompliance:
their evaluations are there, their compliance items are not.

Resources carry realistic names and configurations; evaluations agree with the configuration
where a rule checks an obvious property (encryption, SSH, inline policies), and follow the
non-compliance rate elsewhere. `spec.SeededOrg.evaluations` is the ground truth tests compare
answers with: its `logical_rule` is the rule a physical rule stands for.

One module a step: `spec` (what to seed, what was seeded), `catalog` (which rules),
`organization`, `resources`, `account_region` (recorder, rules, evaluations), `aggregator_owner`
(source statuses, paging) and `generator` (`generate`, in that order). `simulator.orggen` gathers
the names tests, benchmarks and the demo import; this package re-exports nothing.
"""
