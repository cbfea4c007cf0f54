"""Drafts keyed by kind in SQLite, and drafts saved before the kind existed migrating to theirs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from frontline.domain.drafts import Draft, DraftKind
from frontline.store.db import MIGRATIONS, Store
from frontline.store.drafts import DraftStore

SAVED = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_drafts_saved_before_kinds_migrate_to_the_kind_of_their_public_flag(tmp_path: Path) -> None:
    path = tmp_path / "frontline.sqlite3"
    old = Store(path, migrations=[m for m in MIGRATIONS if m.version < 6])
    for ticket_id, public in (("1", 1), ("2", 0)):
        old.execute(
            "INSERT INTO drafts (profile, ticket_id, body, public, tags_add, saved_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            ("p", ticket_id, f"text {ticket_id}", public, '["vip"]', SAVED.isoformat()),
        )
    old.close()

    drafts = DraftStore(Store(path))
    reply = drafts.load("p", "1", DraftKind.REPLY)
    assert reply is not None and reply.public and reply.body == "text 1" and reply.tags_add == ("vip",)
    assert drafts.load("p", "1", DraftKind.NOTE) is None
    note = drafts.load("p", "2", DraftKind.NOTE)
    assert note is not None and not note.public and note.body == "text 2" and note.saved_at == SAVED
    assert drafts.load("p", "2", DraftKind.REPLY) is None


def test_a_reply_and_a_note_on_one_ticket_are_kept_and_deleted_apart(tmp_path: Path) -> None:
    drafts = DraftStore(Store.open(tmp_path))
    for public in (True, False):
        drafts.put(Draft(profile="p", ticket_id="7", body=f"public={public}", public=public, saved_at=SAVED))
    assert {d.kind for d in drafts.list("p")} == {DraftKind.REPLY, DraftKind.NOTE}
    assert drafts.delete("p", "7", DraftKind.NOTE) is True
    kept = drafts.load("p", "7", DraftKind.REPLY)
    assert kept is not None and kept.body == "public=True"
    assert drafts.load("p", "7", DraftKind.NOTE) is None
