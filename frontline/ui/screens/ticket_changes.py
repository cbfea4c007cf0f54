"""The ticket screen's field changes: pick a status, priority or tags (or take the ticket) as one update.

Each `choose_*` asks with a small dialog and returns the update to send with the words for it ("Status set
to solved"), or None when nothing changes; the screen sends it as one of the app's writes, so leaving the
screen never cancels it. Nothing here sends anything.
"""

from __future__ import annotations

from textual.app import App

from frontline.domain.models import Priority, Ticket, TicketUpdate
from frontline.errors import FrontlineError
from frontline.services.desk import Desk
from frontline.ui.screens.assign import pick_status
from frontline.ui.screens.pickers import ChoiceScreen, TextPromptScreen

FieldChange = tuple[TicketUpdate, str]
"""An update and what it does, in words, for the notifications about it."""


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags typed by a person: separated by spaces or commas, duplicates dropped, order kept."""
    seen: list[str] = []
    for tag in text.replace(",", " ").split():
        if tag not in seen:
            seen.append(tag)
    return tuple(seen)


async def choose_status(app: App[object], desk: Desk, ticket: Ticket) -> FieldChange | None:
    """One of the statuses the helpdesk offers this ticket now (JSM: its workflow transitions), in the
    helpdesk's words; None when cancelled, unchanged or when the choices cannot be read (said)."""
    try:
        choices = await desk.status_choices(ticket)
    except FrontlineError as error:
        app.notify(error.message, title=error.title, severity="error", timeout=8, markup=False)
        return None
    return await pick_status(app, choices, ticket)


async def choose_priority(app: App[object], desk: Desk, ticket: Ticket) -> FieldChange | None:
    """One of the helpdesk's priorities; None when cancelled or unchanged."""
    choices = [(priority.value, priority.value) for priority in desk.capabilities.priority_values]
    current = ticket.priority.value if ticket.priority else None
    choice = await app.push_screen_wait(ChoiceScreen("Set priority", choices, current=current))
    if choice is None or choice == current:
        return None
    priority = Priority(choice)
    return TicketUpdate(priority=priority, revision=ticket.stamp), f"Priority set to {priority.value}"


async def choose_tags(app: App[object], ticket: Ticket) -> FieldChange | None:
    """The ticket's tags as typed; the update adds and removes the difference (None when there is none)."""
    typed = await app.push_screen_wait(
        TextPromptScreen(
            "Tags", " ".join(ticket.tags), hint="Separate tags with spaces · enter save · escape cancel"
        )
    )
    if typed is None:
        return None
    wanted = parse_tags(typed)
    update = TicketUpdate(
        tags_add=tuple(tag for tag in wanted if tag not in ticket.tags),
        tags_remove=tuple(tag for tag in ticket.tags if tag not in wanted),
        revision=ticket.stamp,
    )
    return None if update.is_empty() else (update, "Tags updated")
