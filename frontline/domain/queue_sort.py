"""Sorting a queue by any of its columns, either way round.

Each column has a natural first order (most urgent priority first, soonest SLA breach first, newest update
first, A to Z for names); choosing it again reverses that. Keys are plain comparable values built once
per ticket (`sort_keys`), so sorting 50,000 tickets is one C-level `sorted` over a list of keys.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from frontline.domain.models import Status, Ticket
from frontline.domain.queue_rules import NO_SLA_KEY, sla_sort_key

SortMode = Literal[
    "id", "priority", "status", "sla", "subject", "requester", "organization", "assignee", "updated"
]

SORT_MODES: tuple[SortMode, ...] = (
    "id",
    "priority",
    "status",
    "sla",
    "subject",
    "requester",
    "organization",
    "assignee",
    "updated",
)
"""The sort picker's columns, in the order the queue shows them."""
SORT_LABELS: dict[SortMode, str] = {
    "id": "id",
    "priority": "priority",
    "status": "status",
    "sla": "next SLA breach",
    "subject": "subject",
    "requester": "requester",
    "organization": "organization",
    "assignee": "assignee",
    "updated": "recently updated",
}
DESCENDING_FIRST: frozenset[SortMode] = frozenset({"priority", "updated"})
"""Columns whose natural order is largest first (urgent before low, newest before oldest): ▼ unreversed."""
CLOCK_SORTS: frozenset[SortMode] = frozenset({"sla", "priority"})
"""Keys that depend on the time (the SLA countdown): recomputed at each sort, never cached."""

_STATUS_ORDER = {status: rank for rank, status in enumerate(Status)}
_KEY_PARTS = re.compile(r"#?([A-Za-z][A-Za-z0-9_]*-)?(\d+)")
_LAST = "\U0010ffff"  # empty names sort after every real one
SORT_RUN = 2_048
"""Rows sorted by one C-level call when sorting off the UI thread: a few ms at most, so the UI thread
never waits long for the GIL (a single `sorted` of 50,000 rows holds it for 30-60 ms)."""


def sort_arrow(mode: SortMode, reverse: bool) -> str:
    """▲ when the column's values ascend down the list, ▼ when they descend."""
    return "▼" if (mode in DESCENDING_FIRST) != reverse else "▲"


def sort_label(mode: SortMode, reverse: bool) -> str:
    """The status bar's words for a sort: "priority ▼", "subject ▲"."""
    return f"{SORT_LABELS[mode]} {sort_arrow(mode, reverse)}"


def _id_key(ticket: Ticket) -> tuple[str, int, str]:
    """Numeric ids in number order ("#99" before "#100"); JSM keys by project, then number."""
    text = ticket.key or ticket.id
    parts = _KEY_PARTS.fullmatch(text)
    if parts is None:
        return (_LAST, 0, text.casefold())
    return ((parts.group(1) or "").upper(), int(parts.group(2)), "")


def _name(value: str | None) -> str:
    return value.casefold() if value else _LAST


def sort_keys(tickets: Sequence[Ticket], mode: SortMode, now: datetime) -> list[Any]:
    """One comparable key per ticket, in load order, for ascending `sorted` in the column's natural order."""
    if mode == "updated":
        return [-t.updated_at.timestamp() for t in tickets]
    if mode == "id":
        return [_id_key(t) for t in tickets]
    if mode == "status":
        return [(_STATUS_ORDER[t.status], _name(t.status_label)) for t in tickets]
    if mode == "subject":
        return [_name(t.subject) for t in tickets]
    if mode == "requester":
        return [_name(t.requester.name if t.requester else None) for t in tickets]
    if mode == "organization":
        return [_name(t.organization.name if t.organization else None) for t in tickets]
    if mode == "assignee":
        return [_name(t.assignee.name if t.assignee else None) for t in tickets]
    sla_keys = [sla_sort_key(t.sla, now) if t.sla is not None else NO_SLA_KEY for t in tickets]
    ranks = [t.priority.rank if t.priority is not None else 4 for t in tickets]
    if mode == "sla":
        return list(zip(sla_keys, ranks, strict=True))
    if mode == "priority":
        return list(zip(ranks, sla_keys, strict=True))
    raise ValueError(f"Unknown sort mode {mode!r}.")


def sorted_order(
    keys: Sequence[Any],
    *,
    reverse: bool = False,
    in_runs: bool = False,
    rows: Sequence[int] | None = None,
) -> list[int]:
    """Row numbers ordered by `keys` (stable, like `sorted`).

    `rows` are the row numbers 0, 1, ... in order (a fresh `range` by default): the result holds these
    very objects, so a caller that keeps its row numbers elsewhere too (`QueueModel._index_of`) pays for
    one int per row, not two. `in_runs` sorts runs of `SORT_RUN` rows and merges them in Python: slower in
    all, but no single call holds the GIL for long, which is what a worker thread sharing the process with
    the UI needs.
    """
    rows = range(len(keys)) if rows is None else rows
    key = keys.__getitem__
    if not in_runs or len(keys) <= SORT_RUN:
        return sorted(rows, key=key, reverse=reverse)
    starts = range(0, len(rows), SORT_RUN)
    runs = [sorted(rows[start : start + SORT_RUN], key=key, reverse=reverse) for start in starts]
    return list(heapq.merge(*runs, key=key, reverse=reverse))
