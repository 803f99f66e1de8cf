"""The Slack checks: the token, by `auth.test` through the bot's own Web API client (so
SLACK_API_URL and its retries apply), and the scopes Slack granted against the manifest's."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.setup.result import Check, ok, one_line, warn

# manifest.yml's bot scopes, each with why the bot asks for it (tests/test_setup_slack.py holds
# them to the manifest); the wheel carries no manifest, so they are here too.
SCOPES: dict[str, str] = {
    "commands": "/compliance",
    "app_mentions:read": "answering @mentions",
    "chat:write": "answers and digests",
    "chat:write.public": "digests in channels the bot was not invited to",
    "channels:history": "whether a digest was already posted, in public channels",
    "groups:history": "whether a digest was already posted, in private channels",
    "files:write": "Export CSV and the digest chart",
    "im:write": "a private answer's Export CSV, sent to the asker alone",
}
REINSTALL = "reinstall the app to the workspace (OAuth & Permissions > Reinstall)"
# auth.test's errors that mean the token itself is refused, with what to do about each.
REFUSED = {
    "invalid_auth": "Copy the Bot User OAuth Token (xoxb-...) again from OAuth & Permissions.",
    "not_authed": "Set SLACK_BOT_TOKEN.",
    "token_revoked": f"The token was revoked: {REINSTALL} and copy the new token.",
    "token_expired": f"The token expired (token rotation is on): {REINSTALL}, or turn rotation off.",
    "account_inactive": f"The app or workspace is deactivated: {REINSTALL}.",
}


def token(client: WebClient) -> list[Check]:
    """auth.test, then the scopes its answer grants (in its x-oauth-scopes header)."""
    try:
        response = client.auth_test()
    except SlackApiError as error:
        code = str(error.response.get("error", "error"))
        fix = REFUSED.get(code, "Check SLACK_BOT_TOKEN against the app's OAuth & Permissions page.")
        return [warn("Slack token", f"Slack rejected SLACK_BOT_TOKEN ({code}).", fix)]
    except (SlackClientError, OSError) as error:
        return [
            warn(
                "Slack token",
                f"Slack's Web API at {client.base_url} did not answer ({one_line(str(error))[:160]}).",
                "Check SLACK_API_URL and that the bot may reach slack.com over HTTPS.",
            )
        ]
    who = f"{response.get('user')} in {response.get('team')} ({response.get('team_id')})"
    return [ok("Slack token", f"accepted: {who}."), scopes(_header(response.headers, "x-oauth-scopes"))]


def scopes(header: str | None) -> Check:
    """The granted scopes against the manifest's. Pure."""
    if header is None:
        return warn(
            "Slack scopes",
            "unknown: Slack sent no x-oauth-scopes header.",
            f"Compare the app's OAuth & Permissions page with manifest.yml's: {', '.join(SCOPES)}.",
        )
    granted = {s.strip() for s in header.split(",") if s.strip()}
    missing = [s for s in SCOPES if s not in granted]
    if missing:
        listed = ", ".join(f"{s} ({SCOPES[s]})" for s in missing)
        return warn(
            "Slack scopes",
            f"missing {listed}.",
            f"Add them to the app (as manifest.yml does), then {REINSTALL}.",
        )
    return ok("Slack scopes", f"all {len(SCOPES)} of the manifest's granted.")


def _header(headers: Mapping[str, object], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return None
