"""The queue's bug cells and the status reads behind them: local records and cited keys, no request per row,
a bounded round at most every few minutes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from support.apps import make_session
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from support.fake_tracker import FakeTracker

from frontline.bootstrap import Session
from frontline.domain.escalation import Bug, BugReport, EscalationRecord, TicketRef
from frontline.services.escalation import Escalations, Target
from frontline.ui import bug_links
from frontline.ui.bug_links import BugLinks

ENG = Target(name="eng", kind="jira", display_name="Jira", project="ENG")


@dataclass
class CountingTracker(FakeTracker):
    """Counts the reads a status refresh makes."""

    reads: list[str] = field(default_factory=list)

    async def get_bug(self, key: str) -> Bug:
        self.reads.append(key)
        return await super().get_bug(key)


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


def escalating_session(tmp_path: Path, tracker: FakeTracker, clock: Clock) -> Session:
    session = make_session(FakeHelpdesk(), data_dir=tmp_path, clock=clock)
    session.escalations = Escalations(
        session.desk,
        [ENG],
        lambda target: tracker,
        session.escalation_records,
        helpdesk_kind="zendesk",
        helpdesk_url="https://acme.zendesk.com",
        clock=clock,
    )
    return session


async def recorded_bugs(session: Session, tracker: FakeTracker, count: int) -> None:
    """Tickets 1000.. each escalated to its own bug, on record here."""
    for n in range(count):
        ref = TicketRef(helpdesk="zendesk", site="acme", ticket_id=str(1000 + n))
        bug = await tracker.create_bug(BugReport(title=f"bug {n}", body="", ticket=ref, labels=(ref.label,)))
        session.escalation_records().put(
            EscalationRecord(
                profile="test",
                ticket_id=ref.ticket_id,
                target="eng",
                state="done",
                started_at=FIXED_NOW,
                updated_at=FIXED_NOW,
                bug_key=bug.key,
                bug_url=bug.url,
                bug_status=bug.status,
            )
        )


async def test_a_status_round_is_bounded_and_reads_the_least_recently_read_first(tmp_path: Path) -> None:
    tracker, clock = CountingTracker(), Clock()
    session = escalating_session(tmp_path, tracker, clock)
    await recorded_bugs(session, tracker, 30)
    links = BugLinks(session)
    tickets = [await session.helpdesk.get_ticket(str(1000 + n)) for n in range(30)]

    assert links.round_due()
    assert await links.refresh_round(tickets) == bug_links.MAX_STATUS_READS
    first = list(tracker.reads)
    assert len(first) == bug_links.MAX_STATUS_READS and not links.round_due()

    clock.now += timedelta(seconds=bug_links.STATUS_REFRESH_SECONDS)
    assert links.round_due()
    tracker.reads.clear()
    await links.refresh_round(tickets)
    assert set(tracker.reads[:10]).isdisjoint(first)  # the ten not read last time come first


async def test_cells_show_the_key_and_the_status_when_it_fits(tmp_path: Path) -> None:
    tracker, clock = FakeTracker(), Clock()
    session = escalating_session(tmp_path, tracker, clock)
    await recorded_bugs(session, tracker, 1)
    tracker.set_status("ENG-1", "Done")
    links = BugLinks(session)
    ticket = await session.helpdesk.get_ticket("1000")
    assert links.cell(ticket, 10) == "ENG-1"  # the status last seen is "To Do": too long
    assert await links.refresh_round([ticket]) == 1
    assert links.cell(ticket, 10) == "ENG-1 Done"
    assert links.cell(ticket, 6) == "ENG-1"

    tagged = ticket.replace(id="1001", tags=("billing", "jira_eng_1"))
    assert links.cell(tagged, 10) == "ENG-1"  # cited by its tag: no record here
    assert links.cell(ticket.replace(id="1002", tags=("jira_ops_9",)), 10) is None


def test_github_keys_are_shortened_for_the_cell() -> None:
    assert bug_links.short_key("acme/app#17") == "app#17"
    assert bug_links.short_key("ENG-42") == "ENG-42"


async def test_without_targets_nothing_is_read(tmp_path: Path) -> None:
    session = make_session(FakeHelpdesk(), data_dir=tmp_path)
    links = BugLinks(session)
    ticket = await session.helpdesk.get_ticket("1000")
    assert links.cell(ticket.replace(tags=("jira_eng_1",)), 10) is None
    assert links.for_ticket(ticket) == [] and not links.round_due()
    assert not session._stores_opened  # the local database is not even opened for it
