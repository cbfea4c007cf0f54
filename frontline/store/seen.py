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


class SeenStore:
    """Seen state in the local database (`frontline.store.db.Store`); implements `SeenRepository`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self, profile: str) -> list[SeenState]:
        rows = self.store.fetch_all(
            "SELECT ticket_id, looked_at, checked_at, comment_id, comment_at, reply_id, reply_at "
            "FROM seen_tickets WHERE profile = ?",
            (profile,),
        )
        times = _Times()
        return [_state(row, times) for row in rows]

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


class _Times(dict[str | None, datetime | None]):
    """Stored times parsed once each: a ticket's `looked_at` and `checked_at` are mostly the same moment,
    so at 50,000 tickets this holds half as many datetimes for the whole shift (~2.4 MB)."""

    def __missing__(self, text: str | None) -> datetime | None:
        moment = self[text] = stored_time(text)
        return moment


def _state(row: sqlite3.Row, times: _Times) -> SeenState:
    return SeenState(
        ticket_id=row[0],
        looked_at=times[row[1]],
        checked_at=times[row[2]],
        seen_comment=_mark(row[3], times[row[4]]),
        reply=_mark(row[5], times[row[6]]),
    )


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _mark(comment_id: str | None, moment: datetime | None) -> CommentMark | None:
    return CommentMark(comment_id, moment) if comment_id is not None and moment is not None else None
