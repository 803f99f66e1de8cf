"""App Home lists the channels' watches, their labels as data (a rule name from a member account
cannot become markup there either)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.presenters.home import WATCHES_SHOWN, home_view
from bot.watch.model import Watch

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_app_home_lists_the_watches_with_their_channels() -> None:
    watches = [
        Watch(channel="C0SECURITY", rule="s3-encryption", account="111122223333"),
        Watch(channel="C0PAYMENTS", rule="<!channel> `x`", source="config"),
    ]
    text = json.dumps(home_view(None, None, None, NOW, watches=watches))
    assert "<#C0SECURITY> `s3-encryption account 111122223333` (slack)" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_app_home_shows_a_bounded_number_of_watches() -> None:
    watches = [Watch(channel=f"C{i:04d}", rule="ssh") for i in range(WATCHES_SHOWN + 5)]
    text = json.dumps(home_view(None, None, None, NOW, watches=watches))
    assert "and 5 more" in text and f"C{WATCHES_SHOWN:04d}" not in text
