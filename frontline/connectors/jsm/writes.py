"""The requests one JSM update needs, in order: the comment, field edits, the assignee, the status.

- The comment goes to `/rest/servicedeskapi/request/{key}/comment` as Jira wiki text that renders as the
  agent typed it (`jsm.wiki.to_wiki`), with `public` true (reply) or false (internal note).
- Priority is the project scheme's own priority for the wanted level, sent by id (`jsm.priorities`).
- Status goes through the workflow transition a JSM agent would take (`jsm.statuses.pick_transition`),
  read with `expand=transitions.fields` so a Resolution its screen asks for is filled; a screen that
  requires other fields is reported before anything is sent for the status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from frontline.connectors.http import ApiClient
from frontline.connectors.jsm.catalog import SiteCatalog
from frontline.connectors.jsm.mapping import PRIORITY_NAMES
from frontline.connectors.jsm.statuses import (
    exact_transition,
    pick_transition,
    required_unfilled,
    resolution_fields,
    status_id_of,
    status_of,
)
from frontline.connectors.jsm.wiki import to_wiki
from frontline.domain.models import Priority, Status, TicketUpdate
from frontline.errors import FrontlineError, PartiallyApplied, ValidationFailed

WriteStep = Callable[[], Awaitable[object]]
"""One request of a multi-step write."""

SD = "/rest/servicedeskapi"


class JsmWrites:
    """Builds and runs the steps of one update on one site."""

    def __init__(self, client: ApiClient, catalog: SiteCatalog) -> None:
        self.client = client
        self.catalog = catalog

    def steps(self, ticket_id: str, update: TicketUpdate) -> list[tuple[str, WriteStep]]:
        """The requests `update` needs, in order, each with what it changes in words."""
        steps: list[tuple[str, WriteStep]] = []
        comment = update.comment
        if comment is not None:
            body = {"body": to_wiki(comment.body), "public": comment.public}
            path = f"{SD}/request/{ticket_id}/comment"
            steps.append(
                (
                    "reply" if comment.public else "internal note",
                    lambda: self.client.send_json("POST", path, body),
                )
            )
        labels = [{"add": t} for t in update.tags_add] + [{"remove": t} for t in update.tags_remove]
        priority = update.priority
        if priority is not None or labels:
            what = " and ".join(
                n for n, on in (("priority", priority is not None), ("labels", bool(labels))) if on
            )
            steps.append((what, lambda: self._edit(ticket_id, priority, labels)))
        if update.assignee_id is not None:
            account = None if update.assignee_id == "" else update.assignee_id
            steps.append(
                (
                    "assignee",
                    lambda: self.client.send_json(
                        "PUT", f"/rest/api/3/issue/{ticket_id}/assignee", {"accountId": account}
                    ),
                )
            )
        status = update.status
        if status is not None:
            exact = update.status_id, update.transition_id
            steps.append((f"status {status.label}", lambda: self.transition(ticket_id, status, *exact)))
        return steps

    async def _edit(self, ticket_id: str, priority: Priority | None, labels: list[dict[str, str]]) -> None:
        body: dict[str, Any] = {"fields": {}}
        if priority is not None:
            body["fields"]["priority"] = await self.priority_value(ticket_id, priority)
        if labels:
            body["update"] = {"labels": labels}
        await self.client.send_json("PUT", f"/rest/api/3/issue/{ticket_id}", body)

    async def priority_value(self, ticket_id: str, wanted: Priority) -> dict[str, str]:
        """`{"id"}` of the project scheme's priority for `wanted`; Jira's default name when the scheme
        cannot be read."""
        issue = await self.client.get_json(f"/rest/api/3/issue/{ticket_id}", {"fields": "project"})
        fields = issue.get("fields") if isinstance(issue, dict) else None
        project = fields.get("project") if isinstance(fields, dict) else None
        project_id = project.get("id") if isinstance(project, dict) else None
        scheme = await self.catalog.priority_scheme(str(project_id) if project_id else None)
        chosen = scheme.choose(wanted) if scheme is not None else None
        return {"id": chosen.id} if chosen is not None else {"name": PRIORITY_NAMES[wanted]}

    async def transition(
        self, ticket_id: str, target: Status, status_id: str | None = None, transition_id: str | None = None
    ) -> None:
        """Move the request to `target` unless it is there already; with `status_id` (a choice from
        `transition_choices`) to exactly that status, by the chosen transition when it is still offered.

        Raises:
            ValidationFailed: no transition goes there from the current status, or its screen requires a
                field frontline cannot fill.
        """
        names = await self.catalog.status_names()
        current = await self.client.get_json(f"/rest/api/3/issue/{ticket_id}", {"fields": "status"})
        fields = current.get("fields") if isinstance(current, dict) else None
        now = fields.get("status") if isinstance(fields, dict) else None
        if status_id is not None and status_id_of(now) == status_id:
            return
        if status_id is None and now is not None and status_of(now, names) == target:
            return
        answer = await self.client.get_json(
            f"/rest/api/3/issue/{ticket_id}/transitions", {"expand": "transitions.fields"}
        )
        transitions = answer.get("transitions") if isinstance(answer, dict) else None
        if status_id is not None:
            chosen = exact_transition(transitions, status_id, transition_id, names)
        else:
            chosen = pick_transition(transitions, target, names)
        if chosen is None:
            options = ", ".join(transition_names(transitions))
            raise ValidationFailed(
                f"The workflow of {ticket_id} has no transition to {target.label} from its current status"
                + (f" (it can go to: {options})." if options else "."),
                details={"status": [f"no transition to {target.label}"]},
            )
        filled = resolution_fields(chosen)
        missing = required_unfilled(chosen, filled)
        if missing:
            raise ValidationFailed(
                f"{ticket_id}: the workflow step '{chosen.get('name')}' asks for {', '.join(missing)}, which "
                "frontline does not fill; change the status in Jira.",
                details={"status": [f"needs {', '.join(missing)}"]},
            )
        body: dict[str, Any] = {"transition": {"id": str(chosen["id"])}}
        if filled:
            body["fields"] = filled
        await self.client.send_json("POST", f"/rest/api/3/issue/{ticket_id}/transitions", body)


def transition_names(transitions: object) -> list[str]:
    """Where a request can go from here, for the message when none goes where it was asked."""
    names: list[str] = []
    for transition in transitions if isinstance(transitions, list) else []:
        if not isinstance(transition, dict):
            continue
        target = transition.get("to")
        name = (target.get("name") if isinstance(target, dict) else None) or transition.get("name")
        if isinstance(name, str) and name:
            names.append(name)
    return names


def partial(
    ticket_id: str, applied: list[str], not_applied: list[str], cause: FrontlineError
) -> PartiallyApplied:
    """The error for an update some of whose steps landed."""
    done = " and ".join(applied)
    if not_applied:
        missing = " and ".join(not_applied)
        message = (
            f"{ticket_id}: the {done} went through, but the {missing} did not ({cause.title.lower()}: "
            f"{cause.message}) Do not send the {applied[0]} again; apply the {missing} once it is fixed."
        )
    else:
        message = (
            f"{ticket_id}: the {done} went through, but reading the request back failed "
            f"({cause.title.lower()}). Refresh to see it."
        )
    return PartiallyApplied(message, applied=tuple(applied), not_applied=tuple(not_applied), cause=cause)
