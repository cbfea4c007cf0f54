"""What `/` filters a queue by: one lowercase haystack per ticket, and a query split into terms.

Invisible format characters are dropped from both, so `/paypal` finds `pay\u200bpal.com`.

Haystacks are built once per ticket when a view loads, so each keystroke only runs `in` over plain strings
(or asks the `GramIndex` built from them).
"""

from __future__ import annotations

import re

from frontline.domain.models import Status, Ticket
from frontline.domain.text import INVISIBLE, clean_text, strip_invisible

_STATUS_LABELS = {status: status.label for status in Status}
_NEEDS_CLEANING = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f]|{INVISIBLE.pattern}")


def haystack(ticket: Ticket) -> str:
    """Everything `/` matches against, lowercased; fields joined by newlines so terms never span two."""
    parts = [ticket.id, ticket.key, ticket.subject, _STATUS_LABELS[ticket.status]]
    if ticket.status_label is not None:
        parts.append(ticket.status_label)
    if ticket.priority is not None:
        parts.append(ticket.priority.value)
    requester = ticket.requester
    if requester is not None:
        parts.append(requester.name)
        if requester.email:
            parts.append(requester.email)
    if ticket.organization is not None:
        parts.append(ticket.organization.name)
    if ticket.assignee is not None:
        parts.append(ticket.assignee.name)
    if ticket.linked_bug:
        parts.append(ticket.linked_bug)
    parts.extend(ticket.tags)
    text = "\n".join(parts)
    if _NEEDS_CLEANING.search(text):
        text = "\n".join(strip_invisible(clean_text(part)).replace("\n", " ") for part in parts)
    return text.lower()


def query_terms(query: str) -> tuple[str, ...]:
    """The whitespace-separated terms of a filter query, lowercased, invisible characters dropped (as in
    the haystacks): a ticket must match every one."""
    return tuple(strip_invisible(query).lower().split())
