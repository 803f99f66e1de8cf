"""The digest's own plan: the organization's compliance today, as one `Snapshot` (every
non-compliant finding, compliant resources, rules, and the sources that did not report)."""

from __future__ import annotations

from bot.answers import counting
from bot.answers.coverage import coverage_of
from bot.answers.models import Answer
from bot.aws.client import Tally
from bot.digest.snapshots import Snapshot
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import NON_COMPLIANT_ITEMS


def take_snapshot(ctx: PlanContext, aggregator: str | None = None) -> Answer[Snapshot]:
    """The organization's compliance today, for the digest: every non-compliant finding
    (one advanced query, all pages), compliant resources (one COUNT query), rules (one
    summary call) and the sources that FAILED or are OUTDATED."""
    tally = Tally()
    name = ctx.name(aggregator)
    catalog = ctx.catalog_of(tally)
    findings: set[tuple[str, str, str, str, str]] = set()
    resources: set[tuple[str, str, str, str]] = set()
    expression = NON_COMPLIANT_ITEMS
    # Accounts, regions, rules and types repeat across hundreds of thousands of findings at
    # 10,000 accounts: one string object each keeps the snapshot a fraction of its size.
    shared: dict[str, str] = {}
    one = shared.setdefault
    for row, target, element in ctx.aws.non_compliant_elements(tally, name, expression):
        key = (
            one(row["accountId"], row["accountId"]),
            one(row["awsRegion"], row["awsRegion"]),
            one(target["targetResourceType"], target["targetResourceType"]),
            target["targetResourceId"],
        )
        rule = catalog.logical_name(element["configRuleName"])
        findings.add((key[0], key[1], one(rule, rule), key[2], key[3]))
        resources.add(key)
    compliant: dict[str, int] = {}
    expression = (
        "SELECT accountId, COUNT(*) WHERE resourceType = 'AWS::Config::ResourceCompliance' "
        "AND configuration.complianceType = 'COMPLIANT' GROUP BY accountId"
    )
    for row in ctx.aws.select(tally, name, expression):
        compliant[str(row.get("accountId"))] = int(row["COUNT(*)"])
    summary = reads.summary_groups(ctx.aws, tally, name, "ACCOUNT_ID", {})
    rules = {r.group: (r.compliant_rules.value, r.non_compliant_rules.value) for r in summary}
    # Sources whose rules have results but that record no compliance items are invisible to
    # the queries above: their findings come from the compliance APIs.
    blind_sources = ctx.without_compliance_items(tally, name)
    blind = sorted({a for a, _ in blind_sources})
    blind_rows = [
        row
        for a, g in blind_sources
        for row in reads.non_compliant_rows(ctx.aws, tally, name, AccountId=a, AwsRegion=g)
    ]
    found, read = ctx.read_details(tally, name, catalog.logical_name, blind_rows)
    for r in counting.merge(found):
        findings.add(
            (
                one(r.account_id, r.account_id),
                one(r.region, r.region),
                one(r.rule, r.rule),
                one(r.resource_type, r.resource_type),
                r.resource_id,
            )
        )
        resources.add(r.key)
    problems = ctx.fresh_health(tally, name).problems
    # Built from validated AWS answers; validating again would copy every finding's tuple.
    snapshot = Snapshot.model_construct(
        aggregator=name,
        taken_at=ctx.clock(),
        compliant_resources=sum(compliant.values()),
        non_compliant_resources=len(resources),
        compliant_rules=sum(c for c, _ in rules.values()),
        non_compliant_rules=sum(n for _, n in rules.values()),
        findings=sorted(findings),
        problems=problems,
        compliant_by_account=compliant,
        rules_by_account=rules,
        without_compliance_items=blind,
        capped=any(r.compliant_rules.capped or r.non_compliant_rules.capped for r in summary),
        truncated=len(read) < len(blind_rows),
    )
    coverage = coverage_of(
        problems,
        # Their non-compliant resources are read; their compliant ones cannot be counted.
        without_compliance_items=blind,
        capped=snapshot.capped,
        truncated=snapshot.truncated,
    )
    return ctx.answer("snapshot", name, tally, snapshot, coverage)
