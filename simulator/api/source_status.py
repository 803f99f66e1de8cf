"""DescribeConfigurationAggregatorSourcesStatus: the organization's own row per region (for an
organization aggregator), then every source account and region with its last update status,
error code and message, filtered by UpdateStatus."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from simulator.api.common import Params, Response, aggregator_and_state, page_response
from simulator.errors import InvalidParameterValueException, validation
from simulator.paging import LazyRows
from simulator.sources import organization_of
from simulator.state import SourceStatus
from simulator.views import view

UPDATE_STATUSES = ("FAILED", "SUCCEEDED", "OUTDATED")


def describe_configuration_aggregator_sources_status(account: str, region: str, params: Params) -> Response:
    aggregator, state = aggregator_and_state(account, region, params)
    statuses = params.get("UpdateStatus")
    if statuses is not None:
        if not statuses:
            raise validation("[]", "updateStatus", "Member must have length greater than or equal to 1")
        for status in statuses:
            if status not in UPDATE_STATUSES:
                raise InvalidParameterValueException(
                    f"Invalid UpdateStatus {status!r}: valid values are FAILED, SUCCEEDED, OUTDATED."
                )

    def compute() -> LazyRows:
        return LazyRows(r for r in rows() if not statuses or r["LastUpdateStatus"] in statuses)

    def rows() -> Iterator[Response]:
        now = datetime.now(UTC)
        # The view's sources were made when it was built: a source is reported as updated now,
        # unless its status was forced with a time.
        sources = view(aggregator).sources
        forced = state.source_status
        org = organization_of(aggregator.account_id)
        if aggregator.model.organization_aggregation_source is not None and org is not None:
            # The organization itself, per region, then each member account.
            for org_region in sorted({s.region for s in sources}):
                yield {
                    "SourceId": org.id,
                    "SourceType": "ORGANIZATION",
                    "AwsRegion": org_region,
                    "LastUpdateStatus": "SUCCEEDED",
                    "LastUpdateTime": now,
                }
        for source in sources:
            row: Response = {
                "SourceId": source.source_id,
                "SourceType": source.source_type,
                "AwsRegion": source.region,
                "LastUpdateStatus": source.status,
                "LastUpdateTime": _last_update(
                    forced.get((aggregator.name, source.account_id, source.region)), now
                ),
            }
            if source.error_code:
                row["LastErrorCode"] = source.error_code
            if source.error_message:
                row["LastErrorMessage"] = source.error_message
            yield row

    return page_response(
        state,
        "DescribeConfigurationAggregatorSourcesStatus",
        params,
        100,
        compute,
        "AggregatedSourceStatusList",
    )


def _last_update(forced: SourceStatus | None, now: datetime) -> datetime:
    return forced.last_update or now if forced is not None else now
