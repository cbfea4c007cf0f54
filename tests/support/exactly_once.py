"""Exactly-once checks over real HTTP: a session on the sandbox, faults armed on one write request, and
counts read from the sandbox's request log and its own record of the ticket (never from frontline).

A write "landed" when the sandbox's handler ran it: a 2xx answer (a truncated body included), or a
`drop_after_commit` fault, which applies the write and then cuts the connection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sandbox_fixtures import reset_all

from frontline.bootstrap import Session, session_for_helpdesk
from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.domain.clock import Clock, utc_now
from frontline.domain.drafts import Draft
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.ports import DraftRepository
from frontline.errors import FrontlineError
from frontline.sandbox.atlassian.records import CommentRecord
from frontline.sandbox.faults import parse_rules
from frontline.sandbox.jsm.system import JsmSystem
from frontline.sandbox.recording import RecordedRequest
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk.system import ZendeskSystem
from support.sandbox_control import SleepRecorder


@dataclass(frozen=True)
class Target:
    """One helpdesk's ticket under test and the requests that carry each part of a write."""

    kind: str
    ticket_id: str
    comment_write: tuple[str, str]
    """(method, path) of the request that posts the comment."""
    status_write: tuple[str, str]
    """(method, path) of the request that changes the status."""

    @property
    def profile(self) -> str:
        """The demo's profile name, so a session here and `frontline demo` share drafts and outbox."""
        return f"demo-{self.kind}"


def target(kind: str, ticket_id: str) -> Target:
    """Where each part of a write to `ticket_id` goes: Zendesk's one PUT, or JSM's comment POST and
    workflow transition POST."""
    if kind == "zendesk":
        return Target(
            kind, ticket_id, ("PUT", f"/api/v2/tickets/{ticket_id}"), ("PUT", f"/api/v2/tickets/{ticket_id}")
        )
    return Target(
        kind,
        ticket_id,
        ("POST", f"/rest/servicedeskapi/request/{ticket_id}/comment"),
        ("POST", f"/rest/api/3/issue/{ticket_id}/transitions"),
    )


ZENDESK = target("zendesk", "5")
JSM = target("jsm", "SUP-3")
TARGETS = {"zendesk": ZENDESK, "jsm": JSM}


def landed(record: RecordedRequest) -> bool:
    """Whether the sandbox applied this request (see the module docstring)."""
    if record.fault == "drop_after_commit":
        return True
    return record.status is not None and 200 <= record.status < 300


def carries(value: Any, text: str) -> bool:
    """Whether a JSON body holds `text` as one of its strings."""
    if isinstance(value, dict):
        return any(carries(item, text) for item in value.values())
    if isinstance(value, list):
        return any(carries(item, text) for item in value)
    return value == text


class Probe:
    """The sandbox's side of one target: its fault plan, request log and stored ticket, read in process
    (`SandboxServer.runtime` and `.system` are there for tests; a control request costs a round trip)."""

    def __init__(self, sandbox: SandboxServer, target: Target) -> None:
        self.sandbox = sandbox
        self.target = target
        self.runtime = sandbox.runtime(target.kind)

    def arm(self, spec: str) -> None:
        self.runtime.plan.replace(parse_rules(spec))

    def arm_on(self, fault: str, write: tuple[str, str]) -> None:
        """`fault` on the next request `write` names (once), e.g. the comment POST."""
        method, path = write
        self.arm(f"{fault}:count=1:method={method}:path={path}")

    def clear(self) -> None:
        self.runtime.plan.clear()

    def requests(self, method: str, path: str) -> list[RecordedRequest]:
        for _ in range(3):  # the server thread may append while this one reads
            try:
                return self.runtime.log.select(method, path)
            except RuntimeError:
                continue
        return self.runtime.log.select(method, path)

    def comment_writes(self, text: str) -> list[RecordedRequest]:
        """Every request that tried to post `text`, whatever became of it."""
        return [r for r in self.requests(*self.target.comment_write) if carries(r.body, text)]

    def landed_comments(self, text: str) -> int:
        return sum(1 for r in self.comment_writes(text) if landed(r))

    def status_writes(self) -> list[RecordedRequest]:
        """Every request that tried to change the status."""
        records = self.requests(*self.target.status_write)
        if self.target.kind == "zendesk":
            return [r for r in records if "status" in ((r.body or {}).get("ticket") or {})]
        return records

    def landed_status_writes(self) -> int:
        return sum(1 for r in self.status_writes() if landed(r))

    def stored_comments(self) -> list[tuple[str, str]]:
        """(author id, body) of each comment as the sandbox holds the ticket."""
        system = self.sandbox.system(self.target.kind)
        if isinstance(system, ZendeskSystem):
            ticket = system.store.ticket(int(self.target.ticket_id))
            return [(str(c["author_id"]), c["body"]) for c in system.store.comments(ticket)]
        assert isinstance(system, JsmSystem)
        issue = system.site.find(self.target.ticket_id)
        assert issue is not None
        return [(c.author_id, c.body) for c in system.site.comments(issue)]

    def customer_says(self, text: str) -> None:
        """A public comment from the ticket's requester, as if they wrote it just now.

        Zendesk's sandbox has a control route for this (its store's `customer_reply`); JSM's has none, so
        the comment is added to the site's record of the request directly.
        """
        system = self.sandbox.system(self.target.kind)
        if isinstance(system, ZendeskSystem):
            system.store.customer_reply(int(self.target.ticket_id), text)
            return
        assert isinstance(system, JsmSystem)
        site = system.site
        issue = site.find(self.target.ticket_id)
        assert issue is not None
        site.comments(issue).append(
            CommentRecord(site.new_comment_id(), issue.reporter_id, text, True, site.now())
        )
        site.touch(issue)

    def comments_with(self, text: str) -> int:
        return sum(1 for _, body in self.stored_comments() if body == text)

    def rotate_token(self, new_token: str) -> None:
        """Sign in again after a `token_expiry`: the old token stays revoked, `new_token` works."""
        url = f"{self.sandbox.urls[self.target.kind]}/__sandbox__/expire-token"
        httpx.post(url, json={"new_token": new_token}, timeout=10).raise_for_status()


@contextmanager
def probe_for(sandbox: SandboxServer, kind: str) -> Iterator[Probe]:
    """A probe on `kind` of the (freshly reset) `sandbox` fixture; every system is reset after it, so no
    fault or revoked token outlives the test."""
    try:
        yield Probe(sandbox, TARGETS[kind])
    finally:
        reset_all(sandbox)


class ShortReadTimeout(httpx.AsyncBaseTransport):
    """The real transport, with a short read timeout on the first write only: a `timeout` fault on it
    becomes a client-side timeout, while every other request keeps the usual patience."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.inner = httpx.AsyncHTTPTransport()
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.method != "GET":
            self.armed = False
            request.extensions["timeout"] = {**request.extensions.get("timeout", {}), "read": self.seconds}
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def sandbox_session(
    sandbox: SandboxServer,
    kind: str,
    *,
    token: str | None = None,
    clock: Clock = utc_now,
    read_timeout: float | None = None,
    sleeps: SleepRecorder | None = None,
) -> Session:
    """A real session (connector over HTTP, SQLite under the test's data dir) with the demo's profile.

    Waits asked for by the server (429) are recorded in `sleeps`, not slept.
    """
    transport = ShortReadTimeout(read_timeout) if read_timeout is not None else None
    url, email, secret = sandbox.urls[kind], sandbox.email, token or sandbox.token
    sleep = sleeps or SleepRecorder()
    if kind == "zendesk":
        adapter: Any = build_zendesk_adapter(url, email, secret, sleep=sleep, transport=transport)
    else:
        adapter = build_jsm_adapter(url, email, secret, sleep=sleep, transport=transport)
    return session_for_helpdesk(adapter, profile_name=f"demo-{kind}", clock=clock)


def drafts_of(session: Session) -> DraftRepository:
    drafts = session.drafts
    assert drafts is not None, session.store_error
    return drafts


def draft_for(target: Target, path: str, text: str, at: datetime) -> Draft:
    """The composer's draft for one write path: "reply", "note", "status" or "reply+status"."""
    status = Status.PENDING if "status" in path else None
    body = "" if path == "status" else text
    return Draft(
        profile=target.profile,
        ticket_id=target.ticket_id,
        body=body,
        public=path != "note",
        saved_at=at,
        submit_status=status,
    )


def update_from(draft: Draft) -> TicketUpdate:
    """What the composer sends for `draft`."""
    comment = CommentDraft(body=draft.body, public=draft.public) if draft.body else None
    return TicketUpdate(comment=comment, status=draft.submit_status)


async def send(
    session: Session, draft: Draft, known_comment_ids: Iterable[str] = ()
) -> FrontlineError | None:
    """Save `draft` as the composer does, then send it through the desk; the error, if any."""
    drafts_of(session).put(draft)
    try:
        await session.desk.submit(
            draft.ticket_id, update_from(draft), draft=draft, known_comment_ids=known_comment_ids
        )
    except FrontlineError as error:
        return error
    return None


def entries_for(session: Session, target: Target) -> list[OutboxEntry]:
    return session.outbox().for_ticket(target.profile, target.ticket_id)


def assert_one_home(session: Session, target: Target, draft: Draft) -> OutboxEntry:
    """The write is in exactly one place: back in the drafts (it did not land), or in the outbox as
    sent, partly sent or unknown. Returns the outbox entry."""
    entry = entries_for(session, target)[-1]
    assert entry.draft == draft, "the outbox entry holds the draft it was sent from"
    kept = drafts_of(session).load(target.profile, target.ticket_id)
    in_outbox = entry.state in (WriteState.SENT, WriteState.PARTIAL, WriteState.UNKNOWN)
    assert (kept is not None) != in_outbox, f"draft kept: {kept is not None}, entry {entry.state}"
    if kept is not None:
        assert entry.state is WriteState.FAILED
        assert (kept.body, kept.public, kept.submit_status) == (draft.body, draft.public, draft.submit_status)
    return entry


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Poll `condition` (a cheap read) until it holds; fail saying `what` was awaited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


async def wait_until_async(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """`wait_until` that lets the event loop run between polls (a send in flight on it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
