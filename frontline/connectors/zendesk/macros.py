"""Zendesk macros: the macro records and what applying one would change on a ticket (no I/O)."""

from __future__ import annotations

from typing import Any

from frontline.connectors.zendesk.parsing import (
    Json,
    as_id,
    as_opt_text,
    comment_body,
    expect_object,
    to_priority,
    to_status,
)
from frontline.domain.models import Macro, MacroPreview
from frontline.errors import MalformedResponse


def to_macro(raw: Any) -> Macro:
    data = expect_object(raw, "a macro")
    macro_id = as_id(data.get("id"))
    if macro_id is None:
        raise MalformedResponse("Zendesk sent a macro without an id.")
    return Macro(
        id=macro_id,
        title=as_opt_text(data.get("title")) or f"Macro {macro_id}",
        description=as_opt_text(data.get("description")),
    )


def macro_preview(macro: Macro, before: Any, after_payload: Any) -> MacroPreview:
    """What `ShowTicketAfterChanges` says a macro would change, compared with the ticket as it is now.

    Only values that differ from `before` are reported, so the preview lists real changes. The
    response's `fields`/`custom_fields` entries become readable "field <id>" lines.

    Raises:
        MalformedResponse: `result.ticket` is missing or not an object.
    """
    result = expect_object(expect_object(after_payload, "a macro preview").get("result"), "a macro result")
    after = expect_object(result.get("ticket"), "a macro result ticket")
    current = before if isinstance(before, dict) else {}

    def changed(key: str) -> bool:
        return key in after and after.get(key) != current.get(key)

    raw_comment = after.get("comment")
    comment: Json = raw_comment if isinstance(raw_comment, dict) else {}
    body = comment_body(comment) if comment else ""
    public = comment.get("public") if isinstance(comment.get("public"), bool) else None
    tags: tuple[str, ...] | None = None
    other: dict[str, str] = {}
    if changed("tags") and isinstance(after.get("tags"), list):
        tags = tuple(t for t in after["tags"] if isinstance(t, str))
    for key in ("subject", "type", "due_at"):
        if changed(key) and after.get(key) is not None:
            other[key.replace("_", " ")] = _readable(after.get(key))
    for field in _custom_fields(after):
        field_id, value = as_id(field.get("id")), field.get("value")
        if field_id is not None and value not in (None, "", []) and field not in _custom_fields(current):
            other[f"field {field_id}"] = _readable(value)
    return MacroPreview(
        macro=macro,
        comment_body=body or None,
        comment_public=public if body else None,
        status=to_status(after.get("status")) if changed("status") and after.get("status") else None,
        priority=to_priority(after.get("priority")) if changed("priority") else None,
        assignee_id=as_id(after.get("assignee_id")) if changed("assignee_id") else None,
        group_id=as_id(after.get("group_id")) if changed("group_id") else None,
        tags=tags,
        other_changes=other,
    )


def _custom_fields(ticket: Json) -> list[Json]:
    """`custom_fields`/`fields` as a list of {id, value} (the spec's example has a single object)."""
    fields: list[Json] = []
    for key in ("custom_fields", "fields"):
        value = ticket.get(key)
        if isinstance(value, dict):
            value = [value]
        if isinstance(value, list):
            fields += [f for f in value if isinstance(f, dict)]
    return fields


def _readable(value: Any) -> str:
    """A custom field value of any JSON type as a short readable string."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_readable(v) for v in value)
    if value is None:
        return "(empty)"
    return str(value)
