"""The draft lifecycle without a terminal: restore, autosave, send (delete only on success), discard.

A real SQLite `DraftStore` in a temp dir and the in-memory helpdesk behind a real `Desk`, so what is
asserted is what the composer screen gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline.bootstrap import Session, session_for_helpdesk
from frontline.domain.compose import ComposerState
from frontline.domain.drafts import Draft, DraftKind
from frontline.domain.models import Priority, Status, Ticket, TicketUpdate
from frontline.domain.outbox import WriteState
from frontline.domain.ports import ConnectionState, HelpdeskCapabilities
from frontline.errors import (
    ConflictError,
    InputError,
    NotSent,
    StoreError,
    Unavailable,
    WriteOutcomeUnknown,
    WriteQueued,
)
from frontline.services.drafts import DraftKeeper, DraftNotKept
from frontline.services.outbox import MemoryOutbox
from frontline.services.session import LocalStores
from frontline.store.db import Store
from frontline.store.drafts import DraftStore
from frontline.store.outbox import OutboxStore

TICKET_ID = "1000"


class TickingClock:
    """A clock that moves one minute on every reading, so each save has its own time."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@dataclass
class BrokenStore:
    """A `DraftRepository` over the real store whose writes fail while `broken` (a full disk)."""

    inner: DraftStore
    broken: bool = False

    def put(self, draft: Draft) -> None:
        self._check()
        self.inner.put(draft)

    def load(self, profile: str, ticket_id: str, kind: DraftKind | None = None) -> Draft | None:
        return self.inner.load(profile, ticket_id, kind)

    def delete(self, profile: str, ticket_id: str, kind: DraftKind | None = None) -> bool:
        self._check()
        return self.inner.delete(profile, ticket_id, kind)

    def list(self, profile: str) -> list[Draft]:
        return self.inner.list(profile)

    def _check(self) -> None:
        if self.broken:
            raise StoreError("The local database could not be written: disk full.")


@dataclass
class FailingHelpdesk(FakeHelpdesk):
    """Every update fails with `failure`; with `reads_fail`, so does reading the ticket back after it."""

    failure: BaseException | None = None
    reads_fail: bool = False
    write_attempted: bool = False

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        self.write_attempted = True
        raise self.failure or Unavailable("Connection reset.")

    async def get_ticket(self, ticket_id: str) -> Ticket:
        if self.reads_fail and self.write_attempted:
            raise Unavailable("Still offline.")
        return await super().get_ticket(ticket_id)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DraftStore]:
    database = Store.open(tmp_path / "data")
    yield DraftStore(database)
    database.close()


def session_on(helpdesk: FakeHelpdesk, drafts: DraftStore | BrokenStore) -> Session:
    stores = LocalStores(drafts=drafts, outbox=MemoryOutbox(drafts))
    return session_for_helpdesk(helpdesk, profile_name="test", stores=stores, clock=TickingClock())


def keeper_on(session: Session, kind: DraftKind = DraftKind.REPLY) -> DraftKeeper:
    return DraftKeeper.for_desk(session.desk, session.drafts, TICKET_ID, kind)


async def ticket_of(session: Session) -> Ticket:
    return (await session.desk.open_ticket(TICKET_ID)).ticket


def everything_set() -> ComposerState:
    """A state where no field has its default, so a lost field shows up."""
    return ComposerState(
        body="Hello Grace,\n\nfixed in today's release — 🎉",
        public=False,
        submit_status=Status.PENDING,
        priority=Priority.HIGH,
        assignee_id="1",
        group_id="5102",
        tags_add=("vip", "billing"),
        tags_remove=("api",),
        macro_id="m1",
    )


def test_restore_round_trips_every_field(store: DraftStore) -> None:
    session = session_on(FakeHelpdesk(), store)
    saved = keeper_on(session, DraftKind.NOTE).save(everything_set())
    assert saved is not None and saved.profile == "test" and saved.ticket_id == TICKET_ID

    reopened = keeper_on(session_on(FakeHelpdesk(), store), DraftKind.NOTE)
    assert reopened.restore() == everything_set()
    assert reopened.saved_at == saved.saved_at
    assert reopened.pending() == saved


def test_nothing_to_restore(store: DraftStore) -> None:
    keeper = keeper_on(session_on(FakeHelpdesk(), store))
    assert keeper.restore() is None and keeper.pending() is None and keeper.saved_at is None


def test_a_blank_draft_on_disk_is_neither_restored_nor_announced(store: DraftStore) -> None:
    store.put(Draft(profile="test", ticket_id=TICKET_ID, body=" \n", public=True, saved_at=FIXED_NOW))
    keeper = keeper_on(session_on(FakeHelpdesk(), store))
    assert keeper.restore() is None
    assert keeper.pending() is None


def test_saving_a_blank_state_deletes_the_draft(store: DraftStore) -> None:
    keeper = keeper_on(session_on(FakeHelpdesk(), store))
    assert keeper.save(ComposerState(body="half a reply")) is not None
    assert store.load("test", TICKET_ID) is not None

    assert keeper.save(ComposerState(body="   \n")) is None
    assert store.load("test", TICKET_ID) is None
    assert keeper.saved_at is None


def test_drafts_belong_to_their_profile_and_ticket(store: DraftStore) -> None:
    keeper_on(session_on(FakeHelpdesk(), store)).save(ComposerState(body="for 1000"))
    other_ticket = DraftKeeper.for_desk(session_on(FakeHelpdesk(), store).desk, store, "1001")
    other_profile = DraftKeeper(
        store,
        profile="globex",
        ticket_id=TICKET_ID,
        clock=TickingClock(),
        capabilities=HelpdeskCapabilities(),
    )
    assert other_ticket.restore() is None and other_profile.restore() is None


class NoNotesHelpdesk(FakeHelpdesk):
    capabilities = HelpdeskCapabilities(internal_notes=False)


def test_internal_notes_become_public_where_the_helpdesk_has_none(store: DraftStore) -> None:
    keeper_on(session_on(FakeHelpdesk(), store), DraftKind.NOTE).save(everything_set())

    no_notes = keeper_on(session_on(NoNotesHelpdesk(), store), DraftKind.NOTE)
    assert no_notes.kind is DraftKind.REPLY
    assert no_notes.restore() is None, "a note is never offered as a public reply"
    assert no_notes.conform(ComposerState(public=False)).public is True

    with_notes = keeper_on(session_on(FakeHelpdesk(), store), DraftKind.NOTE)
    restored_note = with_notes.restore()
    assert restored_note is not None and restored_note.public is False
    assert with_notes.conform(ComposerState(public=False)).public is False


def test_autosave_writes_only_what_changed(store: DraftStore) -> None:
    keeper = keeper_on(session_on(FakeHelpdesk(), store))
    state = ComposerState()
    assert keeper.flush(state) is False, "an untouched composer writes nothing"
    assert store.load("test", TICKET_ID) is None

    state.body = "first words"
    assert keeper.flush(state) is True
    first = store.load("test", TICKET_ID)
    assert first is not None and first.body == "first words"
    assert keeper.flush(state) is False, "nothing changed since the last tick"
    assert store.load("test", TICKET_ID) == first

    state.submit_status = Status.SOLVED
    assert keeper.flush(state) is True
    second = store.load("test", TICKET_ID)
    assert second is not None and second.submit_status is Status.SOLVED
    assert second.saved_at > first.saved_at and keeper.saved_at == second.saved_at

    state.body, state.submit_status = "", None
    assert keeper.flush(state) is True, "clearing everything forgets the draft"
    assert store.load("test", TICKET_ID) is None


def test_opening_a_restored_draft_unchanged_does_not_rewrite_it(store: DraftStore) -> None:
    keeper_on(session_on(FakeHelpdesk(), store)).save(ComposerState(body="kept"))
    before = store.load("test", TICKET_ID)
    reopened = keeper_on(session_on(FakeHelpdesk(), store))
    state = reopened.restore()
    assert state is not None
    assert reopened.flush(state) is False
    assert store.load("test", TICKET_ID) == before


async def test_send_success_deletes_the_draft_and_returns_the_ticket(store: DraftStore) -> None:
    helpdesk = FakeHelpdesk()
    session = session_on(helpdesk, store)
    keeper = keeper_on(session)
    state = ComposerState(body="Fixed now.", submit_status=Status.SOLVED)
    keeper.save(state)

    sent = await keeper.send(session.desk, await ticket_of(session), state)

    assert sent.id == TICKET_ID and sent.status is Status.SOLVED
    [(ticket_id, update)] = helpdesk.updates
    assert ticket_id == TICKET_ID
    assert update.comment is not None and update.comment.body == "Fixed now." and update.comment.public
    assert store.load("test", TICKET_ID) is None
    assert keeper.closed
    state.body = "a late keystroke"
    assert keeper.flush(state) is False, "a tick after sending must not bring the draft back"
    assert store.load("test", TICKET_ID) is None


async def test_a_conflict_keeps_the_draft_with_the_latest_text(store: DraftStore) -> None:
    helpdesk = FakeHelpdesk(conflict_next_update=True)
    session = session_on(helpdesk, store)
    keeper = keeper_on(session)
    state = ComposerState(body="Important answer")
    keeper.save(state)
    state.body = "Important answer, with one more line"  # typed after the last autosave tick

    with pytest.raises(ConflictError):
        await keeper.send(session.desk, await ticket_of(session), state)

    assert helpdesk.updates == []
    kept = store.load("test", TICKET_ID)
    assert kept is not None and kept.body == "Important answer, with one more line"
    assert state.body == "Important answer, with one more line"
    assert not keeper.closed

    await keeper.send(session.desk, await ticket_of(session), state)
    assert len(helpdesk.updates) == 1
    assert store.load("test", TICKET_ID) is None


async def test_a_write_that_did_not_arrive_gives_the_draft_back(store: DraftStore) -> None:
    helpdesk = FailingHelpdesk(failure=Unavailable("Connection reset."))
    session = session_on(helpdesk, store)
    keeper = keeper_on(session, DraftKind.NOTE)
    state = ComposerState(body="never saved by a tick", public=False)

    with pytest.raises(NotSent):
        await keeper.send(session.desk, await ticket_of(session), state)

    kept = store.load("test", TICKET_ID)
    assert kept is not None and kept.body == "never saved by a tick" and kept.public is False
    assert not keeper.closed


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (WriteOutcomeUnknown("Dropped mid-write."), WriteOutcomeUnknown),
        (RuntimeError("a bug in a connector"), RuntimeError),
    ],
    ids=["outcome-unknown", "not-a-frontline-error"],
)
async def test_a_write_nobody_can_place_yet_stays_in_the_outbox_not_the_drafts(
    store: DraftStore, failure: BaseException, raised: type[BaseException]
) -> None:
    """Offering it as a draft again would invite a second send that reaches the customer twice."""
    helpdesk = FailingHelpdesk(failure=failure, reads_fail=True)
    session = session_on(helpdesk, store)
    keeper = keeper_on(session)
    state = ComposerState(body="maybe sent", public=True)
    keeper.save(state)

    with pytest.raises(raised):
        await keeper.send(session.desk, await ticket_of(session), state)

    assert store.load("test", TICKET_ID) is None
    assert keeper.closed and keeper.flush(state) is False
    (entry,) = session.outbox().unsettled("test", TICKET_ID)
    assert entry.state is WriteState.UNKNOWN
    assert entry.draft is not None and entry.draft.body == "maybe sent"


async def test_nothing_to_send_is_refused_before_the_helpdesk(store: DraftStore) -> None:
    helpdesk = FakeHelpdesk()
    session = session_on(helpdesk, store)
    ticket = await ticket_of(session)
    with pytest.raises(InputError):
        await keeper_on(session).send(session.desk, ticket, ComposerState(submit_status=ticket.status))
    assert helpdesk.updates == []


def test_discard_removes_the_draft_for_good(store: DraftStore) -> None:
    keeper = keeper_on(session_on(FakeHelpdesk(), store))
    state = ComposerState(body="keep me?")
    keeper.save(state)
    assert keeper.discard() is True
    assert store.load("test", TICKET_ID) is None
    assert keeper.flush(state) is False, "leaving after a discard saves nothing"
    assert store.load("test", TICKET_ID) is None
    assert keeper_on(session_on(FakeHelpdesk(), store)).discard() is False


def test_a_store_error_on_save_is_raised_and_the_state_survives(store: DraftStore) -> None:
    broken = BrokenStore(store, broken=True)
    keeper = keeper_on(session_on(FakeHelpdesk(), broken), DraftKind.NOTE)
    state = everything_set()

    with pytest.raises(StoreError):
        keeper.save(state)
    with pytest.raises(StoreError):
        keeper.flush(state)
    assert state == everything_set(), "the text stays in memory"
    assert store.load("test", TICKET_ID) is None and keeper.saved_at is None

    broken.broken = False
    assert keeper.flush(state) is True, "the next tick tries again"
    assert keeper_on(session_on(FakeHelpdesk(), store), DraftKind.NOTE).restore() == everything_set()


def test_a_failed_discard_keeps_the_draft_and_autosave(store: DraftStore) -> None:
    broken = BrokenStore(store)
    keeper = keeper_on(session_on(FakeHelpdesk(), broken))
    state = ComposerState(body="still here")
    keeper.save(state)
    broken.broken = True
    with pytest.raises(StoreError):
        keeper.discard()
    assert not keeper.closed
    assert store.load("test", TICKET_ID) is not None


async def test_a_write_that_cannot_be_recorded_is_not_sent(store: DraftStore) -> None:
    broken = BrokenStore(store, broken=True)
    helpdesk = FakeHelpdesk()
    session = session_on(helpdesk, broken)
    keeper = keeper_on(session)
    state = ComposerState(body="only in memory")

    with pytest.raises(DraftNotKept) as caught:
        await keeper.send(session.desk, await ticket_of(session), state)

    assert helpdesk.updates == [], "nothing leaves before it is on disk"
    assert isinstance(caught.value.send_error, StoreError)
    assert state.body == "only in memory"


async def test_the_draft_becomes_the_outbox_entry_in_one_step(tmp_path: Path) -> None:
    database = Store.open(tmp_path / "data")
    drafts, outbox = DraftStore(database), OutboxStore(database)
    helpdesk = FakeHelpdesk()
    stores = LocalStores(drafts=drafts, outbox=outbox)
    session = session_for_helpdesk(helpdesk, profile_name="test", stores=stores, clock=TickingClock())
    keeper = keeper_on(session)
    state = ComposerState(body="Fixed.")
    keeper.save(state)

    await keeper.send(session.desk, await ticket_of(session), state)

    assert drafts.load("test", TICKET_ID) is None
    (entry,) = outbox.recent("test")
    assert entry.state is WriteState.SENT and entry.draft is not None and entry.draft.body == "Fixed."
    assert keeper.closed and keeper.flush(state) is False
    database.close()


def test_without_a_store_nothing_is_kept_and_nothing_fails() -> None:
    keeper = DraftKeeper(
        None, profile="test", ticket_id=TICKET_ID, clock=TickingClock(), capabilities=HelpdeskCapabilities()
    )
    state = ComposerState(body="typed")
    assert keeper.restore() is None and keeper.pending() is None
    assert keeper.save(state) is None and keeper.flush(state) is False
    assert keeper.discard() is False


async def test_a_send_queued_while_offline_is_in_the_outbox_not_the_drafts(store: DraftStore) -> None:
    @dataclass
    class Offline(FakeHelpdesk):
        @property
        def connection_state(self) -> ConnectionState:
            return ConnectionState.OFFLINE

    helpdesk = Offline()
    session = session_on(helpdesk, store)
    keeper = keeper_on(session)
    state = ComposerState(body="Sent from the train.")
    keeper.save(state)

    with pytest.raises(WriteQueued):
        await keeper.send(session.desk, await ticket_of(session), state, queue_if_unreachable=True)

    assert helpdesk.updates == [] and store.load("test", TICKET_ID) is None
    assert keeper.closed and keeper.flush(state) is False
    (entry,) = session.outbox().unsettled("test", TICKET_ID)
    assert entry.state is WriteState.QUEUED
