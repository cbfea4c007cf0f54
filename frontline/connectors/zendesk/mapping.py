"""Pure mapping from Zendesk Support JSON to frontline's domain models (no I/O).

Real Zendesk payloads are sparse: any optional field may be missing or null, statuses can be new
strings, and custom field values come in any type. Those are tolerated with sensible fallbacks. A payload
whose *structure* is wrong (a ticket that is not an object, `tickets` that is not a list) raises
`MalformedResponse` with a message naming what was wrong, never a KeyError or a ValidationError.
Customer text is kept as written; the UI cleans it for the terminal (`frontline.domain.text`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from frontline.domain.models import (
    Attachment,
    Comment,
    Macro,
    MacroPreview,
    Organization,
    Person,
    Priority,
    SlaTarget,
    Status,
    Ticket,
    View,
)
from frontline.errors import MalformedResponse

MAX_BODY_CHARS = 2_000_000
"""Longer comment bodies are cut (with a visible marker) so one hostile ticket cannot exhaust memory."""

UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
"""Stands in for a missing or unreadable timestamp on a record that must have one."""

_STATUS_ALIASES = {"on-hold": Status.HOLD, "on_hold": Status.HOLD, "deleted": Status.CLOSED}

Json = dict[str, Any]
UsersById = Mapping[str, Json]
OrgsById = Mapping[str, Json]


# --- structure checks -----------------------------------------------------------------------------


def expect_object(value: Any, what: str) -> Json:
    """`value` as a JSON object, or `MalformedResponse` naming `what`."""
    if not isinstance(value, dict):
        raise MalformedResponse(f"Zendesk sent {what} that is not a JSON object ({_type_name(value)}).")
    return value


def expect_list(payload: Json, key: str, what: str, *, required: bool = True) -> list[Any]:
    """`payload[key]` as a list; missing is an error only when `required`, any other type always is."""
    value = payload.get(key)
    if value is None:
        if required:
            raise MalformedResponse(f"Zendesk's answer for {what} has no `{key}` list.")
        return []
    if not isinstance(value, list):
        raise MalformedResponse(
            f"Zendesk's answer for {what} has `{key}` that is not a list ({_type_name(value)})."
        )
    return value


def index_by_id(records: Iterable[Any]) -> dict[str, Json]:
    """Sideloaded records keyed by their id as a string; entries without an id are skipped."""
    indexed: dict[str, Json] = {}
    for record in records:
        if isinstance(record, dict) and _id(record.get("id")) is not None:
            indexed[str(_id(record.get("id")))] = record
    return indexed


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


# --- scalar helpers -------------------------------------------------------------------------------


def _id(value: Any) -> str | None:
    """Zendesk ids are integers; accept strings too, and reject booleans and other junk."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime, or None when missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_status(value: Any) -> Status:
    """Zendesk's status (a category when custom statuses are on); unknown strings read as open."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _STATUS_ALIASES:
            return _STATUS_ALIASES[key]
        try:
            return Status(key)
        except ValueError:
            pass
    return Status.OPEN


def to_priority(value: Any) -> Priority | None:
    if isinstance(value, str):
        try:
            return Priority(value.strip().lower())
        except ValueError:
            return None
    return None


def truncate_body(text: str, limit: int = MAX_BODY_CHARS) -> str:
    """Cut a body longer than `limit` characters and say so at the end."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n\n[frontline: {len(text) - limit:,} more characters not shown]"


class _HtmlToText(HTMLParser):
    """Just enough HTML-to-text for `html_body`: block ends become newlines, tags and scripts go."""

    _BREAKS = frozenset(
        {"br", "p", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
    )
    _SKIP = frozenset({"script", "style", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML comment body (used only when Zendesk sent no `plain_body`/`body`)."""
    parser = _HtmlToText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # HTMLParser is lenient; anything it still chokes on falls back to crude stripping
        return html.unescape(re.sub(r"<[^>]*>", "", markup))
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- records --------------------------------------------------------------------------------------


def to_person(raw: Any, user_id: str | None = None) -> Person | None:
    """A Zendesk user as a Person; a bare id (user not sideloaded) becomes a placeholder name."""
    if isinstance(raw, dict):
        person_id = _id(raw.get("id")) or user_id
        if person_id is None:
            return None
        email = _opt_text(raw.get("email"))
        name = _opt_text(raw.get("name")) or email or f"User {person_id}"
        return Person(
            id=person_id,
            name=name,
            email=email,
            role=_opt_text(raw.get("role")),
            organization_id=_id(raw.get("organization_id")),
        )
    if user_id is not None:
        return Person(id=user_id, name=f"User {user_id}")
    return None


def _person_for(user_id: Any, users: UsersById) -> Person | None:
    key = _id(user_id)
    if key is None:
        return None
    return to_person(users.get(key), key)


def _organization_for(org_id: Any, orgs: OrgsById) -> Organization | None:
    key = _id(org_id)
    if key is None:
        return None
    raw = orgs.get(key)
    name = _opt_text(raw.get("name")) if isinstance(raw, dict) else None
    return Organization(id=key, name=name or f"Organization {key}")


def to_sla(raw: Any) -> SlaTarget | None:
    """The next SLA target from the ticket's `slas.policy_metrics` (sideload `include=slas`).

    The earliest active metric wins; with none active, a paused metric shows the SLA as paused.
    Achieved metrics are done and ignored.
    """
    if not isinstance(raw, dict):
        return None
    metrics = raw.get("policy_metrics")
    if not isinstance(metrics, list):
        return None
    active: list[tuple[datetime, str]] = []
    paused: list[str] = []
    for metric in metrics:
        if not isinstance(metric, dict):
            continue
        name = _opt_text(metric.get("metric")) or "sla"
        stage = _text(metric.get("stage")).lower()
        breach_at = parse_time(metric.get("breach_at"))
        if stage == "active" and breach_at is not None:
            active.append((breach_at, name))
        elif stage == "paused":
            paused.append(name)
    if active:
        due_at, name = min(active)
        return SlaTarget(metric=name, due_at=due_at)
    if paused:
        return SlaTarget(metric=paused[0], paused=True)
    return None


def to_ticket(
    raw: Any,
    users: UsersById,
    orgs: OrgsById,
    *,
    groups: Mapping[str, Json] | None = None,
    agent_base_url: str = "",
) -> Ticket:
    """A Zendesk ticket with its people resolved from sideloaded (or separately fetched) users.

    Raises:
        MalformedResponse: `raw` is not an object or has no usable id.
    """
    data = expect_object(raw, "a ticket")
    ticket_id = _id(data.get("id"))
    if ticket_id is None:
        raise MalformedResponse("Zendesk sent a ticket without an id.")
    updated_raw = data.get("updated_at")
    updated_at = parse_time(updated_raw)
    created_at = parse_time(data.get("created_at")) or updated_at or UNKNOWN_TIME
    group_id = _id(data.get("group_id"))
    group = None
    if group_id is not None and groups:
        group_raw = groups.get(group_id)
        group = _opt_text(group_raw.get("name")) if isinstance(group_raw, dict) else None
    tags = data.get("tags")
    subject = _opt_text(data.get("subject")) or _opt_text(data.get("raw_subject")) or ""
    return Ticket(
        id=ticket_id,
        key=f"#{ticket_id}",
        subject=subject,
        status=to_status(data.get("status")),
        priority=to_priority(data.get("priority")),
        requester=_person_for(data.get("requester_id"), users),
        assignee=_person_for(data.get("assignee_id"), users),
        organization=_organization_for(data.get("organization_id"), orgs),
        group=group,
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        created_at=created_at,
        updated_at=updated_at or created_at,
        sla=to_sla(data.get("slas")),
        url=f"{agent_base_url.rstrip('/')}/agent/tickets/{ticket_id}" if agent_base_url else None,
        linked_bug=None,
        description=truncate_body(_text(data.get("description"))),
        revision=updated_raw if isinstance(updated_raw, str) and updated_raw else None,
    )


def comment_body(raw: Json) -> str:
    """`plain_body` if present, else `body`, else `html_body` stripped of markup; long bodies cut."""
    for key in ("plain_body", "body"):
        value = raw.get(key)
        if isinstance(value, str) and value:
            return truncate_body(value)
    markup = raw.get("html_body")
    if isinstance(markup, str) and markup:
        return truncate_body(html_to_text(markup))
    return ""


def to_attachment(raw: Any) -> Attachment | None:
    if not isinstance(raw, dict):
        return None
    attachment_id = _id(raw.get("id"))
    if attachment_id is None:
        return None
    size = raw.get("size")
    return Attachment(
        id=attachment_id,
        file_name=_opt_text(raw.get("file_name")) or f"attachment-{attachment_id}",
        content_type=_opt_text(raw.get("content_type")),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        url=_opt_text(raw.get("content_url")),
    )


def to_comment(raw: Any, users: UsersById) -> Comment:
    """One conversation entry; `public` false is an internal note (a missing flag reads as public).

    Raises:
        MalformedResponse: `raw` is not an object or has no usable id.
    """
    data = expect_object(raw, "a comment")
    comment_id = _id(data.get("id"))
    if comment_id is None:
        raise MalformedResponse("Zendesk sent a comment without an id.")
    attachments = data.get("attachments")
    mapped = [to_attachment(a) for a in attachments] if isinstance(attachments, list) else []
    public = data.get("public")
    return Comment(
        id=comment_id,
        author=_person_for(data.get("author_id"), users),
        body=comment_body(data),
        public=public if isinstance(public, bool) else True,
        created_at=parse_time(data.get("created_at")) or UNKNOWN_TIME,
        attachments=tuple(a for a in mapped if a is not None),
    )


def to_view(raw: Any, count: int | None = None) -> View:
    data = expect_object(raw, "a view")
    view_id = _id(data.get("id"))
    if view_id is None:
        raise MalformedResponse("Zendesk sent a view without an id.")
    return View(id=view_id, title=_opt_text(data.get("title")) or f"View {view_id}", count=count)


def to_view_count(payload: Any) -> int | None:
    """`view_count.value`; null means "still being computed", which is unknown, not zero."""
    count = expect_object(expect_object(payload, "a view count").get("view_count"), "a view count")
    value = count.get("value")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def to_macro(raw: Any) -> Macro:
    data = expect_object(raw, "a macro")
    macro_id = _id(data.get("id"))
    if macro_id is None:
        raise MalformedResponse("Zendesk sent a macro without an id.")
    return Macro(
        id=macro_id,
        title=_opt_text(data.get("title")) or f"Macro {macro_id}",
        description=_opt_text(data.get("description")),
    )


def users_in(payload: Json, what: str) -> dict[str, Json]:
    """The `users` sideload of a payload, keyed by id (empty when absent)."""
    return index_by_id(expect_list(payload, "users", what, required=False))


def missing_user_ids(records: Iterable[Json], users: UsersById, keys: tuple[str, ...]) -> list[str]:
    """Ids referenced under `keys` in `records` that the sideload did not resolve, in first-seen order."""
    missing: dict[str, None] = {}
    for record in records:
        if not isinstance(record, dict):
            continue
        for key in keys:
            user_id = _id(record.get(key))
            if user_id is not None and user_id not in users:
                missing[user_id] = None
    return list(missing)


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

    comment = after.get("comment") if isinstance(after.get("comment"), dict) else {}
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
        field_id, value = _id(field.get("id")), field.get("value")
        if field_id is not None and value not in (None, "", []) and field not in _custom_fields(current):
            other[f"field {field_id}"] = _readable(value)
    return MacroPreview(
        macro=macro,
        comment_body=body or None,
        comment_public=public if body else None,
        status=to_status(after.get("status")) if changed("status") and after.get("status") else None,
        priority=to_priority(after.get("priority")) if changed("priority") else None,
        assignee_id=_id(after.get("assignee_id")) if changed("assignee_id") else None,
        group_id=_id(after.get("group_id")) if changed("group_id") else None,
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
