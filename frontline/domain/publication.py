"""A handoff posted to a destination (a Slack channel, a ticket, a Jira or GitHub issue): recorded before it
is sent, settled by the answer or by finding it there, so a retry or a second press publishes once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from frontline.domain.outbox import WriteState


@dataclass(frozen=True)
class Publication:
    """One shift's handoff at one destination.

    Args:
        ref: the handoff's reference, written into the post so a read-back can recognise it.
        state: `SENDING` (recorded, then sent), `SENT`, `FAILED` (did not land: posting again is safe) or
            `UNKNOWN` (the answer was lost and the destination cannot be read back: not posted again
            automatically).
        url: where the post can be seen, when the destination says.
        outbox_id: for a post to a helpdesk ticket, the outbox entry that carries it.
    """

    id: str
    profile: str
    shift_id: str
    destination: str
    state: WriteState
    created_at: datetime
    ref: str
    attempts: int = 1
    settled_at: datetime | None = None
    outcome: str = ""
    url: str | None = None
    outbox_id: str | None = None

    def settle(self, state: WriteState, at: datetime, outcome: str, **changes: object) -> Publication:
        settled_at = at if state.settled else None
        return replace(self, state=state, settled_at=settled_at, outcome=outcome, **changes)  # type: ignore[arg-type]
