"""Jira and JSM times, read one tolerant way: every answer's dates go through `parse_time`.

Jira's platform API sends `2021-01-17T12:34:00.000+0000`; JSM's servicedeskapi sends a `DateDTO`
(`{"iso8601": "2015-10-09T10:22:00+0700", "jira": "...", "friendly": "Today 10:22 AM",
"epochMillis": 1444360920000}`). The ISO text is preferred (it carries the offset the server meant);
`epochMillis` is the fallback. A number Python's own `datetime.fromtimestamp` would choke on (a year
out of range, an overflow, NaN) or a time outside years 1900-2999 reads as None, never as an error.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from frontline.connectors.decode import as_utc, from_epoch

MAX_TIME_CHARS = 64
"""The longest timestamp text read; a real one is under 32 characters."""

_DATE_FIELDS = ("iso8601", "jira")
"""A `DateDTO`'s text forms, in the order they are tried, before `epochMillis`."""


def parse_time(value: Any) -> datetime | None:
    """A Jira timestamp or a JSM `DateDTO` as an aware UTC datetime; None when missing or unreadable."""
    if isinstance(value, dict):
        for field in _DATE_FIELDS:
            moment = _text_time(value.get(field))
            if moment is not None:
                return moment
        return millis_time(value.get("epochMillis"))
    return _text_time(value)


def millis_time(millis: Any, since: datetime | None = None) -> datetime | None:
    """Epoch milliseconds (or milliseconds after `since`) as a time; None for booleans, non-numbers,
    non-finite and out-of-range values."""
    if not isinstance(millis, int | float) or isinstance(millis, bool):
        return None
    try:
        seconds = (since.timestamp() if since is not None else 0.0) + millis / 1000
    except (OverflowError, ValueError, OSError):
        return None
    return from_epoch(seconds) if math.isfinite(seconds) else None


def _text_time(value: Any) -> datetime | None:
    """`2021-01-17T12:34:00.000+0000` (a `+HHMM` offset), `...Z` or `...+00:00`; None otherwise."""
    if not isinstance(value, str) or not value or len(value) > MAX_TIME_CHARS:
        return None
    text = value.strip()
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(moment)
