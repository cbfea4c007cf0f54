"""The shift journal in the real SQLite store: shifts that start by themselves and survive restarts, write
lines recorded in the outbox's transaction and read back with the write's real outcome, escalation lines
written with the escalation record, and no reply text in the journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontline.domain.drafts import Draft
from frontline.domain.escalation import EscalationRecord
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.shift import SHIFT_IDLE_GAP, JournalEntry, JournalKind
from frontline.errors import InputError, StoreError
from frontline.services.journal import ShiftLog
from frontline.store.db import Store
from frontline.store.escalations import EscalationStore
from frontline.store.journal import JournalStore
from frontline.store.outbox import OutboxStore

PROFILE = "acme"
START = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
SECRET_REPLY = "Your reset code is 918273, do not share it"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path)


def opened(ticket_id: str, at: datetime) -> JournalEntry:
    return JournalEntry(kind=JournalKind.OPENED, at=at, profile=PROFILE, ticket_id=ticket_id, subject="Login")


def write(entry_id: str, at: datetime, update: TicketUpdate, *, macro: str | None = None) -> OutboxEntry:
    draft = Draft(PROFILE, "42", "x", True, at, macro_id=macro) if macro else None
    return OutboxEntry(
        id=entry_id,
        profile=PROFILE,
        ticket_id="42",
        update=update,
        state=WriteState.SENDING,
        created_at=at,
        sent_at=at,
        draft=draft,
        subject="Cannot log in",
    )


def test_the_first_action_starts_a_shift_and_later_actions_join_it(store: Store) -> None:
    journal = JournalStore(store)
    assert journal.current(PROFILE) is None
    first = journal.append(opened("1", START))
    second = journal.append(opened("2", START + timedelta(hours=3)))
    shift = journal.current(PROFILE)
    assert shift is not None and shift.started_at == START and shift.started_by == "auto"
    assert first.shift_id == second.shift_id == shift.id


def test_a_shift_idle_for_the_gap_ends_at_its_last_action_and_the_next_action_starts_a_new_one(
    store: Store,
) -> None:
    journal = JournalStore(store)
    journal.append(opened("1", START))
    journal.append(opened("1", START + timedelta(hours=1)))
    tomorrow = START + timedelta(hours=1) + SHIFT_IDLE_GAP
    line = journal.append(opened("2", tomorrow))
    yesterday, today = journal.latest(PROFILE, 2)[::-1]
    assert yesterday.ended_at == START + timedelta(hours=1)
    assert today.started_at == tomorrow and today.is_open() and line.shift_id == today.id


def test_shift_start_is_idempotent_and_end_ends_it(store: Store) -> None:
    journal = JournalStore(store)
    started = journal.start(PROFILE, START, engineer="Ada <ada@example.com>")
    again = journal.start(PROFILE, START + timedelta(hours=1))
    assert again.id == started.id and again.engineer == "Ada <ada@example.com>"
    ended = journal.end(PROFILE, START + timedelta(hours=8))
    assert ended is not None and ended.ended_at == START + timedelta(hours=8)
    assert journal.current(PROFILE) is None
    assert journal.end(PROFILE, START + timedelta(hours=9)) is None


def test_the_shift_survives_reopening_the_database(tmp_path: Path) -> None:
    with Store.open(tmp_path) as first:
        JournalStore(first).start(PROFILE, START)
        JournalStore(first).append(opened("7", START + timedelta(minutes=5)))
    with Store.open(tmp_path) as again:
        journal = JournalStore(again)
        shift = journal.current(PROFILE)
        assert shift is not None and shift.started_at == START
        assert [line.ticket_id for line in journal.entries(PROFILE, shift_id=shift.id)] == ["7"]


def test_a_write_is_journalled_with_its_outbox_entry_and_claimed_only_once_it_landed(store: Store) -> None:
    outbox, journal = OutboxStore(store), JournalStore(store)
    reply = TicketUpdate(comment=CommentDraft(body=SECRET_REPLY, public=True), status=Status.SOLVED)
    entry = write("w1", START, reply, macro="360001")
    outbox.record(entry, consume_draft=False)
    (line,) = journal.entries(PROFILE)
    assert line.kind is JournalKind.WRITE and line.outbox_id == "w1" and line.subject == "Cannot log in"
    assert line.pending and not line.replied and not line.solved, "in flight: not claimed yet"
    assert "macro" in line.describe() and "not confirmed" in line.describe()

    outbox.update(entry.settle(WriteState.SENT, START, "Sent."))
    (line,) = journal.entries(PROFILE)
    assert line.replied and line.solved and not line.noted and line.describe().startswith("public reply")


def test_a_failed_write_is_never_claimed_and_a_partial_one_claims_only_what_landed(store: Store) -> None:
    outbox, journal = OutboxStore(store), JournalStore(store)
    failed = write("f", START, TicketUpdate(comment=CommentDraft(body="hi", public=True)))
    partial = write(
        "p",
        START + timedelta(minutes=1),
        TicketUpdate(comment=CommentDraft(body="note", public=False), status=Status.SOLVED),
    )
    for entry in (failed, partial):
        outbox.record(entry, consume_draft=False)
    outbox.update(failed.settle(WriteState.FAILED, START, "Refused."))
    outbox.update(partial.settle(WriteState.PARTIAL, START, "half", not_applied=("status solved",)))
    failed_line, partial_line = journal.entries(PROFILE)
    assert not failed_line.landed and not failed_line.replied and "(not sent)" in failed_line.describe()
    assert partial_line.noted and not partial_line.solved


def test_no_reply_text_ever_reaches_the_journal(store: Store) -> None:
    reply = TicketUpdate(comment=CommentDraft(body=SECRET_REPLY, public=True))
    OutboxStore(store).record(write("w", START, reply), consume_draft=False)
    rows = store.fetch_all("SELECT * FROM journal")
    assert rows and all(SECRET_REPLY not in " ".join(str(v) for v in tuple(row)) for row in rows)
    assert "918273" not in " ".join(str(v) for row in rows for v in tuple(row))


def test_a_journal_failure_rolls_the_outbox_record_back_too(store: Store) -> None:
    """One transaction: if the journal line cannot be written, the write is not recorded (nor sent)."""
    store.execute("DROP TABLE journal")
    with pytest.raises(StoreError):
        OutboxStore(store).record(write("w", START, TicketUpdate(status=Status.OPEN)), consume_draft=False)
    assert store.fetch_all("SELECT * FROM outbox") == []


def test_an_escalation_is_journalled_once_when_its_bug_is_known(store: Store) -> None:
    escalations, journal = EscalationStore(store), JournalStore(store)
    record = EscalationRecord(
        profile=PROFILE,
        ticket_id="42",
        target="eng",
        state="filing",
        started_at=START,
        updated_at=START,
        ticket_subject="Checkout times out",
    )
    escalations.put(record)
    assert journal.entries(PROFILE) == [], "no bug yet: nothing to claim"
    filed = record.model_copy(update={"state": "filed", "bug_key": "ENG-7", "bug_url": "u", "created": True})
    escalations.put(filed)
    escalations.put(filed.model_copy(update={"state": "done"}))
    (line,) = journal.entries(PROFILE)
    assert line.kind is JournalKind.ESCALATED and line.detail["bug"] == "ENG-7"
    assert line.subject == "Checkout times out" and line.describe() == "escalated to ENG-7"


async def test_handoff_notes_are_cleaned_capped_and_refused_when_empty(store: Store) -> None:
    log = ShiftLog(lambda: JournalStore(store), profile=PROFILE, clock=lambda: START)
    with pytest.raises(InputError):
        log.note("42", "   \x1b[31m  ")
    line = log.note("42", "Customer \x1b]0;pwned\x07 waits on the fix\n" + "x" * 5000, subject="Login")
    assert "\x1b" not in line.text and len(line.text) <= 2000
    assert log.status().shift is not None and log.status().tickets == 1
