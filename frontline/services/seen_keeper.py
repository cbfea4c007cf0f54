"""Keeping what the engineer has seen across restarts, and reading changed conversations for customer replies.

The queue's `SeenTickets` lives in memory; this service restores it from the local store once at start
(a thread) and writes back what changed in batches, one transaction each, off the UI thread. A refresh
hands it the tickets updated since their conversation was last read: it reads a few of them at a time,
at most a cap per load, and reports the customer replies to announce, each once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from frontline.domain.models import Comment, Ticket
from frontline.domain.repositories import SeenRepository
from frontline.domain.seen import KeptStates, SeenTickets
from frontline.errors import FrontlineError, StoreError
from frontline.services.desk import Desk

MAX_CONVERSATIONS_PER_LOAD = 10
"""At most this many changed tickets have their conversation read after one load (the rest, next load)."""
CONVERSATIONS_AT_ONCE = 3
"""Conversations read concurrently: a few requests at a time, well inside every helpdesk's rate limit."""


@dataclass(frozen=True)
class CustomerReply:
    """A customer's public comment that is the newest on its ticket and was not announced before."""

    ticket: Ticket
    comment: Comment


class SeenKeeper:
    """The seen state of one desk's profile: restored once, saved in batches, checked for replies.

    Args:
        desk: the helpdesk session (its profile keys the stored state; conversations are read through it).
        seen_store: opens where the state is kept (the session's local database); None, or a store that
            cannot be read, keeps it in memory for this run only.
    """

    def __init__(self, desk: Desk, seen_store: Callable[[], SeenRepository | None] | None = None) -> None:
        self.desk = desk
        self.seen = SeenTickets()
        self._open_store = seen_store
        self._repository: SeenRepository | None = None
        self._restored = False
        self._writes = asyncio.Lock()  # batches land in the order they were taken
        self._tasks: set[asyncio.Task[None]] = set()

    async def restore(self) -> None:
        """Read the stored state once (a thread), before any view loads."""
        if self._restored:
            return
        self._restored = True
        repository = self._open_store() if self._open_store is not None else None
        if repository is None:
            return
        try:
            kept = await asyncio.to_thread(self._read, repository)
        except StoreError:
            return
        self._repository = repository
        self.seen.restore(kept)

    def _read(self, repository: SeenRepository) -> KeptStates:
        """The stored states in the form they are kept in, made on this (worker) thread, not the UI's."""
        return KeptStates(repository.load(self.desk.profile_name))

    async def save(self) -> None:
        """Write what changed since the last write: one transaction, off the UI thread."""
        repository = self._repository
        if repository is None:
            return
        async with self._writes:
            changes = self.seen.take_changes()
            if not changes:
                return
            try:
                await asyncio.to_thread(repository.put_many, self.desk.profile_name, changes)
            except StoreError:
                self.seen.give_back(changes)

    def save_now(self) -> None:
        """Write what is left at once (the queue closing); best effort."""
        repository = self._repository
        changes = self.seen.take_changes()
        if repository is not None and changes:
            try:
                repository.put_many(self.desk.profile_name, changes)
            except StoreError:
                self.seen.give_back(changes)

    def mark(self, ticket: Ticket) -> None:
        """The engineer opened or wrote to `ticket`: its markers clear, saved in the background."""
        self.seen.mark(ticket)
        try:
            task = asyncio.get_running_loop().create_task(self.save())
        except RuntimeError:
            return  # no event loop: the next load's write takes it along
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def read_replies(self, view_id: str, to_check: Sequence[Ticket]) -> list[CustomerReply]:
        """Read the conversations of the first tickets of `to_check` (a cap, a few at a time); the customer
        replies among them, recorded as announced and saved. One that cannot be read is tried next load."""
        due = list(to_check[:MAX_CONVERSATIONS_PER_LOAD])
        me_id = self.desk.me.id if self.desk.me is not None else None
        gate = asyncio.Semaphore(CONVERSATIONS_AT_ONCE)

        async def read(ticket: Ticket) -> list[Comment] | None:
            async with gate:
                try:
                    return await self.desk.adapter.list_comments(ticket.id)
                except FrontlineError:
                    return None

        conversations = await asyncio.gather(*(read(ticket) for ticket in due))
        if due and view_id in self.desk.pages_per_view:  # the refresh budget counts these requests too
            self.desk.pages_per_view[view_id] += len(due)
        replies: list[CustomerReply] = []
        for ticket, comments in zip(due, conversations, strict=True):
            if comments is not None:
                comment = self.seen.read_conversation(ticket, comments, me_id=me_id)
                if comment is not None:
                    replies.append(CustomerReply(ticket=ticket, comment=comment))
        await self.save()
        return replies
