"""The hard parts of real Zendesk accounts the fake plays when a run asks (`--zendesk-mode`).

Each mode (`frontline.sandbox.modes.ZENDESK_MODES`) changes the seeded account or its answers the way some
real accounts are: custom ticket statuses, view lists that ignore `include`, inline images, comments from
unverified senders, Markdown bodies. The store and the renderer ask `modes` and call in here.
"""

from __future__ import annotations

from typing import Any

from frontline.sandbox.zendesk.formats import iso
from frontline.sandbox.zendesk.seed import ZendeskData

CUSTOM_STATUSES: tuple[dict[str, Any], ...] = (
    {"id": 19000001, "status_category": "new", "agent_label": "New", "default": True},
    {"id": 19000002, "status_category": "open", "agent_label": "Open", "default": True},
    {"id": 19000003, "status_category": "pending", "agent_label": "Pending", "default": True},
    {"id": 19000004, "status_category": "hold", "agent_label": "On-hold", "default": True},
    {"id": 19000005, "status_category": "solved", "agent_label": "Solved", "default": True},
    {"id": 19000011, "status_category": "open", "agent_label": "Waiting on engineering"},
    {"id": 19000012, "status_category": "open", "agent_label": "In progress"},
    {"id": 19000013, "status_category": "pending", "agent_label": "Waiting on customer"},
    {"id": 19000014, "status_category": "hold", "agent_label": "Waiting on third party"},
    {"id": 19000015, "status_category": "solved", "agent_label": "Resolved with workaround"},
    {"id": 19000016, "status_category": "open", "agent_label": "Escalated to vendor", "active": False},
)
"""The account's statuses: each category's default (the system status), some of its own, one inactive."""

STATUS_BY_ID = {status["id"]: status for status in CUSTOM_STATUSES}
_CATEGORIES = ("new", "open", "pending", "hold", "solved")
EXTERNAL_IMAGE = "https://status.sandbox.example/graphs/latency-p95.png"
"""An image a customer's mail client linked from elsewhere: shown in html_body, never an attachment."""


def default_status_id(category: str) -> int:
    """The default custom status of a category (`closed` tickets keep solved's)."""
    category = "solved" if category == "closed" else category
    return next(s["id"] for s in CUSTOM_STATUSES if s["status_category"] == category and s.get("default"))


def assign_custom_statuses(data: ZendeskData) -> None:
    """Every ticket gets a custom status of its category, spread over the category's active ones."""
    for ticket_id, ticket in data.tickets.items():
        category = "solved" if ticket["status"] == "closed" else ticket["status"]
        options = [
            s["id"] for s in CUSTOM_STATUSES if s["status_category"] == category and s.get("active", True)
        ]
        ticket["custom_status_id"] = options[ticket_id % len(options)]


def status_changes(changes: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """What a write sets with custom statuses on: `custom_status_id` wins and sets its category; a bare
    `status` sets that category's default custom status, even when the category does not change."""
    if "custom_status_id" in changes:
        status_id = changes["custom_status_id"]
        record = STATUS_BY_ID.get(status_id) if isinstance(status_id, int) else None
        if record is None or not record.get("active", True):
            errors["custom_status_id"] = f"Custom status: {status_id!r} is not a valid custom status"
            return {}
        category = record["status_category"]
        if "status" in changes and changes["status"] != category:
            errors["status"] = f"Status: {changes['status']!r} is not the category of status {status_id}"
        return {"status": category, "custom_status_id": status_id}
    status = changes.get("status")
    if isinstance(status, str) and status in _CATEGORIES:
        return {"custom_status_id": default_status_id(status)}
    return {}


def reopen(ticket: dict[str, Any]) -> None:
    """A customer reply reopened the ticket: its custom status becomes open's default too."""
    if "custom_status_id" in ticket:
        ticket["custom_status_id"] = default_status_id("open")


def custom_status_json(status: dict[str, Any], now: float) -> dict[str, Any]:
    """A custom status as `GET /api/v2/custom_statuses` lists it."""
    label = status["agent_label"]
    return {
        "id": status["id"],
        "status_category": status["status_category"],
        "agent_label": label,
        "raw_agent_label": label,
        "end_user_label": "Awaiting your reply" if status["status_category"] == "pending" else label,
        "raw_end_user_label": label,
        "description": f"{label} (sandbox)",
        "raw_description": f"{label} (sandbox)",
        "end_user_description": "",
        "raw_end_user_description": "",
        "active": status.get("active", True),
        "default": status.get("default", False),
        "created_at": iso(now - 86400 * 200),
        "updated_at": iso(now - 86400 * 20),
    }


def decorate_comments(
    data: ZendeskData, ticket: dict[str, Any], comments: list[dict[str, Any]], modes: frozenset[str]
) -> None:
    """Inline images and sender flags on a freshly built thread, as the modes ask."""
    ticket_id = ticket["id"]
    from_requester = [c for c in comments[1:] if c["author_id"] == ticket["requester_id"]]
    if "inline-images" in modes:
        if ticket_id % 4 == 2:
            target = from_requester[0] if from_requester else comments[0]
            target["attachments"].append(
                {
                    "id": target["id"] * 10 + 5,
                    "file_name": "pasted-screenshot.png",
                    "content_type": "image/png",
                    "size": 48_213,
                    "inline": True,
                }
            )
        if ticket_id % 8 == 6:
            comments[0]["external_images"] = [EXTERNAL_IMAGE]
    if "unverified-senders" in modes:
        if ticket_id % 5 == 1 and from_requester:
            forwarded = from_requester[-1]
            forwarded.update(author_id=_colleague(data, ticket), public=False, flags=[2], channel="email")
        if ticket_id % 3 == 0 and ticket["channel"] == "web":
            comments[0]["flags"] = [3]


def _colleague(data: ZendeskData, ticket: dict[str, Any]) -> int:
    """Another end user (the requester's colleague), who forwarded the thread from their own address."""
    end_users = [uid for uid, user in data.users.items() if user["role"] == "end-user"]
    others = [uid for uid in end_users if uid != ticket["requester_id"]]
    return others[ticket["id"] % len(others)]


def comment_flags(comment: dict[str, Any]) -> dict[str, Any]:
    """`metadata.flags` and `flags_options` for a flagged comment (nothing when it has no flags)."""
    flags = comment.get("flags")
    if not flags:
        return {}
    return {"flags": list(flags), "flags_options": {str(flag): {"trusted": False} for flag in flags}}
