"""The ticket screen's reading keys: scrolling, the newest message first, details, search, the link.

A mixin for `TicketScreen` (its bindings stay there, with their ids), so the screen module keeps to its
job: loading the ticket and changing it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.screen import Screen

from frontline.domain.models import Ticket, TicketThread
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.screens.conversation_search import ConversationSearch
from frontline.ui.screens.ticket_bugs import render_header
from frontline.ui.screens.ticket_details import TicketDetailsScreen
from frontline.ui.screens.ticket_header import linked_bugs_text

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

    _Base = Screen[None]
else:
    _Base = object


class TicketReading(_Base):
    """Reading a ticket: what the screen does that neither loads nor writes."""

    thread: TicketThread | None

    if TYPE_CHECKING:

        @property
        def frontline(self) -> FrontlineApp: ...

        @property
        def ticket(self) -> Ticket | None: ...

    @property
    def conversation(self) -> VerticalScroll:
        return self.query_one("#conversation", VerticalScroll)

    def on_resize(self) -> None:
        """The header's fields are clamped to its width: clamp them again."""
        if self.thread is not None:
            render_header(self, self.thread)  # type: ignore[arg-type]

    def scroll_to_newest(self) -> None:
        """Show the newest message with the thread above it; one taller than the view from its top."""
        conversation = self.conversation
        cards = conversation.query(CommentCard)
        if not cards:
            return
        newest = cards.last()
        if newest.outer_size.height > conversation.content_region.height:
            conversation.scroll_to_widget(newest, top=True, animate=False, immediate=True)
        else:
            conversation.scroll_end(animate=False, immediate=True)

    def action_scroll_conversation(self, lines: int) -> None:
        self.conversation.scroll_relative(y=lines * 3, animate=False)

    def action_conversation_edge(self, bottom: bool) -> None:
        if bottom:
            self.conversation.scroll_end(animate=False)
        else:
            self.conversation.scroll_home(animate=False)

    def action_details(self) -> None:
        """Every header field in full (the header clamps them)."""
        if self.thread is None:
            self.notify("The ticket is still loading.", timeout=3)
            return
        ticket = self.thread.ticket
        bugs = self.frontline.bug_links.for_ticket(ticket, self.thread.comments)
        self.app.push_screen(TicketDetailsScreen(ticket, linked_bugs_text(ticket, bugs)))

    def action_search(self) -> None:
        self.query_one(ConversationSearch).open()

    def action_open_browser(self) -> None:
        if self.ticket is None or not self.ticket.url:
            self.notify("This ticket has no web address.", severity="warning", timeout=4)
            return
        self.app.open_url(self.ticket.url)
        self.notify(f"Opening {self.ticket.url}", timeout=3, markup=False)

    def action_copy_link(self) -> None:
        if self.ticket is None or not self.ticket.url:
            self.notify("This ticket has no web address.", severity="warning", timeout=4)
            return
        self.app.copy_to_clipboard(self.ticket.url)
        self.notify(f"Copied {self.ticket.url}", title="Link copied", timeout=3, markup=False)
