"""The Zendesk connector's readings of real-account shapes, on hand-made answers (no server)."""

from __future__ import annotations

from typing import Any

import httpx

from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.connectors.zendesk.comments import MAX_INLINE_IMAGES, comment_attachments, comment_warnings
from frontline.connectors.zendesk.followup import is_closed_refusal
from frontline.connectors.zendesk.statuses import parse_custom_statuses, status_fields, status_label
from frontline.domain.models import Status
from frontline.errors import ValidationFailed

STATUSES = parse_custom_statuses(
    {
        "custom_statuses": [
            {"id": 1, "status_category": "open", "agent_label": "Open", "default": True},
            {"id": 2, "status_category": "open", "agent_label": "Waiting on engineering"},
            {"id": 3, "status_category": "pending", "agent_label": "Pending", "default": True},
            {"id": 4, "status_category": "solved", "agent_label": "Done and dusted", "default": True},
            {"id": 5, "status_category": "hold", "agent_label": "On hold", "default": True},
            {"id": 6, "status_category": "weird", "agent_label": "Not a category"},
            {"status_category": "open", "agent_label": "No id"},
        ]
    }
)


def test_labels_show_only_what_says_more_than_the_category() -> None:
    assert set(STATUSES) == {"1", "2", "3", "4", "5"}
    assert status_label({"status": "open", "custom_status_id": 2}, STATUSES) == "Waiting on engineering"
    assert status_label({"status": "open", "custom_status_id": 1}, STATUSES) is None
    assert status_label({"status": "hold", "custom_status_id": 5}, STATUSES) is None
    assert status_label({"status": "solved", "custom_status_id": 4}, STATUSES) == "Done and dusted"
    assert status_label({"status": "closed", "custom_status_id": 4}, STATUSES) is None  # closed says closed
    assert status_label({"status": "open", "custom_status_id": 99}, STATUSES) is None


def test_a_status_write_keeps_the_category_or_names_its_default() -> None:
    waiting = {"status": "open", "custom_status_id": 2}
    assert status_fields(Status.OPEN, waiting, STATUSES) == {}
    assert status_fields(Status.PENDING, waiting, STATUSES) == {"status": "pending", "custom_status_id": 3}
    assert status_fields(Status.PENDING, {"status": "open"}, STATUSES) == {"status": "pending"}
    assert status_fields(Status.PENDING, waiting, {}) == {"status": "pending"}


def test_flags_become_warnings_unless_trusted() -> None:
    def flagged(flags: Any, options: Any = None) -> dict[str, Any]:
        return {"metadata": {"flags": flags, **({"flags_options": options} if options else {})}}

    assert comment_warnings(flagged([2, 3])) == ("unverified sender",)
    assert comment_warnings(flagged([2], {"2": {"trusted": True}})) == ()
    assert comment_warnings(flagged([4, 5, 99, True, "2"])) == (
        "automatic email: notifications were not sent",
        "an attachment was rejected (too big)",
    )
    assert comment_warnings({"metadata": {"system": {}}}) == () == comment_warnings({})


def test_inline_images_come_from_attachments_and_html_body_once_each() -> None:
    listed = "https://acme.zendesk.com/attachments/token/t1/?name=paste.png"
    many = "".join(f'<img src="https://cdn.example/{n}.png">' for n in range(MAX_INLINE_IMAGES + 5))
    raw = {
        "attachments": [{"id": 7, "file_name": "paste.png", "content_url": listed, "inline": True}],
        "html_body": f"<p><img src=\"{listed}\"><IMG alt=x src='https://cdn.example/a%20b.png'>"
        f'<img src="data:image/png;base64,AAAA"><img src="javascript:alert(1)">{many}</p>',
    }
    attachments = comment_attachments(raw, "42")
    assert attachments[0].inline and attachments[0].file_name == "paste.png"
    assert attachments[1].file_name == "a b.png" and attachments[1].url == "https://cdn.example/a%20b.png"
    assert len(attachments) == MAX_INLINE_IMAGES  # the markup's first images, the listed one among them
    assert all(a.url and a.url.startswith("https://") for a in attachments)


def test_the_closed_refusal_is_told_apart_from_other_422s() -> None:
    closed = ValidationFailed("x", details={"status": ["Status: closed prevents ticket update"]})
    assert is_closed_refusal(closed)
    assert not is_closed_refusal(ValidationFailed("x", details={"status": ["Status: 'x' is not valid"]}))


async def test_a_refused_show_many_leaves_the_page_as_the_view_sent_it() -> None:
    seen: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/api/v2/tickets/show_many":
            return httpx.Response(403, json={"error": "Forbidden"})
        ticket = {"id": 5, "status": "open", "organization_id": 9, "created_at": "2026-01-01T00:00:00Z"}
        return httpx.Response(200, json={"tickets": [ticket], "meta": {"has_more": False}})

    adapter = build_zendesk_adapter(
        "https://acme.zendesk.com", "a@acme.test", "t", transport=httpx.MockTransport(server)
    )
    page = await adapter.list_view_tickets("1")
    assert page.items[0].organization is not None and page.items[0].organization.name == "Organization 9"
    assert seen.count("/api/v2/tickets/show_many") == 1
    await adapter.aclose()
