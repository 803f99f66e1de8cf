"""Slack surfaces, one module each, each with `register(app, deps)`."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers import actions, commands, home, mentions

SURFACES = (commands, mentions, actions, home)
# What manifest.yml must declare, and no more (tests/test_manifest.py holds them to it).
SLASH_COMMANDS = frozenset({commands.COMMAND})
EVENTS = frozenset({mentions.EVENT, home.EVENT})


def register_listeners(app: App, deps: Deps) -> None:
    for surface in SURFACES:
        surface.register(app, deps)
