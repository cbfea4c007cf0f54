"""What the engineer has seen of each ticket, in the local database (`SeenRepository`).

One row per profile and ticket. The console reads them all once at start (a thread) and writes what
changed in batches: `put_many` is one `executemany` in one transaction, so the baseline of a
50,000-ticket view costs one commit, run off the UI thread by the queue's sync service.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from frontline.domain.seen import CommentMark, SeenState
from frontline.store.db import Store, stored_time

__all__ = ["SeenStore"]

LOAD_ROWS = 5_000
"""Rows read per query at start (in ticket id order): the rows of a 50,000-ticket state are never all
held at once, only the states made of them."""
_SELECT = (
    "SELECT ticket_id, looked_at, checked_at, comment_id, comment_at, reply_id, reply_at "
    "FROM seen_tickets WHERE profile = ?"
)


class SeenStore:
    """Seen state in the local database (`frontline.store.db.Store`); implements `SeenRepository`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self, profile: str) -> list[SeenState]:
        states: list[SeenState] = []
        after = self._read_rows(profile, None, states)
        while after is not None:
            after = self._read_rows(profile, after, states)
        return states

    def _read_rows(self, profile: str, after: str | None, states: list[SeenState]) -> str | None:
        """The states of the next `LOAD_ROWS` rows after ticket `after`, added to `states`; the last
        ticket id read, or None when no rows are left."""
        if after is None:
            rows = self.store.fetch_all(f"{_SELECT} ORDER BY ticket_id LIMIT ?", (profile, LOAD_ROWS))
        else:
            rows = self.store.fetch_all(
                f"{_SELECT} AND ticket_id > ? ORDER BY ticket_id LIMIT ?", (profile, after, LOAD_ROWS)
            )
        states.extend(_state(row) for row in rows)
        return str(rows[-1][0]) if len(rows) == LOAD_ROWS else None

    def put_many(self, profile: str, states: Sequence[SeenState]) -> None:
        if not states:
            return
        rows = [_row(profile, state) for state in states]
        with self.store.transaction() as connection:
            connection.executemany(
                """
                INSERT INTO seen_tickets (profile, ticket_id, looked_at, checked_at, comment_id,
                                          comment_at, reply_id, reply_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (profile, ticket_id) DO UPDATE SET
                    looked_at = excluded.looked_at, checked_at = excluded.checked_at,
                    comment_id = excluded.comment_id, comment_at = excluded.comment_at,
                    reply_id = excluded.reply_id, reply_at = excluded.reply_at
                """,
                rows,
            )


def _row(profile: str, state: SeenState) -> tuple[str | None, ...]:
    comment, reply = state.seen_comment, state.reply
    return (
        profile,
        state.ticket_id,
        _text(state.looked_at),
        _text(state.checked_at),
        comment.id if comment is not None else None,
        _text(comment.at) if comment is not None else None,
        reply.id if reply is not None else None,
        _text(reply.at) if reply is not None else None,
    )


def _state(row: sqlite3.Row) -> SeenState:
    looked = stored_time(row[1])
    return SeenState(
        ticket_id=row[0],
        looked_at=looked,
        checked_at=looked if row[2] == row[1] else stored_time(row[2]),
        seen_comment=_mark(row[3], stored_time(row[4])),
        reply=_mark(row[5], stored_time(row[6])),
    )


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _mark(comment_id: str | None, moment: datetime | None) -> CommentMark | None:
    return CommentMark(comment_id, moment) if comment_id is not None and moment is not None else None
