"""Pure mapping from Zendesk Support JSON to frontline's tickets, people, comments and views (no I/O).

Sparse payloads are tolerated and broken structure raises `MalformedResponse` (see `parsing`). Customer
text is kept as written; the UI cleans it for the terminal (`frontline.domain.text`). Macros are mapped
in `macros`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from frontline.connectors.zendesk.comments import comment_attachments, comment_warnings
from frontline.connectors.zendesk.comments import to_attachment as to_attachment
from frontline.connectors.zendesk.parsing import (
    UNKNOWN_TIME,
    Json,
    OrgsById,
    UsersById,
    as_id,
    as_opt_text,
    as_text,
    comment_body,
    comment_source_body,
    expect_list,
    expect_object,
    index_by_id,
    parse_time,
    to_priority,
    to_status,
    truncate_body,
)
from frontline.connectors.zendesk.statuses import CustomStatus, status_label
from frontline.domain.models import Comment, Organization, Person, SlaTarget, Ticket, View, utc_stamp
from frontline.domain.sharing import shared
from frontline.errors import MalformedResponse


def to_person(raw: Any, user_id: str | None = None) -> Person | None:
    """A Zendesk user as a Person; a bare id (user not sideloaded) becomes a placeholder name."""
    if isinstance(raw, dict):
        person_id = as_id(raw.get("id")) or user_id
        if person_id is None:
            return None
        email = as_opt_text(raw.get("email"))
        name = as_opt_text(raw.get("name")) or email or f"User {person_id}"
        return Person(
            id=person_id,
            name=name,
            email=email,
            role=as_opt_text(raw.get("role")),
            organization_id=as_id(raw.get("organization_id")),
        )
    if user_id is not None:
        return Person(id=user_id, name=f"User {user_id}")
    return None


def _person_for(user_id: Any, users: UsersById) -> Person | None:
    key = as_id(user_id)
    if key is None:
        return None
    return to_person(users.get(key), key)


def _organization_for(org_id: Any, orgs: OrgsById) -> Organization | None:
    key = as_id(org_id)
    if key is None:
        return None
    raw = orgs.get(key)
    name = as_opt_text(raw.get("name")) if isinstance(raw, dict) else None
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
        name = as_opt_text(metric.get("metric")) or "sla"
        stage = as_text(metric.get("stage")).lower()
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
    statuses: Mapping[str, CustomStatus] | None = None,
    description: bool = True,
) -> Ticket:
    """A Zendesk ticket with its people resolved from sideloaded (or separately fetched) users, and its
    custom status's agent label from the account's `statuses`. Its people and organization are the ones
    already held when equal (`shared`: a big view names a few thousand people).

    `description` False leaves it out, for tickets read in lists: Zendesk sends each one's whole first
    comment, which the queue never shows and which would be most of the memory of a 50,000-ticket view
    (the conversation, read when the ticket is opened, has it as its first comment).

    Raises:
        MalformedResponse: `raw` is not an object or has no usable id.
    """
    data = expect_object(raw, "a ticket")
    ticket_id = as_id(data.get("id"))
    if ticket_id is None:
        raise MalformedResponse("Zendesk sent a ticket without an id.")
    updated_raw = data.get("updated_at")
    updated_at = parse_time(updated_raw)
    created_at = parse_time(data.get("created_at")) or updated_at or UNKNOWN_TIME
    group_id = as_id(data.get("group_id"))
    group = None
    if group_id is not None and groups:
        group_raw = groups.get(group_id)
        group = as_opt_text(group_raw.get("name")) if isinstance(group_raw, dict) else None
    tags = data.get("tags")
    subject = as_opt_text(data.get("subject")) or as_opt_text(data.get("raw_subject")) or ""
    ticket = Ticket(
        id=ticket_id,
        subject=subject,
        status=to_status(data.get("status")),
        status_label=status_label(data, statuses) if statuses else None,
        status_id=as_id(data.get("custom_status_id")),
        priority=to_priority(data.get("priority")),
        requester=_person_for(data.get("requester_id"), users),
        assignee=_person_for(data.get("assignee_id"), users),
        organization=_organization_for(data.get("organization_id"), orgs),
        group=group,
        group_id=group_id,
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        created_at=created_at,
        updated_at=updated_at or created_at,
        sla=to_sla(data.get("slas")),
        url=f"{agent_base_url.rstrip('/')}/agent/tickets/{ticket_id}" if agent_base_url else None,
        linked_bug=None,
        description=truncate_body(as_text(data.get("description"))) if description else "",
        revision=_revision(updated_raw, updated_at),
    )
    return shared(ticket)


def _revision(updated_raw: Any, updated_at: datetime | None) -> str | None:
    """`Ticket.revision`: Zendesk's stamp is the ticket's `updated_at` as it wrote it, kept only where it
    is not what `Ticket.stamp` writes from the parsed time (None); '' when Zendesk sent none."""
    if not isinstance(updated_raw, str) or not updated_raw:
        return ""
    return None if updated_at is not None and updated_raw == utc_stamp(updated_at) else updated_raw


def to_comment(raw: Any, users: UsersById) -> Comment:
    """One conversation entry; `public` false is an internal note (a missing flag reads as public). Inline
    images are among its attachments and Zendesk's flags become `warnings` (see `comments`).

    Raises:
        MalformedResponse: `raw` is not an object or has no usable id.
    """
    data = expect_object(raw, "a comment")
    comment_id = as_id(data.get("id"))
    if comment_id is None:
        raise MalformedResponse("Zendesk sent a comment without an id.")
    public = data.get("public")
    return Comment(
        id=comment_id,
        author=_person_for(data.get("author_id"), users),
        body=comment_body(data),
        source_body=comment_source_body(data),
        public=public if isinstance(public, bool) else True,
        created_at=parse_time(data.get("created_at")) or UNKNOWN_TIME,
        attachments=comment_attachments(data, comment_id),
        warnings=comment_warnings(data),
    )


def to_view(raw: Any, count: int | None = None) -> View:
    data = expect_object(raw, "a view")
    view_id = as_id(data.get("id"))
    if view_id is None:
        raise MalformedResponse("Zendesk sent a view without an id.")
    return View(id=view_id, title=as_opt_text(data.get("title")) or f"View {view_id}", count=count)


def to_view_count(payload: Any) -> int | None:
    """`view_count.value`; null means "still being computed", which is unknown, not zero."""
    count = expect_object(expect_object(payload, "a view count").get("view_count"), "a view count")
    value = count.get("value")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
            user_id = as_id(record.get(key))
            if user_id is not None and user_id not in users:
                missing[user_id] = None
    return list(missing)
