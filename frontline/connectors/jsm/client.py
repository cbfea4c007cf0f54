"""The Jira Service Management adapter: queues, requests, replies, internal notes, SLAs.

Reads come from `/rest/servicedeskapi` (queues, comments, SLAs) and the platform API (priority,
assignee, labels). Replies and internal notes are servicedeskapi comments with a plain-string body and
`public` true/false (a platform comment would be customer-visible). Status changes go through the
workflow transition whose target matches; priority and labels through `PUT /rest/api/3/issue`.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import httpx

from frontline.connectors.atlassian.client import JSM_SCOPES, connect
from frontline.connectors.atlassian.settings import AtlassianSignIn
from frontline.connectors.decode import PageTrail
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
from frontline.connectors.settings import HelpdeskSettings
from frontline.domain.models import Comment, Page, Person, Status, Ticket, TicketUpdate, View
from frontline.domain.ports import Helpdesk, HelpdeskCapabilities
from frontline.errors import (
    ConfigError,
    FrontlineError,
    MalformedResponse,
    NotFound,
    PartiallyApplied,
    Unsupported,
    ValidationFailed,
)

WriteStep = Callable[[], Awaitable[object]]
"""One request of a multi-step write."""

SD = "/rest/servicedeskapi"
PAGE_LIMIT = 50
"""The most JSM returns per page."""
_ISSUE_FIELDS = "summary,status,priority,assignee,reporter,labels,created,updated,description"
_SAFE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


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

    def use_token(self, token: str) -> None:
        """The next request signs in with this API token (same email), on the same connection.

        Raises:
            ConfigError: the token is empty.
        """
        self.client.use_token(token)

    # -- people and views ----------------------------------------------------------------------------
    async def whoami(self) -> Person:
        me = map_person(await self.client.get_json("/rest/api/3/myself"))
        if me is None:
            raise MalformedResponse("Jira Service Management did not say who is signed in (no accountId).")
        return me

    async def _desks(self) -> list[tuple[str, dict[str, Any]]]:
        """The service desks to offer with their ids; desks without a usable id are skipped."""
        desks = [(_path_id(d.get("id")), d) for d in await self._all_pages(f"{SD}/servicedesk", {})]
        usable = [(desk_id, desk) for desk_id, desk in desks if desk_id is not None]
        if self.desk_ids:
            wanted = set(self.desk_ids)
            usable = [(i, d) for i, d in usable if i in wanted or _path_id(d.get("projectKey")) in wanted]
        return usable

    async def list_views(self) -> list[View]:
        desks = await self._desks()
        views: list[View] = []
        for desk_id, desk in desks:
            queues = await self._all_pages(f"{SD}/servicedesk/{desk_id}/queue", {"includeCount": "true"})
            label = _label(desk.get("projectName")) or _label(desk.get("projectKey")) or desk_id
            prefix = f"{label}: " if len(desks) > 1 else ""
            for queue in queues:
                queue_id = _path_id(queue.get("id"))
                if queue_id is None:
                    continue
                views.append(
                    View(
                        id=f"{desk_id}:{queue_id}",
                        title=f"{prefix}{_label(queue.get('name')) or queue_id}",
                        count=_count(queue.get("issueCount")),
                    )
                )
        return views

    async def view_count(self, view_id: str) -> int | None:
        desk_id, queue_id = _split_view(view_id)
        queue = await self.client.get_json(
            f"{SD}/servicedesk/{desk_id}/queue/{queue_id}", {"includeCount": "true"}
        )
        return _count(queue.get("issueCount")) if isinstance(queue, dict) else None

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        """One page of a queue; the cursor is the next `start` offset, which only ever grows (the desk
        bounds how many pages it follows)."""
        desk_id, queue_id = _split_view(view_id)
        start = int(cursor) if cursor and cursor.isascii() and cursor.isdigit() and len(cursor) < 10 else 0
        limit = max(1, min(page_size, PAGE_LIMIT))
        page = await self.client.get_json(
            f"{SD}/servicedesk/{desk_id}/queue/{queue_id}/issue", {"start": start, "limit": limit}
        )
        if not isinstance(page, dict):
            raise MalformedResponse("Jira Service Management sent a queue page that is not an object.")
        raw_values = page.get("values")
        values = raw_values if isinstance(raw_values, list) else []
        tickets = [t for t in (map_issue(v, self.site_url) for v in values) if t is not None]
        last = page.get("isLastPage") is not False or not values
        return Page[Ticket](items=tickets, next_cursor=None if last else str(start + len(values)))

    # -- one ticket ----------------------------------------------------------------------------------
    async def get_ticket(self, ticket_id: str) -> Ticket:
        answers: tuple[Any, ...] = await asyncio.gather(
            self.client.get_json(f"/rest/api/3/issue/{ticket_id}", {"fields": _ISSUE_FIELDS}),
            self.client.get_json(f"{SD}/request/{ticket_id}", {"expand": "sla,participant,status"}),
            return_exceptions=True,  # both settle; a second failure is not left unretrieved
        )
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
        issue, request = answers
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
        """The comment, then field edits, the assignee and the status transition, each its own request.

        JSM has no single write for all of these, so once a step has landed a later failure is reported
        as `PartiallyApplied` naming what landed and what did not, never as "not sent".
        """
        if update.group_id is not None:
            raise Unsupported("Jira Service Management requests have no Zendesk-style groups.")
        steps = self._write_steps(ticket_id, update)
        applied: list[str] = []
        for index, (label, step) in enumerate(steps):
            try:
                await step()
            except FrontlineError as error:
                if not applied:
                    raise
                raise _partial(ticket_id, applied, [name for name, _ in steps[index:]], error) from error
            applied.append(label)
        try:
            return await self.get_ticket(ticket_id)
        except FrontlineError as error:
            if not applied:
                raise
            raise _partial(ticket_id, applied, [], error) from error

    def _write_steps(self, ticket_id: str, update: TicketUpdate) -> list[tuple[str, WriteStep]]:
        """The requests one update needs, in order, each with what it changes in words."""
        steps: list[tuple[str, WriteStep]] = []
        comment = update.comment
        if comment is not None:
            steps.append(
                (
                    "reply" if comment.public else "internal note",
                    lambda: self.client.send_json(
                        "POST",
                        f"{SD}/request/{ticket_id}/comment",
                        {"body": comment.body, "public": comment.public},
                    ),
                )
            )
        fields: dict[str, Any] = {}
        if update.priority is not None:
            fields["priority"] = {"name": PRIORITY_NAMES[update.priority]}
        labels = [{"add": t} for t in update.tags_add] + [{"remove": t} for t in update.tags_remove]
        if fields or labels:
            body: dict[str, Any] = {"fields": fields}
            if labels:
                body["update"] = {"labels": labels}
            what = " and ".join(n for n, on in (("priority", bool(fields)), ("labels", bool(labels))) if on)
            steps.append((what, lambda: self.client.send_json("PUT", f"/rest/api/3/issue/{ticket_id}", body)))
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
            steps.append((f"status {status.label}", lambda: self._transition(ticket_id, status)))
        return steps

    async def _transition(self, ticket_id: str, target: Status) -> None:
        current = await self.client.get_json(f"/rest/api/3/issue/{ticket_id}", {"fields": "status"})
        ticket = map_issue(current, self.site_url)
        if ticket is not None and ticket.status == target:
            return
        answer = await self.client.get_json(f"/rest/api/3/issue/{ticket_id}/transitions")
        transitions = answer.get("transitions") if isinstance(answer, dict) else None
        transition_id = choose_transition(transitions, target)
        if transition_id is None:
            names = ", ".join(_transition_names(transitions))
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
        """Every value of a `start`/`limit`/`isLastPage` list (the first `max_items`).

        Raises:
            MalformedResponse: a page that is not an object, or a server that keeps saying "more" (the
                same page again, or more pages than `MAX_PAGES`).
        """
        values: list[dict[str, Any]] = []
        start = 0
        trail = PageTrail(self.client.service, path)
        previous: list[Any] | None = None
        while len(values) < max_items:
            page = await self.client.get_json(path, {**params, "start": start, "limit": PAGE_LIMIT})
            if not isinstance(page, dict):
                raise MalformedResponse(
                    f"Jira Service Management sent a page that is not an object for {path}."
                )
            raw = page.get("values")
            batch = raw if isinstance(raw, list) else []
            if batch and batch == previous:
                raise MalformedResponse(
                    f"Jira Service Management sent the same page twice for {path} (it ignores `start`)."
                )
            values.extend(v for v in batch if isinstance(v, dict))
            if page.get("isLastPage") is not False or not batch:
                break
            previous = batch
            start += len(batch)
            trail.follow(str(start))
        return values[:max_items]


def _transition_names(transitions: object) -> list[str]:
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


def _partial(
    ticket_id: str, applied: list[str], not_applied: list[str], cause: FrontlineError
) -> PartiallyApplied:
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


def _path_id(value: Any) -> str | None:
    """A desk or queue id from an answer, if it is safe to put in a path (digits, letters, `-_.`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and _SAFE_ID.fullmatch(value):
        return value
    return None


def _label(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


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
    settings: HelpdeskSettings | None = None,
    verify: ssl.SSLContext | bool = True,
    **options: Any,
) -> JsmAdapter:
    """A JSM adapter signed in with Basic `email:token`: a classic API token goes to the site, a scoped
    one (`settings.auth = "scoped_token"`) through the API gateway; ticket links use the site either way.

    `options` come from `build_helpdesk`: `sleep`, `max_retries`, `max_retry_wait` and `timeout` go to
    `ApiClient` (tests set them); others (an OAuth `auth`, say) are not for JSM and are ignored.

    Raises:
        ConfigError: a site or gateway URL that is not https (plain http only on loopback), or a missing
            email or token.
    """
    if not email.strip() or not token:
        raise ConfigError("Jira Service Management sign-in needs the agent's email address and an API token.")
    sign_in = settings if isinstance(settings, AtlassianSignIn) else AtlassianSignIn()
    client = connect(
        base_url,
        email,
        token,
        service=CONNECTOR.display_name,
        parse_error=CONNECTOR.parse_error,
        scopes=JSM_SCOPES,
        token_kind=sign_in.auth,
        gateway_url=sign_in.gateway_url,
        transport=transport,
        verify=verify,
        **options,
    )
    return JsmAdapter(client, site_url=client.site)
