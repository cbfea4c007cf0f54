"""Who and where a ticket can go: the statuses the helpdesk offers it now, and the agents and groups it can
be assigned to. Helpdesks name both in their own words, so choices carry the helpdesk's ids and labels and
frontline's category only as a reading of them; the write names the exact choice, never a matched name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from frontline.domain.models import Comment, Status, Ticket, TicketUpdate
from frontline.domain.text import one_line


@dataclass(frozen=True)
class StatusChoice:
    """One status a ticket can be put in now, as the helpdesk shows it.

    `status` is frontline's category for it (queues and rules read that); `status_id` is the exact status
    (Zendesk custom status, JSM workflow status) and `transition_id` the JSM workflow step that reaches it.
    `group` is the helpdesk's own grouping (JSM status categories "To Do", "In Progress", "Done").
    """

    status: Status
    label: str
    group: str = ""
    status_id: str | None = None
    transition_id: str | None = None

    @property
    def key(self) -> str:
        """A value unique among one ticket's choices, for pickers."""
        return f"{self.transition_id or ''}>{self.status_id or ''}>{self.status.value}"

    def update(self, revision: str | None) -> TicketUpdate:
        """The write that puts the ticket in this status."""
        return TicketUpdate(
            status=self.status, status_id=self.status_id, transition_id=self.transition_id, revision=revision
        )

    def is_current(self, ticket: Ticket) -> bool:
        """Whether the ticket is in this status already."""
        if self.status_id is not None and ticket.status_id is not None:
            return self.status_id == ticket.status_id
        return self.status_id is None and self.status is ticket.status


def category_choices(statuses: tuple[Status, ...]) -> list[StatusChoice]:
    """A helpdesk's plain categories as choices (no custom statuses, no workflow)."""
    return [StatusChoice(status=status, label=status.label) for status in statuses]


class AssigneeKind(StrEnum):
    """Whether an assignee is a person or a group (Zendesk groups; JSM has none)."""

    AGENT = "agent"
    GROUP = "group"


@dataclass(frozen=True)
class Assignee:
    """An agent or a group a ticket can be assigned to; `detail` is an email or a description."""

    id: str
    name: str
    kind: AssigneeKind = AssigneeKind.AGENT
    detail: str = ""

    @property
    def key(self) -> str:
        """A value unique among agents and groups together, for pickers."""
        return f"{self.kind.value}:{self.id}"

    @property
    def label(self) -> str:
        """One line for a picker: "Priya Raman <priya@…>" or "Group · Billing"."""
        name = one_line(self.name)
        if self.kind is AssigneeKind.GROUP:
            return f"Group · {name}"
        return f"{name} <{one_line(self.detail)}>" if self.detail else name

    def matches(self, query: str) -> bool:
        """Case-insensitive: every word typed is in the name or the detail."""
        haystack = f"{self.name} {self.detail}".casefold()
        return all(word in haystack for word in query.casefold().split())

    def update(self, revision: str | None) -> TicketUpdate:
        """The write that assigns the ticket here."""
        if self.kind is AssigneeKind.GROUP:
            return TicketUpdate(group_id=self.id, revision=revision)
        return TicketUpdate(assignee_id=self.id, revision=revision)


def filter_assignees(assignees: list[Assignee], query: str) -> list[Assignee]:
    """Those matching `query` (all of them for an empty one), in the given order."""
    return [a for a in assignees if a.matches(query)] if query.strip() else list(assignees)


def label_authors(ticket: Ticket, comments: list[Comment]) -> list[Comment]:
    """Comments whose author's role the helpdesk did not say (JSM's comment authors carry no account
    type), labelled from the ticket: its requester's role (else "customer"), "agent" for its assignee and
    for whoever wrote an internal note (only agents can)."""
    requester_id = ticket.requester.id if ticket.requester is not None else None
    assignee_id = ticket.assignee.id if ticket.assignee is not None else None
    labelled: list[Comment] = []
    for comment in comments:
        author = comment.author
        role: str | None = None
        if author is not None and author.role is None:
            if author.id == requester_id:
                role = (ticket.requester.role if ticket.requester else None) or "customer"
            elif author.id == assignee_id or not comment.public:
                role = "agent"
        if author is not None and role is not None:
            comment = comment.model_copy(update={"author": dataclasses.replace(author, role=role)})
        labelled.append(comment)
    return labelled
