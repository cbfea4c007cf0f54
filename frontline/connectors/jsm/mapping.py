"""Jira Service Management JSON -> frontline's helpdesk-neutral models.

Pure functions, tolerant of sparse answers: every optional field may be missing or null (privacy
settings hide emails, queues show only their configured columns, SLAs may be absent).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frontline.connectors.atlassian.adf import adf_to_text
from frontline.connectors.atlassian.dates import millis_time as _millis_time
from frontline.connectors.atlassian.dates import parse_time
from frontline.connectors.jsm.statuses import pick_transition, status_of
from frontline.connectors.jsm.wiki import from_wiki
from frontline.domain.models import (
    Attachment,
    Comment,
    Organization,
    Person,
    Priority,
    SlaTarget,
    Status,
    Ticket,
)
from frontline.domain.moments import UNKNOWN_TIME
from frontline.domain.sharing import shared

PRIORITY_BY_NAME = {
    "highest": Priority.URGENT,
    "blocker": Priority.URGENT,
    "critical": Priority.URGENT,
    "urgent": Priority.URGENT,
    "high": Priority.HIGH,
    "major": Priority.HIGH,
    "medium": Priority.NORMAL,
    "normal": Priority.NORMAL,
    "low": Priority.LOW,
    "lowest": Priority.LOW,
    "minor": Priority.LOW,
    "trivial": Priority.LOW,
}
PRIORITY_NAMES = {
    Priority.URGENT: "Highest",
    Priority.HIGH: "High",
    Priority.NORMAL: "Medium",
    Priority.LOW: "Low",
}
"""What frontline writes back for each priority when the project's scheme is not known (Jira's default
scheme; see `jsm.priorities`)."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def map_person(user: Any) -> Person | None:
    """A platform `UserDetails` or a JSM `UserDTO`."""
    data = _dict(user)
    account_id = data.get("accountId")
    if not isinstance(account_id, str) or not account_id:
        return None
    name = data.get("displayName") if isinstance(data.get("displayName"), str) else account_id
    email = data.get("emailAddress") if isinstance(data.get("emailAddress"), str) else None
    kind = data.get("accountType")
    customer = kind == "customer" or account_id.startswith("qm:")
    role = "customer" if customer else "agent" if kind == "atlassian" else None
    return Person(id=account_id, name=name or account_id, email=email, role=role)


def map_status(name: Any, category: Any) -> Status:
    """By an English status name for JSM's own statuses, else by status category (`jsm.statuses`)."""
    return status_of({"name": name, "statusCategory": {"key": category}})


def platform_status(fields: dict[str, Any]) -> Status:
    """The issue's status without the site's status list (`jsm.reading` reads it with the list)."""
    return status_of(fields.get("status"))


def map_priority(priority: Any) -> Priority | None:
    name = _dict(priority).get("name")
    return PRIORITY_BY_NAME.get(name.strip().lower()) if isinstance(name, str) else None


def map_sla(values: Any) -> SlaTarget | None:
    """The next SLA target among `SlaInformationDTO`s (or SLA custom field values).

    An ongoing, running cycle with the earliest breach wins; an ongoing paused cycle comes next; an
    already-breached completed cycle is reported as breached; with none of those there is no target.
    """
    running: list[SlaTarget] = []
    paused: list[SlaTarget] = []
    breached_done: list[SlaTarget] = []
    for item in values if isinstance(values, list) else []:
        info = _dict(item)
        metric = str(info.get("name") or info.get("id") or "sla")
        cycle = _dict(info.get("ongoingCycle"))
        if cycle:
            due = parse_time(cycle.get("breachTime"))
            if due is None:
                start = parse_time(cycle.get("startTime"))
                goal = _dict(cycle.get("goalDuration")).get("millis")
                if start is not None and isinstance(goal, int) and not cycle.get("paused"):
                    due = _millis_time(goal, since=start)
            if cycle.get("paused"):
                paused.append(SlaTarget(metric=metric, due_at=due, paused=True))
            elif due is not None:
                breached_at = due if cycle.get("breached") else None
                running.append(SlaTarget(metric=metric, due_at=due, breached_at=breached_at))
            continue
        for done in _list(info.get("completedCycles")):
            done = _dict(done)
            if done.get("breached"):
                when = parse_time(done.get("breachTime"))
                breached_done.append(SlaTarget(metric=metric, due_at=when, breached_at=when))
    if running:
        return min(running, key=lambda t: t.due_at or datetime.max.replace(tzinfo=UTC))
    if paused:
        return paused[0]
    return None


def sla_from_fields(fields: dict[str, Any]) -> SlaTarget | None:
    """SLA columns a queue shows (custom fields holding `ongoingCycle`/`completedCycles`)."""
    values = [
        value
        for name, value in fields.items()
        if name.startswith("customfield_")
        and isinstance(value, dict)
        and ("ongoingCycle" in value or "completedCycles" in value)
    ]
    return map_sla(values) if values else None


def map_issue(issue: Any, site_url: str) -> Ticket | None:
    """A platform issue (a queue row or `GET /rest/api/3/issue`) as a ticket; None when it has no key."""
    data = _dict(issue)
    key = data.get("key")
    if not isinstance(key, str) or not key:
        return None
    fields = _dict(data.get("fields"))
    created = parse_time(fields.get("created")) or UNKNOWN_TIME
    labels = fields.get("labels")
    description = fields.get("description")
    return shared(
        Ticket(
            id=key,
            key=key,
            subject=str(fields.get("summary") or ""),
            status=platform_status(fields),
            priority=map_priority(fields.get("priority")),
            requester=map_person(fields.get("reporter")),
            assignee=map_person(fields.get("assignee")),
            tags=tuple(str(x) for x in labels) if isinstance(labels, list) else (),
            created_at=created,
            updated_at=parse_time(fields.get("updated")) or created,
            sla=sla_from_fields(fields),
            url=f"{site_url}/browse/{key}",
            description=adf_to_text(description) if description else "",
            revision=str(fields.get("updated")) if fields.get("updated") else None,
        )
    )


def merge_request(ticket: Ticket, request: Any, organizations: dict[str, str] | None = None) -> Ticket:
    """Fill a ticket from the servicedeskapi request (SLA expand, reporter, status) where it adds facts.

    Its `_links` are not used: the ticket's link is the site's `/browse/KEY` (`map_issue`), whatever host
    the API answered from (through the gateway, links may point there)."""
    data = _dict(request)
    changes: dict[str, Any] = {}
    sla = _dict(data.get("sla")).get("values")
    if isinstance(sla, list):
        changes["sla"] = map_sla(sla)
    if ticket.requester is None and (reporter := map_person(data.get("reporter"))):
        changes["requester"] = reporter
    if not ticket.description:
        for value in _list(data.get("requestFieldValues")):
            value = _dict(value)
            if value.get("fieldId") == "description" and isinstance(value.get("value"), str):
                changes["description"] = value["value"]
    org_id = data.get("organizationId")
    if organizations and isinstance(org_id, str) and org_id in organizations:
        changes["organization"] = Organization(id=org_id, name=organizations[org_id])
    return ticket.replace(**changes)


def map_comment(comment: Any) -> Comment | None:
    """A servicedeskapi `CommentDTO`: its wiki body read as plain text (`jsm.wiki.from_wiki`, the stored
    text kept as `source_body`), its `public` flag and its `attachments` (with `expand=attachment`)."""
    data = _dict(comment)
    comment_id = data.get("id")
    created = parse_time(data.get("created")) or UNKNOWN_TIME  # shown as "unknown", never dropped
    if comment_id is None:
        return None
    body = data.get("body")
    text = from_wiki(body) if isinstance(body, str) else adf_to_text(body)
    return Comment(
        id=str(comment_id),
        author=map_person(data.get("author")),
        body=text,
        public=data.get("public") is not False,
        created_at=created,
        attachments=map_attachments(data.get("attachments")),
        source_body=body if isinstance(body, str) and body != text else None,
    )


def map_attachments(page: Any) -> tuple[Attachment, ...]:
    """A comment's `attachments` page of `AttachmentDTO`s. They carry no id field; the id is the last
    segment of their `jiraRest` (or `content`) link, else the file name."""
    attachments = []
    for item in _list(_dict(page).get("values")):
        data = _dict(item)
        name = data.get("filename")
        if not isinstance(name, str) or not name:
            continue
        links = _dict(data.get("_links"))
        content = links.get("content") if isinstance(links.get("content"), str) else None
        rest = links.get("jiraRest") if isinstance(links.get("jiraRest"), str) else None
        attachment_id = (rest or "").rstrip("/").rsplit("/", 1)[-1] if rest else None
        if not attachment_id and content:
            attachment_id = content.rstrip("/").rsplit("/", 2)[-2] if content.count("/") > 2 else None
        size = data.get("size")
        attachments.append(
            Attachment(
                id=attachment_id or name,
                file_name=name,
                content_type=data.get("mimeType") if isinstance(data.get("mimeType"), str) else None,
                size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
                url=content,
            )
        )
    return tuple(attachments)


def transition_target(transition: Any) -> Status | None:
    to = _dict(_dict(transition).get("to"))
    return status_of(to) if to else None


def choose_transition(transitions: Any, target: Status) -> str | None:
    """The id of the transition a JSM agent would take to `target` (`jsm.statuses.pick_transition`)."""
    chosen = pick_transition(transitions, target)
    return str(chosen["id"]) if chosen is not None else None
