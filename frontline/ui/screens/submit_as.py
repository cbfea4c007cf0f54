"""The composer's "submit as" (ctrl+o): the status the ticket goes to with the reply, chosen in the same
picker as the ticket screen's `s` (the helpdesk's own statuses; on JSM the issue's workflow transitions).

The choice is kept in the draft with its exact status and transition, so it survives a restart and is sent
by id. Nothing here sends anything.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import App

from frontline.domain.assignment import StatusChoice
from frontline.domain.compose import ComposerState
from frontline.domain.models import Ticket
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.desk import Desk
from frontline.ui.screens.pickers import ChoiceScreen

KEEP_STATUS = "keep"
"""The picker's value for "leave the status as it is" (never a `StatusChoice.key`, which holds `>`)."""


def submit_as_text(state: ComposerState, ticket: Ticket) -> str:
    """What the "Submit as:" line and the review call the status chosen, or the unchanged one."""
    choice = state.submit_choice
    if choice is None or choice.is_current(ticket):
        return f"{one_line(ticket.status_text)} (unchanged)"
    return one_line(choice.label)


async def choose_submit_as(
    app: App[object], desk: Desk, ticket: Ticket, state: ComposerState
) -> ComposerState | None:
    """`state` with the status picked to submit as (or "keep"); None when cancelled or the choices could
    not be read (said; the draft is untouched)."""
    try:
        choices = await desk.status_choices(ticket)
    except FrontlineError as error:
        app.notify(
            f"{error.message} The draft is kept; submit-as is unchanged.",
            title=error.title,
            severity="error",
            timeout=8,
            markup=False,
        )
        return None
    keep = (KEEP_STATUS, f"Keep {one_line(ticket.status_text)} (unchanged)")
    shown = [keep, *((c.key, c.label) for c in choices)]
    groups = ["", *(c.group for c in choices)] if any(c.group for c in choices) else None
    chosen_now = state.submit_choice
    highlighted = next(
        (c.key for c in choices if chosen_now is not None and _same(c, chosen_now)), KEEP_STATUS
    )
    current = next((c.key for c in choices if c.is_current(ticket)), None)
    picked = await app.push_screen_wait(
        ChoiceScreen(
            f"Submit as (now: {one_line(ticket.status_text)})",
            shown,
            current=current,
            groups=groups,
            highlighted=highlighted,
        )
    )
    if picked is None:
        return None
    chosen: StatusChoice | None = next((c for c in choices if c.key == picked), None)
    updated = replace(state)
    updated.submit_as(chosen if chosen is not None and not chosen.is_current(ticket) else None)
    return updated


def _same(choice: StatusChoice, kept: StatusChoice) -> bool:
    """Whether a freshly offered `choice` is the one kept in the draft (ids when known, else category)."""
    if kept.status_id is not None:
        return choice.status_id == kept.status_id and choice.transition_id in (None, kept.transition_id)
    return choice.status_id is None and choice.status is kept.status
