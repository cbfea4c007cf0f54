"""Zendesk JSON reading helpers shared by the record and macro mapping: structure checks, scalars, text.

Real Zendesk payloads are sparse: any optional field may be missing or null, statuses can be new
strings, and custom field values come in any type. Those are tolerated with sensible fallbacks. A payload
whose *structure* is wrong (a ticket that is not an object, `tickets` that is not a list) raises
`MalformedResponse` with a message naming what was wrong, never a KeyError or a ValidationError.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from frontline.connectors.decode import as_utc
from frontline.domain.models import Priority, Status
from frontline.domain.moments import UNKNOWN_TIME as UNKNOWN_TIME  # a missing time; shown as "unknown"
from frontline.errors import MalformedResponse

MAX_BODY_CHARS = 2_000_000
"""Longer comment bodies are cut (with a visible marker) so one hostile ticket cannot exhaust memory."""

_STATUS_ALIASES = {"on-hold": Status.HOLD, "on_hold": Status.HOLD, "deleted": Status.CLOSED}

Json = dict[str, Any]
UsersById = Mapping[str, Json]
OrgsById = Mapping[str, Json]


# --- structure checks -----------------------------------------------------------------------------


def expect_object(value: Any, what: str) -> Json:
    """`value` as a JSON object, or `MalformedResponse` naming `what`."""
    if not isinstance(value, dict):
        raise MalformedResponse(f"Zendesk sent {what} that is not a JSON object ({_type_name(value)}).")
    return value


def expect_list(payload: Json, key: str, what: str, *, required: bool = True) -> list[Any]:
    """`payload[key]` as a list; missing is an error only when `required`, any other type always is."""
    value = payload.get(key)
    if value is None:
        if required:
            raise MalformedResponse(f"Zendesk's answer for {what} has no `{key}` list.")
        return []
    if not isinstance(value, list):
        raise MalformedResponse(
            f"Zendesk's answer for {what} has `{key}` that is not a list ({_type_name(value)})."
        )
    return value


def index_by_id(records: Iterable[Any]) -> dict[str, Json]:
    """Sideloaded records keyed by their id as a string; entries without an id are skipped."""
    indexed: dict[str, Json] = {}
    for record in records:
        if isinstance(record, dict) and as_id(record.get("id")) is not None:
            indexed[str(as_id(record.get("id")))] = record
    return indexed


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


# --- scalar helpers -------------------------------------------------------------------------------


def as_id(value: Any) -> str | None:
    """Zendesk ids are integers; accept strings too, and reject booleans and other junk."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def as_text(value: Any) -> str:
    """A string field, or "" when missing or not a string."""
    return value if isinstance(value, str) else ""


def as_opt_text(value: Any) -> str | None:
    """A non-empty string field, or None."""
    return value if isinstance(value, str) and value else None


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime, or None when missing, unreadable or out of range
    (year 1 or 9999 with an offset: see `as_utc`)."""
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    return as_utc(moment)


def to_status(value: Any) -> Status:
    """Zendesk's status (a category when custom statuses are on); unknown strings read as open."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _STATUS_ALIASES:
            return _STATUS_ALIASES[key]
        try:
            return Status(key)
        except ValueError:
            pass
    return Status.OPEN


def to_priority(value: Any) -> Priority | None:
    """Zendesk's priority; anything unknown reads as none set."""
    if isinstance(value, str):
        try:
            return Priority(value.strip().lower())
        except ValueError:
            return None
    return None


def truncate_body(text: str, limit: int = MAX_BODY_CHARS) -> str:
    """Cut a body longer than `limit` characters and say so at the end."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n\n[frontline: {len(text) - limit:,} more characters not shown]"


class _HtmlToText(HTMLParser):
    """Just enough HTML-to-text for `html_body`: block ends become newlines, tags and scripts go."""

    _BREAKS = frozenset(
        {"br", "p", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
    )
    _SKIP = frozenset({"script", "style", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML comment body (used only when Zendesk sent no `plain_body`/`body`)."""
    parser = _HtmlToText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # HTMLParser is lenient; anything it still chokes on falls back to crude stripping
        return html.unescape(re.sub(r"<[^>]*>", "", markup))
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def comment_source_body(raw: Json) -> str | None:
    """The Markdown `body` as its author sent it, when `comment_body` shows the rendered `plain_body`
    instead and the two differ (a reply we sent is matched against both)."""
    plain, body = raw.get("plain_body"), raw.get("body")
    if isinstance(plain, str) and plain and isinstance(body, str) and body and body != plain:
        return truncate_body(body)
    return None


def comment_body(raw: Json) -> str:
    """`plain_body` if present, else `body`, else `html_body` stripped of markup; long bodies cut."""
    for key in ("plain_body", "body"):
        value = raw.get(key)
        if isinstance(value, str) and value:
            return truncate_body(value)
    markup = raw.get("html_body")
    if isinstance(markup, str) and markup:
        return truncate_body(html_to_text(markup))
    return ""
