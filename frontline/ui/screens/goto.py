"""One-line lookups that stay open until they find something: "go to ticket" (`#`) and helpdesk search.

The answer is fetched while the dialog is open; a miss (no such ticket, a query the helpdesk refused)
is shown under the input in the helpdesk's own words and the typed text stays, ready to be corrected.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontline.domain.models import Ticket
from frontline.errors import FrontlineError
from frontline.ui.screens.base import FrontlineScreen

Lookup = Callable[[str], Awaitable[Any]]

_CSS = """
LookupScreen { align: center middle; }
LookupScreen > Vertical {
    width: 72; max-width: 90%; height: auto; border: thick $accent; background: $surface; padding: 0 1;
}
LookupScreen .dialog-title { text-style: bold; margin-bottom: 1; }
LookupScreen #lookup-hint { color: $text-muted; margin-top: 1; }
LookupScreen #lookup-hint.-problem { color: $text-error; }
"""


class LookupScreen(FrontlineScreen, ModalScreen[Any]):
    """Type one line; enter runs `lookup` on it and dismisses with its answer, or shows why it failed."""

    DEFAULT_CSS = _CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="lookup.cancel")]

    def __init__(
        self, title: str, lookup: Lookup, *, placeholder: str = "", hint: str = "", value: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.lookup = lookup
        self.placeholder = placeholder
        self.hint = hint or "enter go · escape cancel"
        self.value = value
        self.problem: str | None = None
        """Why the last lookup found nothing, as shown under the input."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="lookup-input")
            yield Static(Content(self.hint), id="lookup-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._show("looking…", problem=False)
            self.run_lookup(event.value)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def run_lookup(self, text: str) -> None:
        try:
            answer = await self.lookup(text)
        except FrontlineError as error:
            self.problem = error.message
            self._show(error.message, problem=True)
            return
        self.app.call_later(self.dismiss, answer)  # not from inside this screen's own worker

    def _show(self, text: str, *, problem: bool) -> None:
        hint = self.query_one("#lookup-hint", Static)
        hint.update(Content(text))  # the helpdesk's words: plain text, never markup
        hint.set_class(problem, "-problem")

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_goto(app: Any) -> None:
    """Ask for a ticket id, key or link; open that ticket's screen, fetched through the desk."""
    from frontline.ui.screens.ticket import TicketScreen

    def opened(ticket: Ticket | None) -> None:
        if ticket is not None:
            app.push_screen(TicketScreen(ticket.id))

    screen = LookupScreen(
        "Go to ticket",
        app.desk.find_ticket,
        placeholder="4521, #4521, CS-12 or a ticket link",
        hint="enter open · escape cancel · any ticket, in a view or not",
    )
    app.push_screen(screen, opened)
