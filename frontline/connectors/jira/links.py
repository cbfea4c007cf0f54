"""The link back from a Jira issue to the ticket it was escalated from.

A remote link, upserted by the ticket's `globalId`: Jira replaces the whole link on every update and
nulls what is left out, so `remote_link` always builds the complete object. When the helpdesk is JSM on
the same Atlassian site, the request and the bug are also related with an issue link; Jira accepts a
duplicate and reports success, so the existing links are read first (`already_related`).
"""

from __future__ import annotations

from typing import Any

import httpx

from frontline.domain.escalation import TicketRef
from frontline.domain.text import one_line

RELATIONSHIP = "escalated from"
APPLICATIONS = {
    "zendesk": ("com.zendesk.support", "Zendesk"),
    "jsm": ("com.atlassian.servicedesk", "Jira Service Management"),
}
MAX_TITLE = 255


def ticket_url(ticket: TicketRef, helpdesk_site: str | None) -> str:
    """Where an agent opens the ticket: its own URL, else one built from the helpdesk's address."""
    if ticket.url:
        return ticket.url
    if ticket.helpdesk == "zendesk":
        base = helpdesk_site or f"https://{ticket.site}.zendesk.com"
        return f"{base.rstrip('/')}/agent/tickets/{ticket.ticket_id}"
    base = helpdesk_site or f"https://{ticket.site}"
    return f"{base.rstrip('/')}/browse/{ticket.ticket_id}"


def remote_link(ticket: TicketRef, helpdesk_site: str | None) -> dict[str, Any]:
    """The full `RemoteIssueLinkRequest` for `ticket` (the same object on every call)."""
    app_type, app_name = APPLICATIONS.get(ticket.helpdesk, (f"frontline.{ticket.helpdesk}", ticket.helpdesk))
    subject = one_line(ticket.title)
    title = f"{ticket.display}: {subject}" if subject else ticket.display
    return {
        "globalId": ticket.global_id,
        "application": {"type": app_type, "name": app_name},
        "relationship": RELATIONSHIP,
        "object": {
            "url": ticket_url(ticket, helpdesk_site),
            "title": title[:MAX_TITLE],
            "status": {"resolved": False},
        },
    }


def same_site(helpdesk_site: str | None, jira_site: str) -> bool:
    """Whether the helpdesk lives on this Jira site (scheme, host and port all agree)."""
    if not helpdesk_site:
        return False
    try:
        one, other = httpx.URL(helpdesk_site.strip()), httpx.URL(jira_site)
    except httpx.InvalidURL:
        return False
    return bool(one.host) and (one.scheme, one.host.lower(), one.port) == (
        other.scheme,
        other.host.lower(),
        other.port,
    )


def already_related(issue: Any, other_key: str) -> bool:
    """Whether an `IssueBean` read with `fields=issuelinks` already relates to `other_key`."""
    fields = issue.get("fields") if isinstance(issue, dict) else None
    links = fields.get("issuelinks") if isinstance(fields, dict) else None
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict):
            continue
        link_type = link.get("type")
        if not isinstance(link_type, dict) or str(link_type.get("name", "")).lower() != "relates":
            continue
        for side in ("inwardIssue", "outwardIssue"):
            other = link.get(side)
            if isinstance(other, dict) and str(other.get("key", "")).upper() == other_key.upper():
                return True
    return False
