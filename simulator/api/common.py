"""What every aggregate operation does with its request: check the members AWS checks on the
server (required members, enum values, resource types), find the named aggregator and the sources
a filter leaves, answer one page of rows with its NextToken (an empty page where AWS may answer
one), and count compliant and non-compliant verdicts per GroupByKey group for the two summary
operations. `Params` and `Response` are the request's and the response's JSON members."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import botocore.session

from simulator.errors import enum_error, validation
from simulator.paging import Rows, empty_pages, page_size, paginate
from simulator.source_data import SourceData
from simulator.sources import Aggregator, Source, get_aggregator, readable_sources, source_of
from simulator.state import SimState, backend, sim
from simulator.views import AggregatorView, view

Params = dict[str, Any]
Response = dict[str, Any]


@cache
def resource_types() -> frozenset[str]:
    model = botocore.session.get_session().get_service_model("config")
    return frozenset(getattr(model.shape_for("ResourceType"), "enum", ()))


def require(params: Params, *names: str) -> None:
    for name in names:
        if params.get(name) in (None, ""):
            member = name[0].lower() + name[1:]
            raise validation("null", member, "Member must not be null")


def check_enum(value: Any, member: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise enum_error(value, member, allowed)


def check_resource_type(value: Any, member: str) -> None:
    if value is not None and value not in resource_types():
        raise validation(value, member, "Member must satisfy enum value set: [the ResourceType values]")


def aggregator_and_state(account: str, region: str, params: Params) -> tuple[Aggregator, SimState]:
    require(params, "ConfigurationAggregatorName")
    aggregator = get_aggregator(account, region, params["ConfigurationAggregatorName"])
    return aggregator, sim(backend(account, region))


def filtered_sources(aggregator: Aggregator, account: Any, region: Any) -> list[Source]:
    if account and region:  # one source: no need to list an organization's thousands
        found = source_of(aggregator, str(account), str(region))
        return [found] if found is not None and found.readable else []
    return [
        s
        for s in readable_sources(aggregator)
        if (not account or s.account_id == account) and (not region or s.region == region)
    ]


# The operations whose pages may be empty and still carry a NextToken, as AWS documents for them.
MAY_ANSWER_EMPTY_PAGES = frozenset(
    {
        "DescribeAggregateComplianceByConfigRules",
        "GetAggregateComplianceDetailsByConfigRule",
        "GetAggregateConfigRuleComplianceSummary",
        "DescribeAggregateComplianceByConformancePacks",
        "GetAggregateConformancePackComplianceSummary",
    }
)


def page_response(
    state: SimState,
    operation: str,
    params: Params,
    maximum: int,
    compute: Callable[[], Rows],
    key: str,
    default: int | None = None,
) -> Response:
    size = page_size(params.get("Limit"), maximum, default)
    if operation in MAY_ANSWER_EMPTY_PAGES:
        rows, token = paginate(state, operation, params, size, compute, empty_pages(state))
    else:
        rows, token = paginate(state, operation, params, size, compute)
    response: Response = {key: rows}
    if token:
        response["NextToken"] = token
    return response


def _group_name(source_account: str, source_region: str, group_by: str | None) -> str:
    if group_by == "ACCOUNT_ID":
        return source_account
    if group_by == "AWS_REGION":
        return source_region
    return ""


def positions(built: AggregatorView, account: Any, region: Any) -> Iterable[int]:
    """The readable sources (by position in the view) a filter by account and region leaves."""
    if account and region:
        found = built.position.get((str(account), str(region)))
        return [] if found is None else [found]
    if account:
        return built.by_account.get(str(account), [])
    if region:
        return [p for p, s in enumerate(built.readable) if s.region == region]
    return range(len(built.readable))


def _grouped_summary(
    aggregator: Aggregator,
    params: Params,
    verdicts: Callable[[SourceData], tuple[int, int, bool]],
    summary: Callable[[int, int], Response],
) -> list[Response]:
    """Compliant and non-compliant counts of `verdicts` (compliant, non-compliant, whether the
    source has any rule or pack) per GroupByKey group, or one total."""
    filters = params.get("Filters") or {}
    group_by = params.get("GroupByKey")
    compliant: Counter[str] = Counter()
    non_compliant: Counter[str] = Counter()
    built = view(aggregator)
    for position in positions(built, filters.get("AccountId"), filters.get("AwsRegion")):
        good, bad, present = verdicts(built.data[position])
        if present:
            source = built.readable[position]
            group = _group_name(source.account_id, source.region, group_by)
            compliant[group] += good
            non_compliant[group] += bad
    groups = sorted(set(compliant) | set(non_compliant)) or ([""] if not group_by else [])
    rows = []
    for group in groups:
        row: Response = {"ComplianceSummary": summary(compliant[group], non_compliant[group])}
        if group_by:
            row["GroupName"] = group
        rows.append(row)
    return rows


def summary_page(
    account: str,
    region: str,
    params: Params,
    operation: str,
    maximum: int,
    key: str,
    verdicts: Callable[[SourceData], tuple[int, int, bool]],
    summary: Callable[[SimState, int, int], Response],
) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    group_by = params.get("GroupByKey")
    check_enum(group_by, "groupByKey", ("ACCOUNT_ID", "AWS_REGION"))
    response = page_response(
        state,
        operation,
        params,
        maximum,
        lambda: _grouped_summary(
            aggregator, params, verdicts, lambda compliant, bad: summary(state, compliant, bad)
        ),
        key,
    )
    if group_by:
        response["GroupByKey"] = group_by
    return response
