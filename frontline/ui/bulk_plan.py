"""Bulk actions on marked tickets: ask which change (status, assignee, tags, macro), then work out what it
means for each ticket as the one `TicketUpdate` a single change would send. Nothing here sends anything:
the bulk screen shows the plan for review and sends each ticket's update through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import App

from frontline.domain.assignment import Assignee, AssigneeKind, StatusChoice, category_choices
from frontline.domain.models import CommentDraft, MacroPreview, Ticket, TicketUpdate
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.desk import Desk
from frontline.ui.screens.pickers import ChoiceScreen, FilterChoiceScreen, TextPromptScreen
from frontline.ui.screens.ticket_changes import parse_tags

ACTIONS = (
    ("status", "Set status"),
    ("assign-me", "Assign to me"),
    ("assign", "Assign to someone…"),
    ("tags-add", "Add tags"),
    ("tags-remove", "Remove tags"),
    ("macro", "Apply a macro"),
)


@dataclass(frozen=True)
class BulkChange:
    """One marked ticket's part of a bulk action: the update to send (None: nothing to do, `what` says
    why) and the change in words for the review and the results."""

    ticket: Ticket
    update: TicketUpdate | None
    what: str


async def choose_plan(app: App[Any], desk: Desk, tickets: Sequence[Ticket]) -> list[BulkChange] | None:
    """Ask for the change and build every ticket's update; None when cancelled."""
    actions = [(key, label) for key, label in ACTIONS if key != "macro" or desk.capabilities.macros]
    action = await app.push_screen_wait(ChoiceScreen(f"Bulk action on {len(tickets)} tickets", actions))
    try:
        if action == "status":
            return await _status_plan(app, desk, tickets)
        if action == "assign-me":
            me = desk.me or await desk.connect()
            return assignee_plan(tickets, Assignee(id=me.id, name="you"))
        if action == "assign":
            return await _assign_plan(app, desk, tickets)
        if action in ("tags-add", "tags-remove"):
            label = "Tags to add" if action == "tags-add" else "Tags to remove"
            typed = await app.push_screen_wait(TextPromptScreen(label, hint="Separate tags with spaces"))
            tags = parse_tags(typed or "")
            return tags_plan(tickets, tags, remove=action == "tags-remove") if tags else None
        if action == "macro":
            return await _macro_plan(app, desk, tickets)
    except FrontlineError as error:
        app.notify(error.message, title=error.title, severity="error", timeout=8, markup=False)
    return None


async def _status_plan(app: App[object], desk: Desk, tickets: Sequence[Ticket]) -> list[BulkChange] | None:
    categories = category_choices(desk.capabilities.statuses)
    picked = await app.push_screen_wait(ChoiceScreen("Set status", [(c.key, c.label) for c in categories]))
    category = next((c for c in categories if c.key == picked), None)
    if category is None:
        return None
    plan: list[BulkChange] = []
    for ticket in tickets:  # each ticket's own way there (a JSM workflow transition, a custom status)
        choices = await desk.status_choices(ticket)
        plan.append(status_change(ticket, category, choices))
    return plan


def status_change(ticket: Ticket, category: StatusChoice, choices: Sequence[StatusChoice]) -> BulkChange:
    """The ticket's own choice in `category`'s status; nothing when it is there already or cannot go."""
    if ticket.status is category.status:
        return BulkChange(ticket, None, f"already {category.label}")
    choice = next((c for c in choices if c.status is category.status and not c.is_current(ticket)), None)
    if choice is None:
        return BulkChange(ticket, None, f"its workflow offers no way to {category.label}")
    return BulkChange(ticket, choice.update(ticket.stamp), f"status → {one_line(choice.label)}")


def assignee_plan(tickets: Sequence[Ticket], assignee: Assignee) -> list[BulkChange]:
    """Each ticket assigned to `assignee`, except those already with them."""
    name = one_line(assignee.name)
    plan: list[BulkChange] = []
    for ticket in tickets:
        if assignee.kind is AssigneeKind.GROUP:
            current = ticket.group_id == assignee.id
        else:
            current = ticket.assignee is not None and ticket.assignee.id == assignee.id
        update = None if current else assignee.update(ticket.stamp)
        plan.append(BulkChange(ticket, update, f"already with {name}" if current else f"assign → {name}"))
    return plan


async def _assign_plan(app: App[object], desk: Desk, tickets: Sequence[Ticket]) -> list[BulkChange] | None:
    assignees = await desk.assignees(tickets[0])
    picked = await app.push_screen_wait(
        FilterChoiceScreen(f"Assign {len(tickets)} tickets to", [(a.key, a.label) for a in assignees])
    )
    chosen = next((a for a in assignees if a.key == picked), None)
    return assignee_plan(tickets, chosen) if chosen is not None else None


def tags_plan(tickets: Sequence[Ticket], tags: Sequence[str], *, remove: bool) -> list[BulkChange]:
    """Add (or remove) `tags` on each ticket: only the ones it lacks (or has)."""
    plan: list[BulkChange] = []
    for ticket in tickets:
        if remove:
            gone = tuple(tag for tag in tags if tag in ticket.tags)
            update = TicketUpdate(tags_remove=gone, revision=ticket.stamp) if gone else None
            what = f"tags - {' '.join(gone)}" if gone else "has none of these tags"
        else:
            new = tuple(tag for tag in tags if tag not in ticket.tags)
            update = TicketUpdate(tags_add=new, revision=ticket.stamp) if new else None
            what = f"tags + {' '.join(new)}" if new else "has these tags already"
        plan.append(BulkChange(ticket, update, one_line(what)))
    return plan


async def _macro_plan(app: App[object], desk: Desk, tickets: Sequence[Ticket]) -> list[BulkChange] | None:
    macros = await desk.macros()
    picked = await app.push_screen_wait(
        FilterChoiceScreen("Apply macro to each ticket", [(m.id, one_line(m.title)) for m in macros])
    )
    if picked is None:
        return None
    plan: list[BulkChange] = []
    for ticket in tickets:
        plan.append(macro_change(ticket, await desk.preview_macro(ticket.id, picked)))
    return plan


def macro_change(ticket: Ticket, preview: MacroPreview) -> BulkChange:
    """What the macro does to this ticket, as one update (its comment and field changes together)."""
    comment = None
    if preview.comment_body:
        public = preview.comment_public if preview.comment_public is not None else True
        comment = CommentDraft(body=preview.comment_body, public=public)
    wanted = preview.tags
    update = TicketUpdate(
        comment=comment,
        status=preview.status if preview.status is not ticket.status else None,
        priority=preview.priority,
        assignee_id=preview.assignee_id,
        group_id=preview.group_id,
        tags_add=tuple(t for t in wanted if t not in ticket.tags) if wanted is not None else (),
        tags_remove=tuple(t for t in ticket.tags if t not in wanted) if wanted is not None else (),
        revision=ticket.stamp,
    )
    parts = [f"macro “{one_line(preview.macro.title)}”"]
    if comment is not None:
        parts.append(("public reply: " if comment.public else "note: ") + one_line(comment.body)[:40])
    if update.status is not None:
        parts.append(f"status → {update.status.label}")
    return BulkChange(ticket, None if update.is_empty() else update, " · ".join(parts))
