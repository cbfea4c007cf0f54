"""`summarize`: every section of the handoff from a journal and the tickets as they are now, deterministic."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from frontline.domain.escalation import EscalationRecord
from frontline.domain.handoff import ShiftFacts, summarize
from frontline.domain.models import Comment, Person, SlaTarget, Status, Ticket, TicketThread
from frontline.domain.outbox import WriteState
from frontline.domain.shift import JournalEntry, JournalKind, Shift

START = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
AS_OF = START + timedelta(hours=8)
ME = Person(id="9", name="Ada Lovelace", email="ada@example.com", role="agent")
SHIFT = Shift(id="s1", profile="acme", started_at=START)
BUG_URL = "https://jira/ENG-7"


def customer(ticket_id: str) -> Person:
    return Person(id=f"c{ticket_id}", name=f"Customer {ticket_id}", role="end-user")


def ticket(
    ticket_id: str, status: Status, *, sla_in: timedelta | None = None, paused: bool = False
) -> Ticket:
    sla = SlaTarget(due_at=AS_OF + sla_in, paused=paused) if sla_in is not None else None
    return Ticket(
        id=ticket_id,
        subject=f"Subject {ticket_id}",
        status=status,
        requester=customer(ticket_id),
        created_at=START - timedelta(days=1),
        updated_at=START,
        sla=sla,
        url=f"https://acme.zendesk.com/agent/tickets/{ticket_id}",
    )


def thread(t: Ticket, *comments: Comment) -> TicketThread:
    return TicketThread(ticket=t, comments=comments)


def said(author: Person, at: datetime, *, public: bool = True) -> Comment:
    return Comment(id=f"{author.id}-{at.timestamp()}", author=author, body="…", public=public, created_at=at)


def line(kind: JournalKind, ticket_id: str, minutes: int, **fields: object) -> JournalEntry:
    return JournalEntry(
        kind=kind,
        at=START + timedelta(minutes=minutes),
        profile="acme",
        ticket_id=ticket_id,
        subject=f"Subject {ticket_id}",
        shift_id="s1",
        **fields,  # type: ignore[arg-type]
    )


def wrote(ticket_id: str, minutes: int, state: WriteState, **detail: str) -> JournalEntry:
    return line(
        JournalKind.WRITE,
        ticket_id,
        minutes,
        detail={"purpose": "reply", "what": "w", **detail},
        write_state=state,
        outbox_id=f"o{ticket_id}{minutes}",
    )


JOURNAL = [
    line(JournalKind.OPENED, "1", 0),
    wrote("1", 5, WriteState.SENT, public="yes", status="solved"),
    wrote("2", 10, WriteState.SENT, public="no"),
    line(JournalKind.OPENED, "3", 20),
    line(
        JournalKind.ESCALATED, "4", 30, detail={"bug": "ENG-7", "url": "https://jira/ENG-7", "target": "eng"}
    ),
    wrote("4", 31, WriteState.SENT, public="no", purpose="escalation"),
    wrote("5", 40, WriteState.FAILED, public="yes"),
    wrote("6", 50, WriteState.UNKNOWN, public="yes"),
    line(JournalKind.NOTE, "2", 60, text="Waiting for the customer's HAR file"),
    line(JournalKind.OPENED, "7", 70),
]
THREADS = {
    "1": thread(ticket("1", Status.SOLVED, sla_in=-timedelta(hours=1))),
    "2": thread(
        ticket("2", Status.PENDING, sla_in=timedelta(hours=2)),
        said(customer("2"), START + timedelta(hours=3)),  # after the note at +60 min
    ),
    "3": thread(ticket("3", Status.OPEN), said(customer("3"), START - timedelta(hours=1))),
    "4": thread(ticket("4", Status.OPEN)),
    "5": thread(ticket("5", Status.NEW, sla_in=timedelta(hours=5))),
    "6": thread(ticket("6", Status.OPEN, sla_in=timedelta(hours=1), paused=True)),
    "7": thread(ticket("7", Status.HOLD), said(ME, START + timedelta(hours=5))),
}
VIEW = [
    ticket("100", Status.OPEN, sla_in=-timedelta(minutes=30)),  # breached, never touched
    ticket("101", Status.OPEN, sla_in=timedelta(hours=6)),  # beyond the horizon
    ticket("102", Status.SOLVED, sla_in=-timedelta(hours=3)),  # solved: not at risk
]
RECORDS = [
    EscalationRecord(
        profile="acme",
        ticket_id="4",
        target="eng",
        state="done",
        started_at=START,
        updated_at=START,
        bug_key="ENG-7",
        bug_url=BUG_URL,
        bug_title="Checkout times out",
        bug_status="In Progress",
        created=True,
    )
]


def facts(journal: list[JournalEntry] = JOURNAL) -> ShiftFacts:
    return ShiftFacts(
        shift=SHIFT,
        journal=journal,
        threads=THREADS,
        as_of=AS_OF,
        helpdesk="Zendesk",
        engineer="Ada Lovelace <ada@example.com>",
        view_tickets=VIEW,
        escalations=RECORDS,
        me_id=ME.id,
        ref="acme-s1",
    )


def ids(tickets: object) -> list[str]:
    return [t.id for t in tickets]  # type: ignore[attr-defined]


def test_counts_claim_only_what_landed_and_count_tickets() -> None:
    counts = summarize(facts()).counts
    assert counts.as_json() == {"touched": 7, "replied": 1, "noted": 1, "solved": 1, "escalated": 1}


def test_open_tickets_are_grouped_by_whom_they_wait_on() -> None:
    waiting = summarize(facts()).waiting
    assert ids(waiting["customer"]) == ["2"]
    assert ids(waiting["us"]) == ["3", "5", "6"]
    assert ids(waiting["engineering"]) == ["4", "7"], "an open bug, or on-hold"


def test_escalations_carry_the_bug_and_its_status_as_last_read() -> None:
    (escalation,) = summarize(facts()).escalations
    assert escalation.as_json()["ticket"] == "4"
    assert (escalation.key, escalation.url, escalation.status) == (
        "ENG-7",
        "https://jira/ENG-7",
        "In Progress",
    )


def test_slas_at_risk_cover_touched_tickets_and_the_views_within_the_horizon() -> None:
    risky = summarize(facts()).sla_at_risk
    assert ids(risky) == ["100", "2"], "breached first, then due within 4 hours; paused and solved are not"
    assert risky[0].sla_breached and not risky[1].sla_breached


def test_a_customer_reply_after_the_engineer_last_touched_the_ticket_is_named() -> None:
    handoff = summarize(facts())
    (replied,) = handoff.customer_replied
    assert replied.id == "2" and replied.customer_replied_at == START + timedelta(hours=3)


def test_notes_pending_writes_and_the_json_contract() -> None:
    handoff = summarize(facts())
    data = handoff.as_json()
    assert set(data["shift"]) >= {"started_at", "ended_at", "engineer"}
    assert set(data["counts"]) == {"touched", "replied", "noted", "solved", "escalated"}
    assert set(data["waiting"]) == {"customer", "us", "engineering"}
    for key in ("escalations", "sla_at_risk", "customer_replied", "notes"):
        assert key in data
    (note,) = data["notes"]
    assert note["id"] == "2" and note["text"] == "Waiting for the customer's HAR file"
    for entry in [*data["touched"], *data["sla_at_risk"], *data["customer_replied"], note]:
        assert {"id", "subject", "status", "url"} <= set(entry)
    assert set(data["escalations"][0]) >= {"ticket", "key", "url", "status"}
    assert ids(handoff.pending) == ["6"], "the unknown write is not claimed, and is flagged"


def test_the_same_journal_and_tickets_give_the_same_handoff_in_any_order() -> None:
    expected = json.dumps(summarize(facts()).as_json(), sort_keys=True)
    shuffled = list(JOURNAL)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert json.dumps(summarize(facts(shuffled)).as_json(), sort_keys=True) == expected


def test_a_ticket_that_cannot_be_read_is_listed_with_what_the_journal_knows() -> None:
    missing = {**THREADS}
    del missing["3"]
    handoff = summarize(ShiftFacts(shift=SHIFT, journal=JOURNAL, threads=missing, as_of=AS_OF))
    (unread,) = handoff.unreadable
    assert unread.id == "3" and unread.subject == "Subject 3" and unread.status == "unknown"
    assert "3" not in ids(handoff.waiting["us"])


def test_the_handoff_posted_on_its_collecting_ticket_does_not_count_as_work_on_it() -> None:
    posted = wrote("11", 90, WriteState.SENT, public="no", purpose="handoff", what="internal note")
    handoff = summarize(facts([*JOURNAL, posted]))
    assert "11" not in ids(handoff.touched) and handoff.counts.touched == 7
    assert posted.describe() == "handoff posted as an internal note"


def test_the_tickets_named_for_the_next_engineer_are_the_ones_that_need_them() -> None:
    named = summarize(facts()).named_ticket_ids()
    assert named == {"2", "3", "4", "5", "6", "7", "100"}, "waiting, at risk, replied, noted, escalated"
    assert "1" not in named, "solved and not at risk: nothing left to do"
