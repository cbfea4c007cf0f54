"""A draft: an unsent reply or note and its submit-as choices, kept per profile and ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from frontline.domain.models import Priority, Status


@dataclass(frozen=True)
class Draft:
    """Everything the composer holds for one ticket: the text and the submit-as choices."""

    profile: str
    ticket_id: str
    body: str
    public: bool
    saved_at: datetime
    submit_status: Status | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    tags_add: tuple[str, ...] = ()
    tags_remove: tuple[str, ...] = ()
    macro_id: str | None = None

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
