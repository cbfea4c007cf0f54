"""Slack's webhook answers read into frontline errors.

Incoming webhooks answer errors with a status and a bare `text/plain` code (`invalid_token`,
`channel_is_archived`). Each becomes the error class the rest of frontline already handles, with a
message that says what to do; none of them repeats the webhook URL.
"""

from __future__ import annotations

import re

from frontline.errors import (
    AuthError,
    FrontlineError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    WriteOutcomeUnknown,
)

SERVICE = "Slack"
RENEW = (
    "create a new incoming webhook for the channel in Slack and store its URL with "
    "`frontline login PROFILE --handoff NAME`"
)
CHECK_CHANNEL = "It may or may not have been posted: check the channel before posting again."
REVOKED_CODES = frozenset({"invalid_token", "no_service", "no_service_id", "no_team", "team_disabled"})
"""Codes meaning the URL itself is no good: wrong, revoked, or its app or workspace gone."""
_CODE = re.compile(r"[a-z][a-z0-9_]{1,63}")


def error_code(body: str) -> str:
    """Slack's code from an error body, or "" when the body is not one (an HTML page, a proxy's text)."""
    text = body.strip()
    return text if _CODE.fullmatch(text) else ""


def status_error(status: int, code: str) -> FrontlineError:
    """The error for a 4xx answer other than a 429 (the shared client handles rate limits)."""
    said = f"{status} {code}".strip()
    if code in REVOKED_CODES or (status in (401, 404) and code != "channel_not_found"):
        return AuthError(
            f"The Slack webhook URL is wrong or was revoked (Slack answered {said}): {RENEW}.",
            title="Slack webhook not accepted",
        )
    if code == "channel_not_found":
        return NotFound(
            f"The Slack channel this webhook posts to no longer exists ({said}): {RENEW}.",
            title="Slack channel not found",
        )
    if code == "channel_is_archived" or status == 410:
        return NotFound(
            f"The Slack channel this webhook posts to is archived ({said}): unarchive it in Slack, "
            f"or {RENEW}.",
            title="Slack channel archived",
        )
    if status == 403:
        return PermissionDenied(
            f"Slack does not let this webhook post to its channel ({said}): a workspace admin restricts "
            "who may post there.",
            title="Slack refused the post",
        )
    if status in (400, 413, 422):
        return ValidationFailed(
            f"Slack refused the message ({said}); nothing was posted.",
            title="Slack refused the message",
            details={"payload": [code]} if code else {},
        )
    return FrontlineError(f"Slack answered {said}; nothing was posted.", title="Slack refused the post")


def server_error(status: int, code: str) -> WriteOutcomeUnknown:
    """A 5xx to the post: Slack may have posted before failing (`rollup_error`), so it is not sent again."""
    return WriteOutcomeUnknown(f"Slack answered {f'{status} {code}'.strip()} to the post. {CHECK_CHANNEL}")


def answer_lost(what: str) -> WriteOutcomeUnknown:
    """The connection failed after the post was sent (`what`: "connection closed by the server")."""
    return WriteOutcomeUnknown(
        f"The connection to Slack failed after the message was sent ({what}). {CHECK_CHANNEL}"
    )
