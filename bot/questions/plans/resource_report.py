"""One resource by id, name or ARN, as an incident needs it: every rule that evaluates it, with
the annotation and time of those it breaks; its configuration in short, tags, related resources,
console link and last change; or, when several resources share the name, them, to pick from."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bot import errors
from bot.answers.models import (
    Answer,
    RelatedResource,
    ResourceRef,
    ResourceReport,
    ResourceRuleCompliance,
)
from bot.aws.client import Tally
from bot.aws.console import console_url
from bot.questions.plans import reads
from bot.questions.plans.context import PlanContext
from bot.questions.plans.reads import GLOBAL_REGION, PSEUDO_TYPES
from bot.questions.query_validation import MAX_LENGTH as MAX_EXPRESSION
from bot.questions.query_validation import quote
from bot.questions.rules import RuleCatalog

RESOURCE_COMPLIANCE = "AWS::Config::ResourceCompliance"
DETAILS = "GetAggregateComplianceDetailsByConfigRule"
SELECT = "SelectAggregateResourceConfig"
ITEM_FIELDS = (
    "SELECT accountId, awsRegion, resourceType, resourceId, resourceName, arn, "
    "configurationItemCaptureTime, configuration, tags, relationships"
)
SUMMARY_FIELDS = 8  # of the configuration, shown in short: the console link has the rest
SUMMARY_CHARS = 100


@dataclass
class _Candidate:
    """A resource the identifier names: its configuration item (None: only its evaluations are
    known), and its compliance items when the first query already read them."""

    ref: ResourceRef
    item: dict[str, Any] | None
    compliance_items: list[dict[str, Any]] = field(default_factory=list)


def resource(
    ctx: PlanContext, identifier: str, aggregator: str | None = None, accounts: frozenset[str] | None = None
) -> Answer[ResourceReport]:
    """A resource by id, name or ARN, only among `accounts` when given (a channel's scope: a
    same-named resource elsewhere is neither chosen nor told of).

    One advanced query finds the configuration items with that id, name or ARN and the
    compliance items of a resource with that id (so one AWS Config records no item of is found
    by its evaluations): its first page only (a name like `default` names a security group in
    every VPC: the asker picks among the first). Several resources and none named exactly (by id
    or ARN): they are the answer, to pick from. Else, for the one: its compliance items (a second
    query, unless the first read them: it was named by its id), then one page of details per rule
    that it breaks (more only where that rule breaks many resources), within detail_call_cap. A
    source that records no compliance items: its NON_COMPLIANT rules there and their details."""
    tally = Tally()
    name = ctx.name(aggregator)
    wanted = identifier.strip()
    literal = quote(wanted)
    named = (
        f"(resourceId = {literal} OR resourceName = {literal} OR arn = {literal} "
        f"OR configuration.targetResourceId = {literal})"
    )
    expression = f"{ITEM_FIELDS} WHERE {named}"
    if len(expression) > MAX_EXPRESSION:  # AWS would refuse it: no id, name or ARN is that long
        raise errors.ResourceNotFound(identifier[:80] + "…")
    if accounts:  # AWS reads the scope's accounts alone, where the list fits in an expression
        scoped = f"{expression} AND accountId IN ({', '.join(quote(a) for a in sorted(accounts))})"
        expression = scoped if len(scoped) <= MAX_EXPRESSION else expression
    texts, rest = ctx.aws.leading(
        tally, SELECT, "Results", 1, ConfigurationAggregatorName=name, Expression=expression
    )
    rows = [row for row in map(json.loads, texts) if accounts is None or row.get("accountId") in accounts]
    more = rest is not None
    candidates = _candidates(rows)
    if not candidates:
        raise errors.ResourceNotFound(identifier)
    exact = [c for c in candidates if wanted in (c.ref.resource_id, c.ref.arn)]
    question = f"resource {identifier}"
    if len(candidates) > 1 and len(exact) != 1:  # the asker picks: no more calls
        refs = [c.ref for c in candidates]
        report = ResourceReport(identifier=wanted, matches=refs, more_matches=more)
        return ctx.answer(
            question, name, tally, report, ctx.coverage(tally, name, {r.account_id for r in refs})
        )
    chosen = exact[0] if exact else candidates[0]
    ref = chosen.ref
    items = chosen.compliance_items
    if ref.resource_id != wanted or more:  # the first query did not look for them all
        items = list(ctx.aws.select(tally, name, _compliance_query(ref)))
    catalog = ctx.catalog_of(tally)
    compliance = [
        ResourceRuleCompliance(
            rule_name=element["configRuleName"],
            rule=catalog.logical_name(element["configRuleName"]),
            compliance_type=element["complianceType"],
            region=row.get("awsRegion"),
        )
        for row in items
        for element in row.get("configuration", {}).get("configRuleList", [])
    ]
    blind = not compliance and any(
        a == ref.account_id and ref.region in (g, GLOBAL_REGION)
        for a, g in ctx.without_compliance_items(tally, name)
    )
    # No compliance items to say which rules evaluate it: the rules that may break it there.
    maybe = _rules_that_may_break(ctx, tally, name, ref, catalog) if blind else []
    compliance, complete = _annotated(ctx, tally, name, ref, compliance, maybe)
    compliance.sort(key=lambda c: (c.compliance_type != "NON_COMPLIANT", c.rule, c.rule_name, c.region or ""))
    report = ResourceReport(
        identifier=wanted,
        resource=ref,
        configuration_item=chosen.item is not None,
        compliance=compliance,
        console_url=console_url(ref.resource_type, ref.resource_id, ref.region, ref.resource_name),
        matches=[c.ref for c in candidates if c is not chosen],
        more_matches=more,
        **(_item_fields(chosen.item) if chosen.item is not None else {}),
    )
    coverage = ctx.coverage(
        tally,
        name,
        {ref.account_id},
        None if ref.region == GLOBAL_REGION else {ref.region},
        without_compliance_items=[ref.account_id] if blind else [],
        truncated=not complete,
    )
    return ctx.answer(question, name, tally, report, coverage)


def _candidates(rows: list[dict[str, Any]]) -> list[_Candidate]:
    """The resources the rows name, each once: configuration items, with the compliance items
    of theirs among the rows, and the targets of compliance items that have none. Sorted."""
    found: list[_Candidate] = []
    for row in rows:
        if row.get("resourceType") in PSEUDO_TYPES:
            continue
        ref = ResourceRef(
            account_id=row["accountId"],
            region=row["awsRegion"],
            resource_type=row["resourceType"],
            resource_id=row["resourceId"],
            resource_name=row.get("resourceName"),
            arn=row.get("arn"),
        )
        found.append(_Candidate(ref, row))
    targets: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("resourceType") != RESOURCE_COMPLIANCE:
            continue
        target = row.get("configuration", {})
        key = (row["accountId"], str(target.get("targetResourceType")), str(target.get("targetResourceId")))
        owner = next((c for c in found if _owns(c.ref, key, row["awsRegion"])), None)
        if owner is not None:
            owner.compliance_items.append(row)
        else:
            targets[key].append(row)
    for (account, resource_type, resource_id), items in targets.items():
        regions = {str(r["awsRegion"]) for r in items}
        # Evaluated in several regions: a global or account-level resource (its rules say where).
        region = regions.pop() if len(regions) == 1 else GLOBAL_REGION
        ref = ResourceRef(
            account_id=account, region=region, resource_type=resource_type, resource_id=resource_id
        )
        found.append(_Candidate(ref, None, items))
    found.sort(key=lambda c: (c.ref.account_id, c.ref.region, c.ref.resource_type, c.ref.resource_id))
    return found


def _owns(ref: ResourceRef, target: tuple[str, str, str], region: str) -> bool:
    """Whether a compliance item (its target, its region) is this resource's. Rules evaluate a
    global resource (IAM) in a real region, so its compliance items are regional."""
    same = (ref.account_id, ref.resource_type, ref.resource_id) == target
    return same and ref.region in (region, GLOBAL_REGION)


def _compliance_query(ref: ResourceRef) -> str:
    where_region = "" if ref.region == GLOBAL_REGION else f" AND awsRegion = {quote(ref.region)}"
    return (
        f"SELECT awsRegion, configuration.configRuleList WHERE resourceType = '{RESOURCE_COMPLIANCE}' "
        f"AND configuration.targetResourceId = {quote(ref.resource_id)} "
        f"AND configuration.targetResourceType = {quote(ref.resource_type)} "
        f"AND accountId = {quote(ref.account_id)}{where_region}"
    )


def _item_fields(item: dict[str, Any]) -> dict[str, Any]:
    """What the report shows of a configuration item: when it last changed, its configuration in
    short, its tags and its relationships."""
    related = [
        RelatedResource(
            resource_type=str(r.get("resourceType", "")),
            resource_id=r.get("resourceId"),
            resource_name=r.get("resourceName"),
            relationship=str(r.get("relationshipName", "")),
        )
        for r in item.get("relationships") or []
        if isinstance(r, dict)
    ]
    related.sort(key=lambda r: (r.relationship, r.resource_type, r.resource_id or "", r.resource_name or ""))
    return {
        "captured_at": reads.parse_time(item.get("configurationItemCaptureTime")),
        "configuration": _summary(item.get("configuration")),
        "tags": {t["key"]: str(t.get("value", "")) for t in item.get("tags") or [] if "key" in t},
        "relationships": related,
    }


def _summary(configuration: Any) -> dict[str, str]:
    """A few top-level scalar fields of the configuration, in AWS's order, each short: what a
    reader takes in at a glance, not a JSON dump."""
    shown: dict[str, str] = {}
    for key, value in (configuration if isinstance(configuration, dict) else {}).items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str | int | float):
            text = str(value).strip()
        else:
            continue
        if text:
            shown[str(key)] = text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
        if len(shown) == SUMMARY_FIELDS:
            break
    return shown


def _rules_that_may_break(
    ctx: PlanContext, tally: Tally, name: str, ref: ResourceRef, catalog: RuleCatalog
) -> list[ResourceRuleCompliance]:
    """In a source that records no compliance items, the rules that may break the resource: its
    NON_COMPLIANT rules there (of a global resource, in any region), less those whose managed
    rule cannot evaluate the resource's type. Their details tell which do; which rules it passes
    stays unknown (the coverage says the account records no compliance items)."""
    regional = {} if ref.region == GLOBAL_REGION else {"AwsRegion": ref.region}
    maybe = []
    for row in reads.non_compliant_rows(ctx.aws, tally, name, AccountId=ref.account_id, **regional):
        logical = catalog.logical_name(row["ConfigRuleName"])
        info = catalog.rules.get(logical)
        if info is not None and info.resource_types and ref.resource_type not in info.resource_types:
            continue
        maybe.append(
            ResourceRuleCompliance(
                rule_name=row["ConfigRuleName"],
                rule=logical,
                compliance_type="NON_COMPLIANT",
                region=row["AwsRegion"],
            )
        )
    return maybe


def _annotated(
    ctx: PlanContext,
    tally: Tally,
    name: str,
    ref: ResourceRef,
    compliance: list[ResourceRuleCompliance],
    maybe: list[ResourceRuleCompliance],
) -> tuple[list[ResourceRuleCompliance], bool]:
    """`compliance` with the annotation and evaluation time of each rule the resource breaks,
    plus those of `maybe` whose details show it breaks them; and whether every detail wanted was
    read. The details call has no resource filter: each rule's NON_COMPLIANT pages are read until
    the resource is found, for at most detail_call_cap rules and pages in all (fanned out)."""
    wanted = [c for c in compliance if c.compliance_type == "NON_COMPLIANT"] + maybe
    cap = ctx.settings.detail_call_cap
    pages = max(1, cap // max(1, min(len(wanted), cap)))
    results = ctx.aws.fan_out(
        [
            partial(_evaluation, ctx, tally, name, ref, c.rule_name, c.region or ref.region, pages)
            for c in wanted[:cap]
        ]
    )
    results += [(False, None)] * (len(wanted) - len(results))
    # A rule has one evaluation of a resource per region (a global resource's, in several).
    found = dict(zip(((c.rule_name, c.region) for c in wanted), results, strict=True))
    annotated = []
    for c, may in [*((c, False) for c in compliance), *((c, True) for c in maybe)]:
        done, item = found.get((c.rule_name, c.region), (True, None))
        if item is not None:
            c = c.model_copy(
                update={
                    "annotation": item.get("Annotation"),
                    # The time every answer shows for an evaluation (reads.resource_from_detail).
                    "evaluated_at": reads.parse_time(item.get("ResultRecordedTime")),
                }
            )
        elif may:
            continue  # a rule that may break it and does not (or was not read: not complete)
        elif not done:
            c = c.model_copy(update={"details_unread": True})
        annotated.append(c)
    return annotated, all(done for done, _ in results)


def _evaluation(
    ctx: PlanContext, tally: Tally, name: str, ref: ResourceRef, rule_name: str, region: str, pages: int
) -> tuple[bool, dict[str, Any] | None]:
    """The rule's NON_COMPLIANT evaluation of the resource, read at most `pages` pages: whether
    it was found or every page read, and the evaluation (None: not among them)."""
    responses = ctx.aws.responses(
        tally,
        DETAILS,
        ConfigurationAggregatorName=name,
        ConfigRuleName=rule_name,
        AccountId=ref.account_id,
        AwsRegion=region,
        ComplianceType="NON_COMPLIANT",
    )
    # zip asks the pager for no page past `pages` (range ends first).
    for _, response in zip(range(pages), responses, strict=False):
        for item in response.get("AggregateEvaluationResults", []):
            qualifier = item.get("EvaluationResultIdentifier", {}).get("EvaluationResultQualifier", {})
            if (qualifier.get("ResourceType"), qualifier.get("ResourceId")) == (
                ref.resource_type,
                ref.resource_id,
            ):
                return True, item
        if not response.get("NextToken"):
            return True, None
    return False, None
