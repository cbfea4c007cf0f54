"""A draft: an unsent reply or note and its submit-as choices, kept per profile, ticket and kind.

A public reply and an internal note are separate drafts on the same ticket, so the note key never opens
a reply someone half wrote for the customer: the kind is part of the draft's identity, not a toggle on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from frontline.domain.models import Priority, Status


class DraftKind(StrEnum):
    """Which of a ticket's two drafts: the public reply (`r`) or the internal note (`n`)."""

    REPLY = "reply"
    NOTE = "note"

    @classmethod
    def of(cls, public: bool) -> DraftKind:
        return cls.REPLY if public else cls.NOTE

    @property
    def public(self) -> bool:
        return self is DraftKind.REPLY

    @property
    def other(self) -> DraftKind:
        return DraftKind.NOTE if self is DraftKind.REPLY else DraftKind.REPLY

    @property
    def label(self) -> str:
        """ "public reply" or "internal note", for sentences."""
        return "public reply" if self is DraftKind.REPLY else "internal note"


@dataclass(frozen=True)
class Draft:
    """Everything the composer holds for one ticket and kind: the text and the submit-as choices."""

    profile: str
    ticket_id: str
    body: str
    public: bool
    saved_at: datetime
    submit_status: Status | None = None
    submit_status_id: str | None = None
    """The exact status to submit as (a Zendesk custom status, a JSM workflow status)."""
    submit_transition_id: str | None = None
    """JSM: the workflow transition chosen to reach `submit_status_id`."""
    submit_label: str = ""
    """The helpdesk's words for that status, shown in the composer and the review."""
    priority: Priority | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    tags_add: tuple[str, ...] = ()
    tags_remove: tuple[str, ...] = ()
    macro_id: str | None = None
    subject: str = ""
    """The ticket's subject when last saved, for the drafts list (not sent anywhere)."""

    @property
    def kind(self) -> DraftKind:
        """The draft's kind follows its audience: one public reply and one internal note per ticket."""
        return DraftKind.of(self.public)

    def first_line(self) -> str:
        """The first non-blank line of the text, for lists ("" for field changes only)."""
        for line in self.body.splitlines():
            if line.strip():
                return line.strip()
        return ""

    def is_blank(self) -> bool:
        """Nothing worth keeping: no text and no field change."""
        return (
            not self.body.strip()
            and self.submit_status is None
            and self.priority is None
            and self.assignee_id is None
            and self.group_id is None
            and not self.tags_add
            and not self.tags_remove
        )
