"""The advanced query (SelectAggregateResourceConfig) and the documents it reads: each resource's
query document, and the AWS::Config::ResourceCompliance and ::ConformancePackCompliance items a
source's recorder records (simulator.source_data). The aggregator's view (simulator.views)
indexes them; `select_plan` finds the documents a WHERE may match, rows are made as pages ask,
and counting queries are counted without making documents. `prepare_views` builds the view
ahead of the first read."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Any

from moto.config.models import RESOURCE_MAP

from simulator import select_plan
from simulator.api.common import Params, Response, aggregator_and_state, require
from simulator.errors import InvalidExpressionException
from simulator.inventory import PACK_COMPLIANCE, RESOURCE_COMPLIANCE
from simulator.paging import LazyRows, page_size, paginate
from simulator.select_plan import candidates
from simulator.source_data import source_data
from simulator.sources import Aggregator, Source, get_aggregator
from simulator.sql import evaluator, parser
from simulator.sql.syntax import Aggregate, BoolOp, Compare, Condition, InList, Path, Query
from simulator.state import Resource, existing_backend
from simulator.views import AggregatorView, Document, natives, view

# The fields every document has at its top level, which a count can group by without the document.
SCALARS = {"accountId": "account_id", "awsRegion": "region", "resourceType": "resource_type"}


def compliance_documents(source: Source) -> list[dict[str, Any]]:
    """AWS::Config::ResourceCompliance and ::ConformancePackCompliance items of one source."""
    data = source_data(existing_backend(source.account_id, source.region), source.account_id, source.region)
    packs = data.packs if data.pack_documents else ()
    return [item.document() for item in data.compliance] + [pack.document() for pack in packs]


def prepare_views(account: str, region: str, name: str) -> None:
    """Build the aggregator's view (every source's data, the indexes, moto's own resources) now,
    not in a read."""
    natives(view(get_aggregator(account, region, name)))


def _document(doc: Document) -> dict[str, Any]:
    return doc.query_document() if isinstance(doc, Resource) else doc.document()


def _stream(
    built: AggregatorView, plan: tuple[list[int], bool] | None, where: Condition | None = None
) -> Iterator[tuple[dict[str, Any], bool]]:
    """(document, whether it must still be checked against the WHERE), in query order: the
    candidates the plan found (every document without one), with moto's own resources at their
    source's place (they are in no index), those of the types `where` pins, if it does."""
    types = evaluator.pinned(where, "resourceType")
    if types is not None and types.isdisjoint(RESOURCE_MAP):  # e.g. compliance items only
        native: dict[int, list[Resource]] = {}
    else:
        native = natives(built)
    if types is not None and native:
        native = {
            p: kept for p, found in native.items() if (kept := [r for r in found if r.resource_type in types])
        }
    holes = sorted((built.holes[p], p) for p in native)
    ordinals: Iterable[int] = range(len(built.docs)) if plan is None else plan[0]
    check = plan is None or not plan[1]
    following = 0
    for ordinal in ordinals:
        while following < len(holes) and holes[following][0] < ordinal:
            for resource in native[holes[following][1]]:
                yield resource.query_document(), True
            following += 1
        doc = built.docs[ordinal]
        if doc is not None:
            yield _document(doc), check
    for _, position in holes[following:]:
        for resource in native[position]:
            yield resource.query_document(), True


def query_documents(aggregator: Aggregator, where: Condition | None = None) -> Iterable[dict[str, Any]]:
    """The documents an advanced query reads, in order; with `where`, only those it may match."""
    built = view(aggregator)
    plan = candidates(built, where)
    for document, _ in _stream(built, plan, where):
        yield document


def _counted(query: Query) -> bool:
    """Whether the query only counts documents by top-level fields (the census, the digest)."""
    fields = {p.text for p in query.group_by}
    items_ok = all(
        (isinstance(i, Path) and i.text in fields)
        or (isinstance(i, Aggregate) and i.function == "COUNT" and i.argument is None)
        for i in (*query.select, *(k for k, _ in query.order_by))
    )
    return query.aggregated and fields <= set(SCALARS) and items_ok


def _count_rows(query: Query, built: AggregatorView, ordinals: Iterable[int]) -> Iterable[dict[str, Any]]:
    """A counting query over exact candidates, grouped from the documents' objects: the rows
    evaluator.run would give, without making 300,000 documents."""
    key = attrgetter(*(SCALARS[p.text] for p in query.group_by)) if query.group_by else (lambda _: ())
    # Order does not matter to a count: the plan's set, unsorted, and C loops over it.
    keys = map(key, map(built.docs.__getitem__, ordinals))
    counts: Counter[Any] = Counter(keys if len(query.group_by) != 1 else ((k,) for k in keys))
    # moto's own resources: checked one by one.
    for document, _ in _stream(built, ([], True), query.where):
        if query.where is None or evaluator.matches(query.where, document):
            counts[tuple(document.get(p.text) for p in query.group_by)] += 1
    return evaluator.count_rows(query, counts)


# What a count of compliance and pack items may pin: the view counts them by these.
ITEM_FIELDS = frozenset({"resourceType", "accountId", "awsRegion", "configuration.complianceType"})
ITEM_TYPES = frozenset({RESOURCE_COMPLIANCE, PACK_COMPLIANCE})


def _only_pins(condition: Condition | None) -> bool:
    """Whether the condition is `=` or IN on ITEM_FIELDS, joined by AND (and nothing else)."""
    if condition is None:
        return True
    if isinstance(condition, BoolOp):
        return condition.op == "AND" and _only_pins(condition.left) and _only_pins(condition.right)
    if isinstance(condition, Compare):
        return condition.op == "=" and condition.path.text in ITEM_FIELDS and isinstance(condition.value, str)
    if isinstance(condition, InList):
        return condition.path.text in ITEM_FIELDS and all(isinstance(v, str) for v in condition.values)
    return False


def _count_items(query: Query, built: AggregatorView) -> Iterable[dict[str, Any]] | None:
    """A count of compliance or pack items by account, region and type (the census, the
    digest's COMPLIANT count), from the view's counts of them: at 10,000 accounts x 17 regions,
    counting two million items one by one took seconds. None for any other count."""
    types = evaluator.pinned(query.where, "resourceType")
    if types is None or not types <= ITEM_TYPES or not _only_pins(query.where):
        return None
    verdicts = evaluator.pinned(query.where, "configuration.complianceType")
    accounts = evaluator.pinned(query.where, "accountId")
    regions = evaluator.pinned(query.where, "awsRegion")
    fields = [p.text for p in query.group_by]
    tables = [
        (kind, table)
        for kind in sorted(types)
        for verdict in (sorted(verdicts) if verdicts is not None else [None])
        if (table := built.item_counts.get((kind, verdict)))
    ]
    counts: Counter[Any]
    if len(tables) == 1 and accounts is None and regions is None and fields == ["accountId", "awsRegion"]:
        counts = tables[0][1]  # the census: the view's own counts, as they are
    else:
        counts = Counter()
        for kind, table in tables:
            for (account, region), n in table.items():
                if (accounts is None or account in accounts) and (regions is None or region in regions):
                    scalars = {"resourceType": kind, "accountId": account, "awsRegion": region}
                    counts[tuple(scalars[f] for f in fields)] += n
    return evaluator.count_rows(query, counts)


def select_aggregate_resource_config(account: str, region: str, params: Params) -> Response:
    require(params, "Expression")
    expression = params["Expression"]
    if not isinstance(expression, str):
        raise InvalidExpressionException("The expression must be a string.")
    query = parser.parse(expression)  # rejects a bad expression before looking anything up
    aggregator, state = aggregator_and_state(account, region, params)
    limit = params.get("Limit") if params.get("Limit") is not None else params.get("MaxResults")
    size = page_size(limit, 100)

    def encoded(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
        return (json.dumps(row, separators=(",", ":"), default=str) for row in rows)

    def compute() -> list[str] | LazyRows:
        built = view(aggregator)
        if _counted(query):
            if (counted := _count_items(query, built)) is not None:
                return LazyRows(encoded(counted))
            if (found := select_plan.plan(built, query.where)) is not None and found[1]:
                return LazyRows(encoded(_count_rows(query, built, found[0])))
        stream = _stream(built, candidates(built, query.where), query.where)
        if query.aggregated or query.order_by:
            return list(encoded(evaluator.run(query, (d for d, _ in stream))))
        # Row by row as pages ask: each document is checked (and projected) alone.
        return LazyRows(encoded(row for d, _ in stream for row in evaluator.run(query, [d])))

    if query.paginated:
        results, token = paginate(state, "SelectAggregateResourceConfig", params, size, compute)
    else:
        everything = compute()
        results, token = (
            (everything.fetch(0, 2**62) if isinstance(everything, LazyRows) else everything),
            None,
        )
    response: Response = {
        "Results": results,
        "QueryInfo": {"SelectFields": [{"Name": name} for name in query.field_names]},
    }
    if token:
        response["NextToken"] = token
    return response
