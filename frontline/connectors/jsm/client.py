"""The Jira Service Management adapter: queues, requests, replies, internal notes, SLAs.

Reads come from `/rest/servicedeskapi` (queues, comments, SLAs) and the platform API (priority,
assignee, labels). Replies and internal notes are servicedeskapi comments with a plain-string body and
`public` true/false (a platform comment would be customer-visible). Status changes go through the
workflow transition whose target matches; priority and labels through `PUT /rest/api/3/issue`.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import httpx

from frontline.connectors.http import ApiClient, OverApiClient
from frontline.connectors.jsm import CONNECTOR
from frontline.connectors.jsm.mapping import (
    PRIORITY_NAMES,
    choose_transition,
    map_comment,
    map_issue,
    map_person,
    merge_request,
)
from frontline.domain.models import Comment, Page, Person, Status, Ticket, TicketUpdate, View
from frontline.domain.ports import Helpdesk, HelpdeskCapabilities
from frontline.errors import ConfigError, MalformedResponse, NotFound, Unsupported, ValidationFailed

SD = "/rest/servicedeskapi"
PAGE_LIMIT = 50
"""The most JSM returns per page."""
_ISSUE_FIELDS = "summary,status,priority,assignee,reporter,labels,created,updated,description"
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class JsmAdapter(OverApiClient, Helpdesk):
    """One Jira Service Management site.

    Args:
        client: the shared HTTP client, authenticated for the site.
        site_url: `https://acme.atlassian.net`, for ticket links.
        desk_ids: which service desks' queues to offer; empty means all of them.
    """

    kind: ClassVar[str] = CONNECTOR.kind
    display_name: ClassVar[str] = CONNECTOR.display_name
    capabilities: ClassVar[HelpdeskCapabilities] = HelpdeskCapabilities(
        description_in_comments=False,
        internal_notes=True,
        macros=False,
        assign=True,
        tags=True,
        priorities=True,
        sla=True,
        safe_update=False,
        search=False,
        statuses=(Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED, Status.CLOSED),
        max_page_size=PAGE_LIMIT,
    )

    def __init__(self, client: ApiClient, *, site_url: str, desk_ids: tuple[str, ...] = ()) -> None:
        self.client = client
        self.site_url = site_url.rstrip("/")
        self.desk_ids = desk_ids

    # -- people and views ----------------------------------------------------------------------------
    async def whoami(self) -> Person:
        me = map_person(await self.client.get_json("/rest/api/3/myself"))
        if me is None:
            raise MalformedResponse("Jira Service Management did not say who is signed in (no accountId).")
        return me

    async def _desks(self) -> list[dict[str, Any]]:
        desks = await self._all_pages(f"{SD}/servicedesk", {})
        if self.desk_ids:
            wanted = set(self.desk_ids)
            desks = [d for d in desks if str(d.get("id")) in wanted or d.get("projectKey") in wanted]
        return desks

    async def list_views(self) -> list[View]:
        desks = await self._desks()
        views: list[View] = []
        for desk in desks:
            desk_id = str(desk.get("id"))
            queues = await self._all_pages(f"{SD}/servicedesk/{desk_id}/queue", {"includeCount": "true"})
            prefix = (
                f"{desk.get('projectName') or desk.get('projectKey') or desk_id}: " if len(desks) > 1 else ""
            )
            for queue in queues:
                count = queue.get("issueCount")
                views.append(
                    View(
                        id=f"{desk_id}:{queue.get('id')}",
                        title=f"{prefix}{queue.get('name') or queue.get('id')}",
                        count=count if isinstance(count, int) else None,
                    )
                )
        return views

    async def view_count(self, view_id: str) -> int | None:
        desk_id, queue_id = _split_view(view_id)
        queue = await self.client.get_json(
            f"{SD}/servicedesk/{desk_id}/queue/{queue_id}", {"includeCount": "true"}
        )
        count = queue.get("issueCount") if isinstance(queue, dict) else None
        return count if isinstance(count, int) else None

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        desk_id, queue_id = _split_view(view_id)
        start = int(cursor) if cursor and cursor.isdigit() else 0
        limit = max(1, min(page_size, PAGE_LIMIT))
        page = await self.client.get_json(
            f"{SD}/servicedesk/{desk_id}/queue/{queue_id}/issue", {"start": start, "limit": limit}
        )
        if not isinstance(page, dict):
            raise MalformedResponse("Jira Service Management sent a queue page that is not an object.")
        raw_values, raw_size = page.get("values"), page.get("size")
        values = raw_values if isinstance(raw_values, list) else []
        tickets = [t for t in (map_issue(v, self.site_url) for v in values) if t is not None]
        size = raw_size if isinstance(raw_size, int) else len(values)
        last = page.get("isLastPage") is not False or size == 0
        return Page[Ticket](items=tickets, next_cursor=None if last else str(start + size))

    # -- one ticket ----------------------------------------------------------------------------------
    async def get_ticket(self, ticket_id: str) -> Ticket:
        issue, request = await asyncio.gather(
            self.client.get_json(f"/rest/api/3/issue/{ticket_id}", {"fields": _ISSUE_FIELDS}),
            self.client.get_json(f"{SD}/request/{ticket_id}", {"expand": "sla,participant,status"}),
        )
        ticket = map_issue(issue, self.site_url)
        if ticket is None:
            raise MalformedResponse(f"Jira Service Management sent an issue without a key for {ticket_id}.")
        return merge_request(ticket, request)

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        values = await self._all_pages(
            f"{SD}/request/{ticket_id}/comment", {"public": "true", "internal": "true"}
        )
        comments = [c for c in (map_comment(v) for v in values) if c is not None]
        return sorted(comments, key=lambda c: c.created_at)

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        if update.group_id is not None:
            raise Unsupported("Jira Service Management requests have no Zendesk-style groups.")
        if update.comment is not None:
            await self.client.send_json(
                "POST",
                f"{SD}/request/{ticket_id}/comment",
                {"body": update.comment.body, "public": update.comment.public},
            )
        fields: dict[str, Any] = {}
        if update.priority is not None:
            fields["priority"] = {"name": PRIORITY_NAMES[update.priority]}
        labels = [{"add": t} for t in update.tags_add] + [{"remove": t} for t in update.tags_remove]
        if fields or labels:
            body: dict[str, Any] = {"fields": fields}
            if labels:
                body["update"] = {"labels": labels}
            await self.client.send_json("PUT", f"/rest/api/3/issue/{ticket_id}", body)
        if update.assignee_id is not None:
            account = None if update.assignee_id == "" else update.assignee_id
            await self.client.send_json(
                "PUT", f"/rest/api/3/issue/{ticket_id}/assignee", {"accountId": account}
            )
        if update.status is not None:
            await self._transition(ticket_id, update.status)
        return await self.get_ticket(ticket_id)

    async def _transition(self, ticket_id: str, target: Status) -> None:
        current = await self.client.get_json(f"/rest/api/3/issue/{ticket_id}", {"fields": "status"})
        ticket = map_issue(current, self.site_url)
        if ticket is not None and ticket.status == target:
            return
        answer = await self.client.get_json(f"/rest/api/3/issue/{ticket_id}/transitions")
        transitions = answer.get("transitions") if isinstance(answer, dict) else None
        transition_id = choose_transition(transitions, target)
        if transition_id is None:
            names = ", ".join(
                str((t.get("to") or {}).get("name") or t.get("name"))
                for t in transitions or []
                if isinstance(t, dict)
            )
            raise ValidationFailed(
                f"The workflow of {ticket_id} has no transition to {target.label} from its current status"
                + (f" (it can go to: {names})." if names else "."),
                details={"status": [f"no transition to {target.label}"]},
            )
        await self.client.send_json(
            "POST", f"/rest/api/3/issue/{ticket_id}/transitions", {"transition": {"id": transition_id}}
        )

    # -- paging --------------------------------------------------------------------------------------
    async def _all_pages(
        self, path: str, params: dict[str, Any], max_items: int = 10_000
    ) -> list[dict[str, Any]]:
        """Every value of a `start`/`limit`/`isLastPage` list."""
        values: list[dict[str, Any]] = []
        start = 0
        while len(values) < max_items:
            page = await self.client.get_json(path, {**params, "start": start, "limit": PAGE_LIMIT})
            if not isinstance(page, dict):
                raise MalformedResponse(
                    f"Jira Service Management sent a page that is not an object for {path}."
                )
            batch = [v for v in page.get("values") or [] if isinstance(v, dict)]
            values.extend(batch)
            if page.get("isLastPage") is not False or not batch:
                break
            start += len(batch)
        return values


def _split_view(view_id: str) -> tuple[str, str]:
    desk_id, _, queue_id = view_id.partition(":")
    if not desk_id or not queue_id:
        raise NotFound(f"{view_id!r} is not a JSM queue id (expected '<serviceDeskId>:<queueId>').")
    return desk_id, queue_id


def build_jsm_adapter(
    base_url: str,
    email: str,
    token: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **client_options: Any,
) -> JsmAdapter:
    """A JSM adapter authenticated with Basic `email:api_token`, the credentials scoped to the site host.

    `client_options` go to `ApiClient` (for instance `sleep` and `max_retries` in tests).

    Raises:
        ConfigError: bad site URL, or a missing email or token.
    """
    url = httpx.URL(base_url.strip().rstrip("/"))
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"The Jira site URL {base_url!r} is not an http(s) URL.")
    if url.scheme == "http" and url.host not in _LOOPBACK_HOSTS:
        raise ConfigError(
            f"The Jira site URL {base_url!r} uses plain http; use https so the token is not sent in clear."
        )
    if not email.strip() or not token:
        raise ConfigError("Jira Service Management sign-in needs the agent's email address and an API token.")
    site = str(url).rstrip("/")
    client = ApiClient(
        site,
        service=CONNECTOR.display_name,
        auth=httpx.BasicAuth(email.strip(), token),
        parse_error=CONNECTOR.parse_error,
        transport=transport,
        **client_options,
    )
    return JsmAdapter(client, site_url=site)
