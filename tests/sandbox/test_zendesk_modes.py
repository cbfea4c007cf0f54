"""The fake Zendesk's modes (`--zendesk-mode`): each hard part of real accounts, in the vendor's shapes."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sandbox_fixtures import reset_all, sandbox_fixture
from zendesk_spec import ZendeskSpec

from frontline.domain.clock import fixed_clock
from frontline.sandbox import cli as sandbox_cli
from frontline.sandbox.modes import ZENDESK_MODES, parse_modes
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk.hard_parts import STATUS_BY_ID, default_status_id

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)

hard_server = sandbox_fixture(
    "hard_server",
    scope="module",
    systems=("zendesk",),
    seed=7,
    tickets=120,
    clock=fixed_clock(NOW),
    modes={"zendesk": "all"},
)


@pytest.fixture
def hard(hard_server: SandboxServer) -> Iterator[httpx.Client]:
    """A client on a Zendesk that plays every mode, reset to its seeded state."""
    reset_all(hard_server)
    auth = httpx.BasicAuth(f"{hard_server.email}/token", hard_server.token)
    with httpx.Client(base_url=hard_server.urls["zendesk"], auth=auth, timeout=10) as http:
        yield http


def tickets_in(client: httpx.Client, status: str) -> list[dict[str, Any]]:
    found = client.get(f"/api/v2/search?query=type:ticket status:{status}").json()["results"]
    return [client.get(f"/api/v2/tickets/{t['id']}").json()["ticket"] for t in found]


def test_every_mode_is_known_and_all_means_every_hard_part_but_redirects() -> None:
    assert parse_modes("zendesk", "all") == frozenset(ZENDESK_MODES) - {"redirects"}
    assert parse_modes("zendesk", "all,redirects") == frozenset(ZENDESK_MODES)
    assert parse_modes("zendesk", "markdown, inline-images") == {"markdown", "inline-images"}
    with pytest.raises(ValueError, match="zendesk has no mode nope"):
        parse_modes("zendesk", "nope")


def test_help_documents_the_modes_and_a_bad_mode_is_a_usage_error() -> None:
    parser = argparse.ArgumentParser(epilog=sandbox_cli.EPILOG)
    sandbox_cli.add_arguments(parser)
    text = parser.format_help()
    assert "--zendesk-mode" in text
    assert all(mode in sandbox_cli.EPILOG for mode in ZENDESK_MODES)
    assert "via_followup_source_id" in sandbox_cli.EPILOG
    args = parser.parse_args(["--zendesk-mode", "custom-status", "--systems", "zendesk"])
    assert sandbox_cli.run(args, out=io.StringIO()) == 2


# --- custom statuses ----------------------------------------------------------------------------------


def test_custom_statuses_are_listed_in_the_spec_shape(hard: httpx.Client, zendesk_spec: ZendeskSpec) -> None:
    response = hard.get("/api/v2/custom_statuses")
    zendesk_spec.validate(response)
    labels = {s["agent_label"] for s in response.json()["custom_statuses"]}
    assert {"Open", "Waiting on engineering", "Waiting on customer"} <= labels


def test_without_the_mode_only_the_system_statuses_exist(client: httpx.Client) -> None:
    statuses = client.get("/api/v2/custom_statuses").json()["custom_statuses"]
    assert {s["agent_label"] for s in statuses} == {"New", "Open", "Pending", "On-hold", "Solved"}
    assert "custom_status_id" not in client.get("/api/v2/tickets/5").json()["ticket"]


def test_tickets_carry_a_custom_status_of_their_category(
    hard: httpx.Client, zendesk_spec: ZendeskSpec
) -> None:
    response = hard.get("/api/v2/views/360006/tickets?page[size]=100")
    zendesk_spec.validate(response)
    tickets = response.json()["tickets"]
    for ticket in tickets:
        status = STATUS_BY_ID[ticket["custom_status_id"]]
        assert status["status_category"] == ticket["status"]
    assert any(STATUS_BY_ID[t["custom_status_id"]].get("default") is None for t in tickets)


def test_a_bare_status_resets_the_custom_status_even_within_its_category(hard: httpx.Client) -> None:
    waiting = next(
        t for t in tickets_in(hard, "open") if STATUS_BY_ID[t["custom_status_id"]]["agent_label"] != "Open"
    )
    answer = hard.put(f"/api/v2/tickets/{waiting['id']}", json={"ticket": {"status": "open"}})
    assert answer.status_code == 200
    assert answer.json()["ticket"]["custom_status_id"] == default_status_id("open")


def test_a_custom_status_sets_its_category(hard: httpx.Client, zendesk_spec: ZendeskSpec) -> None:
    ticket = tickets_in(hard, "open")[0]
    answer = hard.put(f"/api/v2/tickets/{ticket['id']}", json={"ticket": {"custom_status_id": 19000013}})
    zendesk_spec.validate(answer)
    assert (answer.json()["ticket"]["status"], answer.json()["ticket"]["custom_status_id"]) == (
        "pending",
        19000013,
    )
    inactive = hard.put(f"/api/v2/tickets/{ticket['id']}", json={"ticket": {"custom_status_id": 19000016}})
    assert inactive.status_code == 422 and "custom_status_id" in inactive.json()["details"]
    mismatch = hard.put(
        f"/api/v2/tickets/{ticket['id']}", json={"ticket": {"status": "solved", "custom_status_id": 19000011}}
    )
    assert mismatch.status_code == 422 and "status" in mismatch.json()["details"]


# --- views that ignore include ------------------------------------------------------------------------


def test_views_ignore_include_but_show_many_honours_it(hard: httpx.Client, zendesk_spec: ZendeskSpec) -> None:
    view = hard.get("/api/v2/views/360006/tickets?page[size]=10&include=users,organizations,groups,slas")
    zendesk_spec.validate(view)
    page = view.json()
    assert not {"users", "organizations", "groups"} & page.keys()
    assert not any("slas" in t for t in page["tickets"])
    ids = ",".join(str(t["id"]) for t in page["tickets"])
    many = hard.get(f"/api/v2/tickets/show_many?ids={ids}&include=users,organizations,groups,slas")
    zendesk_spec.validate(many)
    assert {"users", "organizations", "groups"} <= many.json().keys()
    assert all("slas" in t for t in many.json()["tickets"])


# --- comments: inline images, flags, Markdown ---------------------------------------------------------


def test_inline_images_are_listed_only_when_asked(hard: httpx.Client, zendesk_spec: ZendeskSpec) -> None:
    plain = hard.get("/api/v2/tickets/2/comments")
    asked = hard.get("/api/v2/tickets/2/comments?include_inline_images=true")
    zendesk_spec.validate(asked)
    listed = [a for c in asked.json()["comments"] for a in c["attachments"] if a["inline"]]
    assert [a["file_name"] for a in listed] == ["pasted-screenshot.png"]
    assert not [a for c in plain.json()["comments"] for a in c["attachments"] if a["inline"]]
    shown = [c for c in plain.json()["comments"] if listed[0]["content_url"] in c["html_body"]]
    assert len(shown) == 1  # the image is in the text either way


def test_images_hosted_elsewhere_appear_only_in_html_body(hard: httpx.Client) -> None:
    first = hard.get("/api/v2/tickets/6/comments?include_inline_images=true").json()["comments"][0]
    assert '<img src="https://status.sandbox.example/graphs/latency-p95.png"' in first["html_body"]
    assert all("status.sandbox.example" not in a["content_url"] for a in first["attachments"])


def test_unverified_senders_are_flagged(hard: httpx.Client, zendesk_spec: ZendeskSpec) -> None:
    response = hard.get("/api/v2/tickets/6/comments")
    zendesk_spec.validate(response)
    comments = response.json()["comments"]
    requester = hard.get("/api/v2/tickets/6").json()["ticket"]["requester_id"]
    forwarded = [c for c in comments if c["metadata"].get("flags") == [2]]
    assert forwarded and all(not c["public"] and c["author_id"] != requester for c in forwarded)
    assert forwarded[0]["metadata"]["flags_options"] == {"2": {"trusted": False}}
    assert comments[0]["metadata"]["flags"] == [3]  # sent through the web form without signing in


def test_markdown_is_rendered_into_html_and_plain_body(hard: httpx.Client) -> None:
    sent = "**Fixed** in [v2](https://status.sandbox.example/v2).\n\n- restart the app\n- sign in again"
    ticket_id = tickets_in(hard, "open")[0]["id"]
    hard.put(f"/api/v2/tickets/{ticket_id}", json={"ticket": {"comment": {"body": sent, "public": True}}})
    last = hard.get(f"/api/v2/tickets/{ticket_id}/comments").json()["comments"][-1]
    assert last["body"] == sent
    assert last["plain_body"] == "Fixed in v2.\n\nrestart the app\nsign in again"
    assert "<strong>Fixed</strong>" in last["html_body"] and "<li>restart the app</li>" in last["html_body"]


# --- closed tickets and follow-ups --------------------------------------------------------------------


def test_a_follow_up_to_a_closed_ticket(hard: httpx.Client, zendesk_spec: ZendeskSpec) -> None:
    closed = tickets_in(hard, "closed")[0]
    refused = hard.put(f"/api/v2/tickets/{closed['id']}", json={"ticket": {"comment": {"body": "hi"}}})
    assert refused.status_code == 422
    assert refused.json()["details"]["status"][0]["description"] == "Status: closed prevents ticket update"

    body = {
        "ticket": {
            "via_followup_source_id": closed["id"],
            "requester_id": closed["requester_id"],
            "comment": {"body": "Following up on your closed ticket.", "public": True},
        }
    }
    created = hard.post("/api/v2/tickets", json=body)
    assert created.status_code == 201
    zendesk_spec.validate(created)
    ticket = created.json()["ticket"]
    assert ticket["via"]["source"] == {"from": {"ticket_id": closed["id"]}, "to": {}, "rel": "follow_up"}
    assert (ticket["requester_id"], ticket["tags"]) == (closed["requester_id"], closed["tags"])
    assert ticket["subject"] == "Following up on your closed ticket."
    assert ticket["custom_status_id"] == default_status_id("new")
    assert hard.get(f"/api/v2/tickets/{closed['id']}").json()["ticket"]["followup_ids"] == [ticket["id"]]
    comments = hard.get(f"/api/v2/tickets/{ticket['id']}/comments").json()["comments"]
    assert [c["plain_body"] for c in comments] == ["Following up on your closed ticket."]


def test_naming_an_open_ticket_makes_no_follow_up(hard: httpx.Client) -> None:
    source = tickets_in(hard, "open")[0]
    body = {"ticket": {"via_followup_source_id": source["id"], "subject": "Other", "comment": {"body": "x"}}}
    ticket = hard.post("/api/v2/tickets", json=body).json()["ticket"]
    assert ticket["via"]["source"]["rel"] is None and ticket["tags"] == []
    assert hard.post("/api/v2/tickets", json={"ticket": {"subject": "no text"}}).status_code == 422
