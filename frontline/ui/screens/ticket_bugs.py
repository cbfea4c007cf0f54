"""The ticket header's linked bugs: as last seen at once, their statuses read in the background on opening.

The bugs come from `BugLinks` (local records, and keys of a Jira target cited in the ticket's tags and
internal notes): no tracker request stands between the engineer and the ticket. The status read is best
effort and at most once a minute per ticket; the header is drawn again when it brings something.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from frontline.domain.models import TicketThread
from frontline.ui.screens.ticket_header import header_content

if TYPE_CHECKING:
    from frontline.ui.screens.ticket import TicketScreen

BUGS_GROUP = "ticket-bugs"


def render_header(screen: TicketScreen, thread: TicketThread) -> bool:
    """Draw the header with the bugs as last seen, clamped to the screen's width; True when it has bugs."""
    bugs = screen.frontline.bug_links.for_ticket(thread.ticket, thread.comments)
    header = screen.query_one("#ticket-header", Static)
    width = header.size.width or screen.app.size.width - 2
    header.update(header_content(thread.ticket, screen.frontline.clock(), bugs, width))
    return bool(bugs)


def show_header(screen: TicketScreen, thread: TicketThread) -> None:
    """Draw the header, then read its bugs' statuses in the background."""
    if render_header(screen, thread):
        screen.run_worker(_refresh(screen, thread), group=BUGS_GROUP, exclusive=True, exit_on_error=False)


async def _refresh(screen: TicketScreen, thread: TicketThread) -> None:
    read = await screen.frontline.bug_links.refresh_ticket(thread.ticket, thread.comments)
    if read and screen.is_attached and screen.thread is thread:
        render_header(screen, thread)
