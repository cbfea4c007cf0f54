"""A time the helpdesk did not send: one sentinel, and the words every screen shows for it.

`Ticket.created_at`/`updated_at` and `Comment.created_at` are required, so sorting, "changed since you
looked" and SLA arithmetic never meet a None. A connector whose answer lacks a time (a JSM queue row
that does not show `created`, a Zendesk view row without `updated_at`) puts `UNKNOWN_TIME` there; it
sorts as the oldest, compares equal to itself, and every formatter prints it as "unknown", never as
1970 or "56y ago". A zero or near-zero timestamp from a server means the same and reads the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
"""Stands in for a time the helpdesk did not send (or sent unreadable)."""

UNKNOWN = "unknown"
"""What a formatter shows in place of an unknown time or age."""

_LAST_UNKNOWN_YEAR = 1970
"""No helpdesk record is from 1970 or before: such a time is a zero timestamp, not a date."""


def is_known(moment: datetime | None) -> bool:
    """False for None, `UNKNOWN_TIME` and anything in or before 1970 (in its own zone)."""
    return moment is not None and moment.year > _LAST_UNKNOWN_YEAR


def known(moment: datetime | None) -> datetime | None:
    """`moment`, or None when it is not known: for JSON, where an unknown time is `null`."""
    return moment if is_known(moment) else None
