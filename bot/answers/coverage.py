"""What an answer could not see, and the one short line that says so on every surface. Pure."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from bot.answers.models import Coverage, SourceProblem

SHOWN = 3  # sources or accounts named in the line; the rest are counted


def in_scope(
    problem: SourceProblem,
    accounts: Collection[str] | None = None,
    regions: Collection[str] | None = None,
) -> bool:
    """Whether a source problem hides data from an answer about these accounts and regions. An
    ORGANIZATION source that fails hides every account."""
    if regions is not None and problem.region not in regions:
        return False
    if problem.source_type != "ACCOUNT":
        return True
    return accounts is None or problem.source_id in accounts


def coverage_of(
    problems: Iterable[SourceProblem],
    accounts: Collection[str] | None = None,
    regions: Collection[str] | None = None,
    without_compliance_items: Iterable[str] = (),
    capped: bool = False,
    truncated: bool = False,
) -> Coverage:
    relevant = [p for p in problems if in_scope(p, accounts, regions)]
    return Coverage(
        failed=[p for p in relevant if p.status == "FAILED"],
        outdated=[p for p in relevant if p.status == "OUTDATED"],
        without_compliance_items=sorted(
            a for a in set(without_compliance_items) if accounts is None or a in accounts
        ),
        capped=capped,
        truncated=truncated,
    )


def problems_in_scope(
    problems: Iterable[SourceProblem], allowed: Callable[[str], bool]
) -> list[SourceProblem]:
    """The source problems a channel limited to some accounts may see: its own accounts', and an
    ORGANIZATION source's (it hides every account), named without its id."""
    return [
        p if p.source_type == "ACCOUNT" else p.model_copy(update={"source_id": "organization"})
        for p in problems
        if p.source_type != "ACCOUNT" or allowed(p.source_id)
    ]


def limited(coverage: Coverage, allowed: Callable[[str], bool]) -> Coverage:
    """The coverage a channel limited to some accounts may see: its own accounts' gaps only."""
    return coverage.model_copy(
        update={
            "failed": problems_in_scope(coverage.failed, allowed),
            "outdated": problems_in_scope(coverage.outdated, allowed),
            "without_compliance_items": [a for a in coverage.without_compliance_items if allowed(a)],
        }
    )


def _age(seconds: int | None) -> str:
    if seconds is None:
        return "never updated"
    if seconds < 3600:
        return f"{max(1, seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _sources(problems: list[SourceProblem], with_error: bool) -> str:
    named = []
    for p in problems[:SHOWN]:
        detail = [p.error_code] if with_error and p.error_code else []
        detail.append(_age(p.age_seconds) + (" ago" if p.age_seconds is not None else ""))
        named.append(f"{p.source_id}/{p.region} ({', '.join(detail)})")
    more = len(problems) - SHOWN
    return ", ".join(named) + (f" and {more} more" if more > 0 else "")


def caveats(coverage: Coverage) -> list[str]:
    """Each gap as a short phrase, worst first."""
    parts = []
    if coverage.failed:
        parts.append(f"{len(coverage.failed)} source(s) FAILED: {_sources(coverage.failed, True)}")
    if coverage.outdated:
        since = _sources(coverage.outdated, False)
        parts.append(f"{len(coverage.outdated)} source(s) OUTDATED, last data from {since}")
    accounts = coverage.without_compliance_items
    if accounts:
        named = ", ".join(accounts[:SHOWN]) + (
            f" and {len(accounts) - SHOWN} more" if len(accounts) > SHOWN else ""
        )
        parts.append(f"{len(accounts)} account(s) do not record compliance items (inferred): {named}")
    if coverage.capped:
        parts.append("AWS capped some counts: they are lower bounds (at least N)")
    if coverage.truncated:
        parts.append("some details were not read (detail_call_cap): counts are lower bounds")
    return parts


def caveat_line(coverage: Coverage) -> str | None:
    """The one line an answer carries when it did not see everything; None when it did."""
    parts = caveats(coverage)
    return ("Not seen: " + "; ".join(parts) + ".") if parts else None
