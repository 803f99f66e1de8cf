"""Slack surfaces (slash command, mentions, interactivity, App Home, digest), one module each.

Each module exposes `register(app, deps)`; this package's `register_listeners` calls them all.
The surfaces arrive with the Slack app issue (#5); the package exists now so the layout is the
one the design card fixes.
"""

from __future__ import annotations
