"""Rules about tickets in queues: what comes first, where a ticket belongs, what a change to it means.

Pure functions of tickets and views: the queue model sorts by them and applies them to each refresh, the
sync service to every cached view after a local write.
"""

from __future__ import annotations

import re
from datetime import datetime

from frontline.domain.models import SlaTarget, Status, Ticket, View

DONE_STATUSES = frozenset({Status.SOLVED, Status.CLOSED})
UNSOLVED_VIEW_WORDS = frozenset({"unsolved", "open"})
# A customer's reply moves a ticket from "waiting on the customer" (or done) back to "needs an agent".
_AWAITING_CUSTOMER = frozenset({Status.PENDING, Status.SOLVED, Status.HOLD})
_NEEDS_AGENT = frozenset({Status.OPEN, Status.NEW})
NO_SLA_KEY = (2, 0.0)
"""The SLA sort key of a ticket with no running SLA: after every breached and due one."""


def sla_sort_key(sla: SlaTarget | None, now: datetime) -> tuple[int, float]:
    """Breached first (most overdue first), then soonest due; paused and no SLA last."""
    if sla is None or sla.paused:
        return NO_SLA_KEY
    due = sla.due_at or sla.breached_at
    if due is None:
        return NO_SLA_KEY
    return (0 if sla.is_breached(now) else 1, due.timestamp())


def customer_replied(before: Ticket, after: Ticket) -> bool:
    """The ticket moved from waiting-on-customer (pending/on-hold/solved) back to open/new."""
    return (
        before.status in _AWAITING_CUSTOMER
        and after.status in _NEEDS_AGENT
        and after.updated_at > before.updated_at
    )


def holds_only_unsolved(view: View) -> bool:
    """Whether the view's title says it lists unsolved tickets ("Your unsolved tickets", "All open").

    Views are helpdesk-side queries we cannot evaluate; the title is the one hint every vendor gives.
    """
    return bool(UNSOLVED_VIEW_WORDS & set(re.findall(r"\w+", view.title.lower())))


def no_longer_belongs(ticket: Ticket, view: View) -> bool:
    """A solved or closed ticket has left a view that holds only unsolved ones (known before a reload)."""
    return ticket.status in DONE_STATUSES and holds_only_unsolved(view)
