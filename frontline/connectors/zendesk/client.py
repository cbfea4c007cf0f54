"""The Zendesk Support adapter: the queue, a ticket, its conversation, and replies/notes in one write.

Follows the official Support API (`shared/specs/zendesk-support-oas.yaml`). Things a naive client gets
wrong and this one does not:

- A comment is created by `PUT /api/v2/tickets/{id}` with `comment.public` always sent (`public` is
  sticky on Zendesk's side), together with the field changes, in one request.
- Every write carries `safe_update` + `updated_stamp` so a concurrent edit answers 409 instead of being
  silently overwritten.
- The ticket `tags` property replaces the whole list. Tag changes are therefore computed from the tag
  list as it stands at `updated_stamp` and sent in that same guarded PUT: if anyone changed the ticket
  in between, Zendesk answers 409 and nothing is clobbered; a retry recomputes the same set.
- `view_count.value` null means "still counting", not zero.
- `users/me` answers 200 with an anonymous user when the credentials are not recognised.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx

from frontline.connectors.auth import secure_url
from frontline.connectors.decode import MAX_CURSOR_CHARS, PageTrail
from frontline.connectors.http import ApiClient, OverApiClient, SignIn, Sleep
from frontline.connectors.settings import HelpdeskSettings
from frontline.connectors.zendesk import CONNECTOR
from frontline.connectors.zendesk.auth import credentials
from frontline.connectors.zendesk.changes import read_view_changes
from frontline.connectors.zendesk.choices import ZendeskChoices
from frontline.connectors.zendesk.followup import closed_error, followup_body, is_closed_refusal
from frontline.connectors.zendesk.links import checked_next_page
from frontline.connectors.zendesk.macros import macro_preview, to_macro
from frontline.connectors.zendesk.mapping import (
    missing_user_ids,
    to_comment,
    to_person,
    to_ticket,
    to_view,
    to_view_count,
    users_in,
)
from frontline.connectors.zendesk.parsing import Json, as_id, expect_list, expect_object, index_by_id
from frontline.connectors.zendesk.search import search_ticket_rows, ticket_query
from frontline.connectors.zendesk.sideloads import SideloadFallback
from frontline.connectors.zendesk.statuses import CustomStatuses
from frontline.connectors.zendesk.writes import needs_current, update_body
from frontline.domain.models import (
    Comment,
    Macro,
    MacroPreview,
    Page,
    Person,
    Status,
    Ticket,
    TicketUpdate,
    View,
)
from frontline.domain.ports import Helpdesk, HelpdeskCapabilities
from frontline.domain.watermark import ViewChanges
from frontline.errors import (
    AuthError,
    ConfigError,
    FrontlineError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

TICKET_SIDELOADS = "users,organizations,groups,slas"
"""Sideloads for ticket reads; `slas` adds `ticket.slas.policy_metrics` (Professional plans and up)."""

MAX_PAGE_SIZE = 100
_MAX_PAGES = 500
"""A list walk stops (with an error) after this many pages: 50,000 macros or comments is not real."""
_SHOW_MANY_LIMIT = 100
_TICKET_PEOPLE = ("requester_id", "assignee_id", "submitter_id")
_CLIENT_OPTIONS = frozenset({"max_retry_wait", "timeout", "scheduler"})
"""`ApiClient` options `build_helpdesk` may pass on (tests set them) besides `sleep` and `max_retries`."""


class ZendeskAdapter(ZendeskChoices, OverApiClient, Helpdesk):
    """One Zendesk Support account, over the shared `ApiClient` (retries, 429, error translation)."""

    kind: ClassVar[str] = CONNECTOR.kind
    display_name: ClassVar[str] = CONNECTOR.display_name
    capabilities: ClassVar[HelpdeskCapabilities] = HelpdeskCapabilities(
        internal_notes=True,
        macros=True,
        assign=True,
        tags=True,
        priorities=True,
        sla=True,
        safe_update=True,
        search=True,
        statuses=(Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED),
        max_page_size=MAX_PAGE_SIZE,
        followups=True,
    )

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self._macros: dict[str, Macro] = {}
        self._statuses = CustomStatuses(client)
        self._sideloads = SideloadFallback(client)

    @property
    def agent_base_url(self) -> str:
        """Where agents open tickets in a browser (`https://{sub}.zendesk.com`)."""
        return self.client.base_url

    def use_token(self, token: str) -> None:
        """The next request signs in with `token` (same email and scheme), on the same connection.

        Raises:
            ConfigError: the token is empty.
        """
        self.client.use_token(token)

    # --- reads ------------------------------------------------------------------------------------

    async def whoami(self) -> Person:
        payload = expect_object(await self.client.get_json("/api/v2/users/me"), "the current user")
        user = expect_object(payload.get("user"), "the current user")
        person = to_person(user)
        if person is None:  # Zendesk answers anonymous requests with a user that has no id
            raise AuthError("Zendesk did not recognise these credentials (it answered as an anonymous user).")
        return person

    async def list_views(self) -> list[View]:
        views, _ = await self._all_pages("/api/v2/views/active", None, "views", "active views")
        return [to_view(view) for view in views]

    async def view_count(self, view_id: str) -> int | None:
        path = f"/api/v2/views/{_numeric_id(view_id, 'view')}/count"
        return to_view_count(await self.client.get_json(path))

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        params: dict[str, Any] = {
            "page[size]": max(1, min(page_size, MAX_PAGE_SIZE)),
            "include": TICKET_SIDELOADS,
        }
        if cursor:
            params["page[after]"] = cursor
        path = f"/api/v2/views/{_numeric_id(view_id, 'view')}/tickets"
        what = "the tickets of a view"
        payload = expect_object(await self.client.get_json(path, params=params), what)
        records = [expect_object(t, "a ticket") for t in expect_list(payload, "tickets", what)]
        records, sideloaded = await self._sideloads.complete(records, payload, what)
        tickets = await self._map_tickets(records, sideloaded, what)
        return Page[Ticket](items=tickets, next_cursor=_next_cursor(payload))

    async def view_changes(self, view_id: str, since: datetime, known: Mapping[str, datetime]) -> ViewChanges:
        path = f"/api/v2/views/{_numeric_id(view_id, 'view')}/tickets"
        what = partial(read_view_changes, self.client, self._sideloads, self._map_tickets, path)
        return await what(since=since, known=known, include=TICKET_SIDELOADS)

    async def get_ticket(self, ticket_id: str) -> Ticket:
        path = f"/api/v2/tickets/{_numeric_id(ticket_id, 'ticket')}"
        payload = expect_object(
            await self.client.get_json(path, params={"include": TICKET_SIDELOADS}), "a ticket"
        )
        (ticket,) = await self._map_tickets([payload.get("ticket")], payload, "a ticket", whole=True)
        return ticket

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        path = f"/api/v2/tickets/{_numeric_id(ticket_id, 'ticket')}/comments"
        params = {"include": "users", "include_inline_images": "true", "page[size]": MAX_PAGE_SIZE}
        raw_comments, users = await self._all_pages(path, params, "comments", "a ticket's comments")
        records = [expect_object(c, "a comment") for c in raw_comments]
        users = await self._with_missing_users(users, missing_user_ids(records, users, ("author_id",)))
        return [to_comment(c, users) for c in records]

    async def list_macros(self) -> list[Macro]:
        raw, _ = await self._all_pages("/api/v2/macros/active", None, "macros", "active macros")
        macros = [to_macro(m) for m in raw]
        self._macros.update({m.id: m for m in macros})
        return macros

    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        """`GET .../tickets/{id}/macros/{macro_id}/apply`, compared with the ticket as it is now.

        The endpoint returns the ticket as it *would* be; nothing is changed on Zendesk.
        """
        ticket_key = _numeric_id(ticket_id, "ticket")
        macro_key = _numeric_id(macro_id, "macro")
        macro = self._macros.get(macro_key)
        if macro is None:
            payload = expect_object(await self.client.get_json(f"/api/v2/macros/{macro_key}"), "a macro")
            macro = to_macro(payload.get("macro"))
            self._macros[macro.id] = macro
        current = await self._raw_ticket(ticket_key)
        after = await self.client.get_json(f"/api/v2/tickets/{ticket_key}/macros/{macro_key}/apply")
        return macro_preview(macro, current, after)

    async def requester_tickets(self, ticket: Ticket, limit: int = 5) -> list[Ticket]:
        """The requester's other unsolved tickets, newest first: one `GET /api/v2/search` (in the
        official spec, unlike `users/{id}/tickets/requested`); search lags writes by a minute or two.

        Raises:
            Unavailable: Zendesk's search is unavailable right now.
        """
        if ticket.requester is None:
            return []
        requester = _numeric_id(ticket.requester.id, "user")
        what = "the requester's tickets"
        query = f"type:ticket requester:{requester} status<solved"
        rows, payload = await search_ticket_rows(self.client, query, what, newest_first=True)
        tickets = await self._map_tickets(rows, payload, what)
        done = (Status.SOLVED, Status.CLOSED)
        others = [t for t in tickets if t.id != ticket.id and t.status not in done]
        return sorted(others, key=lambda t: t.updated_at, reverse=True)[: max(limit, 0)]

    async def search_tickets(self, query: str, limit: int = 100) -> list[Ticket]:
        """The first page of Zendesk's search for `query` (`type:ticket` added when no type is named),
        in Zendesk's order (relevance), at most `limit` (`zendesk.search`)."""
        what = "the search results"
        rows, payload = await search_ticket_rows(self.client, ticket_query(query), what)
        return (await self._map_tickets(rows[: max(limit, 0)], payload, what)) if limit > 0 else []

    # --- the one write ----------------------------------------------------------------------------

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        """One guarded `PUT /api/v2/tickets/{id}` with the comment and every field change.

        A status keeps the agent's custom status within its category (see `statuses`).

        Raises:
            ConflictError: the ticket changed since `update.revision` (409, or seen before sending).
            TicketClosed: the ticket is closed; nothing was applied (`create_followup` instead).
            ValidationFailed: Zendesk refused a value (422; `details` per field).
            WriteOutcomeUnknown: the connection broke after sending.
        """
        key = _numeric_id(ticket_id, "ticket")
        if update.is_empty():
            return await self.get_ticket(key)
        update_body(update, None, {})  # refuse bad ids before any request
        current = None
        if needs_current(update, self._statuses.in_use):
            try:
                current = await self._raw_ticket(key)
            except (NotFound, PermissionDenied, MalformedResponse):
                if update.tags_add or update.tags_remove:
                    raise  # a status alone can go as a category: the write itself will say what is wrong
        statuses = await self._statuses.for_tickets([current]) if current is not None else {}
        body = update_body(update, current, statuses)
        try:
            response = await self.client.send_json("PUT", f"/api/v2/tickets/{key}", {"ticket": body})
        except ValidationFailed as refused:
            raise closed_error(key, refused) if is_closed_refusal(refused) else refused from None
        what = "the updated ticket"
        return await self._reread(key, expect_object(expect_object(response, what).get("ticket"), what))

    async def create_followup(self, ticket_id: str, body: str, public: bool) -> Ticket:
        """`POST /api/v2/tickets` with `via_followup_source_id`: a new ticket for the closed one's requester.

        Raises:
            NotFound: no such ticket.
            ValidationFailed: the ticket is not closed, or Zendesk refused the follow-up.
            WriteOutcomeUnknown: the connection broke after sending; the follow-up may exist.
        """
        key = _numeric_id(ticket_id, "ticket")
        request = followup_body(await self._raw_ticket(key), int(key), body, public)
        response = await self.client.send_json("POST", "/api/v2/tickets", request)
        created = expect_object(expect_object(response, "the follow-up").get("ticket"), "the follow-up")
        created_id = as_id(created.get("id"))
        if created_id is None:
            raise MalformedResponse("Zendesk created the follow-up but sent no ticket id.")
        return await self._reread(created_id, created)

    async def _reread(self, key: str, written: Json) -> Ticket:
        """The ticket after a write that landed, read back (a failed read is not a failed write)."""
        try:
            return await self.get_ticket(key)
        except FrontlineError:
            statuses = self._statuses.known
            return to_ticket(written, {}, {}, agent_base_url=self.agent_base_url, statuses=statuses)

    # --- helpers ----------------------------------------------------------------------------------

    async def _raw_ticket(self, key: str) -> Json:
        payload = expect_object(await self.client.get_json(f"/api/v2/tickets/{key}"), "a ticket")
        return expect_object(payload.get("ticket"), "a ticket")

    async def _map_tickets(
        self, raw_tickets: list[Any], payload: Json, what: str, *, whole: bool = False
    ) -> list[Ticket]:
        """Domain tickets; lists (`whole` False) leave out the description, see `to_ticket`."""
        records = [expect_object(t, "a ticket") for t in raw_tickets]
        users = users_in(payload, what)
        users = await self._with_missing_users(users, missing_user_ids(records, users, _TICKET_PEOPLE))
        orgs = index_by_id(expect_list(payload, "organizations", what, required=False))
        groups = index_by_id(expect_list(payload, "groups", what, required=False))
        statuses = await self._statuses.for_tickets(records)
        read = partial(to_ticket, groups=groups, agent_base_url=self.agent_base_url, statuses=statuses)
        return [read(t, users, orgs, description=whole) for t in records]

    async def _with_missing_users(self, users: dict[str, Json], missing: list[str]) -> dict[str, Json]:
        """Fetch users the sideload did not include with `users/show_many` (100 ids per call).

        Best effort: if Zendesk refuses (a light agent, a deleted user) the people show as placeholders.
        """
        if not missing:
            return users
        users = dict(users)
        for start in range(0, len(missing), _SHOW_MANY_LIMIT):
            ids = ",".join(missing[start : start + _SHOW_MANY_LIMIT])
            try:
                payload = await self.client.get_json("/api/v2/users/show_many", params={"ids": ids})
            except (PermissionDenied, NotFound, ValidationFailed, MalformedResponse):
                return users
            if isinstance(payload, dict):
                users.update(users_in(payload, "users"))
        return users

    async def _all_pages(
        self, path: str, params: dict[str, Any] | None, key: str, what: str
    ) -> tuple[list[Any], dict[str, Json]]:
        """Every item of a list endpoint, cursor (`links.next` while `meta.has_more`) or offset
        (`next_page`), with the `users` sideloads of every page.

        Raises:
            MalformedResponse: a next link that is not a page of the API (`zendesk.links`), seen
                before, or past the page cap.
        """
        items: list[Any] = []
        users: dict[str, Json] = {}
        url, query = path, params
        trail = PageTrail(self.client.service, what, max_pages=_MAX_PAGES)
        while True:
            payload = expect_object(await self.client.get_json(url, params=query), what)
            items += expect_list(payload, key, what)
            users.update(users_in(payload, what))
            link = _next_link(payload)
            if link is None:
                return items, users
            link = checked_next_page(link, self.client.base_url, what, shown=self.client.clean)
            url, query = trail.follow(link), None


def _next_link(payload: Json) -> str | None:
    """The next page's URL: `links.next` while `meta.has_more` (cursor), else `next_page` (offset)."""
    meta = payload.get("meta")
    if isinstance(meta, dict) and "has_more" in meta:
        links = payload.get("links")
        link = links.get("next") if isinstance(links, dict) else None
        return link if meta.get("has_more") is True and isinstance(link, str) and link else None
    next_page = payload.get("next_page")
    return next_page if isinstance(next_page, str) and next_page else None


def _next_cursor(payload: Json) -> str | None:
    """The opaque cursor for the next page of a view: `meta.after_cursor` (or the one in `links.next`)."""
    meta = payload.get("meta")
    if not isinstance(meta, dict) or meta.get("has_more") is not True:
        return None
    after = meta.get("after_cursor")
    if not (isinstance(after, str) and after):
        link = _next_link(payload)
        try:
            values = parse_qs(urlsplit(link).query).get("page[after]") if link else None
        except ValueError:  # urlsplit refuses some garbled URLs ("http://[x")
            values = None
        after = values[0] if values and values[0] else None
    if after is not None and len(after) > MAX_CURSOR_CHARS:
        raise MalformedResponse(f"Zendesk sent a page cursor longer than {MAX_CURSOR_CHARS} characters.")
    return after


def _numeric_id(value: str, what: str) -> str:
    """A Zendesk id as digits; refuses anything else so user input cannot reshape the request path."""
    text = str(value).strip().removeprefix("#")
    if not text.isdigit() or not text.isascii():
        raise NotFound(f"Zendesk {what} ids are numbers; {value!r} is not one.")
    return text


def normalise_base_url(base_url: str) -> str:
    """`acme`, `acme.zendesk.com` or `https://acme.zendesk.com/api/v2/` -> `https://acme.zendesk.com`.

    Raises:
        ConfigError: empty, or plain `http://` to a host that is not this machine (the token would
            travel in clear text).
    """
    text = base_url.strip().rstrip("/")
    if not text:
        raise ConfigError("The Zendesk base URL is empty; set it to https://<subdomain>.zendesk.com.")
    if "://" not in text:
        text = f"https://{text if '.' in text else text + '.zendesk.com'}"
    text = text.removesuffix("/api/v2").rstrip("/")
    secure_url(text, "Zendesk base URL")
    return text


def build_zendesk_adapter(
    base_url: str,
    email: str,
    token: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    oauth: bool = False,
    auth: httpx.Auth | None = None,
    settings: HelpdeskSettings | None = None,
    verify: ssl.SSLContext | bool = True,
    sleep: Sleep | None = None,
    max_retries: int = 3,
    **options: Any,
) -> ZendeskAdapter:
    """A Zendesk adapter signed in with an API token (`{email}/token:{token}`), with `oauth` an OAuth access
    token (Bearer), or with `auth` in their place (`zendesk.oauth.refreshing_auth`, a refreshing sign-in).
    The credentials only ever go to the Zendesk host. Of `options` (from `build_helpdesk`),
    `max_retry_wait` and `timeout` go to `ApiClient`; others, like `settings`, are not needed here.

    Raises:
        ConfigError: bad base URL, or no email for API-token auth.
    """
    url = normalise_base_url(base_url)
    extra: dict[str, Any] = {name: value for name, value in options.items() if name in _CLIENT_OPTIONS}
    if sleep is not None:
        extra["sleep"] = sleep
    sign_in: SignIn | None = None
    secrets: tuple[str, ...] = ()
    if auth is None:
        sign_in = partial(credentials, email, oauth=oauth)
        auth, secrets = credentials(email, token, oauth=oauth)
    client = ApiClient(
        url,
        service=CONNECTOR.display_name,
        auth=auth,
        parse_error=CONNECTOR.parse_error,
        transport=transport,
        max_retries=max_retries,
        secrets=secrets,
        sign_in=sign_in,
        verify=verify,
        **extra,
    )
    return ZendeskAdapter(client)
