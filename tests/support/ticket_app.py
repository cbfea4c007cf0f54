"""A FrontlineApp that opens straight on one ticket (themes and keymap installed as in the console)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.screen import Screen

from frontline.config import Settings
from frontline.domain.clock import Clock
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.ticket import TicketScreen
from support.apps import make_session
from support.fake_helpdesk import FakeHelpdesk


@dataclass
class ListNeighbours:
    """The queue's order as a plain list."""

    order: list[str] = field(default_factory=list)

    def next_ticket_id(self, ticket_id: str) -> str | None:
        index = self.order.index(ticket_id)
        return self.order[index + 1] if index + 1 < len(self.order) else None

    def previous_ticket_id(self, ticket_id: str) -> str | None:
        index = self.order.index(ticket_id)
        return self.order[index - 1] if index > 0 else None


class TicketApp(FrontlineApp):
    """Opens `TicketScreen(ticket_id)` instead of the queue; records what was copied and opened."""

    def __init__(
        self,
        helpdesk: FakeHelpdesk | None = None,
        *,
        ticket_id: str = "1000",
        neighbours: ListNeighbours | None = None,
        data_dir: Path | None = None,
        settings: Settings | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.helpdesk = helpdesk or FakeHelpdesk()
        super().__init__(make_session(self.helpdesk, settings=settings, data_dir=data_dir, clock=clock))
        self.start_ticket_id = ticket_id
        self.neighbours = neighbours
        self.copied: list[str] = []
        self.opened: list[str] = []

    def first_screen(self) -> Screen[None]:
        return TicketScreen(self.start_ticket_id, neighbours=self.neighbours)

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)
        super().copy_to_clipboard(text)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)

    def suspend(self) -> Any:
        """The headless driver cannot suspend; running the editor is what the tests check."""
        return nullcontext()
