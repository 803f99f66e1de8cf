"""An AWS Config aggregator simulator: moto, extended in place with the aggregate APIs.

moto implements aggregators but not the aggregate compliance reads, stores nothing from
PutEvaluations and never reads across source accounts. `install()` attaches the missing
operations to moto's own `ConfigResponse` and keeps their state on moto's `ConfigBackend`
instances, so real boto3 clients reach them through `mock_aws()` or `ThreadedMotoServer` alike,
and moto's reset clears them. Nothing in the bot imports this package at run time except the
demo and `compliance-bot sim`.
"""

from __future__ import annotations

from simulator.install import install

__all__ = ["install"]
