"""The shift handoff: what was touched, what waits on whom, what was escalated, what is at risk.

`summarize` is a pure function of the journal, the tickets as the helpdesk has them now and the shift's
"as of" moment, so the same inputs always give the same handoff (renderers in `handoff_render`). The JSON
keys are a public contract (`frontline handoff --format json`): add keys, never rename them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from frontline.domain.escalation import EscalationRecord
from frontline.domain.models import Comment, Status, Ticket, TicketThread
from frontline.domain.shift import JournalEntry, JournalKind, Shift, WritePurpose, journal_subject

DEFAULT_SLA_HORIZON = timedelta(hours=4)
"""An SLA breaching within this long after the handoff is at risk."""

DONE_BUG_STATUSES = frozenset({"done", "closed", "resolved", "fixed", "released", "won't do", "wontfix"})
"""Bug statuses (case-folded) that mean engineering has finished with it."""

CUSTOMER_ROLES = frozenset({"end-user", "end_user", "customer"})

_OPEN = (Status.NEW, Status.OPEN, Status.PENDING, Status.HOLD)


class WaitingOn:
    """Whom a still-open ticket waits on."""

    CUSTOMER = "customer"
    US = "us"
    ENGINEERING = "engineering"


@dataclass(frozen=True)
class HandoffTicket:
    """One ticket as the handoff names it."""

    id: str
    key: str
    subject: str
    status: str
    url: str | None
    priority: str | None = None
    actions: tuple[str, ...] = ()
    """What the engineer did to it this shift, in order ("public reply", "escalated to OPS-7")."""
    last_touched_at: datetime | None = None
    sla_due_at: datetime | None = None
    sla_breached: bool = False
    customer_replied_at: datetime | None = None
    readable: bool = True
    """False when the helpdesk could not be read for it: status and SLA are as last known."""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "key": self.key,
            "subject": self.subject,
            "status": self.status,
            "url": self.url,
            "priority": self.priority,
        }
        if self.actions:
            data["actions"] = list(self.actions)
        if self.sla_due_at is not None:
            data["sla_due_at"] = _iso(self.sla_due_at)
            data["sla_breached"] = self.sla_breached
        if self.customer_replied_at is not None:
            data["customer_replied_at"] = _iso(self.customer_replied_at)
        if not self.readable:
            data["readable"] = False
        return data


@dataclass(frozen=True)
class HandoffEscalation:
    ticket: str
    key: str
    url: str
    status: str
    title: str = ""
    subject: str = ""
    ticket_url: str | None = None
    created: bool = True
    tracker: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket,
            "key": self.key,
            "url": self.url,
            "status": self.status,
            "title": self.title,
            "subject": self.subject,
            "ticket_url": self.ticket_url,
            "created": self.created,
            "tracker": self.tracker,
        }


@dataclass(frozen=True)
class HandoffNote:
    ticket: HandoffTicket
    text: str
    at: datetime

    def as_json(self) -> dict[str, Any]:
        return {**self.ticket.as_json(), "text": self.text, "at": _iso(self.at)}


@dataclass(frozen=True)
class Counts:
    touched: int = 0
    replied: int = 0
    noted: int = 0
    solved: int = 0
    escalated: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "touched": self.touched,
            "replied": self.replied,
            "noted": self.noted,
            "solved": self.solved,
            "escalated": self.escalated,
        }


@dataclass(frozen=True)
class Handoff:
    """Everything a handoff says, in a fixed order; every list is sorted deterministically."""

    profile: str
    helpdesk: str
    started_at: datetime
    ended_at: datetime | None
    as_of: datetime
    engineer: str
    counts: Counts
    touched: tuple[HandoffTicket, ...] = ()
    escalations: tuple[HandoffEscalation, ...] = ()
    waiting: Mapping[str, tuple[HandoffTicket, ...]] = field(default_factory=dict)
    sla_at_risk: tuple[HandoffTicket, ...] = ()
    customer_replied: tuple[HandoffTicket, ...] = ()
    notes: tuple[HandoffNote, ...] = ()
    pending: tuple[HandoffTicket, ...] = ()
    """Tickets with a write frontline cannot confirm yet (queued, or its answer lost)."""
    unreadable: tuple[HandoffTicket, ...] = ()
    horizon: timedelta = DEFAULT_SLA_HORIZON
    ref: str = ""
    """The handoff's reference, written into every post so a retry recognises it."""
    warnings: tuple[str, ...] = ()
    """What could not be read (a ticket, the views, a tracker): the handoff says what it is missing."""

    def named_ticket_ids(self) -> frozenset[str]:
        """The tickets the next engineer is asked to look at: waiting, at risk, replied to, noted,
        escalated (not the ones merely touched and done)."""
        tickets = [
            *(t for group in self.waiting.values() for t in group),
            *self.sla_at_risk,
            *self.customer_replied,
            *(note.ticket for note in self.notes),
        ]
        return frozenset({t.id for t in tickets} | {e.ticket for e in self.escalations})

    def as_json(self) -> dict[str, Any]:
        return {
            "shift": {
                "started_at": _iso(self.started_at),
                "ended_at": _iso(self.ended_at) if self.ended_at else None,
                "engineer": self.engineer,
                "profile": self.profile,
                "helpdesk": self.helpdesk,
                "as_of": _iso(self.as_of),
            },
            "counts": self.counts.as_json(),
            "touched": [t.as_json() for t in self.touched],
            "escalations": [e.as_json() for e in self.escalations],
            "waiting": {
                who: [t.as_json() for t in self.waiting.get(who, ())]
                for who in (WaitingOn.CUSTOMER, WaitingOn.US, WaitingOn.ENGINEERING)
            },
            "sla_at_risk": [t.as_json() for t in self.sla_at_risk],
            "sla_horizon_hours": self.horizon.total_seconds() / 3600,
            "customer_replied": [t.as_json() for t in self.customer_replied],
            "notes": [n.as_json() for n in self.notes],
            "pending": [t.as_json() for t in self.pending],
            "unreadable": [t.as_json() for t in self.unreadable],
            "ref": self.ref,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ShiftFacts:
    """What `summarize` reads: the journal and what the helpdesk and trackers say now.

    Args:
        threads: each touched ticket's thread as read now (missing: it could not be read).
        view_tickets: the engineer's views' tickets (for SLAs at risk beyond the touched ones).
        escalations: the profile's escalation records, bug statuses as last read.
        me_id: the engineer's helpdesk id (their own comments are not the customer's).
    """

    shift: Shift
    journal: Sequence[JournalEntry]
    threads: Mapping[str, TicketThread]
    as_of: datetime
    helpdesk: str = ""
    engineer: str = ""
    view_tickets: Sequence[Ticket] = ()
    escalations: Sequence[EscalationRecord] = ()
    me_id: str | None = None
    horizon: timedelta = DEFAULT_SLA_HORIZON
    ref: str = ""


def summarize(facts: ShiftFacts) -> Handoff:
    """The handoff for a shift; deterministic for the same facts."""
    journal = sorted(facts.journal, key=lambda e: (e.at, e.id or 0))
    by_ticket = _lines_by_ticket(journal)
    entries = {ticket_id: _ticket_entry(ticket_id, lines, facts) for ticket_id, lines in by_ticket.items()}
    touched = tuple(sorted(entries.values(), key=_by_key))
    escalations = _escalations(journal, facts)
    open_bug_tickets = {e.ticket for e in escalations if e.status.casefold() not in DONE_BUG_STATUSES}
    open_bug_tickets |= {
        r.ticket_id
        for r in facts.escalations
        if r.bug_key and r.bug_status.casefold() not in DONE_BUG_STATUSES
    }
    waiting: dict[str, list[HandoffTicket]] = {
        WaitingOn.CUSTOMER: [],
        WaitingOn.US: [],
        WaitingOn.ENGINEERING: [],
    }
    for ticket in touched:
        who = _waiting_on(ticket, open_bug_tickets)
        if who is not None:
            waiting[who].append(ticket)
    landed = [line for line in journal if line.landed]
    counts = Counts(
        touched=len(touched),
        replied=len({line.ticket_id for line in landed if line.replied}),
        noted=len({line.ticket_id for line in landed if line.noted}),
        solved=len({line.ticket_id for line in landed if line.solved}),
        escalated=len({e.ticket for e in escalations}),
    )
    notes = tuple(
        HandoffNote(ticket=entries[line.ticket_id], text=line.text, at=line.at)
        for line in journal
        if line.kind is JournalKind.NOTE and line.ticket_id in entries
    )
    return Handoff(
        profile=facts.shift.profile,
        helpdesk=facts.helpdesk,
        started_at=facts.shift.started_at,
        ended_at=facts.shift.ended_at,
        as_of=facts.as_of,
        engineer=facts.engineer or facts.shift.engineer,
        counts=counts,
        touched=touched,
        escalations=escalations,
        waiting={who: tuple(tickets) for who, tickets in waiting.items()},
        sla_at_risk=_sla_at_risk(entries, facts),
        customer_replied=tuple(
            sorted(
                (t for t in touched if t.customer_replied_at is not None),
                key=lambda t: (t.customer_replied_at, t.key, t.id),
            )
        ),
        notes=notes,
        pending=tuple(t for t in touched if any(line.pending for line in by_ticket[t.id])),
        unreadable=tuple(t for t in touched if not t.readable),
        horizon=facts.horizon,
        ref=facts.ref,
    )


def _lines_by_ticket(journal: Iterable[JournalEntry]) -> dict[str, list[JournalEntry]]:
    by_ticket: dict[str, list[JournalEntry]] = {}
    for line in journal:
        if line.ticket_id is None or line.kind is JournalKind.PUBLISHED:
            continue
        if line.purpose is WritePurpose.HANDOFF:
            continue  # the handoff posted on its collecting ticket is not work on that ticket
        by_ticket.setdefault(line.ticket_id, []).append(line)
    return by_ticket


def _ticket_entry(ticket_id: str, lines: list[JournalEntry], facts: ShiftFacts) -> HandoffTicket:
    thread = facts.threads.get(ticket_id)
    actions = tuple(line.describe() for line in lines if line.kind is not JournalKind.OPENED) or ("opened",)
    last_touched = max(line.at for line in lines)
    subject = next((line.subject for line in reversed(lines) if line.subject), "")
    if thread is None:
        return HandoffTicket(
            id=ticket_id,
            key=f"#{ticket_id}",
            subject=subject,
            status="unknown",
            url=None,
            actions=actions,
            last_touched_at=last_touched,
            readable=False,
        )
    return replace(
        _entry(thread.ticket, facts.as_of),
        actions=actions,
        last_touched_at=last_touched,
        customer_replied_at=_customer_replied_after(thread, last_touched, facts.me_id),
    )


def _entry(ticket: Ticket, as_of: datetime) -> HandoffTicket:
    sla = ticket.sla
    due = sla.due_at if sla is not None and not sla.paused else None
    if sla is not None and sla.breached_at is not None and not sla.paused and due is None:
        due = sla.breached_at
    return HandoffTicket(
        id=ticket.id,
        key=ticket.display_key,
        subject=journal_subject(ticket.subject),
        status=ticket.status.label,
        url=ticket.url,
        priority=ticket.priority.value if ticket.priority is not None else None,
        sla_due_at=due,
        sla_breached=sla.is_breached(as_of) if sla is not None else False,
    )


def _customer_replied_after(thread: TicketThread, since: datetime, me_id: str | None) -> datetime | None:
    """When the customer last wrote, if that was after the engineer last touched the ticket."""
    latest: Comment | None = None
    since = since.replace(microsecond=0)  # helpdesks stamp comments to the second: same second counts
    for comment in thread.comments:
        if comment.public and _from_customer(comment, thread.ticket, me_id) and comment.created_at >= since:
            latest = comment if latest is None or comment.created_at > latest.created_at else latest
    return latest.created_at if latest is not None else None


def _from_customer(comment: Comment, ticket: Ticket, me_id: str | None) -> bool:
    author = comment.author
    if author is None or (me_id is not None and author.id == me_id):
        return False
    if ticket.requester is not None and author.id == ticket.requester.id:
        return True
    return (author.role or "").casefold() in CUSTOMER_ROLES


def _escalations(journal: Sequence[JournalEntry], facts: ShiftFacts) -> tuple[HandoffEscalation, ...]:
    """Bugs filed or linked this shift, with their status as last read from the tracker."""
    records = {(r.ticket_id, r.bug_key): r for r in facts.escalations if r.bug_key}
    found: dict[tuple[str, str], HandoffEscalation] = {}
    for line in journal:
        if line.kind not in (JournalKind.ESCALATED, JournalKind.LINKED) or line.ticket_id is None:
            continue
        key = line.detail.get("bug", "")
        record = records.get((line.ticket_id, key))
        thread = facts.threads.get(line.ticket_id)
        found[(line.ticket_id, key)] = HandoffEscalation(
            ticket=line.ticket_id,
            key=key,
            url=(record.bug_url if record else None) or line.detail.get("url", ""),
            status=(record.bug_status if record else "") or "unknown",
            title=record.bug_title if record else "",
            subject=journal_subject(thread.ticket.subject) if thread else line.subject,
            ticket_url=thread.ticket.url if thread else None,
            created=line.kind is JournalKind.ESCALATED,
            tracker=line.detail.get("target", record.target if record else ""),
        )
    return tuple(sorted(found.values(), key=lambda e: (e.key, e.ticket)))


def _waiting_on(ticket: HandoffTicket, open_bug_tickets: set[str]) -> str | None:
    status = ticket.status
    if status in (Status.SOLVED.value, Status.CLOSED.value, "unknown"):
        return None
    if status == Status.PENDING.value:
        return WaitingOn.CUSTOMER
    if status == Status.HOLD.label or ticket.id in open_bug_tickets:
        return WaitingOn.ENGINEERING
    return WaitingOn.US


def _sla_at_risk(entries: Mapping[str, HandoffTicket], facts: ShiftFacts) -> tuple[HandoffTicket, ...]:
    """Open tickets, touched or in the engineer's views, breached or breaching within the horizon."""
    candidates = dict(entries)
    for ticket in facts.view_tickets:
        if ticket.id not in candidates:
            candidates[ticket.id] = _entry(ticket, facts.as_of)
    deadline = facts.as_of + facts.horizon
    risky = [
        t
        for t in candidates.values()
        if t.readable
        and t.status in {s.label for s in _OPEN}
        and (t.sla_breached or (t.sla_due_at is not None and t.sla_due_at <= deadline))
    ]
    far = datetime.max.replace(tzinfo=facts.as_of.tzinfo)
    return tuple(sorted(risky, key=lambda t: (t.sla_due_at or far, t.key, t.id)))


def _by_key(ticket: HandoffTicket) -> tuple[int, str, str]:
    digits = ticket.id.isdigit()
    return (0 if digits else 1, ticket.id.zfill(20) if digits else ticket.id, ticket.key)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
