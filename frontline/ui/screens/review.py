"""The review step before anything is sent (aerc style): `y` send, `e` edit, `p` postpone, escape back.

Only the first choice counts: a `y` pressed twice before the screen has gone sends once. A public reply
is shown as loudly as the screen allows, and one that still holds `{{placeholders}}` (a template variable
or macro placeholder nobody filled) lists them and asks once more before `y` sends it to the customer.
Header fields are customer input of any length: they are clamped so the text under review stays on screen.
"""

from __future__ import annotations

from typing import Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from frontline.domain.compose import describe_changes, unfilled_placeholders
from frontline.domain.models import Ticket, TicketUpdate
from frontline.domain.text import clamp, one_line
from frontline.ui.screens.pickers import ConfirmScreen

ReviewChoice = Literal["send", "edit", "postpone"]
HEADER_LINES = 2
"""Lines the ticket's subject may take on the review screen; the rest is cut with "…"."""


class ReviewScreen(ModalScreen["ReviewChoice | None"]):
    """Shows who will see it, the text, and the field changes; dismisses with the chosen step."""

    DEFAULT_CSS = """
    ReviewScreen { align: center middle; }
    ReviewScreen > Vertical {
        width: 90%;
        height: 1fr;
        max-height: 40;
        background: $surface;
        padding: 0 1;
    }
    ReviewScreen > Vertical.-public { border: thick $error; }
    ReviewScreen > Vertical.-internal { border: thick $warning; }
    ReviewScreen #review-audience { text-style: bold; padding: 0 1; width: 1fr; height: auto; max-height: 2; }
    ReviewScreen .-public #review-audience { background: $error; color: $text; }
    ReviewScreen .-internal #review-audience { background: $warning; color: $background; }
    ReviewScreen #review-ticket { color: $text-muted; height: auto; max-height: 2; }
    ReviewScreen #review-placeholders {
        height: auto; max-height: 4; color: $text-warning; background: $warning 15%; text-style: bold;
    }
    ReviewScreen #review-body { height: 1fr; min-height: 3; border: round $primary-muted; padding: 0 1; }
    ReviewScreen .-internal #review-body { background: $warning 12%; border: dashed $warning; }
    ReviewScreen #review-changes { height: auto; max-height: 4; }
    ReviewScreen #review-hint { color: $text-muted; height: 1; }
    """

    BINDINGS = [
        Binding("y", "choose('send')", "Send", id="review.send"),
        Binding("e", "choose('edit')", "Edit", id="review.edit"),
        Binding("p", "choose('postpone')", "Postpone", id="review.postpone"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self, update: TicketUpdate, ticket: Ticket, *, status_label: str = "") -> None:
        super().__init__()
        self.update = update
        self.ticket = ticket
        self.status_label = status_label
        """The helpdesk's words for the status chosen (a custom status, a JSM transition), if any."""
        self.chosen = False
        """A choice was made; later keys are ignored while the screen closes."""
        self._confirming = False
        comment = update.comment
        self.public = comment is not None and comment.public
        self.placeholders = unfilled_placeholders(comment.body) if comment is not None else ()
        """`{{...}}` left in the text; for a public reply, sending asks once more."""

    def compose(self) -> ComposeResult:
        comment = self.update.comment
        kind = "-public" if self.public else "-internal"
        with Vertical(classes=kind):
            yield Static(Content(self._audience()), id="review-audience")
            yield Static(Content(self._ticket_line()), id="review-ticket")
            if self.placeholders:
                yield Static(Content(self._placeholder_warning()), id="review-placeholders")
            with VerticalScroll(id="review-body"):
                body = comment.body if comment else "(no comment: only the changes below are sent)"
                yield Static(Content(body))
            changes = describe_changes(self.update, self.ticket, self.status_label) or ["No field changes."]
            yield Static(Content("\n".join(changes)), id="review-changes")
            send = "y SEND TO THE CUSTOMER" if self.public else "y send"
            yield Static(
                f"{send} · e edit · p postpone (keep the draft, leave) · escape back",
                id="review-hint",
                markup=False,
            )
        yield Footer()

    def _width(self) -> int:
        return max(self.app.size.width * 9 // 10 - 4, 20)

    def _audience(self) -> str:
        comment = self.update.comment
        if comment is None:
            return "Field changes only"
        if comment.public:
            requester = one_line(self.ticket.requester.name) if self.ticket.requester else "the customer"
            label = "● PUBLIC REPLY: "
            tail = " will see this"
            used = len(label) + len(tail)
            return f"{label}{clamp(requester, self._width() - used, 1)}{tail}"
        return "Internal note: only agents see this"

    def _ticket_line(self) -> str:
        key = one_line(self.ticket.display_key)
        subject = clamp(
            one_line(self.ticket.subject), self._width(), HEADER_LINES, first_line_used=len(key) + 1
        )
        return f"{key} {subject}"

    def _placeholder_warning(self) -> str:
        names = ", ".join(self.placeholders)
        if self.public:
            return f"⚠ Unfilled placeholders the customer would see as typed: {names}"
        return f"⚠ Unfilled placeholders in this note: {names}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "back"):
            return not self.chosen and not self._confirming
        return True

    def action_choose(self, choice: ReviewChoice) -> None:
        if choice == "send" and self.public and self.placeholders:
            self.confirm_placeholders()
            return
        self._answer(choice)

    @work(exclusive=True, group="review", exit_on_error=False)
    async def confirm_placeholders(self) -> None:
        """Sending a public reply with `{{...}}` in it needs a second, explicit yes."""
        self._confirming = True
        count = len(self.placeholders)
        try:
            confirmed = await self.app.push_screen_wait(
                ConfirmScreen(
                    f"Send with {count} unfilled placeholder{'s' if count != 1 else ''}?",
                    f"The customer will see {', '.join(self.placeholders)} exactly as typed. "
                    "n goes back to the review; e there edits the text.",
                )
            )
        finally:
            self._confirming = False
        if confirmed:
            self._answer("send")

    def action_back(self) -> None:
        self._answer(None)

    def _answer(self, choice: ReviewChoice | None) -> None:
        if self.chosen:
            return
        self.chosen = True
        self.dismiss(choice)
