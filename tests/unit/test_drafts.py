"""Drafts on SQLite: round trips, schema versioning, and surviving `kill -9`."""

from __future__ import annotations

import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontline.domain.models import Priority, Status
from frontline.store.db import MIGRATIONS, Migration, Store, StoreError
from frontline.store.drafts import Draft, DraftStore, draft_from_json, draft_to_json

SAVED_AT = datetime(2026, 11, 23, 10, 42, tzinfo=UTC)


@pytest.fixture
def drafts(tmp_path: Path) -> DraftStore:
    return DraftStore(Store.open(tmp_path / "data"))


def test_save_load_round_trip_keeps_every_field(drafts: DraftStore) -> None:
    saved = drafts.save(
        "acme",
        "1000",
        "Hello Grace,\n\nfixed — 🎉",
        False,
        Status.SOLVED,
        saved_at=SAVED_AT,
        priority=Priority.HIGH,
        assignee_id="1",
        tags_add=("vip", "billing"),
        tags_remove=("api",),
        macro_id="m1",
    )
    assert drafts.load("acme", "1000") == saved
    assert saved.submit_status is Status.SOLVED


def test_save_replaces_the_previous_draft_and_profiles_are_separate(drafts: DraftStore) -> None:
    drafts.save("acme", "1000", "first", True, saved_at=SAVED_AT)
    drafts.save("acme", "1000", "second", True, saved_at=SAVED_AT + timedelta(seconds=1))
    drafts.save("globex", "1000", "other profile", True, saved_at=SAVED_AT)
    loaded = drafts.load("acme", "1000")
    assert loaded is not None and loaded.body == "second"
    assert [d.body for d in drafts.list("acme")] == ["second"]
    assert [d.body for d in drafts.list("globex")] == ["other profile"]


def test_delete_and_list_order(drafts: DraftStore) -> None:
    drafts.save("acme", "1", "older", True, saved_at=SAVED_AT)
    drafts.save("acme", "2", "newer", True, saved_at=SAVED_AT + timedelta(minutes=5))
    assert [d.ticket_id for d in drafts.list("acme")] == ["2", "1"]
    assert drafts.delete("acme", "1") is True
    assert drafts.delete("acme", "1") is False
    assert drafts.load("acme", "1") is None


def test_blank_draft_detection() -> None:
    blank = Draft(profile="p", ticket_id="1", body="  \n", public=True, saved_at=SAVED_AT)
    assert blank.is_blank()
    assert not Draft(
        profile="p", ticket_id="1", body="", public=True, saved_at=SAVED_AT, submit_status=Status.SOLVED
    ).is_blank()


def test_store_uses_wal_and_records_schema_version(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    assert store.schema_version == max(m.version for m in MIGRATIONS)
    assert store.fetch_one("PRAGMA journal_mode")[0] == "wal"
    store.close()


def test_store_applies_new_migrations_on_reopen(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    extra = Migration(version=99, description="test table", statements=("CREATE TABLE extra (x INTEGER)",))
    store = Store(tmp_path / "frontline.sqlite3", migrations=(*MIGRATIONS, extra))
    assert store.schema_version == 99
    store.execute("INSERT INTO extra (x) VALUES (?)", (1,))
    assert store.fetch_one("SELECT x FROM extra")[0] == 1
    store.close()


def test_newer_schema_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "frontline.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 999")
    connection.close()
    with pytest.raises(StoreError, match="newer frontline"):
        Store(path)


def test_garbage_file_is_reported_not_crashing(tmp_path: Path) -> None:
    path = tmp_path / "frontline.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="unreadable"):
        Store(path)


def test_transaction_rolls_back_on_error(drafts: DraftStore) -> None:
    with pytest.raises(RuntimeError), drafts.store.transaction() as connection:
        connection.execute(
            "INSERT INTO drafts (profile, ticket_id, body, kind, saved_at) "
            "VALUES ('p', '1', 'x', 'reply', 'now')"
        )
        raise RuntimeError("boom")
    assert drafts.load("p", "1") is None


def test_draft_survives_sigkill(tmp_path: Path) -> None:
    """A child process saves a draft, says so, and is killed with SIGKILL mid-sleep; the draft is there."""
    data_dir = tmp_path / "data"
    script = textwrap.dedent(
        f"""
        import sys, time
        from datetime import datetime, UTC
        from pathlib import Path
        from frontline.store.db import Store
        from frontline.store.drafts import DraftStore

        drafts = DraftStore(Store.open(Path({str(data_dir)!r})))
        drafts.save("demo", "1000", "half-written reply", True, saved_at=datetime.now(UTC))
        drafts.save("demo", "1000", "half-written reply, more", True, saved_at=datetime.now(UTC))
        print("saved", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "saved"
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
    loaded = DraftStore(Store.open(data_dir)).load("demo", "1000")
    assert loaded is not None
    assert loaded.body == "half-written reply, more"


def test_drafts_saved_before_the_group_column_survive_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "frontline.sqlite3"
    old = Store(path, migrations=MIGRATIONS[:1])
    old.execute(
        "INSERT INTO drafts (profile, ticket_id, body, public, saved_at) VALUES (?, ?, ?, ?, ?)",
        ("p", "7", "half a reply", 1, "2026-11-23T09:00:00+00:00"),
    )
    old.close()

    upgraded = DraftStore(Store(path))
    draft = upgraded.load("p", "7")
    assert draft is not None and draft.body == "half a reply" and draft.group_id is None
    upgraded.save(
        "p", "7", "half a reply", True, saved_at=datetime(2026, 11, 23, tzinfo=UTC), group_id="5102"
    )
    reloaded = upgraded.load("p", "7")
    assert reloaded is not None and reloaded.group_id == "5102"


def test_the_database_is_readable_by_its_user_only(tmp_path: Path) -> None:
    """Drafts and the outbox hold customers' words."""
    store = Store.open(tmp_path / "data")
    store.execute("CREATE TABLE t (x)")  # a write, so SQLite creates its -wal file too
    files = sorted(p for p in (tmp_path / "data").iterdir())
    assert files and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in files), files
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    store.close()


def test_the_exact_status_to_submit_as_survives_the_store_and_the_outbox_json(tmp_path: Path) -> None:
    """A JSM transition or Zendesk custom status chosen with ctrl+o comes back after a restart (and from
    the outbox's copy of the draft), added to a version 7 database by migration 8."""
    path = tmp_path / "frontline.sqlite3"
    Store(path, migrations=MIGRATIONS[:7]).close()
    store = DraftStore(Store(path))
    draft = Draft(
        profile="p",
        ticket_id="SUP-12",
        body="We need a log from you.",
        public=True,
        saved_at=SAVED_AT,
        submit_status=Status.PENDING,
        submit_status_id="10003",
        submit_transition_id="21",
        submit_label="Respond to customer → Waiting for customer",
    )
    store.put(draft)
    assert DraftStore(Store(path)).load("p", "SUP-12") == draft
    assert draft_from_json(draft_to_json(draft)) == draft
