"""Helpdesk-neutral models: what the UI, the CLI and the services see.

Adapters map each vendor's JSON into these; nothing above the adapters knows which vendor is connected.
Ids are strings everywhere (Zendesk's numeric ids and Jira's keys alike). Text fields hold plain text as
the customer wrote it: sanitising for the terminal is the renderer's job (`frontline.domain.text`).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.dataclasses import dataclass


class Status(StrEnum):
    """Ticket status categories shared by every helpdesk (Zendesk's names)."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    HOLD = "hold"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return "on-hold" if self is Status.HOLD else self.value


class Priority(StrEnum):
    """Ticket priority; `rank` orders them most urgent first."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


_RECORD = ConfigDict(extra="ignore")
"""For the records a big view holds one of per ticket (`Ticket`, `SlaTarget`) or per person named
(`Person`, `Organization`): slotted frozen pydantic dataclasses, validated and serialised as models are
(`TypeAdapter`), at a fraction of a model's memory (a model keeps its fields in a `__dict__`: 544 bytes
for a ticket's 20, against 192 in slots; 26 MB less for a console holding 50,370 tickets)."""


class _WeaklyHeld:
    """Lets a slotted record be held in a weak table (`domain.sharing` holds people and organizations so)."""

    __slots__ = ("__weakref__",)


@dataclass(frozen=True, slots=True, kw_only=True, config=_RECORD)
class Person(_WeaklyHeld):
    """A requester, agent or commenter (a record: a big view names thousands)."""

    id: str
    name: str
    email: str | None = None
    role: str | None = None
    organization_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True, config=_RECORD)
class Organization(_WeaklyHeld):
    id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True, config=_RECORD)
class SlaTarget:
    """The next SLA target of a ticket: when it breaches, or that it is paused or already breached."""

    metric: str = "first_reply_time"
    due_at: datetime | None = None
    paused: bool = False
    breached_at: datetime | None = None

    def remaining(self, now: datetime) -> timedelta | None:
        """Time left until breach (negative once breached); None when paused or without a due time."""
        if self.paused or self.due_at is None:
            return None
        return self.due_at - now

    def is_breached(self, now: datetime) -> bool:
        if self.breached_at is not None and not self.paused:
            return True
        left = self.remaining(now)
        return left is not None and left.total_seconds() < 0


class Attachment(_Model):
    id: str
    file_name: str
    content_type: str | None = None
    size: int | None = None
    url: str | None = None
    inline: bool = False
    """An image shown inside the comment's text rather than attached to it."""


class Comment(_Model):
    """One entry in a ticket's conversation; `public` False means an internal note."""

    id: str
    author: Person | None = None
    body: str = ""
    public: bool = True
    created_at: datetime
    attachments: tuple[Attachment, ...] = ()
    source_body: str | None = None
    """The text as its author sent it (Zendesk's Markdown `body`) when `body` is a rendered form of it;
    matching a reply we sent compares against both."""
    warnings: tuple[str, ...] = ()
    """What the helpdesk flagged about this entry, for the reader ("unverified sender")."""


@dataclass(frozen=True, slots=True, kw_only=True, config=_RECORD)
class Ticket:
    """A helpdesk ticket as shown in the queue and the ticket header (a record: see `_RECORD`).

    Changed copies are made with `replace`; `TICKETS` parses and dumps lists of them as JSON.
    """

    id: str
    key: str = Field(
        default="",
        description="What people call it where that is not its id: 'SD-12' (JSM). Empty for a Zendesk "
        "ticket, called '#35436' after its id (a string per ticket less in a big view); `display_key` says "
        "either.",
    )
    subject: str = ""
    status: Status = Status.OPEN
    status_label: str | None = Field(
        default=None,
        description="The account's own name for the status when it is more specific than the category "
        "(Zendesk custom statuses: 'Waiting on engineering' in the open category).",
    )
    status_id: str | None = Field(
        default=None,
        description="The helpdesk's id of the exact status (Zendesk custom status, JSM workflow status), "
        "so a change can be undone to precisely where it was.",
    )
    priority: Priority | None = None
    requester: Person | None = None
    assignee: Person | None = None
    organization: Organization | None = None
    group: str | None = None
    group_id: str | None = None
    tags: tuple[str, ...] = ()
    created_at: datetime
    updated_at: datetime
    sla: SlaTarget | None = None
    url: str | None = Field(default=None, description="Where a person opens it in a browser.")
    linked_bug: str | None = None
    description: str = Field(
        default="",
        description="The opening message. Empty on tickets read in lists (views, search, the requester's "
        "other tickets): the queue never shows it and it would be most of a big view's memory; the ticket "
        "read when it is opened has it.",
    )
    revision: str | None = Field(
        default=None,
        description="The helpdesk's opaque stamp of the version loaded, sent back on writes to detect "
        "concurrent edits (`stamp`). None where that stamp is `updated_at` written in UTC ('2026-08-20T"
        "10:15:03Z', as Zendesk writes it: a string per ticket less in a big view); '' where none is known.",
    )

    @property
    def display_key(self) -> str:
        return self.key or f"#{self.id}"

    @property
    def stamp(self) -> str | None:
        """The stamp a write sends back as the version it was made against (`TicketUpdate.revision`)."""
        if self.revision is not None:
            return self.revision or None
        return utc_stamp(self.updated_at)

    def replace(self, **changes: Any) -> Ticket:
        """A copy with `changes` applied, validated as a new ticket is."""
        return dataclasses.replace(self, **changes)

    @property
    def status_text(self) -> str:
        """What agents call the status: the account's own label, else the category."""
        return self.status_label or self.status.label


def utc_stamp(moment: datetime) -> str:
    """`moment` in ISO 8601 UTC with a `Z`, seconds unless it has a fraction: '2026-08-20T10:15:03Z'."""
    return moment.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


TICKETS: TypeAdapter[list[Ticket]] = TypeAdapter(list[Ticket])


class TicketThread(_Model):
    """A ticket with its whole conversation, oldest first."""

    ticket: Ticket
    comments: tuple[Comment, ...] = ()


class View(_Model):
    """A saved view (Zendesk) or queue (JSM) the engineer works from."""

    id: str
    title: str
    count: int | None = None
    group: str | None = None
    """The service desk (JSM) a queue belongs to; `title` names it first when there are several."""
    short_title: str | None = None
    """The title without the group, for a profile whose views all come from one group."""


class Macro(_Model):
    """A helpdesk-side canned response and field change set."""

    id: str
    title: str
    description: str | None = None


class MacroPreview(_Model):
    """What applying a macro to one ticket would change; nothing is changed until submit."""

    macro: Macro
    comment_body: str | None = None
    comment_public: bool | None = None
    status: Status | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    tags: tuple[str, ...] | None = None
    other_changes: dict[str, str] = Field(default_factory=dict)


class CommentDraft(_Model):
    body: str
    public: bool


class TicketUpdate(_Model):
    """One write to a ticket: an optional comment plus field changes, sent in a single request."""

    comment: CommentDraft | None = None
    status: Status | None = None
    status_id: str | None = None
    """The exact status `status` (its category) stands for, from a `StatusChoice`: a Zendesk custom
    status or a JSM workflow status; None lets the helpdesk pick the category's usual one."""
    transition_id: str | None = None
    """JSM: the workflow transition the agent chose to reach `status_id`."""
    priority: Priority | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    tags_add: tuple[str, ...] = ()
    tags_remove: tuple[str, ...] = ()
    revision: str | None = Field(default=None, description="Ticket.revision as last loaded.")

    def is_empty(self) -> bool:
        return (
            self.comment is None
            and self.status is None
            and self.priority is None
            and self.assignee_id is None
            and self.group_id is None
            and not self.tags_add
            and not self.tags_remove
        )


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; `next_cursor` is opaque and None on the last page."""

    items: list[T]
    next_cursor: str | None = None
