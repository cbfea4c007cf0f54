"""Unsent replies and notes, one of each kind per profile and ticket, saved as the engineer types.

The composer saves at most about half a second behind the keyboard and on leaving; each save is one
SQLite commit, so a draft survives a crash or `kill -9` and is offered again when the ticket is reopened.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from frontline.domain.drafts import Draft, DraftKind
from frontline.domain.models import Priority, Status
from frontline.store.db import Store

__all__ = ["Draft", "DraftKind", "DraftStore"]

_E = TypeVar("_E", Status, Priority)


class DraftStore:
    """Drafts in the local database (`frontline.store.db.Store`); implements `DraftRepository`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def save(
        self,
        profile: str,
        ticket_id: str,
        body: str,
        public: bool,
        submit_status: Status | None = None,
        *,
        saved_at: datetime,
        priority: Priority | None = None,
        assignee_id: str | None = None,
        group_id: str | None = None,
        tags_add: Sequence[str] = (),
        tags_remove: Sequence[str] = (),
        macro_id: str | None = None,
    ) -> Draft:
        """Insert or replace the ticket's draft of this kind in one committed transaction."""
        draft = Draft(
            profile=profile,
            ticket_id=ticket_id,
            body=body,
            public=public,
            saved_at=saved_at,
            submit_status=submit_status,
            priority=priority,
            assignee_id=assignee_id,
            group_id=group_id,
            tags_add=tuple(tags_add),
            tags_remove=tuple(tags_remove),
            macro_id=macro_id,
        )
        self.put(draft)
        return draft

    def put(self, draft: Draft) -> None:
        """Insert or replace a whole `Draft` in one committed transaction."""
        with self.store.transaction() as connection:
            write_draft(connection, draft)

    def load(self, profile: str, ticket_id: str, kind: DraftKind | None = None) -> Draft | None:
        """The ticket's draft of `kind`; without a kind, the most recently saved of either."""
        sql, parameters = _where(profile, ticket_id, kind)
        row = self.store.fetch_one(f"SELECT * FROM drafts WHERE {sql} ORDER BY saved_at DESC", parameters)
        return _draft_from_row(row) if row is not None else None

    def delete(self, profile: str, ticket_id: str, kind: DraftKind | None = None) -> bool:
        """Forget a draft (sent or discarded), or without a kind both; True when there was one."""
        with self.store.transaction() as connection:
            return delete_draft(connection, profile, ticket_id, kind)

    def list(self, profile: str) -> list[Draft]:
        """A profile's drafts, most recently saved first (for a "postponed" list and the handoff)."""
        rows = self.store.fetch_all(
            "SELECT * FROM drafts WHERE profile = ? ORDER BY saved_at DESC, ticket_id", (profile,)
        )
        return [_draft_from_row(row) for row in rows]


def write_draft(connection: sqlite3.Connection, draft: Draft, *, keep_existing: bool = False) -> None:
    """Insert or replace `draft` inside the caller's transaction (`keep_existing`: only if none is there)."""
    conflict = (
        "DO NOTHING"
        if keep_existing
        else """DO UPDATE SET
            body = excluded.body, submit_status = excluded.submit_status,
            submit_status_id = excluded.submit_status_id,
            submit_transition_id = excluded.submit_transition_id, submit_label = excluded.submit_label,
            priority = excluded.priority, assignee_id = excluded.assignee_id,
            group_id = excluded.group_id,
            tags_add = excluded.tags_add, tags_remove = excluded.tags_remove,
            macro_id = excluded.macro_id, saved_at = excluded.saved_at, subject = excluded.subject"""
    )
    connection.execute(
        f"""
        INSERT INTO drafts (profile, ticket_id, kind, body, submit_status, priority, assignee_id,
                            group_id, tags_add, tags_remove, macro_id, saved_at, subject,
                            submit_status_id, submit_transition_id, submit_label)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (profile, ticket_id, kind) {conflict}
        """,
        (
            draft.profile,
            draft.ticket_id,
            draft.kind.value,
            draft.body,
            draft.submit_status.value if draft.submit_status else None,
            draft.priority.value if draft.priority else None,
            draft.assignee_id,
            draft.group_id,
            json.dumps(list(draft.tags_add)),
            json.dumps(list(draft.tags_remove)),
            draft.macro_id,
            draft.saved_at.isoformat(),
            draft.subject,
            draft.submit_status_id,
            draft.submit_transition_id,
            draft.submit_label,
        ),
    )


def delete_draft(
    connection: sqlite3.Connection, profile: str, ticket_id: str, kind: DraftKind | None = None
) -> bool:
    """Delete a draft (without a kind, both) inside the caller's transaction; True when there was one."""
    sql, parameters = _where(profile, ticket_id, kind)
    cursor = connection.execute(f"DELETE FROM drafts WHERE {sql}", parameters)
    return cursor.rowcount > 0


def _where(profile: str, ticket_id: str, kind: DraftKind | None) -> tuple[str, tuple[str, ...]]:
    if kind is None:
        return "profile = ? AND ticket_id = ?", (profile, ticket_id)
    return "profile = ? AND ticket_id = ? AND kind = ?", (profile, ticket_id, kind.value)


def draft_to_json(draft: Draft) -> str:
    """A draft as JSON, for the outbox entry that carries it."""
    return json.dumps(
        {
            "profile": draft.profile,
            "ticket_id": draft.ticket_id,
            "body": draft.body,
            "public": draft.public,
            "saved_at": draft.saved_at.isoformat(),
            "submit_status": draft.submit_status.value if draft.submit_status else None,
            "submit_status_id": draft.submit_status_id,
            "submit_transition_id": draft.submit_transition_id,
            "submit_label": draft.submit_label,
            "priority": draft.priority.value if draft.priority else None,
            "assignee_id": draft.assignee_id,
            "group_id": draft.group_id,
            "tags_add": list(draft.tags_add),
            "tags_remove": list(draft.tags_remove),
            "macro_id": draft.macro_id,
            "subject": draft.subject,
        }
    )


def draft_from_json(text: str) -> Draft:
    data = json.loads(text)
    return Draft(
        profile=data["profile"],
        ticket_id=data["ticket_id"],
        body=data["body"],
        public=bool(data["public"]),
        saved_at=datetime.fromisoformat(data["saved_at"]),
        submit_status=_enum_or_none(Status, data.get("submit_status")),
        submit_status_id=data.get("submit_status_id"),
        submit_transition_id=data.get("submit_transition_id"),
        submit_label=data.get("submit_label") or "",
        priority=_enum_or_none(Priority, data.get("priority")),
        assignee_id=data.get("assignee_id"),
        group_id=data.get("group_id"),
        tags_add=tuple(data.get("tags_add") or ()),
        tags_remove=tuple(data.get("tags_remove") or ()),
        macro_id=data.get("macro_id"),
        subject=data.get("subject") or "",
    )


def _draft_from_row(row: sqlite3.Row) -> Draft:
    return Draft(
        profile=row["profile"],
        ticket_id=row["ticket_id"],
        body=row["body"],
        public=DraftKind(row["kind"]).public,
        saved_at=datetime.fromisoformat(row["saved_at"]),
        submit_status=_enum_or_none(Status, row["submit_status"]),
        submit_status_id=row["submit_status_id"],
        submit_transition_id=row["submit_transition_id"],
        submit_label=row["submit_label"] or "",
        priority=_enum_or_none(Priority, row["priority"]),
        assignee_id=row["assignee_id"],
        group_id=row["group_id"],
        tags_add=tuple(json.loads(row["tags_add"] or "[]")),
        tags_remove=tuple(json.loads(row["tags_remove"] or "[]")),
        macro_id=row["macro_id"],
        subject=row["subject"] or "",
    )


def _enum_or_none(kind: type[_E], value: str | None) -> _E | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return None
