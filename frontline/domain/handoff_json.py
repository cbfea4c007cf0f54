"""A `Handoff` read back from its public JSON (`Handoff.as_json`): the handoff a shift kept, shown to the
next shift exactly as it was published. The reader of the contract `handoff.py` writes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from frontline.domain.handoff import Counts, Handoff, HandoffEscalation, HandoffNote, HandoffTicket


def handoff_from_json(data: dict[str, Any]) -> Handoff:
    """A `Handoff` back from its `as_json()` (the public JSON contract), to render it as it was.

    Raises:
        KeyError, TypeError, ValueError: not a handoff document.
    """
    shift = data["shift"]
    waiting = data.get("waiting", {})
    return Handoff(
        profile=str(shift["profile"]),
        helpdesk=str(shift.get("helpdesk", "")),
        started_at=_time(shift["started_at"]),
        ended_at=_time(shift["ended_at"]) if shift.get("ended_at") else None,
        as_of=_time(shift["as_of"]),
        engineer=str(shift.get("engineer", "")),
        counts=Counts(**{key: int(value) for key, value in data["counts"].items()}),
        touched=_tickets(data.get("touched", [])),
        escalations=tuple(HandoffEscalation(**e) for e in data.get("escalations", [])),
        waiting={who: _tickets(tickets) for who, tickets in waiting.items()},
        sla_at_risk=_tickets(data.get("sla_at_risk", [])),
        customer_replied=_tickets(data.get("customer_replied", [])),
        notes=tuple(HandoffNote(_ticket(n), str(n["text"]), _time(n["at"])) for n in data.get("notes", [])),
        pending=_tickets(data.get("pending", [])),
        unreadable=_tickets(data.get("unreadable", [])),
        horizon=timedelta(hours=float(data.get("sla_horizon_hours", 4))),
        ref=str(data.get("ref", "")),
        warnings=tuple(str(w) for w in data.get("warnings", [])),
    )


def _tickets(items: list[dict[str, Any]]) -> tuple[HandoffTicket, ...]:
    return tuple(_ticket(item) for item in items)


def _ticket(item: dict[str, Any]) -> HandoffTicket:
    due, replied = item.get("sla_due_at"), item.get("customer_replied_at")
    return HandoffTicket(
        id=str(item["id"]),
        key=str(item.get("key", "")),
        subject=str(item.get("subject", "")),
        status=str(item.get("status", "")),
        url=item.get("url") if isinstance(item.get("url"), str) else None,
        priority=item.get("priority") if isinstance(item.get("priority"), str) else None,
        actions=tuple(str(a) for a in item.get("actions", [])),
        sla_due_at=_time(due) if due else None,
        sla_breached=bool(item.get("sla_breached", False)),
        customer_replied_at=_time(replied) if replied else None,
        readable=bool(item.get("readable", True)),
    )


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"not a time: {value!r}")
    return datetime.fromisoformat(value)
