"""The body of Zendesk's one guarded ticket write (`PUT /api/v2/tickets/{id}`), built from a `TicketUpdate`.

- `comment.public` is always sent: Zendesk makes it sticky otherwise.
- The `tags` property replaces the whole list, so tag changes are computed from the tags as they stand at
  `updated_stamp` and sent in the same guarded write (a concurrent edit answers 409, nothing clobbered).
- A status is written as the account's custom status when it has them (`statuses.status_fields`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontline.connectors.zendesk.parsing import Json, parse_time
from frontline.connectors.zendesk.statuses import CustomStatus, status_fields
from frontline.domain.models import TicketUpdate
from frontline.errors import ConflictError, ValidationFailed


def needs_current(update: TicketUpdate, statuses_in_use: bool | None) -> bool:
    """Whether the ticket as it is now must be read first: for tags, and for a status on an account that
    has (or may have) custom statuses."""
    return bool(update.tags_add or update.tags_remove) or (
        update.status is not None and statuses_in_use is not False
    )


def update_body(update: TicketUpdate, current: Json | None, statuses: Mapping[str, CustomStatus]) -> Json:
    """The `ticket` object to send; `current` is the raw ticket read just before (or None).

    Raises:
        ConflictError: `current` was changed since `update.revision`.
        ValidationFailed: an assignee or group id that is not a number.
    """
    body: Json = {}
    if update.comment is not None:
        body["comment"] = {"body": update.comment.body, "public": bool(update.comment.public)}
    if update.status is not None and update.status_id is not None and update.status_id.isdigit():
        body.update({"status": update.status.value, "custom_status_id": int(update.status_id)})
    elif update.status is not None:
        body.update(status_fields(update.status, current, statuses))
    if update.priority is not None:
        body["priority"] = update.priority.value
    if update.assignee_id is not None:
        unassign = update.assignee_id == ""
        body["assignee_id"] = None if unassign else int_id(update.assignee_id, "assignee")
    if update.group_id is not None:
        body["group_id"] = int_id(update.group_id, "group")
    stamp = update.revision
    if current is not None:
        current_stamp = current.get("updated_at") if isinstance(current.get("updated_at"), str) else None
        loaded_at, current_at = parse_time(stamp), parse_time(current_stamp)
        if loaded_at is not None and current_at is not None and loaded_at != current_at:
            raise ConflictError(
                "Zendesk says the ticket was changed by someone else since you loaded it. "
                "Your draft is kept; refresh and send again."
            )
        stamp = stamp or current_stamp
    if update.tags_add or update.tags_remove:
        tags = current.get("tags") if current is not None else None
        body["tags"] = merged_tags(tags, update.tags_add, update.tags_remove)
    if stamp:
        body["safe_update"] = True
        body["updated_stamp"] = stamp
    return body


def merged_tags(current: Any, add: tuple[str, ...], remove: tuple[str, ...]) -> list[str]:
    """The ticket's tags with `add` appended and `remove` taken out, keeping Zendesk's order."""
    existing = [t for t in current if isinstance(t, str)] if isinstance(current, list) else []
    removed = set(remove)
    merged = [t for t in existing if t not in removed]
    merged += [t for t in dict.fromkeys(add) if t not in removed and t not in merged]
    return merged


def int_id(value: str, what: str) -> int:
    """A Zendesk id to send, as the integer it is.

    Raises:
        ValidationFailed: not a number.
    """
    text = str(value).strip()
    if not text.isdigit() or not text.isascii():
        raise ValidationFailed(f"Zendesk {what} ids are numbers; {value!r} is not one.")
    return int(text)
