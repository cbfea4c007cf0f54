"""Escalations in the local database (`EscalationRepository`): each ticket's bug per target, recorded
before anything is sent to the tracker; the escalation form's drafts; the last target used."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from frontline.domain.escalation import EscalationFields, EscalationRecord
from frontline.domain.shift import escalation_line
from frontline.store.db import Store
from frontline.store.journal import append_journal

__all__ = ["EscalationStore"]

_LAST_TARGET = "escalation.last_target"


class EscalationStore:
    """Escalation records, form drafts and preferences; implements `EscalationRepository`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, profile: str, ticket_id: str, target: str) -> EscalationRecord | None:
        row = self.store.fetch_one(
            "SELECT * FROM escalations WHERE profile = ? AND ticket_id = ? AND target = ?",
            (profile, ticket_id, target),
        )
        return _record(row) if row is not None else None

    def for_ticket(self, profile: str, ticket_id: str) -> list[EscalationRecord]:
        rows = self.store.fetch_all(
            "SELECT * FROM escalations WHERE profile = ? AND ticket_id = ? ORDER BY started_at",
            (profile, ticket_id),
        )
        return [_record(row) for row in rows]

    def all(self, profile: str) -> list[EscalationRecord]:
        rows = self.store.fetch_all(
            "SELECT * FROM escalations WHERE profile = ? ORDER BY started_at", (profile,)
        )
        return [_record(row) for row in rows]

    def put(self, record: EscalationRecord) -> None:
        """Insert or replace `record`; the escalation's journal line goes in the same transaction."""
        with self.store.transaction() as connection:
            row = connection.execute(
                "SELECT * FROM escalations WHERE profile = ? AND ticket_id = ? AND target = ?",
                (record.profile, record.ticket_id, record.target),
            ).fetchone()
            connection.execute(
                """
                INSERT INTO escalations (profile, ticket_id, target, state, bug_key, bug_url, bug_title,
                                         bug_status, created, started_at, updated_at, ticket_subject)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (profile, ticket_id, target) DO UPDATE SET
                    state = excluded.state, bug_key = excluded.bug_key, bug_url = excluded.bug_url,
                    bug_title = excluded.bug_title, bug_status = excluded.bug_status,
                    created = excluded.created, updated_at = excluded.updated_at,
                    ticket_subject = CASE WHEN excluded.ticket_subject != '' THEN excluded.ticket_subject
                                          ELSE escalations.ticket_subject END
                """,
                (
                    record.profile,
                    record.ticket_id,
                    record.target,
                    record.state,
                    record.bug_key,
                    record.bug_url,
                    record.bug_title,
                    record.bug_status,
                    int(record.created),
                    record.started_at.isoformat(),
                    record.updated_at.isoformat(),
                    record.ticket_subject,
                ),
            )
            line = escalation_line(_record(row) if row is not None else None, record)
            if line is not None:
                append_journal(connection, line)

    def save_form(
        self, profile: str, ticket_id: str, target: str, fields: EscalationFields, saved_at: datetime
    ) -> None:
        self.store.execute(
            """
            INSERT INTO escalation_forms (profile, ticket_id, target, fields_json, saved_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (profile, ticket_id) DO UPDATE SET
                target = excluded.target, fields_json = excluded.fields_json, saved_at = excluded.saved_at
            """,
            (profile, ticket_id, target, fields.model_dump_json(), saved_at.isoformat()),
        )

    def load_form(self, profile: str, ticket_id: str) -> tuple[str, EscalationFields] | None:
        row = self.store.fetch_one(
            "SELECT target, fields_json FROM escalation_forms WHERE profile = ? AND ticket_id = ?",
            (profile, ticket_id),
        )
        if row is None:
            return None
        return str(row["target"]), EscalationFields.model_validate_json(row["fields_json"])

    def delete_form(self, profile: str, ticket_id: str) -> None:
        self.store.execute(
            "DELETE FROM escalation_forms WHERE profile = ? AND ticket_id = ?", (profile, ticket_id)
        )

    def last_target(self, profile: str) -> str | None:
        row = self.store.fetch_one(
            "SELECT value FROM preferences WHERE profile = ? AND key = ?", (profile, _LAST_TARGET)
        )
        return str(row["value"]) if row is not None else None

    def remember_target(self, profile: str, target: str) -> None:
        self.store.execute(
            """
            INSERT INTO preferences (profile, key, value) VALUES (?, ?, ?)
            ON CONFLICT (profile, key) DO UPDATE SET value = excluded.value
            """,
            (profile, _LAST_TARGET, target),
        )


def _record(row: sqlite3.Row) -> EscalationRecord:
    return EscalationRecord(
        profile=row["profile"],
        ticket_id=row["ticket_id"],
        target=row["target"],
        state=row["state"],
        bug_key=row["bug_key"],
        bug_url=row["bug_url"],
        bug_title=row["bug_title"] or "",
        bug_status=row["bug_status"] or "",
        created=bool(row["created"]),
        ticket_subject=row["ticket_subject"] or "",
        started_at=datetime.fromisoformat(row["started_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )
