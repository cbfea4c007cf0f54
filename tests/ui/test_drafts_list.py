"""The drafts list (`D`, palette "Drafts and outbox"): unsent drafts and unconfirmed writes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from support.fake_helpdesk import FakeHelpdesk
from support.pilot import settle
from support.ticket_app import TicketApp
from textual.widgets import DataTable, TextArea

from frontline.domain.drafts import Draft
from frontline.domain.models import CommentDraft, Ticket, TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.errors import NotDelivered
from frontline.services.drafts import Unfinished
from frontline.store.db import Store
from frontline.store.drafts import DraftStore
from frontline.store.outbox import OutboxStore
from frontline.ui.commands import action_commands
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.drafts_list import DraftsScreen, quit_question_with_drafts


@dataclass
class OfflineHelpdesk(FakeHelpdesk):
    """Reads answer, writes cannot be delivered: a queued write stays queued."""

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        raise NotDelivered("Could not connect to the Fake Helpdesk.")


def queued_reply(helpdesk: FakeHelpdesk, ticket_id: str, body: str) -> OutboxEntry:
    return OutboxEntry(
        id=secrets.token_hex(16),
        profile="test",
        ticket_id=ticket_id,
        update=TicketUpdate(comment=CommentDraft(body=body, public=True)),
        state=WriteState.QUEUED,
        created_at=helpdesk.now - timedelta(minutes=5),
    )


def seed(tmp_path: Path, helpdesk: FakeHelpdesk) -> None:
    store = Store.open(tmp_path)
    DraftStore(store).put(
        Draft(
            profile="test",
            ticket_id="1001",
            body="\nInternal: check the logs first\nsecond line",
            public=False,
            saved_at=helpdesk.now - timedelta(minutes=30),
            subject="Export fails",
        )
    )
    OutboxStore(store).record(queued_reply(helpdesk, "1002", "Queued words"), consume_draft=False)
    store.close()


def cells(table: DataTable[object], row: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(row)]


async def test_d_lists_drafts_and_waiting_writes_and_enter_continues_the_draft(tmp_path: Path) -> None:
    helpdesk = OfflineHelpdesk()
    seed(tmp_path, helpdesk)
    app = TicketApp(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert any(c.title == "Drafts and outbox" for c in action_commands(app, app.screen))
        await pilot.press("D")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DraftsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        draft_row, outbox_row = cells(table, 0), cells(table, 1)
        assert draft_row[0] == "#1001" and draft_row[1] == "Export fails"
        assert draft_row[2] == "internal note" and draft_row[3] == "30m"
        assert draft_row[4] == "Internal: check the logs first"
        assert outbox_row[0] == "#1002" and outbox_row[2] == "outbox: public reply"
        assert outbox_row[4] == "queued"
        await pilot.press("enter")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ComposerScreen) and composer.ticket_id == "1001"
        assert composer.state.public is False
        assert composer.query_one(TextArea).text.startswith("\nInternal: check the logs first")


def test_the_quit_question_counts_drafts_and_unconfirmed_replies() -> None:
    helpdesk = FakeHelpdesk()
    draft = Draft(profile="test", ticket_id="1", body="x", public=True, saved_at=helpdesk.now)
    found = Unfinished(drafts=(draft, draft), waiting=(queued_reply(helpdesk, "2", "y"),))
    question = quit_question_with_drafts(found)
    assert question is not None and question[0] == "2 drafts and 1 reply not yet confirmed — quit anyway?"
    assert quit_question_with_drafts(Unfinished()) is None
