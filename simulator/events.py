"""AWS Config's "Config Rules Compliance Change" events, as an organization forwards them (an
EventBridge rule in each member account, a target queue in the security account): when
PutEvaluations changes a resource's compliance under a rule, the event goes into the SQS queue
configured here (moto's SQS, in the same simulated AWS). Nothing is sent until a queue is set."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

DETAIL_TYPE = "Config Rules Compliance Change"


@dataclass
class EventsTarget:
    account: str | None = None
    region: str | None = None
    queue: str | None = None

    def configure(self, account: str, region: str, queue: str) -> None:
        self.account, self.region, self.queue = account, region, queue

    def clear(self) -> None:
        self.account = self.region = self.queue = None


TARGET = EventsTarget()
_LOCK = threading.Lock()


def event(
    account: str,
    region: str,
    rule_name: str,
    rule_arn: str,
    resource_type: str,
    resource_id: str,
    new: str,
    old: str | None,
    annotation: str | None,
) -> dict[str, Any]:
    """The event as EventBridge delivers it (the fields the AWS Config documentation shows)."""

    def result(compliance: str, with_annotation: bool) -> dict[str, Any]:
        found: dict[str, Any] = {
            "evaluationResultIdentifier": {
                "evaluationResultQualifier": {
                    "configRuleName": rule_name,
                    "resourceType": resource_type,
                    "resourceId": resource_id,
                }
            },
            "complianceType": compliance,
        }
        if with_annotation and annotation:
            found["annotation"] = annotation
        return found

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    detail: dict[str, Any] = {
        "resourceId": resource_id,
        "awsRegion": region,
        "awsAccountId": account,
        "configRuleName": rule_name,
        "configRuleARN": rule_arn,
        "resourceType": resource_type,
        "messageType": "ComplianceChangeNotification",
        "notificationCreationTime": now,
        "recordVersion": "1.0",
        "newEvaluationResult": result(new, True),
    }
    if old is not None:
        detail["oldEvaluationResult"] = result(old, False)
    return {
        "version": "0",
        "detail-type": DETAIL_TYPE,
        "source": "aws.config",
        "account": account,
        "time": now,
        "region": region,
        "resources": [],
        "detail": detail,
    }


def send(events: list[dict[str, Any]]) -> None:
    """Into the configured queue, one message each (nothing when none is configured)."""
    if not events or TARGET.queue is None or TARGET.account is None or TARGET.region is None:
        return
    from moto.sqs.models import sqs_backends

    backend = sqs_backends[TARGET.account][TARGET.region]
    with _LOCK:
        for item in events:
            backend.send_message(TARGET.queue, json.dumps(item))
