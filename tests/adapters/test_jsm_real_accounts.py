"""JSM as real accounts are, over real HTTP against the sandbox in each `--jsm-mode`.

Each hard part of a real site is one sandbox mode (`frontline.sandbox.modes.JSM_MODES`); `all` plays every
one at once. The truth each test compares against is the sandbox's own record of the request.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sandbox_fixtures import reset_all

from frontline import locations
from frontline.cli import build_parser, doctor
from frontline.connectors.jsm import JsmSettings
from frontline.connectors.jsm.client import JsmAdapter, build_jsm_adapter
from frontline.credentials import set_token
from frontline.credentials.backend import HELPDESK
from frontline.domain.models import CommentDraft, Priority, Status, Ticket, TicketUpdate
from frontline.errors import NotFound, PermissionDenied
from frontline.sandbox.atlassian import SCOPED_TOKEN, site_cloud_id
from frontline.sandbox.atlassian.records import IssueRecord
from frontline.sandbox.jsm.site import JsmSite
from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
EXPECTED_STATUS = {
    "Waiting for support": Status.OPEN,
    "In Progress": Status.OPEN,
    "Escalated": Status.OPEN,
    "Waiting for customer": Status.PENDING,
    "Pending": Status.HOLD,
    "Resolved": Status.SOLVED,
    "Closed": Status.CLOSED,
    "Canceled": Status.CLOSED,
}
"""Each sandbox status (by its English name) as an agent of JSM's own web UI means it."""
EXPECTED_PRIORITY = {"1": Priority.URGENT, "2": Priority.HIGH, "3": Priority.NORMAL, "4": Priority.LOW}
EXPECTED_PRIORITY["5"] = Priority.LOW

Servers = Callable[[str], SandboxServer]


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    """One sandbox per mode, started when first asked for, reset to its seed for every test."""
    started: dict[str, SandboxServer] = {}

    def server_for(mode: str) -> SandboxServer:
        if mode not in started:
            modes = None if mode == "default" else {"jsm": mode}
            server = SandboxServer(seed=11, tickets=160, systems=("jsm",), clock=lambda: NOW, modes=modes)
            server.start()
            started[mode] = server
        return reset_all(started[mode])

    yield server_for
    for server in started.values():
        server.stop()


@asynccontextmanager
async def jsm(server: SandboxServer) -> AsyncIterator[JsmAdapter]:
    adapter = build_jsm_adapter(server.urls["jsm"], server.email, server.token, sleep=_no_sleep)
    try:
        yield adapter
    finally:
        await adapter.aclose()


async def _no_sleep(_: float) -> None:
    return None


def site_of(server: SandboxServer) -> JsmSite:
    site = server.system("jsm").site  # type: ignore[attr-defined]
    assert isinstance(site, JsmSite)
    return site


def truth(site: JsmSite, key: str) -> IssueRecord:
    issue = site.find(key)
    assert issue is not None, key
    return issue


def expected_status(site: JsmSite, issue: IssueRecord) -> Status:
    return EXPECTED_STATUS[site.status_of(issue).untranslated]


def assert_shows_the_truth(site: JsmSite, ticket: Ticket) -> None:
    issue = truth(site, ticket.id)
    assert ticket.status is expected_status(site, issue), (ticket.id, site.status_of(issue))
    assert ticket.priority is EXPECTED_PRIORITY.get(issue.priority_id or ""), (ticket.id, issue.priority_id)
    assert abs(ticket.updated_at - issue.updated) < timedelta(milliseconds=1), ticket.id
    organization = site.organizations.get(issue.organization_id or "")
    assert (ticket.organization.name if ticket.organization else None) == (
        organization.name if organization else None
    )


def requests(server: SandboxServer, method: str, path: str) -> list[Any]:
    return server.runtime("jsm").log.select(method, path)


def inspect(server: SandboxServer, key: str) -> dict[str, Any]:
    with httpx.Client(base_url=f"{server.urls['jsm']}/__sandbox__", timeout=10) as control:
        return control.get(f"/jsm/requests/{key}").json()  # type: ignore[no-any-return]


def with_attachment(site: JsmSite) -> IssueRecord:
    """A SUP request whose thread carries a file."""
    return next(
        i
        for i in site.issues.values()
        if i.project_key == "SUP" and any(c.attachments for c in site.comments(i))
    )


def open_request(site: JsmSite, status: str = "Waiting for support", project: str = "SUP") -> str:
    """The key of a request of `project` in the status named `status` (English)."""
    for issue in site.issues.values():
        if issue.project_key == project and site.status_of(issue).untranslated == status:
            return issue.key
    raise AssertionError(f"no {project} request in {status}")


# -- 1. the queue ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["default", "sparse-queues", "localized", "priority-scheme", "all"])
async def test_the_queue_shows_status_priority_update_time_and_sla(servers: Servers, mode: str) -> None:
    server = servers(mode)
    site = site_of(server)
    async with jsm(server) as adapter:
        await adapter.list_views()
        page = await adapter.list_view_tickets("1:1", page_size=50)
        assert len(page.items) == 50
        for ticket in page.items:
            assert_shows_the_truth(site, ticket)
        breached = next(t for t in page.items if t.id == "SUP-1")
        detail = await adapter.get_ticket(breached.id)
    assert breached.sla is not None and breached.sla == detail.sla, "the queue's SLA is the request's"
    assert breached.sla.is_breached(NOW)


@pytest.mark.parametrize("mode", ["sparse-queues", "all"])
async def test_sparse_rows_are_completed_by_one_search_per_page(servers: Servers, mode: str) -> None:
    server = servers(mode)
    row = httpx.get(
        f"{server.urls['jsm']}/rest/servicedeskapi/servicedesk/1/queue/1/issue",
        auth=(server.email, server.token),
        params={"limit": 1},
    ).json()["values"][0]
    assert not {"status", "priority", "updated"} & set(row["fields"]), "the mode serves sparse rows"
    async with jsm(server) as adapter:
        first = await adapter.list_view_tickets("1:1", page_size=50)
        await adapter.list_view_tickets("1:1", first.next_cursor, page_size=50)
    searches = requests(server, "GET", "/rest/api/3/search/jql")
    assert len(searches) == 2, "one search per page of 50, not one request per ticket"
    assert "key+in+%28" in searches[0].query or "key%20in%20%28" in searches[0].query
    assert not requests(server, "GET", "/rest/api/3/issue/*")


async def test_a_scoped_token_completes_sparse_rows_through_the_gateway(servers: Servers) -> None:
    server = servers("sparse-queues")
    url = server.urls["jsm"]
    settings = JsmSettings(base_url=url, email=server.email, auth="scoped_token", gateway_url=url)
    adapter = build_jsm_adapter(url, server.email, SCOPED_TOKEN, settings=settings, sleep=_no_sleep)
    try:
        page = await adapter.list_view_tickets("1:1", page_size=50)
    finally:
        await adapter.aclose()
    for ticket in page.items:
        assert_shows_the_truth(site_of(server), ticket)
    gateway = f"/ex/jira/{site_cloud_id('jsm')}/rest/api/3/search/jql"
    assert [r.path for r in requests(server, "GET", "*/search/jql")] == [gateway]


# -- 2. desks without agent rights -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["customer-desk", "all"])
async def test_a_desk_without_agent_rights_is_skipped_and_named(servers: Servers, mode: str) -> None:
    server = servers(mode)
    async with jsm(server) as adapter:
        views = await adapter.list_views()
        assert {v.id.split(":")[0] for v in views} == {"1", "2"}
        assert [d.name for d in adapter.skipped_desks] == ["People Team"]
        assert "People Team" in adapter.notices()[0] and "agent" in adapter.notices()[0]
        with pytest.raises((NotFound, PermissionDenied)):
            await adapter.get_ticket("HR-1")
        with pytest.raises((NotFound, PermissionDenied)):
            await adapter.list_comments("HR-1")  # JSM answers an empty list; frontline does not believe it


# -- 3. statuses by category and id ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["default", "localized", "all"])
async def test_pending_lands_on_waiting_for_customer_in_any_language(servers: Servers, mode: str) -> None:
    server = servers(mode)
    site = site_of(server)
    key = open_request(site, "In Progress")
    async with jsm(server) as adapter:
        ticket = await adapter.update_ticket(key, TicketUpdate(status=Status.PENDING))
        assert ticket.status is Status.PENDING
        waiting = await adapter.get_ticket(open_request(site, "Waiting for customer"))
        assert waiting.status is Status.PENDING
    assert inspect(server, key)["status_untranslated"] == "Waiting for customer"


@pytest.mark.parametrize("mode", ["default", "escalate", "localized", "all"])
@pytest.mark.parametrize("start", ["Waiting for customer", "Resolved"])
async def test_open_never_takes_the_escalate_transition(servers: Servers, mode: str, start: str) -> None:
    server = servers(mode)
    key = open_request(site_of(server), start)
    async with jsm(server) as adapter:
        ticket = await adapter.update_ticket(key, TicketUpdate(status=Status.OPEN))
    assert ticket.status is Status.OPEN
    assert inspect(server, key)["status_untranslated"] == "Waiting for support"
    sent = [
        r.body["transition"]["id"] for r in requests(server, "POST", f"/rest/api/3/issue/{key}/transitions")
    ]
    assert sent and "41" not in sent


@pytest.mark.parametrize("mode", ["default", "resolution-screen", "localized", "all"])
async def test_solving_lands_with_a_resolution(servers: Servers, mode: str) -> None:
    server = servers(mode)
    key = open_request(site_of(server), "In Progress")
    async with jsm(server) as adapter:
        ticket = await adapter.update_ticket(key, TicketUpdate(status=Status.SOLVED))
    assert ticket.status is Status.SOLVED
    held = inspect(server, key)
    assert held["status_untranslated"] == "Resolved"
    posted = requests(server, "POST", f"/rest/api/3/issue/{key}/transitions")[-1].body
    if mode in ("resolution-screen", "all"):
        assert held["resolution"] == "Done", "Done is picked although the screen offers Won't Do first"
        assert posted["fields"] == {"resolution": {"id": "10000"}}
    else:
        assert "fields" not in posted, "no screen, no fields"


# -- 4. priorities from the project's scheme ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["default", "priority-scheme", "all"])
async def test_priorities_are_written_from_the_project_scheme(servers: Servers, mode: str) -> None:
    server = servers(mode)
    site = site_of(server)
    key = open_request(site, "In Progress")
    async with jsm(server) as adapter:
        for wanted, underneath in ((Priority.HIGH, "2"), (Priority.NORMAL, "3"), (Priority.URGENT, "1")):
            ticket = await adapter.update_ticket(key, TicketUpdate(priority=wanted))
            assert ticket.priority is wanted
            assert truth(site, key).priority_id == underneath
    sent = [r.body["fields"]["priority"] for r in requests(server, "PUT", f"/rest/api/3/issue/{key}")]
    scheme = mode != "default"
    assert sent == ([{"id": "10101"}, {"id": "10102"}, {"id": "10100"}] if scheme else [
        {"id": "2"}, {"id": "3"}, {"id": "1"}
    ])  # fmt: skip


# -- 5. comment text ---------------------------------------------------------------------------------------

TYPED = (
    "Hi Ada, the *export* failed for user_name {tenant} in [EU-2] -- see the log.\n"
    "Next step? Try again! Thanks"
)
LOG = "ERROR [main] {config: *missing*}\n    at C:\\app\\run.py:12 _init_"


@pytest.mark.parametrize("mode", ["default", "all"])
async def test_comment_text_arrives_as_typed(servers: Servers, mode: str) -> None:
    server = servers(mode)
    key = open_request(site_of(server), "In Progress")
    text = f"{TYPED}\n\n{LOG}"
    async with jsm(server) as adapter:
        await adapter.update_ticket(key, TicketUpdate(comment=CommentDraft(body=text, public=True)))
        note = "Internal: _do not_ share [this]"
        await adapter.update_ticket(key, TicketUpdate(comment=CommentDraft(body=note, public=False)))
        comments = await adapter.list_comments(key)
    held = inspect(server, key)["comments"]
    assert [c["customer_sees"] for c in held[-2:]] == [text, note], "rendered as typed"
    assert [c.body for c in comments[-2:]] == [text, note], "and read back as typed"
    assert held[-2]["body"] != text, "stored as escaped wiki text"


def test_the_sandbox_renders_wiki_markup_like_jsm(servers: Servers) -> None:
    server = servers("default")
    key = open_request(site_of(server), "In Progress")
    answer = httpx.post(
        f"{server.urls['jsm']}/rest/servicedeskapi/request/{key}/comment",
        auth=(server.email, server.token),
        json={"body": TYPED, "public": True},
    )
    assert answer.status_code == 201
    seen = inspect(server, key)["comments"][-1]["customer_sees"]
    assert seen != TYPED and "Unknown macro: {tenant}" in seen and "*export*" not in seen


# -- 6. attachments, organization, inaccessible requests ---------------------------------------------------


@pytest.mark.parametrize("mode", ["default", "localized", "priority-scheme", "all"])
async def test_the_ticket_screen_has_its_facts_attachments_and_organization(
    servers: Servers, mode: str
) -> None:
    server = servers(mode)
    site = site_of(server)
    with_file = with_attachment(site)
    async with jsm(server) as adapter:
        ticket = await adapter.get_ticket(with_file.key)
        comments = await adapter.list_comments(with_file.key)
        with pytest.raises(NotFound):
            await adapter.list_comments("SUP-99999")
    assert_shows_the_truth(site, ticket)
    assert ticket.organization is not None or with_file.organization_id is None
    files = [a for c in comments for a in c.attachments]
    assert files and files[0].file_name == f"screenshot-{with_file.key}.png"
    assert files[0].content_type == "image/png" and files[0].id.isdigit() and files[0].size


# -- 7. the CLI ----------------------------------------------------------------------------------------------


def profile(server: SandboxServer) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[profiles.desk.helpdesk]\nkind = "jsm"\nbase_url = "{server.urls["jsm"]}"\n'
        f'email = "{server.email}"\nauth = "api_token"\n',
        encoding="utf-8",
    )
    set_token("desk", HELPDESK, server.token, kind="jsm")


def cli(*argv: str) -> tuple[int, Any, str]:
    args = build_parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    code = args.handler(args, out=out, err=err)
    return code, json.loads(out.getvalue()) if "--json" in argv else out.getvalue(), err.getvalue()


@pytest.mark.parametrize("mode", ["default", "sparse-queues", "customer-desk", "localized", "all"])
def test_cli_queue_and_show_json(servers: Servers, mode: str) -> None:
    server = servers(mode)
    site = site_of(server)
    profile(server)
    code, queue, err = cli("queue", "--profile", "desk", "--view", "1:1", "--limit", "20", "--json")
    assert code == 0, err
    for row in queue["tickets"]:
        issue = truth(site, row["id"])
        assert row["status"] == expected_status(site, issue).value
        expected_priority = EXPECTED_PRIORITY.get(issue.priority_id or "")
        assert row["priority"] == (expected_priority.value if expected_priority else None)
        assert datetime.fromisoformat(row["updated_at"]) - issue.updated < timedelta(milliseconds=1)
    skipped = mode in ("customer-desk", "all")
    assert bool(queue["warnings"]) is skipped and ("People Team" in err) is skipped
    issue = with_attachment(site)
    code, shown, err = cli("show", "--profile", "desk", issue.key, "--json")
    assert code == 0, err
    assert shown["ticket"]["status"] == expected_status(site, issue).value
    assert shown["ticket"]["organization"] == (
        {"id": issue.organization_id, "name": site.organizations[issue.organization_id].name}
        if issue.organization_id
        else None
    )
    files = [a["file_name"] for c in shown["comments"] for a in c["attachments"]]
    assert files == [f"screenshot-{issue.key}.png"]


def test_doctor_warns_about_the_desk_it_left_out(servers: Servers) -> None:
    profile(servers("customer-desk"))
    out = io.StringIO()
    code = doctor.run(argparse.Namespace(profile="desk", all=False), out=out)
    assert code == 0, out.getvalue()
    assert "[warn] views" in out.getvalue() and "People Team" in out.getvalue()
