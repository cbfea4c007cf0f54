"""The console shows what real Zendesk accounts add: status names, inline images, unverified senders."""

from __future__ import annotations

from support.fake_helpdesk import FakeHelpdesk
from support.ticket_app import TicketApp
from textual.widgets import Static

from frontline.domain.models import Attachment
from frontline.domain.queue import QueueModel
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_rows import layout_columns


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_header_and_cards_show_the_status_label_inline_images_and_sender_warnings() -> None:
    helpdesk = FakeHelpdesk()
    ticket = helpdesk.tickets["1000"]
    helpdesk.tickets["1000"] = ticket.replace(status_label="Waiting on engineering")
    first = helpdesk.comments["1000"][0]
    image = Attachment(id="i1", file_name="pasted.png", content_type="image/png", size=4096, inline=True)
    helpdesk.comments["1000"][0] = first.model_copy(
        update={"attachments": (image,), "warnings": ("unverified sender",)}
    )
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        assert "Status Waiting on engineering" in text_of(screen.query_one("#ticket-header", Static))
        flagged, plain = list(screen.query(CommentCard))
        assert text_of(flagged.query_one(".comment-warning", Static)) == "⚠ unverified sender"
        assert not plain.query(".comment-warning")
        attachments = text_of(flagged.query_one(".comment-attachments", Static))
        assert "Inline image: pasted.png · image/png" in attachments


def test_the_queue_status_column_widens_for_the_accounts_own_status_names() -> None:
    helpdesk = FakeHelpdesk(ticket_count=5)
    tickets = list(helpdesk.tickets.values())
    assert QueueModel(tickets).status_width == 0
    assert dict(layout_columns(160, 6))["status"] == 7
    labelled = [tickets[0].replace(status_label="Waiting on engineering"), *tickets[1:]]
    model = QueueModel(labelled)
    assert model.status_width == len("Waiting on engineering")
    assert dict(layout_columns(160, 6, model.status_width))["status"] == 22
    model.set_filter("engineering")
    assert [model.ticket_at(0).id] == [labelled[0].id] and len(model) == 1
