"""Escalation rules with an in-memory tracker and helpdesk: one bug, one note, one tag, whatever happens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from support.fake_tracker import FakeTracker

from frontline.bootstrap import Session, session_for_helpdesk
from frontline.domain.clock import fixed_clock
from frontline.domain.escalation import (
    ESCALATED_TAG,
    BugReport,
    EscalationFields,
    TicketRef,
    cited_bug_keys,
)
from frontline.domain.models import Ticket, TicketUpdate
from frontline.errors import ConfigError, NotFound, PartiallyApplied, WriteOutcomeUnknown
from frontline.services.escalation import Escalations, Target
from frontline.services.outbox import IN_FLIGHT_ELSEWHERE
from frontline.store.db import Store
from frontline.store.escalations import EscalationStore

TICKET = "1000"
JIRA = Target(name="eng", kind="jira", display_name="Jira", project="ENG", labels=("from-support",))
OTHER = Target(name="web", kind="github", display_name="GitHub", project="acme/web")


def escalations_on(session: Session, tracker: FakeTracker, *targets: Target) -> Escalations:
    return Escalations(
        session.desk,
        targets or (JIRA,),
        lambda target: tracker,
        session.escalation_records,
        helpdesk_kind="zendesk",
        helpdesk_url="https://acme.zendesk.com",
        clock=fixed_clock(FIXED_NOW),
    )


def session_on(helpdesk: FakeHelpdesk, data_dir: Path) -> Session:
    return session_for_helpdesk(
        helpdesk, profile_name="test", data_dir=data_dir, clock=fixed_clock(FIXED_NOW)
    )


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return session_for_helpdesk(
        FakeHelpdesk(), profile_name="test", data_dir=tmp_path, clock=fixed_clock(FIXED_NOW)
    )


def notes_citing(helpdesk: FakeHelpdesk, key: str) -> int:
    return sum(1 for c in helpdesk.comments[TICKET] if not c.public and key in c.body)


async def test_a_ticket_becomes_one_bug_linked_both_ways(session: Session) -> None:
    tracker = FakeTracker()
    helpdesk = session.helpdesk
    assert isinstance(helpdesk, FakeHelpdesk)
    fields = EscalationFields(steps="1. Reset the password\n2. Sign in", expected="Signed in", actual="500")

    result = await escalations_on(session, tracker).escalate(TICKET, fields)

    assert result.created and result.bug.key == "ENG-1" and result.bug.tracker == "eng"
    _, report = tracker.bugs["ENG-1"]
    assert report.title == "Cannot log in after password reset (ZD #1000)"
    assert "## Steps to reproduce" in report.body and "> Hello, cannot log in" in report.body
    assert report.body.endswith("<!-- frontline:zendesk:acme:1000 -->")
    assert report.labels == ("from-support", "zd-acme-1000")
    assert tracker.links == [("ENG-1", "frontline:zendesk:acme:ticket:1000")]
    assert notes_citing(helpdesk, "ENG-1") == 1
    assert {ESCALATED_TAG, "jira_eng_1"} <= set(result.ticket.tags)

    again = await escalations_on(session, tracker).escalate(TICKET, fields)

    assert not again.created and again.bug.key == "ENG-1"
    assert tracker.creates == 1 and notes_citing(helpdesk, "ENG-1") == 1
    assert len(helpdesk.updates) == 1, "nothing more to write on the ticket"


async def test_a_create_whose_answer_was_lost_is_found_not_filed_again(session: Session) -> None:
    tracker = FakeTracker(lose_next_create=True)
    result = await escalations_on(session, tracker).escalate(TICKET, EscalationFields())
    assert result.created and result.bug.key == "ENG-1"
    assert tracker.creates == 1 and len(tracker.bugs) == 1


async def test_a_lost_create_that_cannot_be_found_yet_is_looked_for_before_filing_again(
    tmp_path: Path,
) -> None:
    helpdesk = FakeHelpdesk()
    first = session_for_helpdesk(
        helpdesk, profile_name="test", data_dir=tmp_path, clock=fixed_clock(FIXED_NOW)
    )
    tracker = FakeTracker(lose_next_create=True, hide_lost=True)

    with pytest.raises(WriteOutcomeUnknown, match="will not file a second one"):
        await escalations_on(first, tracker).escalate(TICKET, EscalationFields())
    record = EscalationStore(Store.open(tmp_path)).get("test", TICKET, "eng")
    assert record is not None and record.state == "filing"
    await first.aclose()

    tracker.hide_lost = False  # the tracker's handles show it now; a restarted frontline runs again
    restarted = session_for_helpdesk(
        helpdesk, profile_name="test", data_dir=tmp_path, clock=fixed_clock(FIXED_NOW)
    )
    result = await escalations_on(restarted, tracker).escalate(TICKET, EscalationFields())

    assert result.bug.key == "ENG-1" and not result.created
    assert tracker.creates == 1 and notes_citing(helpdesk, "ENG-1") == 1
    assert tracker.finds[-1][2] is True, "an attempt in doubt waits for a lagging index before filing"
    await restarted.aclose()


async def test_a_bug_the_tickets_note_and_tag_name_is_offered_to_the_tracker(tmp_path: Path) -> None:
    """Escalated on another machine (no local record here): the keys its note and tag cite go to the
    tracker as known keys, confirmed there by reads that do not lag like its search index."""
    helpdesk, tracker = FakeHelpdesk(), FakeTracker()
    await escalations_on(session_on(helpdesk, tmp_path / "one"), tracker).escalate(TICKET, EscalationFields())

    result = await escalations_on(session_on(helpdesk, tmp_path / "two"), tracker).escalate(
        TICKET, EscalationFields()
    )

    assert not result.created and tracker.creates == 1
    assert tracker.finds[-1][1] == ("ENG-1",)


class LosingHelpdesk(FakeHelpdesk):
    """Loses the answer to the first write before applying it: it may still land, nobody can tell yet."""

    lost = False

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        if not self.lost:
            self.lost = True
            raise WriteOutcomeUnknown("The connection failed after the change was sent.")
        return await super().update_ticket(ticket_id, update)


async def test_a_note_that_may_still_land_is_not_posted_twice(tmp_path: Path) -> None:
    helpdesk, tracker = LosingHelpdesk(), FakeTracker()
    session = session_on(helpdesk, tmp_path)
    with pytest.raises(WriteOutcomeUnknown):
        await escalations_on(session, tracker).escalate(TICKET, EscalationFields())

    with pytest.raises(WriteOutcomeUnknown, match="will not post it twice"):
        await escalations_on(session, tracker).escalate(TICKET, EscalationFields())
    assert helpdesk.updates == [], "nothing is sent while the first note may land"

    later = FIXED_NOW + IN_FLIGHT_ELSEWHERE + timedelta(minutes=1)  # it did not: the outbox gives it up
    result = await escalations_on(
        session_for_helpdesk(helpdesk, profile_name="test", data_dir=tmp_path, clock=fixed_clock(later)),
        tracker,
    ).escalate(TICKET, EscalationFields())
    assert not result.created and tracker.creates == 1 and notes_citing(helpdesk, "ENG-1") == 1


class SplitHelpdesk(FakeHelpdesk):
    """Writes the note and the tags in two requests (as JSM does) and loses the tags the first time."""

    split = False

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        if not self.split and update.comment is not None and update.tags_add:
            self.split = True
            await super().update_ticket(ticket_id, update.model_copy(update={"tags_add": ()}))
            raise PartiallyApplied(
                "The note went through, the tags did not.", applied=("note",), not_applied=("tags",)
            )
        return await super().update_ticket(ticket_id, update)


async def test_tags_missing_after_the_note_landed_are_added_without_a_second_note(tmp_path: Path) -> None:
    helpdesk = SplitHelpdesk()
    result = await escalations_on(session_on(helpdesk, tmp_path), FakeTracker()).escalate(
        TICKET, EscalationFields()
    )
    assert {ESCALATED_TAG, "jira_eng_1"} <= set(result.ticket.tags)
    assert notes_citing(helpdesk, "ENG-1") == 1
    assert [(u.comment is not None, u.tags_add) for _, u in helpdesk.updates] == [
        (True, ()),
        (False, (ESCALATED_TAG, "jira_eng_1")),
    ]


async def test_linking_to_an_existing_bug_files_nothing(session: Session) -> None:
    tracker = FakeTracker()
    other = TicketRef(helpdesk="zendesk", site="acme", ticket_id="999")
    existing = await tracker.create_bug(BugReport(title="Known (ZD #999)", body="…", ticket=other))

    result = await escalations_on(session, tracker).escalate(TICKET, EscalationFields(), link_to=existing.key)

    assert not result.created and result.bug.key == existing.key and tracker.creates == 1
    assert tracker.links == [(existing.key, "frontline:zendesk:acme:ticket:1000")]
    assert isinstance(session.helpdesk, FakeHelpdesk)
    assert notes_citing(session.helpdesk, existing.key) == 1


async def test_targets_default_to_the_last_one_used(session: Session) -> None:
    escalations = escalations_on(session, FakeTracker(), JIRA, OTHER)
    assert escalations.target().name == "eng"
    await escalations.escalate(TICKET, EscalationFields(), target_name="web")
    assert escalations.target().name == "web"
    with pytest.raises(ConfigError, match=r"no escalation target 'nope'.*eng, web"):
        escalations.target("nope")


async def test_new_context_goes_to_the_existing_bug_as_a_comment(session: Session) -> None:
    tracker = FakeTracker()
    escalations = escalations_on(session, tracker)
    with pytest.raises(NotFound, match="escalate it first"):
        await escalations.add_context(TICKET, "more")
    await escalations.escalate(TICKET, EscalationFields())
    await escalations.add_context(TICKET, "Customer says it also fails on mobile.")
    assert tracker.comments == [("ENG-1", "Customer says it also fails on mobile.")]
    assert [bug.key for bug in escalations.linked_bugs(TICKET)] == ["ENG-1"]


def test_bug_keys_cited_in_notes_and_tags_are_recognised() -> None:
    texts = ["Escalated to Jira ENG-42: https://acme.atlassian.net/browse/ENG-42", "jira_eng_7", "see ABC-1"]
    assert cited_bug_keys(texts, ["ENG"]) == ["ENG-42", "ENG-7"]


def test_a_note_naming_a_longer_key_does_not_count_as_citing_a_shorter_one() -> None:
    from frontline.services.escalation import _cites

    assert _cites("Escalated to Jira ENG-3: https://acme.atlassian.net/browse/ENG-3", "ENG-3")
    assert not _cites("Escalated to Jira ENG-31: https://acme.atlassian.net/browse/ENG-31", "ENG-3")
    assert _cites("Escalated to GitHub acme/app#4: https://github.com/acme/app/issues/4", "acme/app#4")
    assert not _cites("Escalated to GitHub acme/app#46", "acme/app#4")
