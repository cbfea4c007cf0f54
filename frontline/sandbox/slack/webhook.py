"""What Slack's incoming webhooks say and accept: plain-text error codes with their statuses, the payload
checks, and the post a channel receives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse, Response

TEAM_ID = "T0SANDBOX"
"""The workspace in the one webhook path the sandbox serves."""

BOT_ID = "B0HANDOFF"
"""The webhook's own id in that path; the secret after it is the sandbox token."""

CHANNEL = "#handoff"
"""The channel the webhook posts to (Slack ties each incoming webhook to one channel)."""

MAX_TEXT_CHARS = 40_000
"""Slack truncates longer text rather than refusing it."""

ERROR_STATUS: dict[str, int] = {
    "invalid_payload": 400,
    "no_text": 400,
    "invalid_blocks": 400,
    "too_many_attachments": 400,
    "invalid_token": 403,
    "action_prohibited": 403,
    "posting_to_general_channel_denied": 403,
    "no_service": 404,
    "no_service_id": 404,
    "no_team": 404,
    "channel_not_found": 404,
    "user_not_found": 404,
    "channel_is_archived": 410,
    "team_disabled": 410,
    "rate_limited": 429,
    "rollup_error": 500,
}
"""Slack's webhook error codes and the status each comes with; the body is the code alone."""


class PayloadRefused(ValueError):
    """A body Slack answers 400 to; `code` is what it says."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SlackPost:
    """One message the channel received."""

    channel: str
    text: str
    blocks: list[Any] | None
    received_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "text": self.text,
            "blocks": self.blocks,
            "received_at": self.received_at.isoformat(),
        }


def slack_error(code: str, retry_after: int | None = None) -> Response:
    """Slack's answer for `code`: its status, `text/plain`, the code as the body."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return PlainTextResponse(code, ERROR_STATUS.get(code, 400), headers=headers)


def read_payload(raw: bytes, content_type: str) -> tuple[str, list[Any] | None]:
    """The text (truncated as Slack does) and blocks of a webhook body: JSON, or a form's `payload` field.

    Raises:
        PayloadRefused: not a JSON object (`invalid_payload`), blocks that are not a list of objects
            (`invalid_blocks`), or neither text nor blocks (`no_text`).
    """
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        raw = (parse_qs(raw.decode("utf-8", "replace")).get("payload") or [""])[0].encode()
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise PayloadRefused("invalid_payload") from None
    if not isinstance(payload, dict):
        raise PayloadRefused("invalid_payload")
    text = payload.get("text")
    if text is not None and not isinstance(text, str):
        raise PayloadRefused("invalid_payload")
    blocks = payload.get("blocks")
    if blocks is not None and not (isinstance(blocks, list) and all(isinstance(b, dict) for b in blocks)):
        raise PayloadRefused("invalid_blocks")
    if not (text or "").strip() and not blocks:
        raise PayloadRefused("no_text")
    return (text or "")[:MAX_TEXT_CHARS], blocks
