"""The Jira Service Management adapter: queues, requests, replies, internal notes, SLAs.

Reads come from `/rest/servicedeskapi` (queues, comments, SLAs) and the platform API (priority,
assignee, labels). Queue rows lacking columns are completed by one search per page (`jsm.reading`);
statuses are read by id and category, priorities by the project's scheme (`jsm.catalog` learns both).
A desk where the account is only a customer is left out of the views and named (`skipped_desks`).
Replies and internal notes are servicedeskapi comments in Jira wiki text that renders as typed, with
`public` true/false (a platform comment would be customer-visible); writes are built in `jsm.writes`.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import httpx

from frontline.connectors.atlassian.client import JSM_SCOPES, connect
from frontline.connectors.atlassian.settings import AtlassianSignIn
from frontline.connectors.http import ApiClient, OverApiClient
from frontline.connectors.jsm import CONNECTOR
from frontline.connectors.jsm.assignable import assignable_users
from frontline.connectors.jsm.catalog import SiteCatalog
from frontline.connectors.jsm.changes import ReadIssue, queue_jql, queue_where, read_queue_changes
from frontline.connectors.jsm.mapping import map_comment, map_person, merge_request
from frontline.connectors.jsm.paging import (
    PageWalk,
    next_queue_cursor,
    page_mark,
    read_queue_cursor,
    same_page,
)
from frontline.connectors.jsm.reading import (
    ROW_FIELDS,
    SiteFacts,
    complete_rows,
    is_issue_key,
    jql_string,
    read_issue,
    scoped_jql,
    search_rows,
)
from frontline.connectors.jsm.statuses import transition_choices
from frontline.connectors.jsm.writes import JsmWrites, partial
from frontline.connectors.settings import HelpdeskSettings
from frontline.domain.assignment import Assignee, StatusChoice
from frontline.domain.models import Comment, Page, Person, Status, Ticket, TicketUpdate, View
from frontline.domain.ports import Helpdesk, HelpdeskCapabilities
from frontline.domain.watermark import ViewChanges
from frontline.errors import (
    ConfigError,
    FrontlineError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    Unsupported,
)

SD = "/rest/servicedeskapi"
PAGE_LIMIT = 50
"""The most JSM returns per page."""
_ISSUE_FIELDS = ("summary", "status", "priority", "assignee", "reporter", "labels", "created", "updated")
_SAFE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


@dataclass(frozen=True)
class SkippedDesk:
    """A service desk whose queues could not be listed: the account is only a customer there (403)."""

    desk_id: str
    name: str
    reason: str


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
        search=True,
        statuses=(Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED, Status.CLOSED),
        max_page_size=PAGE_LIMIT,
        delta_after_full=True,
    )

    def __init__(self, client: ApiClient, *, site_url: str, desk_ids: tuple[str, ...] = ()) -> None:
        self.client = client
        self.site_url = site_url.rstrip("/")
        self.desk_ids = desk_ids
        self.catalog = SiteCatalog(client)
        self.skipped_desks: list[SkippedDesk] = []
        self.queue_jql: dict[str, str | None] = {}
        """Each listed queue's JQL without its ORDER BY, for `view_changes`."""
        """Desks the last `list_views` left out, each with why (`notices` words them)."""

    def notices(self) -> list[str]:
        """One line per desk the last view listing left out."""
        return [
            f"{desk.name}: not listed, this account is not an agent of that service desk ({desk.reason})"
            for desk in self.skipped_desks
        ]

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
        for desk_id, desk in usable:
            project = _path_id(desk.get("projectId"))
            if project is not None:
                await self.catalog.desk_project(desk_id, project)
        return usable

    async def list_views(self) -> list[View]:
        """Every queue of every desk the agent works on. A desk where the account is only a customer
        answers 403 for its queues: it is left out and named in `skipped_desks`, not a failed listing."""
        listed: list[tuple[str, str, str, list[dict[str, Any]]]] = []
        skipped: list[SkippedDesk] = []
        for desk_id, desk in await self._desks():
            key = _label(desk.get("projectKey"))
            label = _label(desk.get("projectName")) or key or desk_id
            try:
                queues = await self._all_pages(f"{SD}/servicedesk/{desk_id}/queue", {"includeCount": "true"})
            except PermissionDenied as error:
                skipped.append(SkippedDesk(desk_id, label, error.message))
                continue
            listed.append((desk_id, label, key or label, queues))
        views: list[View] = []
        for desk_id, label, key, queues in listed:
            # Several desks: the project key says which ("SUP: All open") in a few cells, so more tabs fit;
            # a desk without agent rights does not count.
            prefix = f"{key}: " if len(listed) > 1 else ""
            for queue in queues:
                queue_id = _path_id(queue.get("id"))
                if queue_id is None:
                    continue
                name = _label(queue.get("name")) or queue_id
                self.queue_jql[f"{desk_id}:{queue_id}"] = queue_where(queue.get("jql"))
                views.append(
                    View(
                        id=f"{desk_id}:{queue_id}",
                        title=f"{prefix}{name}",
                        count=_count(queue.get("issueCount")),
                        group=label,
                        short_title=name,
                    )
                )
        self.skipped_desks = skipped
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
        bounds how many pages it follows), with the mark of the page before (`jsm.paging`).

        Raises:
            MalformedResponse: the page is not an object, or it repeats the page before (`start` ignored).
        """
        desk_id, queue_id = _split_view(view_id)
        start, previous = read_queue_cursor(cursor)
        limit = max(1, min(page_size, PAGE_LIMIT))
        page = await self.client.get_json(
            f"{SD}/servicedesk/{desk_id}/queue/{queue_id}/issue", {"start": start, "limit": limit}
        )
        if not isinstance(page, dict):
            raise MalformedResponse("Jira Service Management sent a queue page that is not an object.")
        raw_values = page.get("values")
        values = raw_values if isinstance(raw_values, list) else []
        if previous is not None and values and page_mark(page, values).repeats(previous):
            raise same_page(self.client.service, f"queue {view_id}")
        fields = await self.catalog.fields()
        wanted = [*ROW_FIELDS, *fields.sla, *([fields.organizations] if fields.organizations else [])]
        rows = await complete_rows(self.client, [v for v in values if isinstance(v, dict)], wanted)
        facts = await self._facts(await self.catalog.desk_project(desk_id))
        tickets = [t for t in (read_issue(row, self.site_url, facts) for row in rows) if t is not None]
        last = page.get("isLastPage") is not False or not values
        next_cursor = None if last else next_queue_cursor(start, page, values)
        return Page[Ticket](items=tickets, next_cursor=next_cursor)

    async def view_changes(self, view_id: str, since: datetime, known: Mapping[str, datetime]) -> ViewChanges:
        """The queue's changes by JQL (`jsm.changes`): one search when nothing changed, two when some did."""
        desk_id, queue_id = _split_view(view_id)
        where = self.queue_jql.get(view_id) or await queue_jql(self.client, desk_id, queue_id)
        project = await self.catalog.desk_project(desk_id)
        fields = await self.catalog.fields()
        wanted = [*ROW_FIELDS, *fields.sla, *([fields.organizations] if fields.organizations else [])]
        facts = await self._facts(project)
        read: ReadIssue = lambda row: read_issue(row, self.site_url, facts)  # noqa: E731
        return await read_queue_changes(self.client, project, where, wanted, read, since=since, known=known)

    # -- one ticket ----------------------------------------------------------------------------------
    async def _facts(self, project_id: str | None) -> SiteFacts:
        """What reading an issue of `project_id` needs to know about the site."""
        fields = await self.catalog.fields()
        return SiteFacts(
            statuses=await self.catalog.status_names(),
            scheme=await self.catalog.priority_scheme(project_id),
            organizations_field=fields.organizations,
        )

    async def get_ticket(self, ticket_id: str) -> Ticket:
        """The platform issue (status, priority, organization...) merged with the request (SLAs)."""
        fields = await self.catalog.fields()
        wanted = [
            *_ISSUE_FIELDS,
            "description",
            "project",
            *([fields.organizations] if fields.organizations else []),
        ]
        answers: tuple[Any, ...] = await asyncio.gather(
            self.client.get_json(f"/rest/api/3/issue/{ticket_id}", {"fields": ",".join(wanted)}),
            self.client.get_json(f"{SD}/request/{ticket_id}", {"expand": "sla,participant,status"}),
            return_exceptions=True,  # both settle; a second failure is not left unretrieved
        )
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
        issue, request = answers
        ticket = read_issue(issue, self.site_url, await self._facts(_project_id(issue)))
        if ticket is None:
            raise MalformedResponse(f"Jira Service Management sent an issue without a key for {ticket_id}.")
        return merge_request(ticket, request)

    async def requester_tickets(self, ticket: Ticket, limit: int = 5) -> list[Ticket]:
        """The reporter's other not-done requests, newest first, from one JQL search."""
        if ticket.requester is None or limit < 1 or not is_issue_key(ticket.key):
            return []
        reporter = jql_string(ticket.requester.id)
        jql = f"reporter = {reporter} AND statusCategory != Done AND key != {ticket.key}"
        jql += " ORDER BY updated DESC"
        fields = await self.catalog.fields()
        wanted = [*ROW_FIELDS, *([fields.organizations] if fields.organizations else [])]
        rows = await search_rows(self.client, jql, wanted, limit)
        facts = await self._facts(None)
        return [t for t in (read_issue(row, self.site_url, facts) for row in rows) if t is not None][:limit]

    async def status_choices(self, ticket: Ticket) -> list[StatusChoice]:
        """The issue's workflow transitions from where it is now, grouped by status category."""
        answer = await self.client.get_json(f"/rest/api/3/issue/{ticket.id}/transitions")
        transitions = answer.get("transitions") if isinstance(answer, dict) else None
        return transition_choices(transitions, await self.catalog.status_names())

    async def assignees(self, ticket: Ticket, query: str = "") -> list[Assignee]:
        """The users Jira lets be assigned this issue (`user/assignable/search`); JSM has no groups."""
        return await assignable_users(self.client, ticket.key or ticket.id, query)

    async def search_tickets(self, query: str, limit: int = 100) -> list[Ticket]:
        """A JQL search within the desks' projects (`reading.scoped_jql`: plain words search the text).

        Raises:
            ValidationFailed: Jira refused the JQL (its own message says why).
        """
        desks = await self._desks()
        projects = [key for key in (_path_id(desk.get("projectKey")) for _, desk in desks) if key]
        fields = await self.catalog.fields()
        wanted = [*ROW_FIELDS, *fields.sla, *([fields.organizations] if fields.organizations else [])]
        rows = await search_rows(self.client, scoped_jql(query, projects), wanted, min(max(limit, 1), 100))
        facts = await self._facts(None)
        return [t for t in (read_issue(row, self.site_url, facts) for row in rows) if t is not None][:limit]

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        """The thread with each comment's attachments. JSM answers an empty list, not an error, for a
        request the account may not see, so an empty thread is checked against the request itself.

        Raises:
            NotFound, PermissionDenied: the request does not exist or is not visible to this account.
        """
        values = await self._all_pages(
            f"{SD}/request/{ticket_id}/comment",
            {"public": "true", "internal": "true", "expand": "attachment"},
        )
        if not values:
            await self.client.get_json(f"{SD}/request/{ticket_id}")
        comments = [c for c in (map_comment(v) for v in values) if c is not None]
        return sorted(comments, key=lambda c: c.created_at)

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        """The comment, then field edits, the assignee and the status transition, each its own request.

        JSM has no single write for all of these, so once a step has landed a later failure is reported
        as `PartiallyApplied` naming what landed and what did not, never as "not sent".
        """
        if update.group_id is not None:
            raise Unsupported("Jira Service Management requests have no Zendesk-style groups.")
        steps = JsmWrites(self.client, self.catalog).steps(ticket_id, update)
        applied: list[str] = []
        for index, (label, step) in enumerate(steps):
            try:
                await step()
            except FrontlineError as error:
                if not applied:
                    raise
                raise partial(ticket_id, applied, [name for name, _ in steps[index:]], error) from error
            applied.append(label)
        try:
            return await self.get_ticket(ticket_id)
        except FrontlineError as error:
            if not applied:
                raise
            raise partial(ticket_id, applied, [], error) from error

    # -- paging --------------------------------------------------------------------------------------
    async def _all_pages(
        self, path: str, params: dict[str, Any], max_items: int = 10_000
    ) -> list[dict[str, Any]]:
        """Every value of a `start`/`limit`/`isLastPage` list (the first `max_items`).

        Raises:
            MalformedResponse: a page that is not an object, or a server that keeps saying "more" (the
                same page again, or more pages than `jsm.paging.MAX_PAGES`).
        """
        values: list[dict[str, Any]] = []
        start = 0
        walk = PageWalk(self.client.service, path)
        while len(values) < max_items:
            page = await self.client.get_json(path, {**params, "start": start, "limit": PAGE_LIMIT})
            if not isinstance(page, dict):
                raise MalformedResponse(
                    f"Jira Service Management sent a page that is not an object for {path}."
                )
            raw = page.get("values")
            batch = raw if isinstance(raw, list) else []
            more = page.get("isLastPage") is False and bool(batch)
            walk.read(page, batch, more=more)
            values.extend(v for v in batch if isinstance(v, dict))
            if not more:
                break
            start += len(batch)
        return values[:max_items]


def _path_id(value: Any) -> str | None:
    """A desk or queue id from an answer, if it is safe to put in a path (digits, letters, `-_.`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and _SAFE_ID.fullmatch(value):
        return value
    return None


def _project_id(issue: Any) -> str | None:
    fields = issue.get("fields") if isinstance(issue, dict) else None
    project = fields.get("project") if isinstance(fields, dict) else None
    return _path_id(project.get("id")) if isinstance(project, dict) else None


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
