"""The flows frontline performs on Zendesk, JSM and Jira, over real HTTP against the sandbox, every request
through a validating transport (`support.request_validation`), for `adapters/test_request_validation.py`.

A flow is what a command or the console does (read a queue, reply, escalate, publish a handoff), driven
through a real session (`frontline.bootstrap.build_session`) or a connector built by the registry, with
the `Env`'s transport injected. Each run names its sandbox: the seeded one or one playing every hard part
of real accounts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontline.bootstrap import Session, build_session
from frontline.config import HandoffSettings, ProfileSettings
from frontline.connectors.jira import JiraSettings
from frontline.connectors.jira.client import JiraTracker
from frontline.connectors.jsm import JsmSettings
from frontline.connectors.jsm.client import JsmAdapter
from frontline.connectors.jsm.reading import ROW_FIELDS, complete_rows
from frontline.connectors.registry import build_helpdesk, build_tracker
from frontline.connectors.zendesk.client import ZendeskAdapter
from frontline.connectors.zendesk.login import AuthorizationRequest
from frontline.connectors.zendesk.oauth import TokenEndpoint
from frontline.domain.escalation import BugReport, EscalationFields, TicketRef
from frontline.domain.models import CommentDraft, Priority, Status, TicketUpdate
from frontline.errors import TicketClosed, WriteOutcomeUnknown
from frontline.sandbox.atlassian import SCOPED_TOKEN
from frontline.sandbox.context import SANDBOX_OAUTH_CLIENT_ID
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk.system import ZendeskSystem
from support.escalation_probe import ENG, EscalationProbe, OneAtlassianSite, escalations_of
from support.request_validation import RequestValidator
from support.sandbox_control import SleepRecorder
from support.zendesk_oauth import free_port

ZD, JSM, JIRA = "zendesk", "jsm", "jira"
TICKET, JSM_TICKET = "29", "SUP-1"
"""Zendesk #29 and JSM SUP-1: requesters, agents' notes, attachments; the escalation tests' tickets."""
FIELDS = EscalationFields(
    steps="1. Open the invoices page\n2. Wait 30 seconds",
    expected="The invoices list loads",
    actual="A timeout, and orders are lost",
    severity="High: production is down",
)


# --- the environment a flow runs in -----------------------------------------------------------------


@dataclass
class Env:
    """The sandbox, the validator every request of the flow goes through, and what to close."""

    sandbox: SandboxServer
    data_dir: Path
    validator: RequestValidator = field(init=False)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        systems = {httpx.URL(url).netloc.decode(): name for name, url in self.sandbox.urls.items()}
        self.validator = RequestValidator(systems)

    def transport(self, *, one_site: bool = False) -> httpx.AsyncBaseTransport:
        """The validating transport; `one_site` serves JSM and Jira as one Atlassian site, each request
        validated once it is addressed to the system that answers it (so Jira's are recorded as Jira's)."""
        if not one_site:
            return self.validator.transport()
        site = OneAtlassianSite(self.sandbox.urls[JIRA], ENG.project)
        # OneAtlassianSite only sends through its inner transport and closes it.
        site.inner = self.validator.transport(site.inner)  # type: ignore[assignment]
        return site

    def session(
        self, helpdesk: str, *, same_site: bool = False, handoff: HandoffSettings | None = None
    ) -> Session:
        """A real session with Jira's ENG as its escalation target, as `EscalationProbe` builds them."""
        site = self.sandbox.urls[helpdesk] if same_site else None
        profile = ProfileSettings.model_validate(
            EscalationProbe(self.sandbox).profile(helpdesk, [ENG], site=site)
        )
        session = build_session(
            f"demo-{helpdesk}",
            profile.helpdesk,
            self.sandbox.token,
            escalation=profile.escalation,
            tracker_token=lambda entry: self.sandbox.token,
            handoff=handoff,
            webhook_url=lambda destination: "",
            transport=self.transport(one_site=same_site),
            data_dir=self.data_dir,
        )
        self.closers.append(session.aclose)
        return session

    def zendesk(self, token: str | None = None, **options: Any) -> ZendeskAdapter:
        adapter = build_helpdesk(
            ZD,
            base_url=self.sandbox.urls[ZD],
            email=self.sandbox.email,
            token=token or self.sandbox.token,
            transport=self.transport(),
            **options,
        )
        assert isinstance(adapter, ZendeskAdapter)
        self.closers.append(adapter.aclose)
        return adapter

    def jsm(self, token: str | None = None, **settings: Any) -> JsmAdapter:
        jsm_settings = JsmSettings(base_url=self.sandbox.urls[JSM], email=self.sandbox.email, **settings)
        adapter = build_helpdesk(
            JSM,
            base_url=jsm_settings.base_url,
            email=jsm_settings.email,
            token=token or self.sandbox.token,
            settings=jsm_settings,
            transport=self.transport(),
            sleep=SleepRecorder(),
        )
        assert isinstance(adapter, JsmAdapter)
        self.closers.append(adapter.aclose)
        return adapter

    def jira(self, token: str | None = None, **settings: Any) -> JiraTracker:
        values: dict[str, Any] = {
            "name": "eng",
            "base_url": self.sandbox.urls[JIRA],
            "project": ENG.project,
            "email": self.sandbox.email,
            "labels": list(ENG.labels),
            "components": list(ENG.components),
        }
        tracker = build_tracker(
            JiraSettings(**{**values, **settings}),
            token or self.sandbox.token,
            transport=self.transport(),
            sleep=SleepRecorder(),
        )
        assert isinstance(tracker, JiraTracker)
        self.closers.append(tracker.aclose)
        return tracker

    def zendesk_store(self) -> ZendeskSystem:
        system = self.sandbox.system(ZD)
        assert isinstance(system, ZendeskSystem)
        return system

    async def aclose(self) -> None:
        while self.closers:
            await self.closers.pop()()


# --- the flows --------------------------------------------------------------------------------------


async def zendesk_desk(env: Env) -> None:
    """The console's Zendesk work: who am I, views, a view page by page, its count, a ticket and its
    conversation, a reply with every field change, macros and a preview."""
    session = env.session(ZD)
    desk = session.desk
    me = await desk.connect()
    views = await desk.views()
    assert views
    adapter = session.helpdesk
    first = await adapter.list_view_tickets(views[0].id, page_size=2)
    assert first.next_cursor is not None, "the view pages"
    second = await adapter.list_view_tickets(views[0].id, first.next_cursor, page_size=2)
    assert second.items and {t.id for t in second.items}.isdisjoint(t.id for t in first.items)
    await adapter.view_count(views[0].id)
    thread = await desk.open_ticket(TICKET)
    await desk.requester_tickets(thread.ticket)
    update = TicketUpdate(
        comment=CommentDraft(body="We are looking into it.", public=True),
        status=Status.PENDING,
        priority=Priority.HIGH,
        assignee_id=me.id,
        tags_add=("needs-eng",),
        tags_remove=tuple(thread.ticket.tags[:1]),
        revision=thread.ticket.stamp,
    )
    ticket = await desk.submit(TICKET, update, known_comment_ids=[c.id for c in thread.comments])
    assert ticket.status is Status.PENDING and "needs-eng" in ticket.tags
    note = TicketUpdate(comment=CommentDraft(body="Internal: checking logs.", public=False))
    await desk.submit(TICKET, note, known_comment_ids=[c.id for c in thread.comments])
    macros = await desk.macros()
    assert macros
    await desk.preview_macro(TICKET, macros[0].id)
    assert await desk.assignees(thread.ticket)  # assignable groups, then agents and admins
    # A fresh connection reads the macro itself before previewing it.
    await env.zendesk().preview_macro(TICKET, macros[-1].id)
    # A person the sideloads leave out (a deleted user) is asked for with users/show_many.
    env.zendesk_store().store.ticket(int(TICKET))["assignee_id"] = 987654321
    await desk.open_ticket(TICKET)


async def zendesk_oauth(env: Env) -> None:
    """An OAuth sign-in: the code exchanged at the token endpoint, refreshed once, then a request
    signed with the access token."""
    endpoint = TokenEndpoint(
        env.sandbox.urls[ZD],
        SANDBOX_OAUTH_CLIENT_ID,
        relogin="Sign in again.",
        transport=env.validator.sync_transport(),
    )
    sign_in = AuthorizationRequest.start(endpoint, scope="read write", port=free_port())
    redirect = httpx.get(sign_in.url, follow_redirects=False, timeout=10)  # the browser, not frontline
    assert redirect.status_code == 302, redirect.text
    query = dict(httpx.URL(redirect.headers["location"]).params)
    tokens = sign_in.exchange(endpoint, sign_in.code_from(query))
    assert tokens.refresh_token is not None
    fresh = endpoint.refresh(tokens.refresh_token)
    me = await env.zendesk(fresh.access_token, oauth=True).whoami()
    assert me.email == env.sandbox.email


async def jsm_desk(env: Env) -> None:
    """The console's JSM work: who am I, desks and queues, a queue page by page, its count, a request
    and its comments, a reply and an internal note, priority and labels, assignee, and a status change
    through the workflow."""
    session = env.session(JSM)
    desk = session.desk
    me = await desk.connect()
    views = await desk.views()
    assert views
    adapter = session.helpdesk
    first = await adapter.list_view_tickets(views[0].id, page_size=2)
    assert first.next_cursor is not None, "the queue pages"
    await adapter.list_view_tickets(views[0].id, first.next_cursor, page_size=2)
    await adapter.view_count(views[0].id)
    thread = await desk.open_ticket(JSM_TICKET)
    known = [c.id for c in thread.comments]
    reply = TicketUpdate(comment=CommentDraft(body="We are looking into it.", public=True))
    await desk.submit(JSM_TICKET, reply, known_comment_ids=known)
    thread = await desk.open_ticket(JSM_TICKET)
    update = TicketUpdate(
        comment=CommentDraft(body="Internal: checking logs.", public=False),
        priority=Priority.HIGH,
        assignee_id=me.id,
        tags_add=("needs-eng",),
        tags_remove=tuple(thread.ticket.tags[:1]),
        status=Status.PENDING,
    )
    ticket = await desk.submit(JSM_TICKET, update, known_comment_ids=[c.id for c in thread.comments])
    assert ticket.priority is Priority.HIGH and "needs-eng" in ticket.tags
    assert ticket.status is Status.PENDING
    assert await desk.assignees(ticket, "priya")  # the assignable-user search for the issue
    choice = (await desk.status_choices(ticket))[0]  # the issue's own transitions
    await desk.submit(JSM_TICKET, choice.update(ticket.stamp))
    # A fresh connection opens a queue by its id (a profile's `views`): it asks the desk for its project.
    fresh = env.jsm()
    await fresh.list_view_tickets(views[0].id, page_size=2)
    sparse = [{"id": "20001", "key": JSM_TICKET, "fields": {"summary": "a queue without columns"}}]
    completed = await complete_rows(fresh.client, sparse, ROW_FIELDS)  # one search for the page
    assert "status" in completed[0]["fields"]


async def zendesk_followup(env: Env) -> None:
    """A reply to a closed ticket is refused (422), and goes out as a follow-up ticket instead."""
    env.zendesk_store().store.ticket(int(TICKET))["status"] = "closed"
    session = env.session(ZD)
    thread = await session.desk.open_ticket(TICKET)
    reply = TicketUpdate(comment=CommentDraft(body="Is it fixed for you?", public=True))
    with pytest.raises(TicketClosed):
        await session.desk.submit(TICKET, reply, known_comment_ids=[c.id for c in thread.comments])
    followup = await session.desk.create_followup(TICKET, "Is it fixed for you?", public=True)
    assert followup.id != TICKET


async def atlassian_scoped(env: Env) -> None:
    """Scoped tokens: JSM and Jira through the gateway (`/ex/jira/{cloudId}`), after the site's
    `/_edge/tenant_info`."""
    gateway = {"auth": "scoped_token"}
    adapter = env.jsm(SCOPED_TOKEN, gateway_url=env.sandbox.urls[JSM], **gateway)
    await adapter.whoami()
    await adapter.get_ticket(JSM_TICKET)
    tracker = env.jira(SCOPED_TOKEN, gateway_url=env.sandbox.urls[JIRA], **gateway)
    await tracker.get_bug("ENG-1")


async def jira_tracker(env: Env) -> None:
    """Jira as the escalation target, call by call: the create screen, create, read back, the remote
    link, finding the bug again (by a known key, by search), similar bugs, comments."""
    tracker = env.jira()
    ticket = TicketRef(
        helpdesk=ZD,
        site="acme",
        ticket_id="35436",
        url="https://acme.zendesk.com/agent/tickets/35436",
        title="Checkout fails for EU cards",
    )
    report = BugReport(
        title="Checkout fails for EU cards (ZD #35436)",
        body="Steps:\n\n1. Pay with an EU card\n\n**Expected** a receipt.",
        ticket=ticket,
        labels=("customer-impact",),
        components=("Billing",),
        priority="High",
    )
    bug = await tracker.create_bug(report)
    await tracker.link_ticket(bug, ticket)
    assert await tracker.find_bug_for_ticket(ticket) is not None
    stranger = TicketRef(helpdesk=ZD, site="acme", ticket_id="1", title="Another ticket")
    # A known key without the ticket's label: its remote links are asked by globalId.
    assert await tracker.find_bug_for_ticket(stranger, known=[bug.key], settle=False) is None
    await tracker.similar_bugs("checkout fails EU cards")
    posted = await tracker.add_comment(bug.key, "The customer confirmed the **fix**.")
    assert posted is not None
    assert await tracker.find_comment(bug.key, "confirmed the") == posted


async def escalation_zendesk(env: Env) -> None:
    """`frontline escalate` from Zendesk to Jira, end to end."""
    session = env.session(ZD)
    result = await escalations_of(session).escalate(TICKET, FIELDS, target_name=ENG.name)
    assert result.created and result.bug.key.startswith("ENG-")


async def escalation_jsm_same_site(env: Env) -> None:
    """`frontline escalate` from JSM to Jira on the same Atlassian site: the issues are related too."""
    session = env.session(JSM, same_site=True)
    result = await escalations_of(session).escalate(JSM_TICKET, FIELDS, target_name=ENG.name)
    assert result.created and result.bug.key.startswith("ENG-")


async def handoff_jira(env: Env) -> None:
    """A shift's handoff published as a comment on a Jira issue, its answer lost on the way back
    (drop after commit): the publisher reads the issue's comments to settle it, and posts once."""
    handoff = HandoffSettings.model_validate(
        {"destinations": [{"name": "eng-jira", "kind": JIRA, "issue": "ENG-1"}]}
    )
    session = env.session(ZD, handoff=handoff)
    await session.shift.start()
    thread = await session.desk.open_ticket(TICKET)
    session.shift.opened(thread.ticket)
    written = await session.handoff.write(include_views=False)
    shift = session.handoff.shift_to_hand_off()
    publisher = session.publisher
    assert publisher is not None
    EscalationProbe(env.sandbox).arm(JIRA, "drop_after_commit", ("POST", "/rest/api/3/issue/ENG-1/comment"))
    try:
        first = await publisher.publish(written, shift, "eng-jira")
        assert first.posted_now, "found by reading the issue's comments back"
    except WriteOutcomeUnknown:
        pass
    again = await publisher.publish(written, shift, "eng-jira")
    assert not again.posted_now


FLOWS: dict[str, Callable[[Env], Awaitable[None]]] = {
    flow.__name__: flow
    for flow in (
        zendesk_desk,
        zendesk_followup,
        zendesk_oauth,
        jsm_desk,
        atlassian_scoped,
        jira_tracker,
        escalation_zendesk,
        escalation_jsm_same_site,
        handoff_jira,
    )
}
SEEDED, REAL_ACCOUNTS = "seeded", "real-accounts"
"""The sandboxes a flow runs on: the seeded, friendly one, and one playing every hard part of real
accounts (`frontline.sandbox.modes`: custom statuses, views that ignore `include`, localized JSM
statuses, a project's own priority scheme, ...), which sends other requests (`tickets/show_many`,
`custom_statuses`, `custom_status_id` in writes)."""
RUNS = [f"{name}@{SEEDED}" for name in FLOWS] + [
    f"{name}@{REAL_ACCOUNTS}" for name in ("zendesk_desk", "zendesk_followup", "jsm_desk")
]
