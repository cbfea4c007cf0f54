"""Zendesk JSON shapes, built from the store's records only for the page being answered.

Keys whose value would be null where the official spec does not allow null are left out, as sparse
real payloads do; clients must tolerate missing optional fields anyway.
"""

from __future__ import annotations

import html
from typing import Any

from frontline.sandbox.zendesk.formats import iso
from frontline.sandbox.zendesk.hard_parts import comment_flags
from frontline.sandbox.zendesk.markdown import markdown_html, plain_text
from frontline.sandbox.zendesk.seed import ZendeskData


def ticket_json(base: str, ticket: dict[str, Any], now: float, *, slas: bool = False) -> dict[str, Any]:
    ticket_id = ticket["id"]
    body: dict[str, Any] = {
        "url": f"{base}/api/v2/tickets/{ticket_id}.json",
        "id": ticket_id,
        "external_id": f"ext-{ticket_id}",
        "via": {"channel": ticket["channel"], "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": iso(ticket["created"]),
        "updated_at": iso(ticket["updated"]),
        "generated_timestamp": int(ticket["updated"]),
        "type": ticket["type"],
        "subject": ticket["subject"],
        "raw_subject": ticket["subject"],
        "description": ticket["description"],
        "priority": ticket["priority"],
        "status": ticket["status"],
        "recipient": "support@sandbox.example",
        "requester_id": ticket["requester_id"],
        "submitter_id": ticket["submitter_id"],
        "assignee_id": ticket["assignee_id"],
        "organization_id": ticket["organization_id"],
        "group_id": ticket["group_id"],
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "has_incidents": False,
        "is_public": ticket["is_public"],
        "due_at": None,
        "tags": list(ticket["tags"]),
        "satisfaction_rating": None,
        "sharing_agreement_ids": [],
        "followup_ids": [],
        "brand_id": 360000001,
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": False,
    }
    body = {key: value for key, value in body.items() if value is not None or key == "due_at"}
    if "custom_status_id" in ticket:
        body["custom_status_id"] = ticket["custom_status_id"]
    if ticket.get("followup_ids"):
        body["followup_ids"] = list(ticket["followup_ids"])
    if ticket.get("followup_source_id") is not None:
        source = {"from": {"ticket_id": ticket["followup_source_id"]}, "to": {}, "rel": "follow_up"}
        body["via"] = {"channel": ticket["channel"], "source": source}
    if ticket["custom_fields"]:
        body["custom_fields"] = [
            {"id": fid, **({"value": value} if value is not None else {})}
            for fid, value in ticket["custom_fields"].items()
        ]
    if slas:
        body["slas"] = {"policy_metrics": [_metric(metric, now) for metric in ticket["sla"]]}
    return body


def _metric(metric: dict[str, Any], now: float) -> dict[str, Any]:
    """`breach_at` plus the time left in the largest whole unit (negative once breached)."""
    out: dict[str, Any] = {"breach_at": None, "stage": metric["stage"], "metric": metric["metric"]}
    breach_at = metric["breach_at"]
    if breach_at is not None:
        out["breach_at"] = iso(breach_at)
        left = int(breach_at - now)
        if abs(left) >= 86400:
            out["days"] = int(left / 86400)
        elif abs(left) >= 3600:
            out["hours"] = int(left / 3600)
        else:
            out["minutes"] = int(left / 60)
    return out


def user_json(base: str, user: dict[str, Any]) -> dict[str, Any]:
    agent = user["role"] != "end-user"
    body: dict[str, Any] = {
        "id": user["id"],
        "url": f"{base}/api/v2/users/{user['id']}.json",
        "name": user["name"],
        "email": user["email"],
        "created_at": iso(user["created"]),
        "updated_at": iso(user["created"]),
        "time_zone": user["time_zone"],
        "iana_time_zone": user["time_zone"],
        "phone": None,
        "photo": None,
        "locale": "en-US",
        "locale_id": 1,
        "organization_id": user["organization_id"],
        "role": user["role"],
        "verified": True,
        "active": True,
        "suspended": False,
        "shared": False,
        "moderator": agent,
        "restricted_agent": False,
        "only_private_comments": False,
        "tags": [],
        "user_fields": {},
    }
    if not agent:
        body = {key: value for key, value in body.items() if value is not None}
    return body


def organization_json(base: str, organization: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": organization["id"],
        "url": f"{base}/api/v2/organizations/{organization['id']}.json",
        "name": organization["name"],
        "domain_names": organization["domain_names"],
        "details": None,
        "notes": None,
        "group_id": None,
        "shared_tickets": False,
        "shared_comments": False,
        "tags": organization["tags"],
        "organization_fields": {},
        "created_at": iso(organization["created"]),
        "updated_at": iso(organization["created"]),
    }


def group_json(base: str, group: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": group["id"],
        "url": f"{base}/api/v2/groups/{group['id']}.json",
        "name": group["name"],
        "description": group["description"],
        "default": group["id"] == 5101,
        "deleted": False,
        "is_public": True,
        "created_at": iso(group["created"]),
        "updated_at": iso(group["created"]),
    }


def comment_json(
    base: str, comment: dict[str, Any], *, inline_images: bool = False, markdown: bool = False
) -> dict[str, Any]:
    """A comment; `inline_images` lists inline images among its attachments (`include_inline_images`),
    `markdown` renders its body as Zendesk renders Markdown (`html_body`, and `plain_body` as its text)."""
    body = comment["body"]
    plain = body
    if comment["html"]:
        markup = comment["html"]
    elif markdown:
        markup = markdown_html(body)
        plain = plain_text(markup)
    else:
        markup = '<div class="zd-comment" dir="auto">' + html.escape(body).replace("\n", "<br>") + "</div>"
    attachments = comment["attachments"]
    images = [_content_url(base, a) for a in attachments if a.get("inline")]
    images += comment.get("external_images", [])
    if images:
        tags = "".join(f'<img src="{html.escape(url)}" alt="" style="max-width:100%">' for url in images)
        shown = f"<p>{tags}</p>"
        markup = markup[: -len("</div>")] + shown + "</div>" if markup.endswith("</div>") else markup + shown
    return {
        "id": comment["id"],
        "type": "Comment",
        "author_id": comment["author_id"],
        "body": body,
        "html_body": markup,
        "plain_body": plain,
        "public": comment["public"],
        "attachments": [
            attachment_json(base, a) for a in attachments if inline_images or not a.get("inline")
        ],
        "audit_id": comment["id"],
        "via": {"channel": comment["channel"], "source": {"from": {}, "to": {}, "rel": None}},
        "metadata": {
            "system": {"client": "frontline-sandbox", "ip_address": "127.0.0.1"},
            "custom": {},
            **comment_flags(comment),
        },
        "created_at": iso(comment["created"]),
    }


def _content_url(base: str, attachment: dict[str, Any]) -> str:
    return f"{base}/attachments/token/tok{attachment['id']}/?name={attachment['file_name']}"


def attachment_json(base: str, attachment: dict[str, Any]) -> dict[str, Any]:
    attachment_id = attachment["id"]
    return {
        "id": attachment_id,
        "url": f"{base}/api/v2/attachments/{attachment_id}.json",
        "file_name": attachment["file_name"],
        "content_url": _content_url(base, attachment),
        "mapped_content_url": _content_url(base, attachment),
        "content_type": attachment["content_type"],
        "size": attachment["size"],
        "inline": attachment.get("inline", False),
        "deleted": False,
        "malware_scan_result": "malware_not_found",
        "thumbnails": [],
    }


def audit_json(base: str, audit: dict[str, Any]) -> dict[str, Any]:
    events = []
    for event in audit["events"]:
        event = {key: value for key, value in event.items() if value is not None}
        if "body" in event:
            event["html_body"] = '<div class="zd-comment">' + html.escape(event["body"]) + "</div>"
            event["plain_body"] = event["body"]
            event["attachments"] = []
        events.append(event)
    return {
        "id": audit["id"],
        "ticket_id": audit["ticket_id"],
        "created_at": iso(audit["created"]),
        "author_id": audit["author_id"],
        "metadata": {"system": {"client": "frontline-sandbox", "ip_address": "127.0.0.1"}, "custom": {}},
        "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
        "events": events,
    }


def view_json(base: str, view: dict[str, Any], now: float) -> dict[str, Any]:
    column, order = view["sort"]
    columns = [
        {"id": "status", "title": "Status"},
        {"id": "subject", "title": "Subject"},
        {"id": "requester", "title": "Requester"},
        {"id": "priority", "title": "Priority"},
        {"id": "updated", "title": "Updated"},
    ]
    return {
        "url": f"{base}/api/v2/views/{view['id']}.json",
        "id": view["id"],
        "title": view["title"],
        "active": view.get("active", True),
        "updated_at": iso(now - 86400 * 30),
        "created_at": iso(now - 86400 * 400),
        "default": True,
        "position": view["id"] - 360000,
        "description": view["title"] + " (sandbox)",
        "execution": {
            "group_by": None,
            "group_order": "asc",
            "sort_by": column,
            "sort_order": order,
            "group": None,
            "sort": {"id": column, "title": column.replace("_", " ").title(), "order": order},
            "columns": columns,
            "fields": columns,
            "custom_fields": [],
        },
        "conditions": view["conditions"],
        "raw_title": view["title"],
    }


def macro_json(base: str, macro: dict[str, Any], now: float) -> dict[str, Any]:
    return {
        "url": f"{base}/api/v2/macros/{macro['id']}.json",
        "id": macro["id"],
        "title": macro["title"],
        "active": macro["active"],
        "updated_at": iso(now - 86400 * 10),
        "created_at": iso(now - 86400 * 200),
        "default": False,
        "position": macro["id"] - 7700,
        "description": macro["description"],
        "actions": macro["actions"],
        "restriction": None,
        "raw_title": macro["title"],
    }


def sideloads(
    base: str, data: ZendeskData, tickets: list[dict[str, Any]], include: set[str]
) -> dict[str, Any]:
    """`users`, `groups` and `organizations` arrays for the tickets on this page."""
    out: dict[str, Any] = {}
    if "users" in include:
        ids = {t[key] for t in tickets for key in ("requester_id", "submitter_id", "assignee_id")}
        out["users"] = [user_json(base, data.users[i]) for i in sorted(i for i in ids if i in data.users)]
    if "groups" in include:
        ids = {t["group_id"] for t in tickets}
        out["groups"] = [group_json(base, data.groups[i]) for i in sorted(i for i in ids if i in data.groups)]
    if "organizations" in include:
        ids = {t["organization_id"] for t in tickets}
        out["organizations"] = [
            organization_json(base, data.organizations[i])
            for i in sorted(i for i in ids if i in data.organizations)
        ]
    return out
