"""What the handler unit tests share: a stub answer, and the texts of a mocked call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.answers.models import Answer, SourceHealth, SourceProblem

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ADMIN = "UADMIN"


def health_answer() -> Answer[SourceHealth]:
    problem = SourceProblem(
        source_id="111122223333", source_type="ACCOUNT", region="eu-west-1", status="FAILED"
    )
    return Answer[SourceHealth](
        question="health", aggregator="Org", data=SourceHealth(problems=[problem]), as_of=NOW, aws_calls=1
    )


def texts(call: Any) -> str:
    """Every text in a message passed as keyword arguments."""
    kwargs: dict[str, Any] = call.kwargs
    return kwargs.get("text", "") + " ".join(str(b) for b in kwargs.get("blocks", []))
