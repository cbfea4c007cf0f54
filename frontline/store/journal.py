"""Shifts and their journal in the local database (`ShiftJournal`), and handoff publications.

`append_journal` takes an open transaction, so the outbox records a write and its journal line together
(and the escalation store a bug and its line): after a crash both are there or neither is. A write's line is
read back beside its outbox entry's state, so the journal follows what the helpdesk really got.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import replace
from datetime import datetime

from frontline.domain.outbox import WriteState
from frontline.domain.publication import Publication
from frontline.domain.shift import JournalEntry, JournalKind, Shift, shift_is_stale
from frontline.store.db import Store

__all__ = ["JournalStore", "PublicationStore", "append_journal"]


def append_journal(connection: sqlite3.Connection, entry: JournalEntry) -> JournalEntry:
    """Record `entry` in its shift (`entry.shift_id`) or the profile's open one, inside the caller's
    transaction.

    The first action with no shift open (or after the open one went idle for `SHIFT_IDLE_GAP`) starts a
    shift at that moment: the "first action of the day"; a stale shift ends at its last action.
    """
    # A line naming its shift is about that shift (its handoff published after it ended).
    shift_id = entry.shift_id or _usable_shift(connection, entry.profile, entry.at, by="auto").id
    cursor = connection.execute(
        """
        INSERT INTO journal (profile, shift_id, at, kind, ticket_id, subject, detail_json, note, outbox_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            entry.profile,
            shift_id,
            entry.at.isoformat(),
            entry.kind.value,
            entry.ticket_id,
            entry.subject,
            json.dumps(dict(entry.detail), sort_keys=True),
            entry.text,
            entry.outbox_id,
        ),
    )
    return replace(entry, shift_id=shift_id, id=cursor.lastrowid)


def _usable_shift(connection: sqlite3.Connection, profile: str, at: datetime, *, by: str) -> Shift:
    """The open shift, or a new one from `at` when none is open or the open one went stale."""
    shift = _open_shift(connection, profile)
    if shift is not None:
        last = _last_activity(connection, shift.id)
        if not shift_is_stale(shift, last, at):
            return shift
        _end(connection, shift.id, last or shift.started_at)
    return _insert_shift(connection, profile, at, by=by)


def _open_shift(connection: sqlite3.Connection, profile: str) -> Shift | None:
    row = connection.execute(
        "SELECT * FROM shifts WHERE profile = ? AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1",
        (profile,),
    ).fetchone()
    return _shift(row) if row is not None else None


def _last_activity(connection: sqlite3.Connection, shift_id: str) -> datetime | None:
    row = connection.execute("SELECT MAX(at) FROM journal WHERE shift_id = ?", (shift_id,)).fetchone()
    return datetime.fromisoformat(row[0]) if row is not None and row[0] else None


def _insert_shift(
    connection: sqlite3.Connection, profile: str, at: datetime, *, by: str, engineer: str = ""
) -> Shift:
    shift = Shift(id=secrets.token_hex(8), profile=profile, started_at=at, engineer=engineer, started_by=by)
    connection.execute(
        "INSERT INTO shifts (id, profile, started_at, engineer, started_by) VALUES (?, ?, ?, ?, ?)",
        (shift.id, profile, at.isoformat(), engineer, by),
    )
    return shift


def _end(connection: sqlite3.Connection, shift_id: str, at: datetime) -> None:
    connection.execute(
        "UPDATE shifts SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (at.isoformat(), shift_id)
    )


def _shift(row: sqlite3.Row) -> Shift:
    ended = row["ended_at"]
    return Shift(
        id=row["id"],
        profile=row["profile"],
        started_at=datetime.fromisoformat(row["started_at"]),
        ended_at=datetime.fromisoformat(ended) if ended else None,
        engineer=row["engineer"] or "",
        started_by=row["started_by"] or "auto",
    )


class JournalStore:
    """Shifts and journal lines in the local database; implements `ShiftJournal`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def current(self, profile: str) -> Shift | None:
        row = self.store.fetch_one(
            "SELECT * FROM shifts WHERE profile = ? AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1",
            (profile,),
        )
        return _shift(row) if row is not None else None

    def latest(self, profile: str, limit: int = 10) -> list[Shift]:
        rows = self.store.fetch_all(
            "SELECT * FROM shifts WHERE profile = ? ORDER BY started_at DESC LIMIT ?", (profile, limit)
        )
        return [_shift(row) for row in rows]

    def get_shift(self, shift_id: str) -> Shift | None:
        row = self.store.fetch_one("SELECT * FROM shifts WHERE id = ?", (shift_id,))
        return _shift(row) if row is not None else None

    def start(self, profile: str, at: datetime, *, engineer: str = "", by: str = "command") -> Shift:
        with self.store.transaction() as connection:
            shift = _usable_shift(connection, profile, at, by=by)
            if engineer and not shift.engineer:
                connection.execute("UPDATE shifts SET engineer = ? WHERE id = ?", (engineer, shift.id))
                shift = replace(shift, engineer=engineer)
            return shift

    def end(self, profile: str, at: datetime) -> Shift | None:
        with self.store.transaction() as connection:
            shift = _open_shift(connection, profile)
            if shift is None:
                return None
            _end(connection, shift.id, max(at, shift.started_at))
            row = connection.execute("SELECT * FROM shifts WHERE id = ?", (shift.id,)).fetchone()
            return _shift(row)

    def set_engineer(self, shift_id: str, engineer: str) -> None:
        self.store.execute("UPDATE shifts SET engineer = ? WHERE id = ?", (engineer, shift_id))

    def last_activity(self, shift_id: str) -> datetime | None:
        row = self.store.fetch_one("SELECT MAX(at) FROM journal WHERE shift_id = ?", (shift_id,))
        return datetime.fromisoformat(row[0]) if row is not None and row[0] else None

    def append(self, entry: JournalEntry) -> JournalEntry:
        with self.store.transaction() as connection:
            return append_journal(connection, entry)

    def entries(
        self, profile: str, *, shift_id: str | None = None, since: datetime | None = None
    ) -> list[JournalEntry]:
        sql = """
            SELECT journal.*, outbox.state AS write_state, outbox.not_applied AS not_applied
            FROM journal LEFT JOIN outbox ON outbox.id = journal.outbox_id
            WHERE journal.profile = ?
        """
        parameters: list[str] = [profile]
        if shift_id is not None:
            sql += " AND journal.shift_id = ?"
            parameters.append(shift_id)
        if since is not None:
            sql += " AND journal.at >= ?"
            parameters.append(since.isoformat())
        rows = self.store.fetch_all(sql + " ORDER BY journal.at, journal.id", parameters)
        return [_entry(row) for row in rows]

    def save_handoff(self, shift_id: str, document: str) -> None:
        self.store.execute("UPDATE shifts SET handoff_json = ? WHERE id = ?", (document, shift_id))

    def handoff(self, shift_id: str) -> str | None:
        row = self.store.fetch_one("SELECT handoff_json FROM shifts WHERE id = ?", (shift_id,))
        return str(row[0]) if row is not None and row[0] else None


def _entry(row: sqlite3.Row) -> JournalEntry:
    state = row["write_state"]
    return JournalEntry(
        kind=JournalKind(row["kind"]),
        at=datetime.fromisoformat(row["at"]),
        profile=row["profile"],
        ticket_id=row["ticket_id"],
        subject=row["subject"] or "",
        detail=json.loads(row["detail_json"] or "{}"),
        text=row["note"] or "",
        outbox_id=row["outbox_id"],
        shift_id=row["shift_id"],
        id=int(row["id"]),
        write_state=WriteState(state) if state else None,
        not_applied=tuple(json.loads(row["not_applied"] or "[]")),
    )


class PublicationStore:
    """Handoff publications in the local database; implements `PublicationRepository`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, profile: str, shift_id: str, destination: str) -> Publication | None:
        row = self.store.fetch_one(
            "SELECT * FROM publications WHERE profile = ? AND shift_id = ? AND destination = ?",
            (profile, shift_id, destination),
        )
        return _publication(row) if row is not None else None

    def put(self, publication: Publication, *, journal: JournalEntry | None = None) -> None:
        p = publication
        with self.store.transaction() as connection:
            connection.execute(
                """
                INSERT INTO publications (id, profile, shift_id, destination, state, ref, created_at,
                                          attempts, settled_at, outcome, url, outbox_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (profile, shift_id, destination) DO UPDATE SET
                    id = excluded.id, state = excluded.state, ref = excluded.ref,
                    attempts = excluded.attempts,
                    settled_at = excluded.settled_at, outcome = excluded.outcome, url = excluded.url,
                    outbox_id = excluded.outbox_id
                """,
                (
                    p.id,
                    p.profile,
                    p.shift_id,
                    p.destination,
                    p.state.value,
                    p.ref,
                    p.created_at.isoformat(),
                    p.attempts,
                    p.settled_at.isoformat() if p.settled_at else None,
                    p.outcome,
                    p.url,
                    p.outbox_id,
                ),
            )
            if journal is not None:
                append_journal(connection, journal)

    def for_shift(self, profile: str, shift_id: str) -> list[Publication]:
        rows = self.store.fetch_all(
            "SELECT * FROM publications WHERE profile = ? AND shift_id = ? ORDER BY created_at",
            (profile, shift_id),
        )
        return [_publication(row) for row in rows]


def _publication(row: sqlite3.Row) -> Publication:
    settled = row["settled_at"]
    return Publication(
        id=row["id"],
        profile=row["profile"],
        shift_id=row["shift_id"],
        destination=row["destination"],
        state=WriteState(row["state"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        ref=row["ref"],
        attempts=int(row["attempts"]),
        settled_at=datetime.fromisoformat(settled) if settled else None,
        outcome=row["outcome"] or "",
        url=row["url"],
        outbox_id=row["outbox_id"],
    )
