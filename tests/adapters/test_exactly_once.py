"""Never lost, never sent twice: every sandbox fault on every write path, over real HTTP, Zendesk and JSM.

Each test arms one fault on the first write request of a reply, an internal note, a status change, or a
reply with a status change, sends it as the console does (from a saved draft, through the outbox), and
checks three things: the outcome said is the truth (sent, `NotSent`, `PartiallyApplied`, refused), the
sandbox's request log and its record of the ticket show the write landed exactly once or not at all,
and the draft is in exactly one place. Then the fault clears and whatever is left to do is done once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from support.exactly_once import (
    Probe,
    Target,
    assert_one_home,
    draft_for,
    drafts_of,
    entries_for,
    probe_for,
    sandbox_session,
    send,
    wait_until_async,
)
from support.sandbox_control import SleepRecorder

from frontline.bootstrap import Session
from frontline.domain.clock import utc_now
from frontline.domain.models import Status, TicketUpdate
from frontline.domain.outbox import WriteState
from frontline.errors import AuthError, NotSent, PartiallyApplied, WriteOutcomeUnknown
from frontline.sandbox.server import SandboxServer
from frontline.services.outbox import IN_FLIGHT_ELSEWHERE

KINDS = ("zendesk", "jsm")
PATHS = ("reply", "note", "status", "reply+status")
FAULTS = {
    "latency": "latency:ms=250",
    "429": "429:retry_after=3",
    "503": "5xx:status=503",
    "reset": "reset",
    "timeout": "timeout:seconds=3",
    "malformed": "malformed",
    "drop_after_commit": "drop_after_commit",
    "token_expiry": "token_expiry",
}
READ_TIMEOUT = 0.5
"""The client's read timeout in the `timeout` case: it gives up long before the sandbox answers."""


def expected(kind: str, path: str, fault: str) -> str:
    """What an honest client says when `fault` hits the first write request of `path`."""
    if fault in ("latency", "429"):
        return "sent"
    if fault in ("503", "reset", "timeout"):
        # The sandbox answers or cuts before applying anything, but a client cannot know that: the
        # helpdesk may still be applying it. Unknown until it has had time to land.
        return "unknown"
    if fault == "token_expiry":
        return "refused"
    # malformed, drop_after_commit: the write landed and its answer was lost
    if kind == "jsm" and path == "reply+status":
        return "partial"  # the comment POST landed; the transition never ran
    return "sent"


def text_for(kind: str, path: str, fault: str) -> str:
    return f"Fix deployed ({kind} {path} under {fault}); please retry and tell us."


@pytest.fixture(params=KINDS)
def probe(request: pytest.FixtureRequest, sandbox: SandboxServer) -> Iterator[Probe]:
    with probe_for(sandbox, request.param) as probe:
        yield probe


def assert_landed_once_or_not(probe: Probe, path: str, text: str, *, comment: int, status: int) -> None:
    """The request log and the stored ticket agree on how often each part landed."""
    if "reply" in path or path == "note":
        assert probe.landed_comments(text) == comment, probe.comment_writes(text)
        assert probe.comments_with(text) == comment
    if "status" in path:
        assert probe.landed_status_writes() == status, probe.status_writes()


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("path", PATHS)
async def test_a_fault_on_the_write_lands_it_once_or_says_it_did_not(
    sandbox: SandboxServer, probe: Probe, path: str, fault: str
) -> None:
    target = probe.target
    sleeps = SleepRecorder()
    read_timeout = READ_TIMEOUT if fault == "timeout" else None
    session = sandbox_session(sandbox, target.kind, sleeps=sleeps, read_timeout=read_timeout)
    await session.desk.connect()
    text = text_for(target.kind, path, fault)
    draft = draft_for(target, path, text, utc_now())
    probe.arm_on(FAULTS[fault], target.comment_write if path != "status" else target.status_write)

    error = await send(session, draft)

    outcome = expected(target.kind, path, fault)
    entry = assert_one_home(session, target, draft)
    if outcome == "sent":
        assert error is None and entry.state is WriteState.SENT
        assert_landed_once_or_not(probe, path, text, comment=1, status=1)
        if fault == "429":
            assert sleeps.delays == [3], "the throttled write waited and went once"
        assert await session.desk.outbox.reconcile() == [], "nothing left in flight to resend"
    elif outcome == "partial":
        assert isinstance(error, PartiallyApplied) and error.not_applied == ("status pending",)
        assert entry.state is WriteState.PARTIAL
        assert_landed_once_or_not(probe, path, text, comment=1, status=0)
        probe.clear()
        ticket = await session.desk.submit(target.ticket_id, TicketUpdate(status=Status.PENDING))
        assert ticket.status is Status.PENDING
    else:
        if outcome == "unknown":
            assert isinstance(error, WriteOutcomeUnknown) and not isinstance(error, NotSent), error
            assert entry.state is WriteState.UNKNOWN
        else:
            assert isinstance(error, AuthError), error
        assert_landed_once_or_not(probe, path, text, comment=0, status=0)
        probe.clear()
        if fault == "token_expiry":  # signed in again: a new session on the same data dir
            await session.aclose()
            probe.rotate_token("signed-in-again")
            session = sandbox_session(sandbox, target.kind, token="signed-in-again")
        else:  # later: it had time to land and did not, so it is given back
            await session.aclose()
            session = later_session(sandbox, target.kind)
            (settled,) = await session.desk.outbox.reconcile(target.ticket_id)
            assert settled.state is WriteState.FAILED
        restored = drafts_of(session).load(target.profile, target.ticket_id)
        assert restored is not None
        assert await send(session, restored) is None
        assert states(session, target) == [WriteState.FAILED, WriteState.SENT]
    assert_landed_once_or_not(probe, path, text, comment=1, status=1)
    assert drafts_of(session).load(target.profile, target.ticket_id) is None
    await session.aclose()


def later_session(sandbox: SandboxServer, kind: str) -> Session:
    """A session on the same data dir, started after a write in doubt has had time to land."""
    return sandbox_session(
        sandbox, kind, clock=lambda: utc_now() + IN_FLIGHT_ELSEWHERE + timedelta(seconds=30)
    )


def states(session: Session, target: Target) -> list[WriteState]:
    """The states of the ticket's outbox entries, oldest first."""
    return [e.state for e in entries_for(session, target)]


@pytest.fixture
async def session(sandbox: SandboxServer, probe: Probe) -> AsyncIterator[Session]:
    """A connected session on the probe's helpdesk."""
    session = sandbox_session(sandbox, probe.target.kind)
    await session.desk.connect()
    yield session
    await session.aclose()


async def test_a_customers_same_words_do_not_make_a_failed_reply_sent(probe: Probe, session: Session) -> None:
    """The customer wrote "Thank you!" after the agent opened the ticket (so it is not among the comments
    known then); the agent's "Thank you!" is answered 502 and did not land: it is not sent."""
    target, text = probe.target, "Thank you!"
    known = [c.id for c in (await session.desk.open_ticket(target.ticket_id)).comments]
    probe.customer_says(text)
    probe.arm_on("5xx:status=502", target.comment_write)
    draft = draft_for(target, "reply", text, utc_now())

    error = await send(session, draft, known_comment_ids=known)

    assert isinstance(error, WriteOutcomeUnknown) and not isinstance(error, NotSent), error
    assert probe.landed_comments(text) == 0 and probe.comments_with(text) == 1, "only the customer's"
    assert assert_one_home(session, target, draft).state is WriteState.UNKNOWN, "not taken for sent"
    later = later_session(probe.sandbox, target.kind)
    (settled,) = await later.desk.outbox.reconcile(target.ticket_id)
    assert settled.state is WriteState.FAILED, "the customer's words are not the agent's reply"
    restored = drafts_of(later).load(target.profile, target.ticket_id)
    assert restored is not None and await send(later, restored) is None
    assert probe.landed_comments(text) == 1 and probe.comments_with(text) == 2
    await later.aclose()


@pytest.mark.parametrize("second", ["503", "reset", "drop_after_commit"])
async def test_the_same_words_twice_with_the_second_faulted_are_told_apart(
    probe: Probe, session: Session, second: str
) -> None:
    """No known comment ids (the CLI's `reply`): only the outbox history tells the two sends apart."""
    target, text = probe.target, "Thanks, that did it."
    assert await send(session, draft_for(target, "reply", text, utc_now())) is None
    probe.arm_on(FAULTS[second], target.comment_write)
    draft = draft_for(target, "reply", text, utc_now())

    error = await send(session, draft)

    entry = assert_one_home(session, target, draft)
    if second == "drop_after_commit":  # it landed: two sends, two comments, each claimed once
        assert error is None and entry.state is WriteState.SENT
        assert probe.landed_comments(text) == 2 and probe.comments_with(text) == 2
        newest = [c for c in await session.desk.adapter.list_comments(target.ticket_id) if c.body == text]
        assert entry.comment_id == newest[-1].id
    else:  # the first send's comment is not taken for the second
        assert isinstance(error, WriteOutcomeUnknown) and not isinstance(error, NotSent), error
        assert entry.state is WriteState.UNKNOWN
        assert probe.landed_comments(text) == 1 and probe.comments_with(text) == 1
        later = later_session(probe.sandbox, target.kind)
        (settled,) = await later.desk.outbox.reconcile(target.ticket_id)
        assert settled.state is WriteState.FAILED
        await later.aclose()
    assert states(session, target)[0] is WriteState.SENT


@pytest.mark.parametrize("write_fault", ["drop_after_commit", "reset"])
async def test_a_write_nobody_can_check_waits_and_is_settled_before_the_next_write(
    probe: Probe, session: Session, write_fault: str
) -> None:
    """The answer is lost and every read fails: unknown, kept out of the drafts, then settled from the
    ticket before the next write to it goes out, and never sent again."""
    target, text = probe.target, "We rolled back the release; please retry now."
    method, path = target.comment_write
    probe.arm(f"{write_fault}:count=1:method={method}:path={path},5xx:status=503:method=GET")
    draft = draft_for(target, "reply", text, utc_now())

    error = await send(session, draft)

    assert isinstance(error, WriteOutcomeUnknown) and not isinstance(error, NotSent), error
    assert assert_one_home(session, target, draft).state is WriteState.UNKNOWN
    probe.clear()
    await session.aclose()
    session = later_session(probe.sandbox, target.kind)
    await session.desk.submit(target.ticket_id, TicketUpdate(status=Status.PENDING))
    applied = write_fault == "drop_after_commit"
    first, status_change = states(session, target)
    assert first is (WriteState.SENT if applied else WriteState.FAILED)
    assert status_change is WriteState.SENT
    assert probe.landed_comments(text) == probe.comments_with(text) == int(applied)
    restored = drafts_of(session).load(target.profile, target.ticket_id)
    assert (restored is not None and restored.body == text) is not applied, "the draft is back only if lost"


async def test_a_write_the_server_applies_after_the_client_gave_up_is_not_called_not_sent(
    sandbox: SandboxServer, probe: Probe
) -> None:
    """The client's read timeout fires while the server is still applying the reply; the read-back right
    after it does not show the reply yet. Saying "not sent, sending again is safe" invites a duplicate."""
    target, text = probe.target, "Your account is unlocked; please sign in again."
    session = sandbox_session(sandbox, target.kind, read_timeout=READ_TIMEOUT)
    await session.desk.connect()
    probe.arm_on("latency:ms=1500", target.comment_write)
    draft = draft_for(target, "reply", text, utc_now())

    error = await send(session, draft)
    await wait_until_async(lambda: probe.comments_with(text) == 1, "the slow server to apply the reply")
    kept = drafts_of(session).load(target.profile, target.ticket_id)
    await session.aclose()

    assert probe.landed_comments(text) == 1
    assert not isinstance(error, NotSent), "it landed: not sent was not the truth"
    assert kept is None, "its draft came back, so the engineer would send it twice"
    later = later_session(sandbox, target.kind)
    (settled,) = await later.desk.outbox.reconcile(target.ticket_id)
    assert settled.state is WriteState.SENT
    await later.aclose()
