"""A reply refused because its ticket is closed: offer to carry it in a follow-up ticket, as Zendesk's agent
interface does. Asked once, after the refusal; yes sends the text as a new ticket linked to the closed one
(and drops the draft it came from), no keeps the draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontline.domain.compose import ComposerState
from frontline.domain.models import Ticket
from frontline.domain.text import one_line
from frontline.errors import FrontlineError, StoreError, TicketClosed
from frontline.services.drafts import DraftKeeper
from frontline.ui.screens.pickers import ConfirmScreen

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp


def offer_followup(
    app: FrontlineApp, ticket: Ticket, state: ComposerState, keeper: DraftKeeper, error: TicketClosed
) -> bool:
    """Ask whether to open a follow-up with the refused text; False when this helpdesk has none."""
    if not app.desk.capabilities.followups or not state.body.strip():
        return False
    key = one_line(ticket.display_key)
    kind = "public reply" if state.public else "internal note"

    def answered(yes: bool | None) -> None:
        if yes:
            app.writes.run(_create(app, ticket, state, keeper), name=f"follow-up to {key}")

    app.push_screen(
        ConfirmScreen(
            f"{key} is closed. Open a follow-up ticket with this {kind}?",
            "The follow-up goes to the same requester, linked to the closed ticket. No keeps your draft.",
        ),
        answered,
    )
    return True


async def _create(app: FrontlineApp, ticket: Ticket, state: ComposerState, keeper: DraftKeeper) -> None:
    try:
        followup = await app.desk.create_followup(ticket.id, state.body, public=state.public)
    except FrontlineError as error:
        app.report_error(error)  # the draft is still there: nothing was lost
        return
    try:
        keeper.discard()
    except StoreError as error:
        app.report_error(error)
    app.notify(
        f"Opened {one_line(followup.display_key)} as a follow-up to {one_line(ticket.display_key)}.",
        title="Follow-up",
        timeout=8,
        markup=False,
    )
