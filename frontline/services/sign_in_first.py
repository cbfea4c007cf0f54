"""A helpdesk connected when it is first asked something, not when the console starts.

Reading a token means probing the keyring's backends (imports, a D-Bus or Keychain lookup), then the
secrets file, then the environment; building the connector loads its client, HTTP and scheduler modules.
The console's first screen, painted from the local cache, needs neither: together they are ~100 ms of
its start. So the composition root hands this class the two steps instead of their results: the first
call that talks to the helpdesk reads the token in a thread (keyring calls block), builds the adapter with
it there, and only then sends. The helpdesk's kind and name are known without building anything; its
connection state is "unknown" until then; anything else the adapter offers (its capabilities, say) builds
it at once, with a stand-in token that is replaced by the real one before the first request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from frontline.domain.assignment import Assignee, StatusChoice
from frontline.domain.models import Comment, Macro, MacroPreview, Page, Person, Ticket, TicketUpdate, View
from frontline.domain.ports import ConnectionState, Helpdesk
from frontline.domain.watermark import ViewChanges
from frontline.errors import ConfigError, CredentialsError

__all__ = ["SignInFirst"]

Connect = Callable[[str], Helpdesk]
"""Builds the connector's adapter signed in with a token (blocking: it imports the connector's client).

Raises: ConfigError when the connector rejects the profile's address or sign-in settings."""


class SignInFirst(Helpdesk):
    """The helpdesk `connect(read_token())` builds, built and signed in on the first call that needs it.

    Args:
        connect: builds the adapter with a token.
        read_token: blocking; the profile's token (keyring, secrets file, then `token_env`). None when
            `connect` signs in by itself (it reads a kept OAuth sign-in) and takes no token.
        kind: the connector's kind (`zendesk`), known without building it.
        display_name: the helpdesk's name for messages ("Zendesk").
        stand_in: a token the adapter can be built with before the real one is read (never sent: the
            real one replaces it before any request).

    A `CredentialsError` (no token anywhere) or `ConfigError` (the connector refuses the settings) is raised
    to that call and to every later one, without trying again, until `use_token` gives a token.
    """

    def __init__(
        self,
        connect: Connect,
        read_token: Callable[[], str] | None,
        *,
        kind: str,
        display_name: str,
        stand_in: str,
    ) -> None:
        self._connect = connect
        self._read_token = read_token
        self._kind = kind
        self._display_name = display_name
        self._stand_in = stand_in
        self._adapter: Helpdesk | None = None
        self._signed_in = False
        self._failure: CredentialsError | ConfigError | None = None
        self._reading: asyncio.Lock | None = None

    def __getattr__(self, name: str) -> Any:
        """`kind` and `display_name` at once; anything else the adapter offers (`capabilities`) builds it."""
        if name == "kind":
            return self._kind
        if name == "display_name":
            return self._display_name
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._built(), name)

    def _built(self) -> Helpdesk:
        """The adapter, built now with the stand-in token if the real one has not been read yet."""
        if self._adapter is None:
            self._adapter = self._connect(self._stand_in)
        return self._adapter

    @property
    def signed_in(self) -> bool:
        """Whether the token has been read and the adapter uses it."""
        return self._signed_in

    async def sign_in(self) -> Helpdesk:
        """Read the token and build the adapter with it (once, in a thread); returns the adapter.

        Raises:
            CredentialsError: no token in the keyring, the secrets file or the profile's variable.
            ConfigError: the connector refuses the profile's settings (its address, its email).
        """
        if self._signed_in and self._adapter is not None:
            return self._adapter
        if self._reading is None:
            self._reading = asyncio.Lock()
        async with self._reading:  # concurrent first requests share one read
            if self._failure is not None:
                raise self._failure
            if not self._signed_in:
                try:
                    token, built = await asyncio.to_thread(self._read_and_connect)
                except (CredentialsError, ConfigError) as error:
                    self._failure = error
                    raise
                if self._adapter is None:
                    self._adapter = built
                elif self._read_token is not None:  # built meanwhile with the stand-in: sign it in
                    self._adapter.use_token(token)
                self._signed_in = True
        assert self._adapter is not None
        return self._adapter

    def _read_and_connect(self) -> tuple[str, Helpdesk | None]:
        """On a worker thread: the token, and the adapter built with it unless one was built already."""
        token = self._read_token() if self._read_token is not None else ""
        return token, (self._connect(token) if self._adapter is None else None)

    # -- answered without the helpdesk -----------------------------------------------------------------

    @property
    def connection_state(self) -> ConnectionState:
        return self._adapter.connection_state if self._adapter is not None else ConnectionState.UNKNOWN

    @property
    def rate_limit_hits(self) -> int:
        return self._adapter.rate_limit_hits if self._adapter is not None else 0

    def notices(self) -> list[str]:
        return self._adapter.notices() if self._adapter is not None else []

    def use_token(self, token: str) -> None:
        """A token given by the person (signing in again): used from now on, instead of reading one."""
        if self._adapter is None:
            self._adapter = self._connect(token)
        else:
            self._adapter.use_token(token)
        self._signed_in, self._failure = True, None

    async def aclose(self) -> None:
        if self._adapter is not None:
            await self._adapter.aclose()

    # -- signed in first -------------------------------------------------------------------------------

    async def whoami(self) -> Person:
        return await (await self.sign_in()).whoami()

    async def list_views(self) -> list[View]:
        return await (await self.sign_in()).list_views()

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        return await (await self.sign_in()).list_view_tickets(view_id, cursor, page_size)

    async def view_changes(self, view_id: str, since: datetime, known: Mapping[str, datetime]) -> ViewChanges:
        return await (await self.sign_in()).view_changes(view_id, since, known)

    async def get_ticket(self, ticket_id: str) -> Ticket:
        return await (await self.sign_in()).get_ticket(ticket_id)

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        return await (await self.sign_in()).list_comments(ticket_id)

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        return await (await self.sign_in()).update_ticket(ticket_id, update)

    async def status_choices(self, ticket: Ticket) -> list[StatusChoice]:
        return await (await self.sign_in()).status_choices(ticket)

    async def assignees(self, ticket: Ticket, query: str = "") -> list[Assignee]:
        return await (await self.sign_in()).assignees(ticket, query)

    async def view_count(self, view_id: str) -> int | None:
        return await (await self.sign_in()).view_count(view_id)

    async def list_macros(self) -> list[Macro]:
        return await (await self.sign_in()).list_macros()

    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        return await (await self.sign_in()).preview_macro(ticket_id, macro_id)

    async def create_followup(self, ticket_id: str, body: str, public: bool) -> Ticket:
        return await (await self.sign_in()).create_followup(ticket_id, body, public)

    async def requester_tickets(self, ticket: Ticket, limit: int = 5) -> list[Ticket]:
        return await (await self.sign_in()).requester_tickets(ticket, limit)

    async def search_tickets(self, query: str, limit: int = 100) -> list[Ticket]:
        return await (await self.sign_in()).search_tickets(query, limit)
