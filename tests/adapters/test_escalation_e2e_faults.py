"""Escalation under faults, end to end over HTTP on the sandbox: a connection dropped after the tracker
filed the bug or after the helpdesk took the note, and a kill -9 of a real frontline process mid-way,
each leave exactly one bug, one note and one set of tags. Counts come from the sandbox, never frontline.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from support.escalation_probe import (
    APP,
    COMMUNITY,
    ENG,
    EscalationProbe,
    TrackerTarget,
    escalations_of,
    note_write,
    ticket_ref,
)
from support.exactly_once import wait_until_async

from frontline.bootstrap import Session
from frontline.domain.clock import utc_now
from frontline.domain.escalation import ESCALATED_TAG, EscalationFields, TicketRef, bug_tag
from frontline.domain.outbox import WriteState
from frontline.errors import WriteOutcomeUnknown
from frontline.sandbox.server import SandboxServer
from frontline.services.escalation import EscalationResult
from frontline.services.outbox import IN_FLIGHT_ELSEWHERE

CHILD = Path(__file__).parent.parent / "support" / "child_escalate.py"
TICKET = "29"
FIELDS = EscalationFields(steps="1. Open the invoices page", expected="It loads", actual="It times out")


@pytest.fixture
async def probe(sandbox: SandboxServer) -> AsyncIterator[EscalationProbe]:
    probe = EscalationProbe(sandbox)
    yield probe
    await probe.aclose()


async def escalate(session: Session, target: TrackerTarget, ticket_id: str = TICKET) -> EscalationResult:
    return await escalations_of(session).escalate(ticket_id, FIELDS, target_name=target.name)


def assert_exactly_once(
    probe: EscalationProbe, target: TrackerTarget, ref: TicketRef, helpdesk: str = "zendesk"
) -> str:
    """One bug for the ticket in the tracker's store, one internal note naming it, each tag once."""
    (key,) = probe.bugs_for(target, ref)
    assert probe.notes_citing(helpdesk, ref.ticket_id, key) == 1
    tags = probe.tags(helpdesk, ref.ticket_id)
    assert tags.count(ESCALATED_TAG) == tags.count(bug_tag(target.kind, key)) == 1, tags
    return key


def restarted(probe: EscalationProbe, target: TrackerTarget) -> Session:
    """frontline started again on the same data dir, later than any other process could still be waiting
    for an answer to a write it sent (the outbox leaves a younger `sending` entry to its own process)."""
    later = IN_FLIGHT_ELSEWHERE + timedelta(seconds=30)
    return probe.session(targets=(target,), clock=lambda: utc_now() + later)


# --- a connection dropped after the write was applied ---------------------------------------------------


@pytest.mark.parametrize("target", [ENG, APP, COMMUNITY], ids=["jira", "github", "github-no-push"])
async def test_a_create_dropped_after_commit_leaves_one_bug_and_one_note(
    probe: EscalationProbe, target: TrackerTarget
) -> None:
    session = probe.session(targets=(target,))
    ref = await ticket_ref(session, TICKET)
    probe.arm(target.kind, "drop_after_commit", target.create_write)

    result = await escalate(session, target)  # the lost answer is looked for, not filed again

    assert [record.fault for record in probe.creates(target)] == ["drop_after_commit"]
    assert probe.landed_creates(target) == 1
    key = assert_exactly_once(probe, target, ref)
    assert result.created and result.bug.key == key

    again = await escalate(restarted(probe, target), target)
    assert not again.created and again.bug.key == key
    assert len(probe.creates(target)) == 1
    assert assert_exactly_once(probe, target, ref) == key


@pytest.mark.parametrize(
    ("helpdesk", "ticket_id", "target"),
    [("zendesk", TICKET, ENG), ("zendesk", TICKET, APP), ("jsm", "SUP-3", ENG)],
    ids=["zendesk-jira", "zendesk-github", "jsm-jira"],
)
async def test_a_note_dropped_after_commit_is_found_on_the_ticket_not_sent_again(
    probe: EscalationProbe, helpdesk: str, ticket_id: str, target: TrackerTarget
) -> None:
    same_site = helpdesk == "jsm"
    session = probe.session(helpdesk, targets=(target,), same_site=same_site)
    ref = await ticket_ref(session, ticket_id)
    probe.arm(helpdesk, "drop_after_commit", note_write(helpdesk, ticket_id))

    result = await escalate(session, target, ticket_id)

    key = assert_exactly_once(probe, target, ref, helpdesk)
    assert result.bug.key == key
    assert [record.fault for record in probe.note_writes(helpdesk, ticket_id, key)] == ["drop_after_commit"]
    note, *rest = session.outbox().for_ticket(session.profile_name, ticket_id)
    assert note.comment_id is not None, "the note was settled from the ticket's record"
    if helpdesk == "jsm":  # the note landed, the labels (a second request) did not: added on their own
        assert note.state is WriteState.PARTIAL and note.not_applied == ("tags",)
        assert [(e.state, e.update.comment, e.update.tags_add) for e in rest] == [
            (WriteState.SENT, None, (ESCALATED_TAG, bug_tag(target.kind, key)))
        ]
    else:
        assert note.state is WriteState.SENT and rest == []

    later = probe.session(helpdesk, targets=(target,), same_site=same_site)
    again = await escalate(later, target, ticket_id)
    assert not again.created and again.bug.key == key
    assert len(probe.note_writes(helpdesk, ticket_id, key)) == 1
    assert assert_exactly_once(probe, target, ref, helpdesk) == key


async def test_a_remote_link_dropped_after_commit_is_upserted_once(probe: EscalationProbe) -> None:
    session = probe.session(targets=(ENG,))
    ref = await ticket_ref(session, TICKET)
    probe.arm("jira", "drop_after_commit", ("POST", "/rest/api/3/issue/*/remotelink"))

    with pytest.raises(WriteOutcomeUnknown):
        await escalate(session, ENG)
    again = await escalate(session, ENG)  # the engineer runs it again

    key = assert_exactly_once(probe, ENG, ref)
    assert again.bug.key == key and len(probe.creates(ENG)) == 1
    issue = probe.jira().site.find(key)
    assert issue is not None
    assert [link.global_id for link in issue.remote_links] == [ref.global_id]


# --- kill -9 of a frontline process mid-escalation ------------------------------------------------------


async def spawn_escalation(
    probe: EscalationProbe, target: TrackerTarget, ticket_id: str = TICKET
) -> asyncio.subprocess.Process:
    """A child frontline escalating the ticket (support/child_escalate.py), on this test's data dir."""
    profile = json.dumps(probe.profile("zendesk", (target,)))
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        profile,
        probe.sandbox.token,
        ticket_id,
        target.name,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ.copy(),
    )


async def kill_9_when(child: asyncio.subprocess.Process, arrived: Callable[[], bool], what: str) -> None:
    """Kill the child (SIGKILL) as soon as `arrived` holds: the sandbox's request log shows `what`."""
    await wait_until_async(lambda: child.returncode is not None or arrived(), what)
    if child.returncode is not None:
        assert child.stderr is not None
        raise AssertionError(f"the child ended before {what}: {(await child.stderr.read()).decode()}")
    os.kill(child.pid, signal.SIGKILL)
    assert await child.wait() == -signal.SIGKILL


@pytest.mark.parametrize("target", [ENG, APP], ids=["jira", "github"])
async def test_kill_9_while_the_create_is_in_flight_leaves_one_bug_and_one_note(
    probe: EscalationProbe, target: TrackerTarget
) -> None:
    probe.arm(target.kind, "latency:ms=1500", target.create_write)  # the create is held in flight
    child = await spawn_escalation(probe, target)
    await kill_9_when(child, lambda: bool(probe.creates(target)), "the create to reach the tracker")
    session = probe.session(targets=(target,))
    ref = await ticket_ref(session, TICKET)
    # The tracker files what reached it, with nobody left to hear the answer.
    await wait_until_async(lambda: len(probe.bugs_for(target, ref)) == 1, "the tracker to file the bug")
    record = escalations_of(session).repository.get(session.profile_name, TICKET, target.name)
    assert record is not None and record.state == "filing" and record.bug_key is None
    (key,) = probe.bugs_for(target, ref)
    assert probe.notes_citing("zendesk", TICKET, key) == 0

    result = await escalate(session, target)  # an attempt in doubt: looked for (and waited for) first

    assert result.bug.key == key and len(probe.creates(target)) == 1
    assert assert_exactly_once(probe, target, ref) == key
    again = await escalate(restarted(probe, target), target)
    assert not again.created and again.bug.key == key
    assert len(probe.creates(target)) == 1 and assert_exactly_once(probe, target, ref) == key


@pytest.mark.parametrize("landed", [True, False], ids=["restarted after it landed", "restarted before"])
async def test_kill_9_while_the_note_is_in_flight_leaves_one_note(
    probe: EscalationProbe, landed: bool
) -> None:
    write = note_write("zendesk", TICKET)
    # The note (and tags) held in flight, long enough for the restart to look before it lands.
    probe.arm("zendesk", f"latency:ms={1500 if landed else 3000}", write)
    child = await spawn_escalation(probe, ENG)
    await kill_9_when(child, lambda: bool(probe.requests("zendesk", write)), "the note to reach Zendesk")
    session = probe.session(targets=(ENG,))
    ref = await ticket_ref(session, TICKET)
    (key,) = probe.bugs_for(ENG, ref)
    assert len(probe.note_writes("zendesk", TICKET, key)) == 1

    if landed:
        await wait_until_async(lambda: probe.notes_citing("zendesk", TICKET, key) == 1, "the note to land")
    else:  # the dead process's note may still land: nothing is sent while it may
        with pytest.raises(WriteOutcomeUnknown, match="not post it twice"):
            await escalate(session, ENG)
        assert len(probe.note_writes("zendesk", TICKET, key)) == 1
        await wait_until_async(lambda: probe.notes_citing("zendesk", TICKET, key) == 1, "the note to land")
    result = await escalate(session, ENG)

    assert result.bug.key == key and not result.created
    assert len(probe.note_writes("zendesk", TICKET, key)) == 1
    assert assert_exactly_once(probe, ENG, ref) == key
    later = restarted(probe, ENG)
    (settled,) = await later.desk.outbox.reconcile(TICKET)
    assert settled.state is WriteState.SENT, "the dead process's note is found on the ticket"
    assert len(probe.creates(ENG)) == 1
