"""Jira Service Management JSON -> frontline's helpdesk-neutral models.

Pure functions, tolerant of sparse answers: every optional field may be missing or null (privacy
settings hide emails, queues show only their configured columns, SLAs may be absent).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frontline.connectors.atlassian.adf import adf_to_text
from frontline.connectors.decode import as_utc, from_epoch
from frontline.domain.models import Comment, Organization, Person, Priority, SlaTarget, Status, Ticket

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
"""What frontline writes back for each priority (Jira's default priority scheme)."""

_STATUS_BY_NAME = {
    "waiting for customer": Status.PENDING,
    "pending": Status.HOLD,
    "on hold": Status.HOLD,
    "waiting for approval": Status.HOLD,
    "resolved": Status.SOLVED,
    "done": Status.SOLVED,
    "closed": Status.CLOSED,
    "canceled": Status.CLOSED,
    "cancelled": Status.CLOSED,
    "declined": Status.CLOSED,
}
_STATUS_BY_CATEGORY = {
    "new": Status.OPEN,
    "indeterminate": Status.OPEN,
    "done": Status.SOLVED,
    "undefined": Status.OPEN,
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _millis_time(millis: Any, since: datetime | None = None) -> datetime | None:
    """Epoch milliseconds (or milliseconds after `since`) as a time; None for booleans, non-numbers
    and absurd values."""
    if not isinstance(millis, int | float) or isinstance(millis, bool):
        return None
    try:
        return from_epoch((since.timestamp() if since else 0.0) + millis / 1000)
    except OverflowError:
        return None


def parse_time(value: Any) -> datetime | None:
    """A Jira timestamp (`2021-01-17T12:34:00.000+0000`) or a JSM `DateDTO`, as an aware UTC datetime.

    None when missing, unreadable or out of range (see `frontline.connectors.decode.as_utc`).
    """
    if isinstance(value, dict):
        moment = _millis_time(value.get("epochMillis"))
        if moment is not None:
            return moment
        value = value.get("iso8601") or value.get("jira")
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    text = value.strip()
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(moment)


def map_person(user: Any) -> Person | None:
    """A platform `UserDetails` or a JSM `UserDTO`."""
    data = _dict(user)
    account_id = data.get("accountId")
    if not isinstance(account_id, str) or not account_id:
        return None
    name = data.get("displayName") if isinstance(data.get("displayName"), str) else account_id
    email = data.get("emailAddress") if isinstance(data.get("emailAddress"), str) else None
    role = "customer" if data.get("accountType") == "customer" or account_id.startswith("qm:") else None
    return Person(id=account_id, name=name or account_id, email=email, role=role)


def map_status(name: Any, category: Any) -> Status:
    """By status name for the well-known JSM statuses, else by status category."""
    by_name = _STATUS_BY_NAME.get(str(name or "").strip().lower())
    if by_name is not None:
        return by_name
    return _STATUS_BY_CATEGORY.get(str(category or "").strip().lower(), Status.OPEN)


def platform_status(fields: dict[str, Any]) -> Status:
    status = _dict(fields.get("status"))
    return map_status(status.get("name"), _dict(status.get("statusCategory")).get("key"))


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
    created = parse_time(fields.get("created")) or datetime.fromtimestamp(0, UTC)
    labels = fields.get("labels")
    description = fields.get("description")
    return Ticket(
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
    return ticket.model_copy(update=changes)


def map_comment(comment: Any) -> Comment | None:
    """A servicedeskapi `CommentDTO` (plain-string body, `public` flag)."""
    data = _dict(comment)
    comment_id = data.get("id")
    created = parse_time(data.get("created"))
    if comment_id is None or created is None:
        return None
    body = data.get("body")
    return Comment(
        id=str(comment_id),
        author=map_person(data.get("author")),
        body=body if isinstance(body, str) else adf_to_text(body),
        public=data.get("public") is not False,
        created_at=created,
    )


def transition_target(transition: Any) -> Status | None:
    to = _dict(_dict(transition).get("to"))
    if not to:
        return None
    return map_status(to.get("name"), _dict(to.get("statusCategory")).get("key"))


def choose_transition(transitions: Any, target: Status) -> str | None:
    """The id of the transition that lands on `target` (by mapped status, then by status category)."""
    options = (
        [t for t in transitions if isinstance(t, dict) and t.get("id") is not None]
        if isinstance(transitions, list)
        else []
    )
    for transition in options:
        if transition_target(transition) == target:
            return str(transition["id"])
    wanted_category = {Status.SOLVED: "done", Status.CLOSED: "done", Status.NEW: "new"}.get(
        target, "indeterminate"
    )
    for transition in options:
        category = _dict(_dict(_dict(transition).get("to")).get("statusCategory")).get("key")
        if category == wanted_category:
            return str(transition["id"])
    return None
