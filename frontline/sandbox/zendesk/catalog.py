"""The fake Zendesk's configuration records: views, macros and ticket fields (fixed, not random)."""

from __future__ import annotations

from typing import Any

from frontline.sandbox.zendesk.seed import (
    FIELD_CUSTOMER_TIER,
    FIELD_ESCALATED,
    FIELD_JIRA_ISSUE,
    FIELD_PRODUCT_AREA,
    PRODUCT_AREAS,
    TIERS,
)

_UNSOLVED = {"field": "status", "operator": "less_than", "value": "solved"}

VIEWS: tuple[dict[str, Any], ...] = (
    {
        "id": 360001,
        "title": "Your unsolved tickets",
        "kind": "mine",
        "sort": ("updated_at", "desc"),
        "conditions": {
            "all": [_UNSOLVED, {"field": "assignee_id", "operator": "is", "value": "current_user"}],
            "any": [],
        },
    },
    {
        "id": 360002,
        "title": "Unassigned tickets",
        "kind": "unassigned",
        "sort": ("created_at", "asc"),
        "conditions": {
            "all": [_UNSOLVED, {"field": "assignee_id", "operator": "is", "value": ""}],
            "any": [],
        },
    },
    {
        "id": 360003,
        "title": "Urgent & high priority",
        "kind": "urgent_high",
        "sort": ("priority", "desc"),
        "conditions": {
            "all": [_UNSOLVED],
            "any": [
                {"field": "priority", "operator": "is", "value": "urgent"},
                {"field": "priority", "operator": "is", "value": "high"},
            ],
        },
    },
    {
        "id": 360004,
        "title": "Pending tickets",
        "kind": "pending",
        "sort": ("updated_at", "desc"),
        "conditions": {"all": [{"field": "status", "operator": "is", "value": "pending"}], "any": []},
    },
    {
        "id": 360005,
        "title": "Recently updated tickets",
        "kind": "recent",
        "sort": ("updated_at", "desc"),
        "conditions": {"all": [{"field": "updated_at", "operator": "less_than", "value": "24"}], "any": []},
    },
    {
        "id": 360006,
        "title": "All unsolved tickets",
        "kind": "unsolved",
        "sort": ("created_at", "desc"),
        "conditions": {"all": [_UNSOLVED], "any": []},
    },
    {
        "id": 360007,
        "title": "Recently solved tickets",
        "kind": "solved",
        "sort": ("updated_at", "desc"),
        "active": False,
        "conditions": {"all": [{"field": "status", "operator": "is", "value": "solved"}], "any": []},
    },
)


def _macro(macro_id: int, title: str, description: str, actions: list[tuple[str, Any]]) -> dict[str, Any]:
    return {
        "id": macro_id,
        "title": title,
        "description": description,
        "active": True,
        "actions": [{"field": field, "value": value} for field, value in actions],
    }


MACROS: tuple[dict[str, Any], ...] = (
    _macro(
        7701,
        "Ask for HAR file",
        "Ask the requester for a HAR capture and set pending.",
        [
            (
                "comment_value",
                "Hi {{ticket.requester.first_name}},\n\nCould you record a HAR file while the "
                "problem happens and attach it here? Steps: https://support.example/har\n\nThanks!",
            ),
            ("comment_mode_is_public", "true"),
            ("status", "pending"),
        ],
    ),
    _macro(
        7702,
        "Close and thank",
        "Thank the requester and mark solved.",
        [
            (
                "comment_value",
                "Glad we could help! I'm marking this as solved; just reply if anything else comes up.",
            ),
            ("comment_mode_is_public", "true"),
            ("status", "solved"),
        ],
    ),
    _macro(
        7703,
        "Escalate to engineering",
        "Internal note, high priority, tag and move to engineering.",
        [
            ("comment_value", "Escalating to engineering: reproduced, details below."),
            ("comment_mode_is_public", "false"),
            ("priority", "high"),
            ("group_id", "5104"),
            ("current_tags", "escalated eng_escalation"),
        ],
    ),
    _macro(
        7704,
        "Take it",
        "Assign the ticket to me and open it.",
        [("assignee_id", "current_user"), ("status", "open")],
    ),
    _macro(
        7705,
        "Known outage",
        "Public update about the ongoing incident.",
        [
            (
                "comment_value",
                "We're aware of an ongoing incident affecting this feature and are working on a "
                "fix. Status page: https://status.example",
            ),
            ("comment_mode_is_public", "true"),
            ("priority", "urgent"),
            ("set_tags", "incident outage"),
        ],
    ),
    _macro(
        7706,
        "Refund approved",
        "Tell the requester the refund is on its way.",
        [
            ("comment_value", "Good news: your refund was approved and will show up in 5-10 business days."),
            ("comment_mode_is_public", "true"),
            ("status", "solved"),
            ("group_id", "5102"),
        ],
    ),
    _macro(
        7707,
        "Downgrade priority",
        "Lower the priority and note why.",
        [
            ("priority", "low"),
            ("comment_value", "Lowered priority: workaround in place."),
            ("comment_mode_is_public", "false"),
        ],
    ),
    _macro(
        7708,
        "Put on hold (waiting for third party)",
        "Hold while a vendor answers.",
        [
            ("status", "hold"),
            (
                "comment_value",
                "We're waiting on our payment provider and will update you as soon as we hear back.",
            ),
            ("comment_mode_is_public", "true"),
        ],
    ),
)

_SYSTEM_FIELDS = (
    (4301, "subject", "Subject"),
    (4302, "description", "Description"),
    (4303, "status", "Status"),
    (4304, "tickettype", "Type"),
    (4305, "priority", "Priority"),
    (4306, "group", "Group"),
    (4307, "assignee", "Assignee"),
)


def ticket_fields() -> list[dict[str, Any]]:
    """System fields then custom fields, in the order Zendesk lists them."""
    fields: list[dict[str, Any]] = [
        {"id": field_id, "type": field_type, "title": title, "active": True, "removable": False}
        for field_id, field_type, title in _SYSTEM_FIELDS
    ]
    fields.append(
        {
            "id": FIELD_PRODUCT_AREA,
            "type": "tagger",
            "title": "Product area",
            "active": True,
            "removable": True,
            "custom_field_options": [
                {"id": 88000 + i, "name": area.title(), "raw_name": area.title(), "value": area}
                for i, area in enumerate(PRODUCT_AREAS)
            ],
        }
    )
    fields.append(
        {"id": FIELD_JIRA_ISSUE, "type": "text", "title": "Jira issue", "active": True, "removable": True}
    )
    fields.append(
        {
            "id": FIELD_CUSTOMER_TIER,
            "type": "tagger",
            "title": "Customer tier",
            "active": True,
            "removable": True,
            "custom_field_options": [
                {"id": 88100 + i, "name": tier.title(), "raw_name": tier.title(), "value": tier}
                for i, tier in enumerate(TIERS)
            ],
        }
    )
    fields.append(
        {"id": FIELD_ESCALATED, "type": "checkbox", "title": "Escalated", "active": True, "removable": True}
    )
    return fields


CUSTOM_FIELD_IDS = frozenset({FIELD_PRODUCT_AREA, FIELD_JIRA_ISSUE, FIELD_CUSTOMER_TIER, FIELD_ESCALATED})
