"""What `compliance-bot ask --json` prints, as pydantic models, and its JSON Schema generated from
them (`compliance-bot ask --json-schema`; docs/ask-json-schema.json holds a copy a test keeps
true). One shape per question kind, told apart by `kind`: a question for AWS gives its answer
(the kind's answer model) and its Slack message; an action (help, refresh) gives its reply."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Union, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from bot.questions import kinds  # noqa: F401  (registers every kind)
from bot.questions.registry import REGISTRY


class SlackMessage(BaseModel):
    """The answer as the bot posts it in Slack: the notification text and the Block Kit blocks."""

    model_config = ConfigDict(extra="forbid")
    text: str
    blocks: list[dict[str, Any]]


class ActionReply(BaseModel):
    """What an action says (mrkdwn, as in Slack)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    title: str | None = None
    choices: list[str] = Field(
        default_factory=list, description="What the reply asks to choose from (buttons in Slack)."
    )


def _tag(name: str) -> Any:
    return cast(Any, Literal)[name]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def _shapes() -> list[type[BaseModel]]:
    """One model per kind, in the registry's name order (so the schema is stable)."""
    shapes: list[type[BaseModel]] = []
    for name, kind in sorted(REGISTRY.items()):
        reading: Any = (str | None, Field(None, description="How a question in your own words was read."))
        # A question for AWS prints its answer and message; an action, its reply.
        body: dict[str, Any]
        if kind.model is not None:
            body = {"answer": (kind.model, ...), "message": (SlackMessage, ...)}
        elif kind.action is not None:
            body = {"reply": (ActionReply, ...)}
        else:
            continue
        shapes.append(
            create_model(
                f"Ask{_camel(name)}",
                __config__=ConfigDict(extra="forbid"),
                __doc__=f"`{kind.usage}`: {kind.help}",
                kind=(_tag(name), ...),
                reading=reading,
                **body,
            )
        )
    return shapes


def adapter() -> TypeAdapter[Any]:
    """Every shape, told apart by `kind`: validates (tests) and describes (the schema) the output."""
    shapes: Any = Union[tuple(_shapes())]  # noqa: UP007  (its members are known only at run time)
    return TypeAdapter(Annotated[shapes, Field(discriminator="kind")])


def schema() -> dict[str, Any]:
    generated = adapter().json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "compliance-bot ask --json",
        "description": "One object per answer; `kind` says which question kind answered, and so "
        "which shape `answer.data` (or `reply`) has. Generated from the pydantic models "
        "(python -m bot.ask_json).",
        **generated,
    }


def schema_text() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
