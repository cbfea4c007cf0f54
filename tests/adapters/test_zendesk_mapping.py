"""Pure mapping of Zendesk JSON to domain models: full, sparse, hostile and malformed payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from frontline.connectors.zendesk.macros import macro_preview, to_macro
from frontline.connectors.zendesk.mapping import (
    to_comment,
    to_person,
    to_sla,
    to_ticket,
    to_view,
    to_view_count,
)
from frontline.connectors.zendesk.parsing import (
    MAX_BODY_CHARS,
    UNKNOWN_TIME,
    expect_list,
    html_to_text,
    index_by_id,
    parse_time,
)
from frontline.domain.models import TICKETS, Macro, Priority, Status
from frontline.errors import MalformedResponse

FIXTURES = Path(__file__).parent / "fixtures" / "zendesk"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def sideloads(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return (
        index_by_id(payload.get("users", [])),
        index_by_id(payload.get("organizations", [])),
        index_by_id(payload.get("groups", [])),
    )


def test_full_ticket_maps_people_org_group_sla_and_revision() -> None:
    payload = load("ticket_full.json")
    users, orgs, groups = sideloads(payload)
    ticket = to_ticket(
        payload["ticket"], users, orgs, groups=groups, agent_base_url="https://acme.zendesk.com/"
    )
    assert ticket.id == "35436"
    assert ticket.key == "" and ticket.display_key == "#35436"  # no string of its own: see `Ticket.key`
    assert ticket.subject == "Help, my printer is on fire!"
    assert ticket.status is Status.OPEN
    assert ticket.priority is Priority.HIGH
    assert ticket.requester is not None and ticket.requester.name == "Cara Customer"
    assert ticket.requester.email == "cara@example.com"
    assert ticket.requester.organization_id == "509974"
    assert ticket.assignee is not None and ticket.assignee.name == "Agent Uno"
    assert ticket.organization is not None and ticket.organization.name == "Initech"
    assert ticket.group == "Tier 2"
    assert ticket.tags == ("enterprise", "other_tag")
    assert ticket.url == "https://acme.zendesk.com/agent/tickets/35436"
    assert ticket.stamp == "2026-08-20T10:15:03Z" and ticket.revision is None  # the time is the stamp
    assert ticket.updated_at == datetime(2026, 8, 20, 10, 15, 3, tzinfo=UTC)
    assert ticket.description == "The fire is very colorful."
    assert ticket.linked_bug is None
    # the earliest *active* metric wins; achieved and paused ones are ignored while one is active
    assert ticket.sla is not None
    assert ticket.sla.metric == "periodic_update_time"
    assert ticket.sla.due_at == datetime(2026, 8, 21, 8, 0, tzinfo=UTC)
    assert not ticket.sla.paused


def test_sparse_ticket_falls_back_sensibly() -> None:
    ticket = to_ticket(load("ticket_sparse.json")["ticket"], {}, {})
    assert ticket.id == "7"
    assert ticket.subject == ""
    assert ticket.status is Status.OPEN  # unknown status string
    assert ticket.priority is None
    assert ticket.requester is None and ticket.assignee is None and ticket.organization is None
    assert ticket.tags == ()
    assert ticket.sla is None
    assert ticket.url is None
    assert ticket.created_at == ticket.updated_at == datetime(2026, 8, 20, 10, 15, 3, tzinfo=UTC)


def test_spec_example_ticket_with_only_three_fields() -> None:
    """The spec's own ListTicketsFromView example carries only id, requester_id and subject."""
    ticket = to_ticket({"id": 35436, "requester_id": 20978392, "subject": "Help I need somebody!"}, {}, {})
    assert ticket.requester is not None
    assert ticket.requester.id == "20978392"
    assert ticket.requester.name == "User 20978392"
    assert ticket.created_at == UNKNOWN_TIME
    assert ticket.stamp is None  # Zendesk sent no time: a write carries no stamp, none can be made up


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("pending", Status.PENDING), ("hold", Status.HOLD), ("on-hold", Status.HOLD), ("SOLVED", Status.SOLVED)],
)
def test_status_variants(raw: str, expected: Status) -> None:
    assert to_ticket({"id": 1, "status": raw}, {}, {}).status is expected


def test_unknown_priority_and_missing_user_fields() -> None:
    ticket = to_ticket(
        {"id": 1, "priority": "critical", "requester_id": 5, "assignee_id": "6"},
        {"5": {"id": 5, "email": "only@email.example"}, "6": {"id": 6}},
        {},
    )
    assert ticket.priority is None
    assert ticket.requester is not None and ticket.requester.name == "only@email.example"
    assert ticket.assignee is not None and ticket.assignee.name == "User 6"


def test_hostile_subject_is_kept_verbatim() -> None:
    subject = "\x1b]0;owned\x07[red]x[/red] \u202e"
    assert to_ticket({"id": 1, "subject": subject}, {}, {}).subject == subject


def test_sla_paused_when_no_active_metric() -> None:
    sla = to_sla({"policy_metrics": [{"stage": "paused", "metric": "agent_work_time"}]})
    assert sla is not None and sla.paused and sla.remaining(datetime.now(UTC)) is None
    assert to_sla({"policy_metrics": [{"stage": "achieved", "metric": "x"}]}) is None
    assert to_sla({"policy_metrics": "nope"}) is None
    assert to_sla(None) is None


def test_comments_bodies_authors_visibility_and_attachments() -> None:
    payload = load("comments.json")
    users = index_by_id(payload["users"])
    first, note, hostile = (to_comment(c, users) for c in payload["comments"])
    assert first.body == "Thanks for your help!"
    assert first.public is True
    assert first.author is not None and first.author.name == "Cara Customer"
    (attachment,) = first.attachments
    assert (attachment.id, attachment.file_name, attachment.size) == ("498483", "crash.log", 2532)
    assert attachment.url == "https://company.zendesk.com/attachments/crash.log"
    # only html_body: tags stripped, entities decoded, scripts dropped, paragraphs on their own lines
    assert note.public is False
    assert note.body == "Internal: see ENG-1\nline\xa0two & more"
    assert "<" not in note.body and "alert" not in note.body
    # hostile text stays as written (the UI cleans it); unknown author becomes a placeholder
    assert hostile.body == payload["comments"][2]["body"]
    assert hostile.author is not None and hostile.author.name == "User 999"
    assert hostile.public is True and hostile.attachments == ()


def test_huge_body_is_truncated_with_a_marker() -> None:
    comment = to_comment({"id": 1, "body": "x" * (MAX_BODY_CHARS + 10)}, {})
    assert comment.body.startswith("x" * 1000)
    assert comment.body.endswith("[frontline: 10 more characters not shown]")
    assert len(comment.body) < MAX_BODY_CHARS + 100


def test_html_to_text_handles_lists_and_breaks() -> None:
    assert html_to_text("<ul><li>one</li><li>two</li></ul>a<br>b") == "- one\n- two\na\nb"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["not", "an", "object"], "not a JSON object"),
        ("ticket", "not a JSON object"),
        ({"subject": "no id"}, "without an id"),
        ({"id": True}, "without an id"),
    ],
)
def test_malformed_ticket_raises_malformed_response(raw: Any, message: str) -> None:
    with pytest.raises(MalformedResponse, match=message):
        to_ticket(raw, {}, {})


def test_malformed_structures() -> None:
    with pytest.raises(MalformedResponse, match="`tickets` that is not a list"):
        expect_list({"tickets": {"id": 1}}, "tickets", "the tickets of a view")
    with pytest.raises(MalformedResponse, match="no `tickets` list"):
        expect_list({}, "tickets", "the tickets of a view")
    assert expect_list({}, "users", "x", required=False) == []
    with pytest.raises(MalformedResponse):
        to_comment(None, {})
    with pytest.raises(MalformedResponse):
        to_view_count({"view_count": 12})


def test_view_count_null_is_unknown_not_zero() -> None:
    assert to_view_count({"view_count": {"view_id": 25, "value": None, "fresh": False}}) is None
    assert to_view_count({"view_count": {"view_id": 25, "value": 0}}) == 0
    assert to_view_count({"view_count": {"view_id": 25, "value": 719, "pretty": "~700"}}) == 719


def test_view_macro_and_person_fallbacks() -> None:
    assert to_view({"id": 25}).title == "View 25"
    assert to_macro({"id": 26, "title": "Close", "description": None}).description is None
    assert to_person({"name": "nobody"}) is None
    assert to_person(None) is None


def test_macro_preview_reports_only_changes() -> None:
    before = load("ticket_full.json")["ticket"]
    preview = macro_preview(Macro(id="9", title="Escalate"), before, load("macro_apply.json"))
    assert preview.comment_body == "Assigned to Agent Uno."
    assert preview.comment_public is False
    assert preview.status is Status.PENDING
    assert preview.priority is None  # "high" before and after: not a change
    assert preview.assignee_id is None and preview.group_id is None  # unchanged too
    assert preview.tags == ("enterprise", "macro_used")
    assert "tags added" not in preview.other_changes  # the full list above says it; no duplicate lines
    assert preview.other_changes["field 27648"] == "a, b"
    assert "field 27642" not in preview.other_changes  # same value as before


def test_macro_preview_malformed() -> None:
    with pytest.raises(MalformedResponse):
        macro_preview(Macro(id="9", title="x"), {}, {"result": []})


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59Z",
        "1899-12-31T23:59:59Z",
        "2026-13-01T00:00:00Z",
        "9" * 5000,
        "",
        None,
        12345,
    ],
)
def test_times_out_of_range_or_unreadable_are_none_never_an_overflow(value: Any) -> None:
    assert parse_time(value) is None


def test_a_ticket_with_absurd_times_still_maps() -> None:
    raw = {"id": 7, "created_at": "0001-01-01T00:00:00+01:00", "updated_at": "9999-12-31T23:59:59-01:00"}
    ticket = to_ticket(raw, {}, {})
    assert ticket.created_at == UNKNOWN_TIME and ticket.updated_at == UNKNOWN_TIME
    assert ticket.revision == ticket.stamp == "9999-12-31T23:59:59-01:00"  # not as Zendesk writes: kept
    sla = to_sla({"policy_metrics": [{"stage": "active", "breach_at": "9999-12-31T23:59:59-01:00"}]})
    assert sla is None


def test_comment_source_body_is_the_markdown_when_plain_body_differs() -> None:
    markdown = to_comment({"id": 1, "body": "**Fixed**", "plain_body": "Fixed"}, {})
    assert (markdown.body, markdown.source_body) == ("Fixed", "**Fixed**")
    same = to_comment({"id": 2, "body": "Fixed", "plain_body": "Fixed"}, {})
    assert (same.body, same.source_body) == ("Fixed", None)
    only_body = to_comment({"id": 3, "body": "**Fixed**"}, {})
    assert (only_body.body, only_body.source_body) == ("**Fixed**", None)


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("2026-08-20T10:15:03Z", None),  # as Zendesk writes it: the parsed time says it again
        ("2026-08-20T10:15:03.250Z", "2026-08-20T10:15:03.250Z"),  # a fraction `stamp` would write longer
        ("2026-08-20T12:15:03+02:00", "2026-08-20T12:15:03+02:00"),  # another offset: sent back as it came
    ],
)
def test_the_stamp_a_write_sends_back_is_zendesks_own_text(written: str, kept: str | None) -> None:
    ticket = to_ticket({"id": 1, "updated_at": written}, {}, {})
    assert ticket.revision == kept
    assert ticket.stamp == written
    [read_back] = TICKETS.validate_json(TICKETS.dump_json([ticket], exclude_defaults=True))  # the cache
    assert read_back.stamp == written
