"""Who has the ticket and where it stands: the status picker in the helpdesk's own words, the assignee
picker (agents and groups, type to filter), and the question before taking a colleague's ticket.

Each `choose_*` returns the update with the words for it, or None when cancelled or unchanged; nothing
here sends anything (the ticket screen sends it as one of the app's writes, through the outbox).
"""

from __future__ import annotations

from textual.app import App

from frontline.domain.assignment import Assignee, AssigneeKind, StatusChoice
from frontline.domain.models import Person, Ticket, TicketUpdate
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.desk import Desk
from frontline.ui.screens.pickers import ChoiceScreen, ConfirmScreen, FilterChoiceScreen

FieldChange = tuple[TicketUpdate, str]


def _said(app: App[object], error: FrontlineError) -> None:
    app.notify(error.message, title=error.title, severity="error", timeout=8, markup=False)


async def pick_status(app: App[object], choices: list[StatusChoice], ticket: Ticket) -> FieldChange | None:
    """Ask which of `choices` (grouped as the helpdesk groups them); None when cancelled or unchanged."""
    if not choices:
        app.notify("The workflow offers no other status from here.", timeout=4)
        return None
    current = next((c.key for c in choices if c.is_current(ticket)), None)
    title = f"Set status (now: {one_line(ticket.status_text)})"
    groups = [c.group for c in choices] if any(c.group for c in choices) else None
    picked = await app.push_screen_wait(
        ChoiceScreen(title, [(c.key, c.label) for c in choices], current=current, groups=groups)
    )
    chosen = next((c for c in choices if c.key == picked), None)
    if chosen is None or chosen.key == current:
        return None
    return chosen.update(ticket.stamp), f"Status set to {one_line(chosen.label.split(' → ')[-1])}"


async def choose_assignee(app: App[object], desk: Desk, ticket: Ticket) -> FieldChange | None:
    """Ask for an agent or a group, typing to filter; None when cancelled, unchanged or unreadable."""
    try:
        assignees = await desk.assignees(ticket)
    except FrontlineError as error:
        _said(app, error)
        return None
    if not assignees:
        app.notify(f"{desk.helpdesk_name} did not list anyone to assign to.", timeout=4)
        return None
    picked = await app.push_screen_wait(
        FilterChoiceScreen(f"Assign {ticket.display_key} to", [(a.key, a.label) for a in assignees])
    )
    chosen: Assignee | None = next((a for a in assignees if a.key == picked), None)
    if chosen is None or is_current(chosen, ticket):
        return None
    where = f"group {one_line(chosen.name)}" if chosen.kind is AssigneeKind.GROUP else one_line(chosen.name)
    return chosen.update(ticket.stamp), f"Assigned to {where}"


def is_current(assignee: Assignee, ticket: Ticket) -> bool:
    """Whether the ticket is with `assignee` already."""
    if assignee.kind is AssigneeKind.GROUP:
        return ticket.group_id == assignee.id
    return ticket.assignee is not None and ticket.assignee.id == assignee.id


async def confirm_take(app: App[object], ticket: Ticket, me: Person) -> bool:
    """True when the ticket is unassigned, or assigned to someone else and the agent says yes."""
    holder = ticket.assignee
    if holder is None or holder.id == me.id:
        return True
    question = f"Assigned to {one_line(holder.name)} — take it?"
    detail = f"{ticket.display_key} moves to you; {one_line(holder.name)} no longer has it."
    answer = await app.push_screen_wait(ConfirmScreen(question, detail))
    return answer is True
