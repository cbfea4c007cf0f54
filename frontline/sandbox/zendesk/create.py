"""`POST /api/v2/tickets`: a new ticket, and the follow-up to a closed one (`via_followup_source_id`).

Zendesk's rules ("Creating a follow-up ticket", creating-and-updating-tickets guide): a closed ticket
cannot be reopened, but a new ticket naming it in `via_followup_source_id` follows it up; the parameter
only works with closed tickets (it has no effect otherwise); the follow-up inherits the closed ticket's
tags unless the request gives its own; the first comment's author is the requester of the call unless
`comment.author_id` says otherwise; the requester defaults to the caller.
"""

from __future__ import annotations

from typing import Any

from frontline.sandbox.zendesk import hard_parts, seed
from frontline.sandbox.zendesk.errors import bad_request, invalid
from frontline.sandbox.zendesk.formats import normalize_tags
from frontline.sandbox.zendesk.store import ZendeskStore


def create_ticket(store: ZendeskStore, payload: Any, caller_id: int) -> dict[str, Any]:
    """Validate and add the ticket; returns its record (the first comment is its description).

    Raises:
        ZendeskError: 400 without a `ticket` object, 422 for a missing comment or an invalid field.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("ticket"), dict):
        raise bad_request("InvalidEndpoint", "ticket parameter is missing")
    fields = payload["ticket"]
    data = store.data
    source = _closed_source(store, fields.get("via_followup_source_id"))
    requester_id = fields.get("requester_id", caller_id)
    if not isinstance(requester_id, int) or requester_id not in data.users:
        raise invalid({"requester": f"Requester: {requester_id!r} is not a valid user"})
    ticket_id = max(data.tickets, default=0) + 1
    draft: dict[str, Any] = {
        "id": ticket_id,
        "status": "new",
        "priority": None,
        "type": None,
        "requester_id": requester_id,
        "submitter_id": caller_id,
        "assignee_id": None,
        "group_id": source["group_id"] if source else None,
        "organization_id": data.users[requester_id]["organization_id"],
        "tags": list(source["tags"]) if source else [],
        "custom_fields": dict(source["custom_fields"]) if source else {},
        "comments": [{"public": True}],  # the stickiness default for the first comment's visibility
        "channel": "api",
        "sla": [],
        "long_thread": False,
    }
    comment = store.validate_comment(fields.get("comment"), draft, caller_id)
    if comment is None:
        raise invalid({"description": "Description: cannot be blank"})
    changes = {key: value for key, value in fields.items() if key in _SETTABLE}
    draft.update(store.validate_fields(changes))
    if "tags" in fields and isinstance(fields["tags"], list):
        draft["tags"] = normalize_tags([str(tag) for tag in fields["tags"]])
    if draft["status"] == "new" and draft["assignee_id"] is not None:
        draft["status"] = "open"
    now = store.now()
    subject = fields.get("subject") if isinstance(fields.get("subject"), str) else None
    comment.update(id=seed.comment_id(ticket_id, 0), created=now)
    draft.update(
        subject=subject or comment["body"].strip().splitlines()[0][:80],
        description=comment["body"],
        created=now,
        updated=now,
        is_public=comment["public"],
        comments=[comment],
        seq=0,
        followup_source_id=source["id"] if source else None,
    )
    if "custom-statuses" in store.modes:
        draft.setdefault("custom_status_id", hard_parts.default_status_id(draft["status"]))
    if source is not None:
        source.setdefault("followup_ids", []).append(ticket_id)
    data.tickets[ticket_id] = draft
    store.version += 1
    return draft


_SETTABLE = frozenset({"status", "priority", "type", "assignee_id", "group_id", "subject", "custom_fields"})


def _closed_source(store: ZendeskStore, source_id: Any) -> dict[str, Any] | None:
    """The closed ticket a follow-up names; any other ticket (or none) makes no follow-up, as in Zendesk."""
    if not isinstance(source_id, int) or isinstance(source_id, bool):
        return None
    source = store.data.tickets.get(source_id)
    return source if source is not None and source["status"] == "closed" else None
