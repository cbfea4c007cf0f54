"""The outbox in the local database: each write committed before it is sent (`OutboxRepository`).

A write taken from a draft replaces the draft in one transaction, and gives it back in one transaction,
so after a crash the text is in exactly one place: the draft (not sent) or the outbox (sending, sent).
The write's shift journal line is recorded in the same transaction (`store.journal.append_journal`).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from frontline.domain.models import TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.shift import write_entry
from frontline.store.db import Store
from frontline.store.drafts import delete_draft, draft_from_json, draft_to_json, write_draft
from frontline.store.journal import append_journal

__all__ = ["OutboxStore"]

_UNSETTLED = tuple(state.value for state in WriteState if not state.settled)


class OutboxStore:
    """Outbox entries in the local database; implements `OutboxRepository`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, entry: OutboxEntry, *, consume_draft: bool) -> None:
        with self.store.transaction() as connection:
            connection.execute(
                """
                INSERT INTO outbox (id, profile, ticket_id, state, update_json, author_id, known_comment_ids,
                                    draft_json, attempts, created_at, sent_at, settled_at, outcome,
                                    comment_id, not_applied)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                _row_values(entry),
            )
            if consume_draft:
                kind = entry.draft.kind if entry.draft is not None else None
                delete_draft(connection, entry.profile, entry.ticket_id, kind)
            append_journal(connection, write_entry(entry))

    def update(self, entry: OutboxEntry, *, restore_draft: bool = False) -> None:
        with self.store.transaction() as connection:
            connection.execute(
                """
                UPDATE outbox SET state = ?, attempts = ?, sent_at = ?, settled_at = ?, outcome = ?,
                                  comment_id = ?, not_applied = ?, author_id = ?
                WHERE id = ?
                """,
                (
                    entry.state.value,
                    entry.attempts,
                    _time(entry.sent_at),
                    _time(entry.settled_at),
                    entry.outcome,
                    entry.comment_id,
                    json.dumps(list(entry.not_applied)),
                    entry.author_id,
                    entry.id,
                ),
            )
            if restore_draft and entry.draft is not None:
                write_draft(connection, entry.draft, keep_existing=True)

    def get(self, entry_id: str) -> OutboxEntry | None:
        row = self.store.fetch_one("SELECT * FROM outbox WHERE id = ?", (entry_id,))
        return _entry_from_row(row) if row is not None else None

    def unsettled(self, profile: str, ticket_id: str | None = None) -> list[OutboxEntry]:
        marks = ", ".join("?" for _ in _UNSETTLED)
        sql = f"SELECT * FROM outbox WHERE profile = ? AND state IN ({marks})"
        parameters: list[str] = [profile, *_UNSETTLED]
        if ticket_id is not None:
            sql += " AND ticket_id = ?"
            parameters.append(ticket_id)
        rows = self.store.fetch_all(sql + " ORDER BY created_at, id", parameters)
        return [_entry_from_row(row) for row in rows]

    def recent(self, profile: str, limit: int = 50) -> list[OutboxEntry]:
        rows = self.store.fetch_all(
            "SELECT * FROM outbox WHERE profile = ? ORDER BY created_at DESC, id LIMIT ?", (profile, limit)
        )
        return [_entry_from_row(row) for row in rows]

    def for_ticket(self, profile: str, ticket_id: str) -> list[OutboxEntry]:
        rows = self.store.fetch_all(
            "SELECT * FROM outbox WHERE profile = ? AND ticket_id = ? ORDER BY created_at, id",
            (profile, ticket_id),
        )
        return [_entry_from_row(row) for row in rows]


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _row_values(entry: OutboxEntry) -> tuple[object, ...]:
    return (
        entry.id,
        entry.profile,
        entry.ticket_id,
        entry.state.value,
        entry.update.model_dump_json(),
        entry.author_id,
        json.dumps(sorted(entry.known_comment_ids)),
        draft_to_json(entry.draft) if entry.draft is not None else None,
        entry.attempts,
        entry.created_at.isoformat(),
        _time(entry.sent_at),
        _time(entry.settled_at),
        entry.outcome,
        entry.comment_id,
        json.dumps(list(entry.not_applied)),
    )


def _entry_from_row(row: sqlite3.Row) -> OutboxEntry:
    def when(key: str) -> datetime | None:
        value = row[key]
        return datetime.fromisoformat(value) if value else None

    created_at = when("created_at")
    assert created_at is not None  # NOT NULL in the schema
    return OutboxEntry(
        id=row["id"],
        profile=row["profile"],
        ticket_id=row["ticket_id"],
        update=TicketUpdate.model_validate_json(row["update_json"]),
        state=WriteState(row["state"]),
        created_at=created_at,
        author_id=row["author_id"],
        known_comment_ids=frozenset(json.loads(row["known_comment_ids"] or "[]")),
        draft=draft_from_json(row["draft_json"]) if row["draft_json"] else None,
        attempts=int(row["attempts"]),
        sent_at=when("sent_at"),
        settled_at=when("settled_at"),
        outcome=row["outcome"] or "",
        comment_id=row["comment_id"],
        not_applied=tuple(json.loads(row["not_applied"] or "[]")),
    )
