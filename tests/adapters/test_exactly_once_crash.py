"""Never lost, never sent twice when the process dies mid-send (kill -9 of a real child process) and when
JSM's multi-request write breaks between the comment and the status transition.

Counts come from the sandbox's request log and its record of the ticket, never from frontline.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from support.exactly_once import (
    JSM,
    Probe,
    assert_one_home,
    draft_for,
    drafts_of,
    entries_for,
    probe_for,
    sandbox_session,
    send,
    update_from,
    wait_until_async,
)

from frontline.bootstrap import Session
from frontline.domain.clock import utc_now
from frontline.domain.models import Status, TicketUpdate
from frontline.domain.outbox import WriteState
from frontline.errors import MalformedResponse, PartiallyApplied, WriteOutcomeUnknown
from frontline.sandbox.server import SandboxServer
from frontline.services.outbox import IN_FLIGHT_ELSEWHERE

CHILD = Path(__file__).parent.parent / "support" / "child_send.py"


@pytest.fixture(params=["zendesk", "jsm"])
def probe(request: pytest.FixtureRequest, sandbox: SandboxServer) -> Iterator[Probe]:
    with probe_for(sandbox, request.param) as probe:
        yield probe


@pytest.fixture
def jsm(sandbox: SandboxServer) -> Iterator[Probe]:
    with probe_for(sandbox, "jsm") as probe:
        yield probe


def restarted(sandbox: SandboxServer, kind: str) -> Session:
    """frontline started again on the same data dir, later than any other process could still be
    waiting for an answer (a `sending` entry younger than that is left to its own process)."""
    return sandbox_session(
        sandbox, kind, clock=lambda: utc_now() + IN_FLIGHT_ELSEWHERE + timedelta(seconds=30)
    )


async def spawn_send(
    sandbox: SandboxServer, probe: Probe, text: str, *, hold: bool
) -> asyncio.subprocess.Process:
    """A child frontline sending `text` as a reply (see support/child_send.py), with this test's data dir."""
    target = probe.target
    arguments = [target.kind, sandbox.urls[target.kind], sandbox.email, sandbox.token, target.ticket_id]
    flags = ["--hold-before-send"] if hold else []
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        *arguments,
        text,
        *flags,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ.copy(),
    )


async def kill_9(child: asyncio.subprocess.Process) -> None:
    os.kill(child.pid, signal.SIGKILL)
    assert await child.wait() == -signal.SIGKILL


async def child_said(child: asyncio.subprocess.Process, word: str) -> None:
    """Wait for `word` on the child's output; fail with its stderr if it ends first."""
    assert child.stdout is not None and child.stderr is not None
    while True:
        line = await asyncio.wait_for(child.stdout.readline(), 30)
        if not line:
            raise AssertionError(f"the child ended: {(await child.stderr.read()).decode()}")
        if line.decode().strip() == word:
            return


def alive(child: asyncio.subprocess.Process) -> bool:
    assert child.returncode is None, "the child ended before it was killed"
    return True


@pytest.mark.parametrize("hold", [False, True], ids=["after the request left", "before it left"])
async def test_kill_9_mid_send_is_settled_on_the_next_start_and_never_sent_twice(
    sandbox: SandboxServer, probe: Probe, hold: bool
) -> None:
    target, text = probe.target, "Restarted the sync job; your data is back."
    if not hold:
        probe.arm_on("latency:ms=1500", target.comment_write)  # the write is held in flight
    child = await spawn_send(sandbox, probe, text, hold=hold)
    if hold:
        await child_said(child, "holding")
    else:
        await child_said(child, "sending")
        await wait_until_async(
            lambda: alive(child) and bool(probe.comment_writes(text)), "the reply to reach the sandbox"
        )
    await kill_9(child)
    if hold:
        assert probe.comment_writes(text) == [], "the request never left"
    else:  # the sandbox applies what reached it, with nobody left to hear the answer
        await wait_until_async(lambda: probe.comments_with(text) == 1, "the sandbox to apply the reply")

    soon = sandbox_session(sandbox, target.kind)
    (entry,) = entries_for(soon, target)
    assert entry.state is WriteState.SENDING and entry.draft is not None and entry.draft.body == text
    assert drafts_of(soon).load(target.profile, target.ticket_id) is None, "the draft moved into the outbox"
    assert await soon.desk.outbox.reconcile() == [], "a write this recent may still be in flight elsewhere"
    await soon.aclose()

    session = restarted(sandbox, target.kind)
    (settled,) = await session.desk.outbox.reconcile()
    draft = entry.draft
    if hold:
        assert settled.state is WriteState.FAILED
        back = drafts_of(session).load(target.profile, target.ticket_id)
        assert back is not None and back.body == text, "the draft is back to send again"
        await session.desk.submit(target.ticket_id, update_from(back), draft=back)
    else:
        assert settled.state is WriteState.SENT and settled.comment_id is not None
        assert drafts_of(session).load(target.profile, target.ticket_id) is None, "not offered again"
        follow_up = draft_for(target, "reply", "One more thing: the export is back too.", utc_now())
        await session.desk.submit(target.ticket_id, update_from(follow_up), draft=follow_up)
        assert probe.landed_comments(follow_up.body) == probe.comments_with(follow_up.body) == 1
    assert probe.landed_comments(text) == probe.comments_with(text) == 1
    assert assert_one_home(session, target, draft if hold else follow_up).state is WriteState.SENT
    await session.aclose()


@pytest.mark.parametrize(
    "fault",
    [
        "token_expiry:method=GET:path=/rest/api/3/issue/SUP-3",
        "token_expiry:method=POST:path=/rest/api/3/issue/SUP-3/transitions",
    ],
    ids=["on the transition's read", "on the transition"],
)
async def test_token_expiry_between_the_jsm_comment_and_the_transition(
    sandbox: SandboxServer, jsm: Probe, fault: str
) -> None:
    text = "Deployed the fix; marking this as waiting for you."
    session = sandbox_session(sandbox, "jsm")
    await session.desk.connect()
    jsm.arm(f"{fault}:count=1")
    draft = draft_for(JSM, "reply+status", text, utc_now())

    error = await send(session, draft)

    assert isinstance(error, PartiallyApplied), error
    assert error.applied == ("reply",) and error.not_applied == ("status pending",)
    assert assert_one_home(session, JSM, draft).state is WriteState.PARTIAL
    assert jsm.landed_comments(text) == jsm.comments_with(text) == 1
    assert jsm.landed_status_writes() == 0
    await session.aclose()

    jsm.rotate_token("signed-in-again")
    session = sandbox_session(sandbox, "jsm", token="signed-in-again")
    ticket = await session.desk.submit(JSM.ticket_id, TicketUpdate(status=Status.PENDING))
    assert ticket.status is Status.PENDING
    assert [e.state for e in entries_for(session, JSM)] == [WriteState.PARTIAL, WriteState.SENT]
    assert jsm.landed_comments(text) == jsm.comments_with(text) == 1
    assert jsm.landed_status_writes() == 1
    await session.aclose()


TRANSITION_FAULTS = {
    "latency": ("latency:ms=250", "sent"),
    "429": ("429:retry_after=2", "sent"),
    "503": ("5xx:status=503", "partial"),
    "reset": ("reset", "partial"),
    "timeout": ("timeout:seconds=3", "partial"),
    "malformed": ("malformed", "sent"),
    "drop_after_commit": ("drop_after_commit", "sent"),
}


@pytest.mark.parametrize("fault", TRANSITION_FAULTS)
async def test_a_fault_on_the_jsm_transition_after_the_comment_landed_is_told_as_it_is(
    sandbox: SandboxServer, jsm: Probe, fault: str
) -> None:
    """The comment landed; the transition request is faulted: the status is reported applied only when
    the sandbox applied it, and finishing the write never posts the comment again."""
    spec, outcome = TRANSITION_FAULTS[fault]
    session = sandbox_session(sandbox, "jsm", read_timeout=0.5 if fault == "timeout" else None)
    await session.desk.connect()
    text = f"Found the cause ({fault}); setting this to waiting for you."
    draft = draft_for(JSM, "reply+status", text, utc_now())
    jsm.arm_on(spec, JSM.status_write)

    error = await send(session, draft)

    entry = assert_one_home(session, JSM, draft)
    assert jsm.landed_comments(text) == jsm.comments_with(text) == 1
    if outcome == "sent":
        assert error is None and entry.state is WriteState.SENT
        assert jsm.landed_status_writes() == 1
    else:
        assert isinstance(error, PartiallyApplied) and error.not_applied == ("status pending",), error
        assert entry.state is WriteState.PARTIAL and jsm.landed_status_writes() == 0
        jsm.clear()
        await session.desk.submit(JSM.ticket_id, TicketUpdate(status=Status.PENDING))
        assert jsm.landed_status_writes() == 1
    assert jsm.landed_comments(text) == jsm.comments_with(text) == 1
    assert (await session.desk.open_ticket(JSM.ticket_id)).ticket.status is Status.PENDING
    await session.aclose()


async def test_every_jsm_step_landed_and_only_the_re_read_failed_is_sent(
    sandbox: SandboxServer, jsm: Probe
) -> None:
    session = sandbox_session(sandbox, "jsm")
    await session.desk.connect()
    text = "Done on our side; waiting for your confirmation."
    draft = draft_for(JSM, "reply+status", text, utc_now())
    jsm.arm(f"5xx:status=503:method=GET:path=/rest/servicedeskapi/request/{JSM.ticket_id}")

    error = await send(session, draft)

    assert isinstance(error, PartiallyApplied) and error.not_applied == (), error
    assert "reading the request back failed" in error.message
    assert assert_one_home(session, JSM, draft).state is WriteState.SENT
    assert jsm.landed_comments(text) == jsm.comments_with(text) == 1
    assert jsm.landed_status_writes() == 1
    await session.aclose()


async def test_a_malformed_fault_on_an_empty_answer_garbles_it(sandbox: SandboxServer, jsm: Probe) -> None:
    session = sandbox_session(sandbox, "jsm")
    jsm.arm_on("malformed", JSM.status_write)
    try:
        with pytest.raises((MalformedResponse, WriteOutcomeUnknown)):
            await session.helpdesk.update_ticket(JSM.ticket_id, TicketUpdate(status=Status.PENDING))
    finally:
        await session.aclose()
    assert [r.fault for r in jsm.status_writes()] == ["malformed"]
