"""The local SQLite database: one file under the data dir for drafts, the outbox, the journal and the cache.

Why SQLite: a committed transaction survives the process being killed (`kill -9`, a crash, a closed
terminal), which is the promise drafts make. WAL mode lets a reader (the CLI) and the console share the
file. The schema is versioned with `PRAGMA user_version` and grows by appending to `MIGRATIONS`; each
feature module owns its tables but registers them here so the order of upgrades is one list.

The API is synchronous and cheap for small rows (a draft save is well under a millisecond plus the WAL
write); call it directly for tiny writes or through `asyncio.to_thread` for anything bigger. A lock makes
one `Store` safe to share between the event loop and worker threads.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from frontline.errors import StoreError

__all__ = ["DATABASE_FILE_NAME", "MIGRATIONS", "Migration", "Store", "StoreError", "stored_time"]

DATABASE_FILE_NAME = "frontline.sqlite3"


@dataclass(frozen=True)
class Migration:
    """One schema step; `version` is the `user_version` after it ran."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="drafts: one unsent reply or note per profile and ticket",
        statements=(
            """
            CREATE TABLE drafts (
                profile TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                body TEXT NOT NULL,
                public INTEGER NOT NULL,
                submit_status TEXT,
                priority TEXT,
                assignee_id TEXT,
                tags_add TEXT NOT NULL DEFAULT '[]',
                tags_remove TEXT NOT NULL DEFAULT '[]',
                macro_id TEXT,
                saved_at TEXT NOT NULL,
                PRIMARY KEY (profile, ticket_id)
            )
            """,
        ),
    ),
    Migration(
        version=2,
        description="drafts: the group a macro assigns the ticket to",
        statements=("ALTER TABLE drafts ADD COLUMN group_id TEXT",),
    ),
    Migration(
        version=3,
        description="outbox: every write, recorded before it is sent and settled by the answer",
        statements=(
            """
            CREATE TABLE outbox (
                id TEXT PRIMARY KEY,
                profile TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                state TEXT NOT NULL,
                update_json TEXT NOT NULL,
                author_id TEXT,
                known_comment_ids TEXT NOT NULL DEFAULT '[]',
                draft_json TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                sent_at TEXT,
                settled_at TEXT,
                outcome TEXT NOT NULL DEFAULT '',
                comment_id TEXT,
                not_applied TEXT NOT NULL DEFAULT '[]'
            )
            """,
            "CREATE INDEX outbox_by_state ON outbox (profile, state, ticket_id)",
            "CREATE INDEX outbox_by_time ON outbox (profile, created_at)",
        ),
    ),
    Migration(
        version=4,
        description="escalations: each ticket's bug per target, the escalation form drafts, preferences",
        statements=(
            """
            CREATE TABLE escalations (
                profile TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                target TEXT NOT NULL,
                state TEXT NOT NULL,
                bug_key TEXT,
                bug_url TEXT,
                bug_title TEXT NOT NULL DEFAULT '',
                bug_status TEXT NOT NULL DEFAULT '',
                created INTEGER NOT NULL DEFAULT 0,
                started_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (profile, ticket_id, target)
            )
            """,
            """
            CREATE TABLE escalation_forms (
                profile TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                target TEXT NOT NULL,
                fields_json TEXT NOT NULL,
                saved_at TEXT NOT NULL,
                PRIMARY KEY (profile, ticket_id)
            )
            """,
            """
            CREATE TABLE preferences (
                profile TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (profile, key)
            )
            """,
        ),
    ),
    Migration(
        version=5,
        description="shifts, their journal and handoff publications; escalations keep the ticket's subject",
        statements=(
            """
            CREATE TABLE shifts (
                id TEXT PRIMARY KEY,
                profile TEXT NOT NULL,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                engineer TEXT NOT NULL DEFAULT '',
                started_by TEXT NOT NULL DEFAULT 'auto',
                handoff_json TEXT
            )
            """,
            "CREATE INDEX shifts_by_profile ON shifts (profile, started_at)",
            """
            CREATE TABLE journal (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                profile TEXT NOT NULL,
                shift_id TEXT NOT NULL REFERENCES shifts (id),
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                ticket_id TEXT,
                subject TEXT NOT NULL DEFAULT '',
                detail_json TEXT NOT NULL DEFAULT '{}',
                note TEXT NOT NULL DEFAULT '',
                outbox_id TEXT
            )
            """,
            "CREATE INDEX journal_by_shift ON journal (shift_id, at)",
            "CREATE INDEX journal_by_time ON journal (profile, at)",
            """
            CREATE TABLE publications (
                id TEXT PRIMARY KEY,
                profile TEXT NOT NULL,
                shift_id TEXT NOT NULL,
                destination TEXT NOT NULL,
                state TEXT NOT NULL,
                ref TEXT NOT NULL,
                created_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 1,
                settled_at TEXT,
                outcome TEXT NOT NULL DEFAULT '',
                url TEXT,
                outbox_id TEXT,
                UNIQUE (profile, shift_id, destination)
            )
            """,
            "ALTER TABLE escalations ADD COLUMN ticket_subject TEXT NOT NULL DEFAULT ''",
        ),
    ),
    Migration(
        version=6,
        description="drafts by kind: a public reply and an internal note are separate drafts on a ticket",
        statements=(
            """
            CREATE TABLE drafts_by_kind (
                profile TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('reply', 'note')),
                body TEXT NOT NULL,
                submit_status TEXT,
                priority TEXT,
                assignee_id TEXT,
                group_id TEXT,
                tags_add TEXT NOT NULL DEFAULT '[]',
                tags_remove TEXT NOT NULL DEFAULT '[]',
                macro_id TEXT,
                saved_at TEXT NOT NULL,
                subject TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (profile, ticket_id, kind)
            )
            """,
            """
            INSERT INTO drafts_by_kind (profile, ticket_id, kind, body, submit_status, priority, assignee_id,
                                        group_id, tags_add, tags_remove, macro_id, saved_at)
            SELECT profile, ticket_id, CASE WHEN public THEN 'reply' ELSE 'note' END, body, submit_status,
                   priority, assignee_id, group_id, tags_add, tags_remove, macro_id, saved_at
            FROM drafts
            """,
            "DROP TABLE drafts",
            "ALTER TABLE drafts_by_kind RENAME TO drafts",
        ),
    ),
    Migration(
        version=7,
        description="seen tickets: the update and comment last seen, the customer reply last announced",
        statements=(
            """
            CREATE TABLE seen_tickets (
                profile TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                looked_at TEXT,
                checked_at TEXT,
                comment_id TEXT,
                comment_at TEXT,
                reply_id TEXT,
                reply_at TEXT,
                PRIMARY KEY (profile, ticket_id)
            ) WITHOUT ROWID
            """,
        ),
    ),
    Migration(
        version=8,
        description="drafts: the exact status to submit as (custom status, JSM transition) and its label",
        statements=(
            "ALTER TABLE drafts ADD COLUMN submit_status_id TEXT",
            "ALTER TABLE drafts ADD COLUMN submit_transition_id TEXT",
            "ALTER TABLE drafts ADD COLUMN submit_label TEXT NOT NULL DEFAULT ''",
        ),
    ),
    Migration(
        version=9,
        description="cache: views, their tickets and the conversations read, to paint at start and offline",
        statements=(
            """
            CREATE TABLE cache_views (
                profile TEXT NOT NULL,
                view_id TEXT NOT NULL,
                position INTEGER NOT NULL,
                view_json TEXT,
                count INTEGER,
                synced_at TEXT,
                PRIMARY KEY (profile, view_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE cache_tickets (
                profile TEXT NOT NULL,
                view_id TEXT NOT NULL,
                page INTEGER NOT NULL,
                ticket_ids TEXT NOT NULL,
                tickets_json BLOB NOT NULL,
                PRIMARY KEY (profile, view_id, page)
            )
            """,
            """
            CREATE TABLE cache_threads (
                profile TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                read_at TEXT NOT NULL,
                thread_json TEXT NOT NULL,
                PRIMARY KEY (profile, ticket_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE cache_meta (
                profile TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (profile, key)
            ) WITHOUT ROWID
            """,
        ),
    ),
)
"""Every schema step in order. Append new steps (cache, outbox, shift journal); never edit old ones."""


class Store:
    """A connection to the local database, migrated to the newest schema on open.

    Args:
        path: the database file; its folder is created if missing.
        migrations: the schema steps (tests may pass a longer tuple).
    """

    def __init__(self, path: Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = path
        try:
            # Drafts and the outbox hold customers' words: readable by this user only. SQLite gives its
            # -wal and -shm files the database file's permissions.
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not path.exists():
                path.touch(mode=0o600)
            self._connection = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=5.0
            )
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"Cannot open the local database {path}: {error}") from error
        self._lock = threading.RLock()
        self._connection.row_factory = sqlite3.Row
        try:
            self._configure()
            self._migrate(tuple(migrations))
        except sqlite3.DatabaseError as error:
            self._connection.close()
            raise StoreError(
                f"The local database {path} is unreadable ({error}). Move it away to start afresh."
            ) from error

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """The database of a data dir (`FrontlineApp.data_dir`, `locations.data_dir()`)."""
        return cls(data_dir / DATABASE_FILE_NAME)

    def _configure(self) -> None:
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives the process dying; only a power cut may lose the last one.
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute("PRAGMA foreign_keys=ON")

    @property
    def schema_version(self) -> int:
        row = self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row is not None else 0

    def _migrate(self, migrations: tuple[Migration, ...]) -> None:
        newest = max((m.version for m in migrations), default=0)
        current = self.schema_version
        if current > newest:
            raise StoreError(
                f"The local database {self.path} was written by a newer frontline (schema {current}, "
                f"this version knows {newest}). Upgrade frontline or move the file away."
            )
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version <= current:
                continue
            with self.transaction() as connection:
                for statement in migration.statements:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {int(migration.version)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run statements atomically: all of them are committed, or none when the block raises.

        Raises:
            StoreError: the database failed (disk full, locked too long, closed, corrupted).
        """
        with self._lock, self._translated():
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> None:
        """One statement in its own transaction."""
        with self.transaction() as connection:
            connection.execute(sql, parameters)

    def fetch_all(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock, self._translated():
            return list(self._connection.execute(sql, parameters).fetchall())

    def fetch_one(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        with self._lock, self._translated():
            row: sqlite3.Row | None = self._connection.execute(sql, parameters).fetchone()
            return row

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SQLite's exceptions become one `StoreError` that names the file, never a traceback."""
        try:
            yield
        except sqlite3.Error as error:
            raise StoreError(f"The local database {self.path} failed: {error}.") from error

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def stored_time(text: str | None) -> datetime | None:
    """A stored time; an unreadable one (a hand-edited file) counts as unknown."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
