"""The journal survives the app being killed: a real child frontline is killed (SIGKILL) mid-send; on the next
start the shift is still running from its real start, and the journal claims the reply exactly when the
helpdesk turns out to have it (settled from the sandbox's record by the outbox), never before."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from support.exactly_once import Probe, probe_for, sandbox_session, wait_until_async

from frontline.domain.clock import utc_now
from frontline.domain.shift import JournalKind
from frontline.sandbox.server import SandboxServer
from frontline.services.outbox import IN_FLIGHT_ELSEWHERE

CHILD = Path(__file__).parent.parent / "support" / "child_send.py"


@pytest.fixture
def probe(sandbox: SandboxServer) -> Iterator[Probe]:
    with probe_for(sandbox, "zendesk") as probe:
        yield probe


async def read_line(child: asyncio.subprocess.Process, word: str) -> None:
    assert child.stdout is not None and child.stderr is not None
    while True:
        line = await asyncio.wait_for(child.stdout.readline(), 30)
        if not line:
            raise AssertionError(f"the child ended: {(await child.stderr.read()).decode()}")
        if line.decode().strip() == word:
            return


@pytest.mark.parametrize("hold", [False, True], ids=["after the request left", "before it left"])
async def test_the_journal_survives_kill_9_and_claims_the_reply_only_if_it_landed(
    sandbox: SandboxServer, probe: Probe, hold: bool
) -> None:
    target, text = probe.target, "Restarted the sync job; your data is back."
    before = sandbox_session(sandbox, target.kind)
    started = await before.shift.start()
    await before.aclose()
    if not hold:
        probe.arm_on("latency:ms=1500", target.comment_write)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        target.kind,
        sandbox.urls[target.kind],
        sandbox.email,
        sandbox.token,
        target.ticket_id,
        text,
        *(["--hold-before-send"] if hold else []),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ.copy(),
    )
    await read_line(child, "holding" if hold else "sending")
    if not hold:
        await wait_until_async(lambda: bool(probe.comment_writes(text)), "the reply to reach the sandbox")
    os.kill(child.pid, signal.SIGKILL)
    assert await child.wait() == -signal.SIGKILL
    if not hold:
        await wait_until_async(lambda: probe.comments_with(text) == 1, "the sandbox to apply the reply")

    later = sandbox_session(
        sandbox, target.kind, clock=lambda: utc_now() + IN_FLIGHT_ELSEWHERE + timedelta(seconds=30)
    )
    shift = later.shift.current()
    assert shift is not None and shift.id == started.id and shift.started_at == started.started_at
    (line,) = [entry for entry in later.shift.status().lines if entry.kind is JournalKind.WRITE]
    assert line.pending and not line.replied, "in flight when killed: not claimed yet"

    await later.desk.outbox.reconcile()
    (line,) = [entry for entry in later.shift.status().lines if entry.kind is JournalKind.WRITE]
    assert line.replied is (not hold), "claimed exactly when the helpdesk has it"
    assert line.landed is (not hold)
    await later.aclose()
