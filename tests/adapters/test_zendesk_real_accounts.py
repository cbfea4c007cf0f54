"""Zendesk as real accounts are, over real HTTP: the sandbox in each `--zendesk-mode`, read and written
by the adapter, the desk and the CLI (custom statuses, views that ignore `include`, closed tickets and
follow-ups, inline images, unverified senders, Markdown bodies)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.sandbox_control import SleepRecorder

from frontline import locations
from frontline.bootstrap import session_for_helpdesk
from frontline.cli import main
from frontline.connectors.zendesk.client import ZendeskAdapter, build_zendesk_adapter
from frontline.domain.models import CommentDraft, Status, Ticket, TicketUpdate
from frontline.errors import TicketClosed, ValidationFailed
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk.hard_parts import STATUS_BY_ID, default_status_id

TOKEN_ENV = "ZD_REAL_TOKEN"
ALL_UNSOLVED = "360006"


@pytest.fixture(scope="module")
def hard() -> Iterator[SandboxServer]:
    """A Zendesk playing every hard part of real accounts."""
    with SandboxServer(seed=11, tickets=150, systems=("zendesk",), modes={"zendesk": "all"}) as server:
        yield server


@pytest.fixture(scope="module")
def plain() -> Iterator[SandboxServer]:
    """The friendly Zendesk: no mode."""
    with SandboxServer(seed=11, tickets=60, systems=("zendesk",)) as server:
        yield server


@pytest.fixture
def control(hard: SandboxServer) -> Iterator[httpx.Client]:
    hard.runtime("zendesk").reset()
    with httpx.Client(base_url=f"{hard.urls['zendesk']}/__sandbox__", timeout=10) as client:
        yield client


@pytest.fixture
async def adapter(hard: SandboxServer, control: httpx.Client) -> AsyncIterator[ZendeskAdapter]:
    zendesk = build_zendesk_adapter(hard.urls["zendesk"], hard.email, hard.token, sleep=SleepRecorder())
    yield zendesk
    await zendesk.aclose()


def seeded(server: SandboxServer, ticket_id: str) -> dict[str, Any]:
    return dict(server.system("zendesk").store.data.tickets[int(ticket_id)])  # type: ignore[attr-defined]


def expected_label(record: dict[str, Any]) -> str | None:
    """What an agent sees beside the category: the custom status, unless it is the category's default."""
    status = STATUS_BY_ID[record["custom_status_id"]]
    return None if status.get("default") or record["status"] == "closed" else status["agent_label"]


def requests(control: httpx.Client, method: str, path: str) -> list[dict[str, Any]]:
    return control.get("/requests", params={"method": method, "path": path}).json()["requests"]


async def a_ticket(adapter: ZendeskAdapter, label: str) -> Ticket:
    page = await adapter.list_view_tickets(ALL_UNSOLVED)
    return next(t for t in page.items if t.status_label == label)


# --- the queue: status labels, SLA, organizations, groups ---------------------------------------------


async def test_the_queue_shows_custom_statuses_slas_organizations_and_groups(
    hard: SandboxServer, adapter: ZendeskAdapter, control: httpx.Client
) -> None:
    tickets: list[Ticket] = []
    cursor: str | None = None
    while True:
        page = await adapter.list_view_tickets(ALL_UNSOLVED, cursor, page_size=50)
        tickets += page.items
        if (cursor := page.next_cursor) is None:
            break
    store = hard.system("zendesk").store  # type: ignore[attr-defined]
    assert len(tickets) > 50
    for ticket in tickets:
        record = seeded(hard, ticket.id)
        assert ticket.status_label == expected_label(record), ticket.id
        org = store.data.organizations.get(record["organization_id"])
        assert (ticket.organization.name if ticket.organization else None) == (org["name"] if org else None)
        group = store.data.groups.get(record["group_id"])
        assert ticket.group == (group["name"] if group else None)
        active = [m for m in record["sla"] if m["stage"] == "active"]
        if active:
            assert ticket.sla is not None and ticket.sla.due_at is not None
            assert ticket.sla.due_at == datetime.fromtimestamp(int(active[0]["breach_at"]), UTC)
        elif any(m["stage"] == "paused" for m in record["sla"]):
            assert ticket.sla is not None and ticket.sla.paused
        else:
            assert ticket.sla is None
    assert {"Waiting on engineering", "In progress", "Waiting on customer"} <= {
        t.status_label for t in tickets
    }
    views = requests(control, "GET", f"/api/v2/views/{ALL_UNSOLVED}/tickets")
    assert len(requests(control, "GET", "/api/v2/tickets/show_many")) == len(views)  # one per page
    assert len(requests(control, "GET", "/api/v2/custom_statuses")) == 1  # read once, kept


async def test_a_view_that_honours_include_needs_no_second_request(plain: SandboxServer) -> None:
    plain.runtime("zendesk").reset()
    zendesk = build_zendesk_adapter(plain.urls["zendesk"], plain.email, plain.token)
    page = await zendesk.list_view_tickets(ALL_UNSOLVED)
    await zendesk.aclose()
    assert any(t.sla for t in page.items) and any(t.organization for t in page.items)
    assert all(t.status_label is None for t in page.items)
    paths = [r.path for r in plain.runtime("zendesk").log.select("GET", None)]
    assert "/api/v2/tickets/show_many" not in paths and "/api/v2/custom_statuses" not in paths


# --- writes keep the agent's status ---------------------------------------------------------------------


async def test_a_reply_keeps_the_custom_status(adapter: ZendeskAdapter, hard: SandboxServer) -> None:
    waiting = await a_ticket(adapter, "Waiting on engineering")
    note = TicketUpdate(
        comment=CommentDraft(body="Engineering is on it.", public=False), revision=waiting.stamp
    )
    after = await adapter.update_ticket(waiting.id, note)
    assert (after.status, after.status_label) == (Status.OPEN, "Waiting on engineering")
    same = await adapter.update_ticket(waiting.id, TicketUpdate(status=Status.OPEN, revision=after.stamp))
    assert same.status_label == "Waiting on engineering"  # the category did not change: nothing reset
    assert seeded(hard, waiting.id)["custom_status_id"] == 19000011


async def test_a_new_category_writes_its_default_custom_status(
    adapter: ZendeskAdapter, hard: SandboxServer, control: httpx.Client
) -> None:
    waiting = await a_ticket(adapter, "Waiting on engineering")
    after = await adapter.update_ticket(
        waiting.id, TicketUpdate(status=Status.PENDING, revision=waiting.stamp)
    )
    assert (after.status, after.status_label) == (Status.PENDING, None)
    (put,) = requests(control, "PUT", f"/api/v2/tickets/{waiting.id}")
    assert put["body"]["ticket"]["custom_status_id"] == default_status_id("pending")
    assert seeded(hard, waiting.id)["custom_status_id"] == default_status_id("pending")


# --- closed tickets -----------------------------------------------------------------------------------


def closed_id(server: SandboxServer) -> str:
    tickets = server.system("zendesk").store.data.tickets  # type: ignore[attr-defined]
    return str(next(t["id"] for t in tickets.values() if t["status"] == "closed"))


async def test_a_closed_ticket_refuses_with_a_follow_up_offer(
    adapter: ZendeskAdapter, hard: SandboxServer
) -> None:
    ticket_id = closed_id(hard)
    with pytest.raises(TicketClosed) as refused:
        await adapter.update_ticket(
            ticket_id, TicketUpdate(comment=CommentDraft(body="Hi again", public=True))
        )
    assert refused.value.ticket_id == ticket_id and "follow-up ticket" in refused.value.message
    followup = await adapter.create_followup(ticket_id, "We found the cause; details below.", True)
    source = seeded(hard, ticket_id)
    assert followup.requester is not None and followup.requester.id == str(source["requester_id"])
    assert followup.subject == source["subject"] and followup.id != ticket_id
    assert seeded(hard, followup.id)["followup_source_id"] == int(ticket_id)
    with pytest.raises(ValidationFailed, match="not closed"):  # Zendesk would link it to nothing
        await adapter.create_followup(followup.id, "Another one", True)


# --- the CLI ------------------------------------------------------------------------------------------


@pytest.fixture
def cli(hard: SandboxServer, control: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> str:
    """A profile on the hard sandbox (API token from the environment); returns its name."""
    locations.config_file().parent.mkdir(parents=True, exist_ok=True)
    locations.config_file().write_text(
        f'[profiles.hard.helpdesk]\nkind = "zendesk"\nauth = "api_token"\n'
        f'base_url = "{hard.urls["zendesk"]}"\nemail = "{hard.email}"\n'
        f'token_env = "{TOKEN_ENV}"\nviews = ["{ALL_UNSOLVED}"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(TOKEN_ENV, hard.token)
    return "hard"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--profile", "hard", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_queue_and_show_json_carry_what_the_agent_ui_shows(
    cli: str, hard: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "queue", "--json")
    assert code == 0, err
    tickets = json.loads(out)["tickets"]
    for ticket in tickets:
        assert ticket["status_label"] == expected_label(seeded(hard, ticket["id"]))
    assert any(t["sla_due_at"] for t in tickets) and any(t["organization"] for t in tickets)
    labelled = next(t for t in tickets if t["status_label"] == "Waiting on engineering")
    code, text, _ = run(capsys, "queue")
    assert code == 0 and "Waiting on engineering"[:20] in text

    code, out, _ = run(capsys, "show", labelled["id"], "--json")
    assert code == 0
    assert json.loads(out)["ticket"]["status_label"] == "Waiting on engineering"
    code, text, _ = run(capsys, "show", labelled["id"])
    assert "Status: Waiting on engineering" in text


def test_show_lists_inline_images_and_flags_unverified_senders(
    cli: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "show", "6", "--json")  # ticket 6: pasted and linked images, two flags
    assert code == 0, err
    comments = json.loads(out)["comments"]
    inline = [a for c in comments for a in c["attachments"] if a["inline"]]
    assert {a["file_name"] for a in inline} == {"pasted-screenshot.png", "latency-p95.png"}
    flagged = [c for c in comments if c["warnings"]]
    assert flagged and all(c["warnings"] == ["unverified sender"] for c in flagged)
    code, text, _ = run(capsys, "show", "6")
    assert "[warning] unverified sender" in text and "[inline image] pasted-screenshot.png" in text


def test_a_reply_to_a_closed_ticket_says_how_to_follow_up(
    cli: str, hard: SandboxServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ticket_id = closed_id(hard)
    body = tmp_path / "reply.md"
    body.write_text("The fix is live: **please retry**.", encoding="utf-8")

    code, out, err = run(capsys, "reply", ticket_id, "--public", "--body-file", str(body))
    assert (code, out) == (1, "")
    assert "Ticket is closed" in err and "--follow-up" in err and "nothing was sent" in err

    code, out, err = run(
        capsys, "reply", ticket_id, "--public", "--body-file", str(body), "--follow-up", "--json"
    )
    assert code == 0, err
    payload = json.loads(out)
    assert payload["followup_to"] == ticket_id and payload["ticket"]["id"] != ticket_id
    assert seeded(hard, payload["ticket"]["id"])["followup_source_id"] == int(ticket_id)

    code, _, err = run(
        capsys, "reply", payload["ticket"]["id"], "--public", "--body-file", str(body), "--follow-up"
    )
    assert code == 2 and "is not closed" in err


# --- Markdown: what Zendesk stores is not what was sent --------------------------------------------------


async def test_a_markdown_reply_whose_answer_was_lost_is_found_not_sent_twice(
    adapter: ZendeskAdapter, hard: SandboxServer, control: httpx.Client, tmp_path: Path
) -> None:
    session = session_for_helpdesk(adapter, profile_name="hard", data_dir=tmp_path)
    ticket = await a_ticket(adapter, "In progress")
    thread = await session.desk.open_ticket(ticket.id)
    sent = "**Fixed** in [v2](https://status.sandbox.example/v2): please sign in again."
    control.post(
        "/faults", json={"spec": f"drop_after_commit:count=1:method=PUT:path=/api/v2/tickets/{ticket.id}"}
    )

    update = TicketUpdate(comment=CommentDraft(body=sent, public=True), revision=ticket.stamp)
    after = await session.desk.submit(ticket.id, update, known_comment_ids=[c.id for c in thread.comments])

    assert after.id == ticket.id
    comments = await adapter.list_comments(ticket.id)
    mine = [c for c in comments if c.source_body == sent]
    assert len(mine) == 1 and mine[0].body == "Fixed in v2: please sign in again."
    assert len(requests(control, "PUT", f"/api/v2/tickets/{ticket.id}")) == 1
    await session.aclose()


# --- the refresh budget ---------------------------------------------------------------------------------


async def test_429s_from_zendesk_lower_the_refresh_budget(
    adapter: ZendeskAdapter, control: httpx.Client, tmp_path: Path
) -> None:
    session = session_for_helpdesk(adapter, profile_name="hard", data_dir=tmp_path, refresh_budget=20)
    desk = session.desk
    desk.pages_per_view[ALL_UNSOLVED] = 10
    assert desk.refresh_seconds(ALL_UNSOLVED, 10) == 30  # 10 requests at 20 a minute
    control.post("/faults", json={"spec": "429:count=2:retry_after=1"})
    await desk.load_view(ALL_UNSOLVED)
    assert adapter.rate_limit_hits == 2
    desk.pages_per_view[ALL_UNSOLVED] = 10
    assert desk.refresh_seconds(ALL_UNSOLVED, 10) == 60  # throttled since last asked: halved, 10 a minute
    assert desk.refresh_budget.lowered
    await session.aclose()
