"""The outbox protocol over the real SQLite store: recorded before sending, settled by the answer or a
read-back, never sent twice, never lost. The helpdesk is the in-memory fake; faults are injected in it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.fake_helpdesk import FIXED_NOW, ME, FakeHelpdesk

from frontline.bootstrap import Session, session_for_helpdesk
from frontline.domain.drafts import Draft
from frontline.domain.models import Comment, CommentDraft, Person, Status, Ticket, TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState, comment_matches, comparable_text
from frontline.domain.ports import ConnectionState
from frontline.errors import (
    MalformedResponse,
    NotDelivered,
    NotSent,
    PartiallyApplied,
    Unavailable,
    ValidationFailed,
    WriteOutcomeUnknown,
    WriteQueued,
)
from frontline.services.session import LocalStores
from frontline.store.db import Store
from frontline.store.drafts import DraftStore
from frontline.store.outbox import OutboxStore

TICKET = "1000"
CUSTOMER = Person(id="101", name="Grace Hopper")


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FaultyHelpdesk(FakeHelpdesk):
    """`fault` decides what the next write does: land and lose the answer, fail before landing, etc."""

    fault: str | None = None
    reads_fail: bool = False
    writes: int = 0
    customer_says: str | None = None

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        self.writes += 1
        fault, self.fault = self.fault, None
        if fault == "refused":
            raise ValidationFailed("Status is not allowed here.")
        if fault == "lost-before":
            raise Unavailable("Connection reset before the request was read.")
        if self.customer_says is not None:
            self.comments[ticket_id].append(
                Comment(id="customer", author=CUSTOMER, body=self.customer_says, created_at=self.now)
            )
        ticket = await super().update_ticket(ticket_id, update)
        if fault == "lost-after":
            raise WriteOutcomeUnknown("The connection dropped after sending.")
        if fault == "garbled-after":
            raise MalformedResponse("The answer was not JSON.")
        if fault == "502-after":
            raise Unavailable("Zendesk answered 502.")
        return ticket

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        if self.reads_fail:
            raise Unavailable("Still offline.")
        return await super().list_comments(ticket_id)


@dataclass
class CommentFirstHelpdesk(FaultyHelpdesk):
    """Like JSM: the comment is its own request, then the status transition, which may fail."""

    refuse_status: bool = True
    posted: list[str] = field(default_factory=list)

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        if update.comment is not None:
            await super().update_ticket(ticket_id, TicketUpdate(comment=update.comment))
        if update.status is not None and self.refuse_status:
            raise PartiallyApplied(
                "the reply went through, but the status did not",
                applied=("reply",),
                not_applied=("status solved",),
                cause=ValidationFailed("No transition to Solved."),
            )
        return await FakeHelpdesk.update_ticket(self, ticket_id, update.model_copy(update={"comment": None}))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "data")
    yield store
    store.close()


def session_on(helpdesk: FakeHelpdesk, database: Store, clock: Clock | None = None) -> Session:
    stores = LocalStores(drafts=DraftStore(database), outbox=OutboxStore(database))
    return session_for_helpdesk(helpdesk, profile_name="test", stores=stores, clock=clock or Clock())


def reply(text: str = "Fixed now. Please retry.", *, public: bool = True) -> TicketUpdate:
    return TicketUpdate(comment=CommentDraft(body=text, public=public))


def draft_of(text: str) -> Draft:
    return Draft(profile="test", ticket_id=TICKET, body=text, public=True, saved_at=FIXED_NOW)


def comments_with(helpdesk: FakeHelpdesk, text: str) -> int:
    return sum(1 for c in helpdesk.comments[TICKET] if c.body == text)


async def test_a_write_is_recorded_before_it_is_sent_and_settled_by_the_answer(database: Store) -> None:
    helpdesk = FaultyHelpdesk()
    session = session_on(helpdesk, database)
    drafts = DraftStore(database)
    drafts.put(draft_of("Fixed now. Please retry."))

    ticket = await session.desk.submit(TICKET, reply(), draft=draft_of("Fixed now. Please retry."))

    assert ticket.id == TICKET and helpdesk.writes == 1
    assert drafts.load("test", TICKET) is None
    (entry,) = OutboxStore(database).recent("test")
    assert entry.state is WriteState.SENT and entry.author_id == ME.id and entry.attempts == 1


@pytest.mark.parametrize("fault", ["lost-after", "garbled-after", "502-after"])
async def test_a_lost_or_garbled_answer_to_a_write_that_landed_is_sent(database: Store, fault: str) -> None:
    helpdesk = FaultyHelpdesk(fault=fault)
    session = session_on(helpdesk, database)

    ticket = await session.desk.submit(TICKET, reply())

    assert ticket.id == TICKET
    assert comments_with(helpdesk, "Fixed now. Please retry.") == 1
    (entry,) = OutboxStore(database).recent("test")
    assert entry.state is WriteState.SENT and entry.comment_id is not None


async def test_a_write_that_did_not_land_gives_its_draft_back_and_may_be_sent_again(database: Store) -> None:
    helpdesk = FaultyHelpdesk(fault="lost-before")
    session = session_on(helpdesk, database)
    drafts = DraftStore(database)

    with pytest.raises(NotSent, match="sending again is safe"):
        await session.desk.submit(TICKET, reply(), draft=draft_of("Fixed now. Please retry."))

    restored = drafts.load("test", TICKET)
    assert restored is not None and restored.body == "Fixed now. Please retry."
    await session.desk.submit(TICKET, reply(), draft=restored)
    assert comments_with(helpdesk, "Fixed now. Please retry.") == 1


async def test_the_same_words_sent_twice_with_the_second_lost_are_not_taken_for_each_other(
    database: Store,
) -> None:
    helpdesk = FaultyHelpdesk()
    clock = Clock()
    session = session_on(helpdesk, database, clock)
    await session.desk.submit(TICKET, reply("Thank you!"))
    clock.now += timedelta(minutes=1)

    helpdesk.fault = "lost-before"
    with pytest.raises(NotSent):
        await session.desk.submit(TICKET, reply("Thank you!"))
    assert comments_with(helpdesk, "Thank you!") == 1


async def test_a_customers_identical_words_do_not_count_as_our_reply(database: Store) -> None:
    helpdesk = FaultyHelpdesk(fault="lost-before", customer_says="Thank you!")
    session = session_on(helpdesk, database)
    with pytest.raises(NotSent):
        await session.desk.submit(TICKET, reply("Thank you!"))


async def test_when_nobody_can_tell_the_write_waits_and_is_checked_before_the_next_one(
    database: Store,
) -> None:
    helpdesk = FaultyHelpdesk(fault="lost-after", reads_fail=True)
    session = session_on(helpdesk, database)

    with pytest.raises(WriteOutcomeUnknown, match="do not send it again"):
        await session.desk.submit(TICKET, reply(), draft=draft_of("Fixed now. Please retry."))
    assert DraftStore(database).load("test", TICKET) is None, "offering it again would invite a duplicate"
    (entry,) = OutboxStore(database).unsettled("test")
    assert entry.state is WriteState.UNKNOWN

    helpdesk.reads_fail = False
    await session.desk.submit(TICKET, TicketUpdate(status=Status.PENDING))
    states = {e.describe(): e.state for e in OutboxStore(database).recent("test")}
    assert states == {"public reply": WriteState.SENT, "status pending": WriteState.SENT}


async def test_a_crash_between_sending_and_the_answer_is_settled_on_the_next_start(database: Store) -> None:
    """kill -9 after the request left: the entry is on disk as `sending`; the next start reads back."""
    helpdesk = FaultyHelpdesk()
    clock = Clock()
    landed = OutboxEntry(
        id="crashed-1",
        profile="test",
        ticket_id=TICKET,
        update=reply("Landed before the crash."),
        state=WriteState.SENDING,
        created_at=clock.now,
        author_id=ME.id,
        draft=draft_of("Landed before the crash."),
        attempts=1,
        sent_at=clock.now,
    )
    lost = OutboxEntry(
        id="crashed-2",
        profile="test",
        ticket_id="1001",
        update=reply("Never left."),
        state=WriteState.SENDING,
        created_at=clock.now,
        author_id=ME.id,
        draft=Draft(profile="test", ticket_id="1001", body="Never left.", public=True, saved_at=clock.now),
        attempts=1,
        sent_at=clock.now,
    )
    outbox = OutboxStore(database)
    outbox.record(landed, consume_draft=True)
    outbox.record(lost, consume_draft=True)
    await helpdesk.update_ticket(TICKET, landed.update)  # the helpdesk applied it; the answer never came

    clock.now += timedelta(minutes=10)
    restarted = session_on(helpdesk, database, clock)
    changed = await restarted.desk.outbox.reconcile()

    assert {e.id: e.state for e in changed} == {"crashed-1": WriteState.SENT, "crashed-2": WriteState.FAILED}
    drafts = DraftStore(database)
    assert drafts.load("test", TICKET) is None, "a reply that landed is never shown as unsent"
    back = drafts.load("test", "1001")
    assert back is not None and back.body == "Never left."


async def test_a_write_in_flight_in_another_process_is_left_alone(database: Store) -> None:
    clock = Clock()
    entry = OutboxEntry(
        id="elsewhere",
        profile="test",
        ticket_id=TICKET,
        update=reply(),
        state=WriteState.SENDING,
        created_at=clock.now,
        author_id=ME.id,
        sent_at=clock.now,
    )
    OutboxStore(database).record(entry, consume_draft=False)
    clock.now += timedelta(seconds=20)
    assert await session_on(FaultyHelpdesk(), database, clock).desk.outbox.reconcile() == []


async def test_a_partial_write_says_what_landed_and_keeps_no_draft(database: Store) -> None:
    helpdesk = CommentFirstHelpdesk()
    session = session_on(helpdesk, database)
    update = TicketUpdate(comment=CommentDraft(body="Shipped.", public=True), status=Status.SOLVED)

    with pytest.raises(PartiallyApplied) as caught:
        await session.desk.submit(TICKET, update, draft=draft_of("Shipped."))

    assert caught.value.not_applied == ("status solved",)
    assert DraftStore(database).load("test", TICKET) is None
    (entry,) = OutboxStore(database).recent("test")
    assert entry.state is WriteState.PARTIAL and entry.not_applied == ("status solved",)
    assert comments_with(helpdesk, "Shipped.") == 1


async def test_a_lost_answer_to_a_comment_whose_status_step_never_ran_is_partial(database: Store) -> None:
    @dataclass
    class LosesCommentAnswer(FaultyHelpdesk):
        async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
            await FakeHelpdesk.update_ticket(self, ticket_id, TicketUpdate(comment=update.comment))
            raise WriteOutcomeUnknown("Dropped after the comment POST.")

    helpdesk = LosesCommentAnswer()
    session = session_on(helpdesk, database)
    update = TicketUpdate(comment=CommentDraft(body="Done.", public=True), status=Status.SOLVED)

    with pytest.raises(PartiallyApplied, match="status solved did not"):
        await session.desk.submit(TICKET, update)
    assert comments_with(helpdesk, "Done.") == 1


def test_a_rendered_reply_matches_the_markdown_that_was_sent() -> None:
    sent = "**Fixed** in 2.4.1.\n\nSee [the notes](https://example.com/notes) and `retry`."
    rendered = "Fixed in 2.4.1.\nSee the notes and retry."
    assert comparable_text(sent) == comparable_text(rendered)
    assert comparable_text("Thank you!") != comparable_text("Thank you, we will check.")


def test_a_comment_matches_only_by_author_visibility_time_and_newness() -> None:
    entry = OutboxEntry(
        id="e",
        profile="test",
        ticket_id=TICKET,
        update=reply("Fixed."),
        state=WriteState.SENDING,
        created_at=FIXED_NOW,
        author_id=ME.id,
        known_comment_ids=frozenset({"old"}),
        sent_at=FIXED_NOW,
    )

    def comment(**changes: object) -> Comment:
        base = {"id": "new", "author": ME, "body": "Fixed.", "public": True, "created_at": FIXED_NOW}
        return Comment.model_validate(base | changes)

    assert comment_matches(entry, comment())
    assert comment_matches(entry, comment(body="Fixed. (rendered)", source_body="Fixed."))
    assert not comment_matches(entry, comment(author=CUSTOMER))
    assert not comment_matches(entry, comment(public=False))
    assert not comment_matches(entry, comment(id="old"))
    assert not comment_matches(entry, comment(created_at=FIXED_NOW - timedelta(minutes=30)))
    assert not comment_matches(entry, comment(body="Not fixed."))


def test_every_unsettled_state_is_listed_and_settled_ones_are_not(database: Store) -> None:
    outbox = OutboxStore(database)
    for index, state in enumerate(WriteState):
        outbox.record(
            OutboxEntry(
                id=str(index),
                profile="test",
                ticket_id=TICKET,
                update=reply(),
                state=state,
                created_at=FIXED_NOW + timedelta(seconds=index),
            ),
            consume_draft=False,
        )
    assert [e.state for e in outbox.unsettled("test")] == [
        WriteState.QUEUED,
        WriteState.SENDING,
        WriteState.UNKNOWN,
    ]
    assert outbox.unsettled("other") == []


@dataclass
class LosesTransitionAnswer(FaultyHelpdesk):
    """Like JSM when the answer to the status transition is lost: the comment landed, the status may have."""

    status_lands: bool = True

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        await FakeHelpdesk.update_ticket(self, ticket_id, TicketUpdate(comment=update.comment))
        if self.status_lands:
            await FakeHelpdesk.update_ticket(self, ticket_id, TicketUpdate(status=update.status))
        raise PartiallyApplied(
            "the reply went through, but the status solved did not",
            applied=("reply",),
            not_applied=("status solved",),
            cause=WriteOutcomeUnknown("The connection dropped after the transition was sent."),
        )


async def test_a_lost_answer_to_a_later_step_that_landed_is_sent_not_partial(database: Store) -> None:
    helpdesk = LosesTransitionAnswer()
    update = TicketUpdate(comment=CommentDraft(body="Shipped.", public=True), status=Status.SOLVED)

    ticket = await session_on(helpdesk, database).desk.submit(TICKET, update, draft=draft_of("Shipped."))

    assert ticket.status is Status.SOLVED
    (entry,) = OutboxStore(database).recent("test")
    assert entry.state is WriteState.SENT and entry.comment_id is not None and entry.not_applied == ()
    assert comments_with(helpdesk, "Shipped.") == 1


async def test_a_lost_answer_to_a_later_step_that_did_not_land_is_partial(database: Store) -> None:
    helpdesk = LosesTransitionAnswer(status_lands=False)
    update = TicketUpdate(comment=CommentDraft(body="Shipped.", public=True), status=Status.SOLVED)

    with pytest.raises(PartiallyApplied, match="status solved did not"):
        await session_on(helpdesk, database).desk.submit(TICKET, update, draft=draft_of("Shipped."))

    (entry,) = OutboxStore(database).recent("test")
    assert entry.state is WriteState.PARTIAL and entry.not_applied == ("status solved",)
    assert DraftStore(database).load("test", TICKET) is None


async def test_a_later_step_nobody_can_check_yet_is_unknown_then_settled(database: Store) -> None:
    helpdesk = LosesTransitionAnswer(reads_fail=True)
    session = session_on(helpdesk, database)
    update = TicketUpdate(comment=CommentDraft(body="Shipped.", public=True), status=Status.SOLVED)

    with pytest.raises(WriteOutcomeUnknown, match="reply went through, but whether the status solved did"):
        await session.desk.submit(TICKET, update, draft=draft_of("Shipped."))
    assert [e.state for e in OutboxStore(database).unsettled("test")] == [WriteState.UNKNOWN]
    assert DraftStore(database).load("test", TICKET) is None

    helpdesk.reads_fail = False
    (settled,) = await session.desk.outbox.reconcile()
    assert settled.state is WriteState.SENT and comments_with(helpdesk, "Shipped.") == 1


async def test_every_step_landed_and_only_the_re_read_failed_is_sent(database: Store) -> None:
    @dataclass
    class ReReadFails(FaultyHelpdesk):
        async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
            await FakeHelpdesk.update_ticket(self, ticket_id, update)
            raise PartiallyApplied(
                "the reply and status solved went through, but reading the request back failed",
                applied=("reply", "status solved"),
                not_applied=(),
                cause=Unavailable("Jira answered 503."),
            )

    update = TicketUpdate(comment=CommentDraft(body="Shipped.", public=True), status=Status.SOLVED)
    with pytest.raises(PartiallyApplied, match="reading the request back failed"):
        await session_on(ReReadFails(), database).desk.submit(TICKET, update)
    (entry,) = OutboxStore(database).recent("test")
    assert entry.state is WriteState.SENT


@dataclass
class Unreachable(FaultyHelpdesk):
    """No connection can be made while `down`; the connection state says so, as ApiClient's does."""

    down: bool = True

    @property
    def connection_state(self) -> ConnectionState:
        return ConnectionState.OFFLINE if self.down else ConnectionState.ONLINE

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        if self.down:
            raise NotDelivered("Cannot reach Zendesk (connection refused). Nothing was lost.")
        return await super().update_ticket(ticket_id, update)


async def test_offline_console_writes_wait_in_the_outbox_and_go_out_once(database: Store) -> None:
    helpdesk = Unreachable()
    session = session_on(helpdesk, database)
    await session.desk.connect()

    with pytest.raises(WriteQueued, match="goes out once"):
        await session.desk.submit(
            TICKET, reply("Back online soon."), draft=draft_of("Back online soon."), queue_if_unreachable=True
        )
    assert DraftStore(database).load("test", TICKET) is None
    (queued,) = OutboxStore(database).unsettled("test")
    assert queued.state is WriteState.QUEUED and helpdesk.writes == 0
    assert await session.desk.outbox.reconcile() == [], "a queued write is not 'in doubt'"

    flushed = await session.desk.outbox.flush()
    assert [e.state for e in flushed] == [WriteState.QUEUED], "still down: it keeps waiting"

    helpdesk.down = False
    flushed = await session.desk.outbox.flush()
    assert [e.state for e in flushed] == [WriteState.SENT]
    assert await session.desk.outbox.flush() == []
    assert comments_with(helpdesk, "Back online soon.") == 1


async def test_a_connection_that_cannot_be_made_is_not_sent_outside_the_console(database: Store) -> None:
    helpdesk = Unreachable()
    session = session_on(helpdesk, database)

    with pytest.raises(NotSent, match="sending again is safe"):
        await session.desk.submit(TICKET, reply("From the CLI."), draft=draft_of("From the CLI."))

    restored = DraftStore(database).load("test", TICKET)
    assert restored is not None and restored.body == "From the CLI."
    assert [e.state for e in OutboxStore(database).recent("test")] == [WriteState.FAILED]
