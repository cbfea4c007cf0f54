"""The ticket screen's line of the requester's other open tickets (issue 15), with the in-memory helpdesk."""

from __future__ import annotations

from support.fake_helpdesk import FakeHelpdesk
from support.ticket_app import TicketApp
from textual.widgets import Static

from frontline.domain.models import Status
from frontline.errors import Unavailable
from frontline.ui.screens.ticket import TicketScreen

HOSTILE = "[bold red]Refund[/] \x1b[31mnow\x1b[0m [link=http://evil]x[/link]"


async def _line(helpdesk: FakeHelpdesk) -> tuple[bool, str]:
    """Whether the line is displayed, and its text, once the ticket and the line have loaded."""
    app = TicketApp(helpdesk)
    async with app.run_test(size=(160, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        assert "#1000" in str(app.screen.query_one("#ticket-header", Static).render()), "the screen is shown"
        line = app.screen.query_one("#ticket-requester", Static)
        return line.display, str(line.render())


async def test_the_requesters_other_open_tickets_are_shown_newest_first_literally() -> None:
    helpdesk = FakeHelpdesk()
    tickets = helpdesk.tickets
    tickets["1006"] = tickets["1006"].replace(subject=HOSTILE, status=Status.PENDING)
    tickets["1012"] = tickets["1012"].replace(status=Status.SOLVED)
    expected = await helpdesk.requester_tickets(tickets["1000"])
    assert expected and len(expected) <= 5 and all(t.id not in ("1000", "1012") for t in expected)

    displayed, text = await _line(helpdesk)

    assert displayed and text.startswith("Also from Grace Hopper: ")
    shown = [item.split(" ", 1)[0] for item in text.removeprefix("Also from Grace Hopper: ").split(" · ")]
    assert shown == [t.display_key for t in expected]
    assert "#1012" not in text
    assert "#1006 [bold red]Refund[/] now [link=http://evil]x[/link] (pending)" in text
    assert "\x1b" not in text


async def test_the_line_is_absent_when_the_read_fails() -> None:
    helpdesk = FakeHelpdesk(requester_tickets_error=Unavailable("The helpdesk is down."))

    displayed, text = await _line(helpdesk)

    assert not displayed and "Also from" not in text
