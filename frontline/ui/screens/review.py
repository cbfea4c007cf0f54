"""The review step before anything is sent (aerc style): `y` send, `e` edit, `p` postpone, escape back.

Only the first choice counts: a `y` pressed twice before the screen has gone sends once.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from frontline.domain.compose import describe_changes
from frontline.domain.models import Ticket, TicketUpdate
from frontline.domain.text import one_line

ReviewChoice = Literal["send", "edit", "postpone"]


class ReviewScreen(ModalScreen["ReviewChoice | None"]):
    """Shows who will see it, the text, and the field changes; dismisses with the chosen step."""

    DEFAULT_CSS = """
    ReviewScreen { align: center middle; }
    ReviewScreen > Vertical {
        width: 90%;
        height: 90%;
        background: $surface;
        padding: 0 1;
    }
    ReviewScreen > Vertical.-public { border: thick $error; }
    ReviewScreen > Vertical.-internal { border: thick $warning; }
    ReviewScreen #review-audience { text-style: bold; padding: 0 1; width: 1fr; }
    ReviewScreen .-public #review-audience { background: $error; color: $text; }
    ReviewScreen .-internal #review-audience { background: $warning; color: $background; }
    ReviewScreen #review-body { height: 1fr; border: round $primary-muted; padding: 0 1; margin: 1 0; }
    ReviewScreen .-internal #review-body { background: $warning 12%; border: dashed $warning; }
    ReviewScreen #review-changes { height: auto; }
    ReviewScreen #review-hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("y", "choose('send')", "Send", id="review.send"),
        Binding("e", "choose('edit')", "Edit", id="review.edit"),
        Binding("p", "choose('postpone')", "Postpone", id="review.postpone"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self, update: TicketUpdate, ticket: Ticket) -> None:
        super().__init__()
        self.update = update
        self.ticket = ticket
        self.chosen = False
        """A choice was made; later keys are ignored while the screen closes."""

    def compose(self) -> ComposeResult:
        comment = self.update.comment
        public = comment is not None and comment.public
        with Vertical(classes="-public" if public else "-internal"):
            yield Static(Content(self._audience()), id="review-audience")
            with VerticalScroll(id="review-body"):
                body = comment.body if comment else "(no comment: only the changes below are sent)"
                yield Static(Content(body))
            changes = describe_changes(self.update, self.ticket) or ["No field changes."]
            yield Static(Content("\n".join(changes)), id="review-changes")
            yield Static(
                "y send · e edit · p postpone (keep the draft, leave) · escape back",
                id="review-hint",
                markup=False,
            )
        yield Footer()

    def _audience(self) -> str:
        comment = self.update.comment
        where = f"{self.ticket.display_key} {one_line(self.ticket.subject)}"
        if comment is None:
            return f"Field changes only · {where}"
        if comment.public:
            requester = one_line(self.ticket.requester.name) if self.ticket.requester else "the customer"
            return f"PUBLIC REPLY: {requester} will see this · {where}"
        return f"Internal note: only agents see this · {where}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "back"):
            return not self.chosen
        return True

    def action_choose(self, choice: ReviewChoice) -> None:
        self._answer(choice)

    def action_back(self) -> None:
        self._answer(None)

    def _answer(self, choice: ReviewChoice | None) -> None:
        if self.chosen:
            return
        self.chosen = True
        self.dismiss(choice)
