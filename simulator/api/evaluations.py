"""PutEvaluations, which moto accepts but forgets: validated as AWS does and kept per rule and
resource, the newest by OrderingTimestamp winning (`record_evaluations`, which the seeder uses
too). What every compliance read is computed from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from moto.config.models import ConfigBackend, ConfigRule

from simulator import events
from simulator.api.common import Params, Response, check_enum
from simulator.errors import InvalidParameterValueException, InvalidResultTokenException, validation
from simulator.state import COMPLIANCE_TYPES, LOCK, Evaluation, backend, sim


def _rule_by_token(config: ConfigBackend, token: str) -> ConfigRule:
    if token in config.config_rules:
        return config.config_rules[token]
    for rule in config.config_rules.values():
        if rule.config_rule_arn == token:
            return rule
    raise InvalidResultTokenException()


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except ValueError:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    raise validation(value, "evaluations.member.orderingTimestamp", "Member must not be null")


def put_evaluations(account: str, region: str, params: Params) -> Response:
    evaluations = params.get("Evaluations")
    if not evaluations:
        raise InvalidParameterValueException(
            "The Evaluations object in your request cannot be null. Add the required parameters "
            "and try again."
        )
    if len(evaluations) > 100:
        raise validation(
            f"{len(evaluations)} evaluations",
            "evaluations",
            "Member must have length less than or equal to 100",
        )
    token = params.get("ResultToken")
    if not token:
        raise InvalidResultTokenException()
    config = backend(account, region)
    rule = _rule_by_token(config, token)
    parsed = []
    for index, item in enumerate(evaluations, start=1):
        for member in (
            "ComplianceResourceType",
            "ComplianceResourceId",
            "ComplianceType",
            "OrderingTimestamp",
        ):
            if item.get(member) in (None, ""):
                raise validation(
                    "null",
                    f"evaluations.{index}.member.{member[0].lower() + member[1:]}",
                    "Member must not be null",
                )
        check_enum(item["ComplianceType"], f"evaluations.{index}.member.complianceType", COMPLIANCE_TYPES)
        if item["ComplianceType"] == "INSUFFICIENT_DATA":
            raise InvalidParameterValueException(
                "AWS Config does not accept INSUFFICIENT_DATA in PutEvaluations."
            )
        annotation = item.get("Annotation")
        if annotation is not None and len(annotation) > 256:
            raise validation(
                annotation,
                f"evaluations.{index}.member.annotation",
                "Member must have length less than or equal to 256",
            )
        parsed.append(
            Evaluation(
                resource_type=item["ComplianceResourceType"],
                resource_id=item["ComplianceResourceId"],
                compliance_type=item["ComplianceType"],
                ordering_timestamp=_timestamp(item["OrderingTimestamp"]),
                recorded=datetime.now(UTC),
                annotation=annotation,
            )
        )
    if not params.get("TestMode"):
        name = rule.config_rule_name or str(token)
        with LOCK:
            before = {
                (t, i): e.compliance_type for (r, t, i), e in sim(config).evaluations.items() if r == name
            }
        record_evaluations(config, name, parsed)
        changed = [
            events.event(
                account,
                region,
                name,
                rule.config_rule_arn,
                e.resource_type,
                e.resource_id,
                e.compliance_type,
                before.get((e.resource_type, e.resource_id)),
                e.annotation,
            )
            for e in parsed
            if before.get((e.resource_type, e.resource_id)) != e.compliance_type
        ]
        events.send(changed)
    return {"FailedEvaluations": []}


def record_evaluations(config: ConfigBackend, rule_name: str, evaluations: Iterable[Evaluation]) -> None:
    """Keep the newest evaluation per resource, by OrderingTimestamp, as AWS does."""
    with LOCK:
        state = sim(config)
        state.changed()
        stored = state.evaluations
        for evaluation in evaluations:
            key = (rule_name, evaluation.resource_type, evaluation.resource_id)
            previous = stored.get(key)
            if previous is None or previous.ordering_timestamp <= evaluation.ordering_timestamp:
                stored[key] = evaluation
