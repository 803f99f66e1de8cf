"""Prometheus metrics, served at GET /metrics: questions, AWS calls by operation, cache events,
latency, digest runs and errors. One registry per process (each replica is scraped on its own)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

REGISTRY = CollectorRegistry()
QUESTIONS = Counter(
    "compliance_questions",
    "Questions answered, by kind, surface and outcome.",
    ["kind", "surface", "outcome"],
    registry=REGISTRY,
)
QUESTION_SECONDS = Histogram(
    "compliance_question_seconds",
    "Time to answer a question, by kind.",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
AWS_CALLS = Counter(
    "compliance_aws_calls", "AWS Config API calls, by operation.", ["operation"], registry=REGISTRY
)
AWS_ERRORS = Counter("compliance_aws_errors", "AWS errors, by kind.", ["kind"], registry=REGISTRY)
CACHE_EVENTS = Counter(
    "compliance_cache_events",
    "Cache hits, misses, stale answers, waits, errors.",
    ["event"],
    registry=REGISTRY,
)
DIGEST_RUNS = Counter("compliance_digest_runs", "Digest runs, by outcome.", ["outcome"], registry=REGISTRY)


def render() -> bytes:
    return generate_latest(REGISTRY)


def totals(counter: Counter, label: str) -> dict[str, float]:
    """A counter's totals in this process by one of its labels (summed over the others): what
    /healthz reads instead of asking AWS or Slack (bot/slack/health.py)."""
    found: dict[str, float] = {}
    for metric in counter.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                value = sample.labels.get(label, "")
                found[value] = found.get(value, 0.0) + sample.value
    return found
