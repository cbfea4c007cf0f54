"""What "go to ticket" accepts: `4521`, `#4521`, a JSM key `CS-12`, or a ticket's URL pasted from a browser.

Pure parsing: the desk then asks the helpdesk for the ticket, so a reference to a ticket in no loaded
view still opens it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_NUMBER = re.compile(r"#?\s*(\d{1,18})")
_ISSUE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}-\d{1,18}")
_URL_TICKET = re.compile(r"/tickets?/(\d{1,18})(?:[/?#.]|$)")
_URL_KEY = re.compile(r"/([A-Za-z][A-Za-z0-9_]{0,254}-\d{1,18})(?:[/?#]|$)")


def ticket_reference(text: str) -> str | None:
    """The ticket id or issue key `text` names, or None when it names none.

    URLs: Zendesk `/agent/tickets/4521`, Jira `/browse/CS-12`, a JSM portal or queue URL ending in the key,
    or `?selectedIssue=CS-12`.
    """
    text = text.strip()
    if not text:
        return None
    number = _NUMBER.fullmatch(text)
    if number is not None:
        return number.group(1)
    if _ISSUE_KEY.fullmatch(text):
        return text.upper()
    if "/" not in text:
        return None
    parts = urlsplit(text if "://" in text else f"https://{text}")
    for selected in parse_qs(parts.query).get("selectedIssue", []):
        if _ISSUE_KEY.fullmatch(selected):
            return selected.upper()
    path = parts.path
    ticket = _URL_TICKET.search(path)
    if ticket is not None:
        return ticket.group(1)
    keys = _URL_KEY.findall(path)
    return keys[-1].upper() if keys else None
