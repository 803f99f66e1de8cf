"""An AWS Config aggregator simulator: moto, extended in place with the aggregate APIs.

moto implements aggregators but not the aggregate compliance reads, stores nothing from
PutEvaluations and never reads across source accounts. `install()` attaches the missing
operations to moto's own `ConfigResponse` and keeps their state on moto's `ConfigBackend`
instances, so real boto3 clients reach them through `mock_aws()` or `ThreadedMotoServer` alike,
and moto's reset clears them. It imports nothing of the bot or of Slack; the bot reaches it only
for `compliance-bot sim` (and the playground for the demo), and it ships with a checkout, not
with the wheel.
"""

from __future__ import annotations

from simulator.install import install

__all__ = ["install"]
