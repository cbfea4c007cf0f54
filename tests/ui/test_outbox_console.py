"""The outbox in the console: settled on start, flushed once when the helpdesk is back, visible on the
ticket, in the status bar and on the outbox screen, and asked about before quitting."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.apps import make_app
from support.cached_start import until
from support.fake_helpdesk import FIXED_NOW, ME, FakeHelpdesk
from support.pilot import settle
from support.ticket_app import TicketApp
from textual.widgets import DataTable, Static

from frontline.domain.drafts import Draft
from frontline.domain.models import Comment, CommentDraft, Status, Ticket, TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.ports import ConnectionState
from frontline.errors import NotDelivered
from frontline.store.db import Store
from frontline.store.drafts import DraftStore
from frontline.store.outbox import OutboxStore
from frontline.ui.app import FrontlineApp
from frontline.ui.commands import action_commands
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.outbox import OutboxScreen
from frontline.ui.screens.pickers import ConfirmScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.review import ReviewScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.status_bar import StatusBar


@dataclass
class SwitchableHelpdesk(FakeHelpdesk):
    """Offline while `offline` is set: no connection for writes (nothing applied), reads still answer."""

    offline: bool = False

    @property
    def connection_state(self) -> ConnectionState:
        return ConnectionState.OFFLINE if self.offline else self.state

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        if self.offline:
            raise NotDelivered("Could not connect to the Fake Helpdesk.")
        return await super().update_ticket(ticket_id, update)


@pytest.fixture
def outbox_store(tmp_path: Path) -> Iterator[OutboxStore]:
    """The console's outbox on disk, as a test writes it before the app starts."""
    store = Store.open(tmp_path)
    yield OutboxStore(store)
    store.close()


def entry(
    body: str,
    *,
    state: WriteState,
    ticket_id: str = "1000",
    age: timedelta = timedelta(minutes=10),
    **changes: object,
) -> OutboxEntry:
    """A public reply by the signed-in agent, written `age` before the fixed test time."""
    written = FIXED_NOW - age
    draft = Draft(profile="test", ticket_id=ticket_id, body=body, public=True, saved_at=written)
    made = OutboxEntry(
        id=secrets.token_hex(16),
        profile="test",
        ticket_id=ticket_id,
        update=TicketUpdate(comment=CommentDraft(body=body, public=True)),
        state=state,
        created_at=written,
        author_id=ME.id,
        known_comment_ids=frozenset(f"{ticket_id}-{n}" for n in (1, 2)),
        draft=draft,
        attempts=0 if state is WriteState.QUEUED else 1,
        sent_at=None if state is WriteState.QUEUED else written,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def notifications(app: FrontlineApp) -> list[str]:
    return [n.message for n in app._notifications]


def comments_with(helpdesk: FakeHelpdesk, ticket_id: str, body: str) -> int:
    return sum(1 for comment in helpdesk.comments[ticket_id] if comment.body == body)


async def until_exited(app: FrontlineApp) -> None:
    for _ in range(250):
        if app.return_code is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the app did not quit")


async def test_a_reply_in_flight_when_frontline_stopped_is_found_on_the_ticket_at_start(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    helpdesk = FakeHelpdesk()
    body = "Your refund is on its way."
    in_flight = entry(body, state=WriteState.SENDING)
    outbox_store.record(in_flight, consume_draft=False)
    landed = Comment(
        id="1000-9", author=ME, body=body, public=True, created_at=FIXED_NOW - timedelta(minutes=9)
    )
    helpdesk.comments["1000"].append(landed)
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        # the check at start runs once the queue has signed in: on a loaded machine, after the first settle
        await until(pilot, lambda: getattr(outbox_store.get(in_flight.id), "state", None) is WriteState.SENT)
        await settle(pilot)
        settled = outbox_store.get(in_flight.id)
        assert settled is not None and settled.state is WriteState.SENT and settled.comment_id == "1000-9"
        [told] = [m for m in notifications(app) if "when frontline stopped" in m]
        assert (
            told == "The public reply to #1000 that was being sent when frontline stopped is on the ticket."
        )
        assert helpdesk.updates == [], "found, not sent again"
        assert "outbox" not in app.screen.query_one(StatusBar).text


async def test_a_reply_that_did_not_arrive_gives_the_draft_back_at_start(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    helpdesk = FakeHelpdesk()
    lost = entry("Lost on the way.", state=WriteState.UNKNOWN)
    outbox_store.record(lost, consume_draft=False)
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        settled = outbox_store.get(lost.id)
        assert settled is not None and settled.state is WriteState.FAILED
        assert any(
            m == "The public reply to #1000 that was being sent when frontline stopped did not arrive: "
            "your draft is back."
            for m in notifications(app)
        )
        draft = DraftStore(outbox_store.store).load("test", "1000")
        assert draft is not None and draft.body == "Lost on the way."
        assert helpdesk.updates == []


class MovingClock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize("lands", [True, False])
async def test_a_reply_in_doubt_is_checked_again_until_it_settles(
    tmp_path: Path, outbox_store: OutboxStore, lands: bool
) -> None:
    helpdesk = FakeHelpdesk()
    clock = MovingClock()
    doubt = entry("Did this arrive?", state=WriteState.UNKNOWN, age=timedelta(seconds=30))
    outbox_store.record(doubt, consume_draft=False)
    app = make_app(helpdesk, data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        still = outbox_store.get(doubt.id)
        assert still is not None and still.state is WriteState.UNKNOWN, "it may still land"
        assert not [m for m in notifications(app) if "#1000" in m]
        app.screen.query_one(StatusBar).tick()
        assert "outbox 1" in app.screen.query_one(StatusBar).text
        if lands:
            late = Comment(id="1000-9", author=ME, body="Did this arrive?", public=True, created_at=clock.now)
            helpdesk.comments["1000"].append(late)
        clock.now += timedelta(minutes=3)
        app.outbox_watch.tick()  # the periodic check
        await settle(pilot)
        settled = outbox_store.get(doubt.id)
        assert settled is not None
        if lands:
            assert settled.state is WriteState.SENT
            told = "The public reply to #1000 that had no clear answer is on the ticket."
        else:
            assert settled.state is WriteState.FAILED
            told = "The public reply to #1000 that had no clear answer did not arrive: your draft is back."
        assert told in notifications(app)
        assert helpdesk.updates == [], "checked, never sent again"
        app.screen.query_one(StatusBar).tick()
        assert "outbox" not in app.screen.query_one(StatusBar).text


async def test_a_send_cut_short_by_a_crash_moments_ago_is_named_as_such_when_it_settles_later(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    """A restart right after a kill -9: the send may still land, so it is settled by a later check."""
    helpdesk = FakeHelpdesk()
    clock = MovingClock()
    cut = entry("Sent just before the crash.", state=WriteState.SENDING, age=timedelta(seconds=20))
    outbox_store.record(cut, consume_draft=False)
    app = make_app(helpdesk, data_dir=tmp_path, clock=clock)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        still = outbox_store.get(cut.id)
        assert still is not None and still.state is WriteState.SENDING, "it may still be landing"
        landed = Comment(
            id="1000-9", author=ME, body="Sent just before the crash.", public=True, created_at=clock.now
        )
        helpdesk.comments["1000"].append(landed)
        clock.now += timedelta(minutes=3)
        app.outbox_watch.tick()
        await settle(pilot)
        settled = outbox_store.get(cut.id)
        assert settled is not None and settled.state is WriteState.SENT
        told = "The public reply to #1000 that was being sent when frontline stopped is on the ticket."
        assert told in notifications(app)
        assert helpdesk.updates == []


async def test_a_queued_reply_goes_out_once_after_start(tmp_path: Path, outbox_store: OutboxStore) -> None:
    helpdesk = FakeHelpdesk()
    queued = entry("Sent from the train.", state=WriteState.QUEUED, ticket_id="1002")
    outbox_store.record(queued, consume_draft=False)
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")  # a successful refresh checks again: nothing left to send
        await settle(pilot)
        sent = outbox_store.get(queued.id)
        assert sent is not None and sent.state is WriteState.SENT
        assert [ticket_id for ticket_id, _ in helpdesk.updates] == ["1002"]
        assert comments_with(helpdesk, "1002", "Sent from the train.") == 1
        assert any("that waited in the outbox went out" in m for m in notifications(app))


async def test_a_reply_sent_offline_is_queued_then_flushed_once_when_the_helpdesk_is_back(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    helpdesk = SwitchableHelpdesk(offline=True)
    app = TicketApp(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press(*"Back in a minute.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen), "the composer closes as after a send"
        [queued] = [n for n in app._notifications if n.title == "Queued"]
        assert queued.severity == "information"
        assert queued.message.startswith("Queued: the reply to #1000 goes out when Fake Helpdesk is back.")
        banner = screen.query_one("#ticket-outbox", Static)
        assert banner.has_class("-visible")
        assert str(banner.render()) == "⧗ Public reply queued — goes out when the helpdesk is back"
        assert not screen.query_one("#ticket-draft", Static).has_class("-visible"), (
            "the text is in the outbox"
        )
        [waiting] = outbox_store.unsettled("test")
        assert waiting.state is WriteState.QUEUED and helpdesk.updates == []

        helpdesk.offline = False
        await pilot.press("R")  # a successful read: the helpdesk is back
        await settle(pilot)
        await pilot.press("R")  # and again: nothing is sent twice
        await settle(pilot)
        assert [(t, u.comment.body if u.comment else None) for t, u in helpdesk.updates] == [
            ("1000", "Back in a minute.")
        ]
        assert comments_with(helpdesk, "1000", "Back in a minute.") == 1
        assert outbox_store.unsettled("test") == []
        assert not screen.query_one("#ticket-outbox", Static).has_class("-visible")
        assert any("that waited in the outbox went out" in m for m in notifications(app))


async def test_a_field_change_made_offline_is_queued_as_information(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    helpdesk = SwitchableHelpdesk(offline=True)
    app = TicketApp(helpdesk, ticket_id="1001", data_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        screen.submit_change(TicketUpdate(status=Status.PENDING), "Status set to pending")
        await settle(pilot)
        [queued] = [n for n in app._notifications if n.title == "Queued"]
        assert queued.severity == "information" and "goes out when Fake Helpdesk is back" in queued.message
        assert not any(n.severity == "error" for n in app._notifications)
        assert "Status pending queued" in str(screen.query_one("#ticket-outbox", Static).render())
        [waiting] = outbox_store.unsettled("test")
        assert waiting.state is WriteState.QUEUED and waiting.update.status is Status.PENDING


async def test_the_status_bar_counts_what_waits_in_the_outbox(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    helpdesk = SwitchableHelpdesk(offline=True)
    outbox_store.record(entry("One.", state=WriteState.QUEUED, ticket_id="1003"), consume_draft=False)
    outbox_store.record(entry("Two.", state=WriteState.QUEUED, ticket_id="1004"), consume_draft=False)
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        screen.status_bar.tick()
        assert "offline · outbox 2" in screen.status_bar.text
        assert helpdesk.updates == [], "still offline: nothing sent"


async def test_the_ticket_banner_says_when_a_write_is_in_doubt_or_partly_sent(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    helpdesk = SwitchableHelpdesk(offline=True)  # offline: the start check leaves them as they are
    outbox_store.record(
        entry("Maybe.", state=WriteState.UNKNOWN, age=timedelta(seconds=30)), consume_draft=False
    )
    partial = entry(
        "Solved it.",
        state=WriteState.PARTIAL,
        update=TicketUpdate(comment=CommentDraft(body="Solved it.", public=True), status=Status.SOLVED),
        not_applied=("status solved",),
        settled_at=FIXED_NOW - timedelta(minutes=5),
    )
    outbox_store.record(partial, consume_draft=False)
    app = TicketApp(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#ticket-outbox", Static).render())
        assert text.splitlines() == [  # oldest first
            "✓ Public reply posted; status solved not applied (s to set it again)",
            "? Not sure the public reply arrived — checking (do not send it again)",
        ]


async def test_quitting_with_a_queued_write_asks_first(tmp_path: Path, outbox_store: OutboxStore) -> None:
    helpdesk = SwitchableHelpdesk(offline=True)
    outbox_store.record(entry("Later.", state=WriteState.QUEUED), consume_draft=False)
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == "1 write has not reached the helpdesk yet (1 queued)."
        assert question.detail == "It is kept and sent the next time frontline starts. Quit anyway?"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen) and app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await until_exited(app)
    [kept] = outbox_store.unsettled("test")
    assert kept.state is WriteState.QUEUED and helpdesk.updates == []


async def test_quitting_with_nothing_waiting_does_not_ask(tmp_path: Path) -> None:
    app = make_app(FakeHelpdesk(), data_dir=tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await until_exited(app)


async def test_the_outbox_screen_lists_writes_as_plain_text_and_opens_their_ticket(
    tmp_path: Path, outbox_store: OutboxStore
) -> None:
    helpdesk = SwitchableHelpdesk(offline=True)
    sent = entry("Done.", state=WriteState.SENT, ticket_id="1002", age=timedelta(hours=2), outcome="Sent.")
    refused = entry(
        "[bold red]boom[/]",
        state=WriteState.FAILED,
        ticket_id="1003",
        age=timedelta(hours=1),
        outcome="Rejected: [bold red]invalid[/] status.",
    )
    outbox_store.record(sent, consume_draft=False)
    outbox_store.record(refused, consume_draft=False)
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        titles = {command.title for command in action_commands(app, app.screen)}
        assert "outbox: show" in titles
        await pilot.press("O")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OutboxScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        newest = [str(cell) for cell in table.get_row_at(0)]
        assert newest[1:] == ["#1003", "public reply", "not sent", "Rejected: [bold red]invalid[/] status."]
        detail = str(screen.query_one("#outbox-detail", Static).render())
        assert "Rejected: [bold red]invalid[/] status." in detail
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        ticket = app.screen
        assert isinstance(ticket, TicketScreen) and ticket.ticket_id == "1002"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen), "the outbox closed when the ticket opened"
        await pilot.press("O")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
