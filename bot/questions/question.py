"""A question, parsed: its kind (an entry of the registry), its parameters, the aggregator it
asks (None: the configured one) and whether the answer is posted for the channel to see."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Question:
    kind: str
    params: dict[str, str] = field(default_factory=dict)
    aggregator: str | None = None
    public: bool = False

    def key(self) -> str:
        """A normalised form of the question (for caches and logs)."""
        parts = [self.kind, *(f"{k}={v}" for k, v in sorted(self.params.items()))]
        return " ".join(parts)
