"""What the engineer has looked at, shared by every view: the source of the "new", "changed" and "customer
waiting on us" markers, of the mark on tickets the previous shift's handoff named until they are opened,
and of announcing each customer reply once.

Kept per ticket: the `updated_at` the engineer last looked at, the `updated_at` up to which the ticket's
conversation is known (its customer replies looked for), the last comment seen and the newest customer
reply announced. `take_changes` hands what changed to the store in one batch, so a 50,000-ticket
baseline is one write off the UI thread and the markers survive a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from frontline.domain.models import Comment, Person, Ticket

Marker = Literal["new", "changed", "waiting", "handoff"]

CUSTOMER_ROLES = frozenset({"end-user", "end_user", "customer"})
"""Zendesk's end users and JSM's customer accounts: who a "customer reply" comes from."""
AGENT_ROLES = frozenset({"agent", "admin"})


@dataclass(frozen=True, slots=True)
class CommentMark:
    """One comment, by its id and creation time (what is remembered of it)."""

    id: str
    at: datetime

    @classmethod
    def of(cls, comment: Comment) -> CommentMark:
        return cls(comment.id, comment.created_at)


@dataclass(frozen=True, slots=True)
class SeenState:
    """One ticket's seen state as the store keeps it."""

    ticket_id: str
    looked_at: datetime | None = None
    """The ticket's `updated_at` when the engineer last looked (None: met, never looked at: "new")."""
    checked_at: datetime | None = None
    """The `updated_at` up to which its conversation is known: a later update may be a customer reply."""
    seen_comment: CommentMark | None = None
    """The newest comment the engineer has seen, or that answered the customer."""
    reply: CommentMark | None = None
    """The newest customer reply announced: never announced again, "waiting on us" until seen."""


def is_customer(author: Person | None, ticket: Ticket, *, me_id: str | None = None) -> bool:
    """Whether a comment's author is the customer: an end user, else (role unknown) the requester."""
    if author is None or author.id == me_id:
        return False
    role = (author.role or "").lower()
    if role in CUSTOMER_ROLES:
        return True
    if role in AGENT_ROLES:
        return False
    return ticket.requester is not None and author.id == ticket.requester.id


def newest_public(comments: Sequence[Comment]) -> Comment | None:
    """The newest comment the customer can see (the last of equal times, as the helpdesk listed them)."""
    public = [comment for comment in comments if comment.public]
    return max(reversed(public), key=lambda comment: comment.created_at) if public else None


class SeenTickets:
    """What the engineer has seen of each ticket, shared by every view.

    A ticket never met before is "new" once met on a refresh (a view's first load treats what it meets as
    seen); one whose `updated_at` moved since the engineer looked is "changed"; one whose newest public
    comment is a customer reply the engineer has not seen is "waiting" (on us).
    """

    def __init__(self, states: Iterable[SeenState] = ()) -> None:
        self._looked: dict[str, datetime] = {}
        self._checked: dict[str, datetime] = {}
        self._comments: dict[str, CommentMark] = {}
        self._replies: dict[str, CommentMark] = {}
        self._changed: set[str] = set()
        self._named: set[str] = set()
        """Tickets the previous shift's handoff named, not opened since: marked until they are."""
        self.restore(states)

    def restore(self, states: Iterable[SeenState]) -> None:
        """Take in the stored state (at start, before any view loads); what memory knows already wins."""
        for state in states:
            ticket_id = state.ticket_id
            if ticket_id in self._looked or ticket_id in self._checked:
                continue
            if state.looked_at is not None:
                self._looked[ticket_id] = state.looked_at
            if state.checked_at is not None:
                self._checked[ticket_id] = state.checked_at
            if state.seen_comment is not None:
                self._comments[ticket_id] = state.seen_comment
            if state.reply is not None:
                self._replies[ticket_id] = state.reply

    def name_in_handoff(self, ticket_ids: Iterable[str]) -> None:
        """Mark these tickets as named by the previous shift's handoff until the engineer opens them."""
        self._named.update(ticket_ids)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._looked

    def mark(self, ticket: Ticket) -> None:
        """The engineer looked at `ticket` as it is now (opened it, or wrote to it): no marker left."""
        ticket_id = ticket.id
        self._looked[ticket_id] = ticket.updated_at
        checked = self._checked.get(ticket_id)
        if checked is None or ticket.updated_at > checked:
            self._checked[ticket_id] = ticket.updated_at
        reply = self._replies.get(ticket_id)
        if reply is not None and self.waiting(ticket_id):
            self._comments[ticket_id] = reply
        self._named.discard(ticket_id)
        self._changed.add(ticket_id)

    def baseline(self, tickets: Iterable[Ticket]) -> None:
        """Treat tickets never met before, found on a view's first load, as seen: nothing is new yet."""
        looked, checked, changed = self._looked, self._checked, self._changed
        for ticket in tickets:
            ticket_id = ticket.id
            if ticket_id not in looked and ticket_id not in checked:
                looked[ticket_id] = checked[ticket_id] = ticket.updated_at
                changed.add(ticket_id)

    def to_check(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        """Tickets updated since their conversation was last read, newest update first.

        A ticket met for the first time is not one of them (its conversation so far makes it "new", not
        replied to): it is recorded as known up to its current update.
        """
        checked, changed = self._checked, self._changed
        due: list[Ticket] = []
        for ticket in tickets:
            known = checked.get(ticket.id)
            if known is None:
                checked[ticket.id] = ticket.updated_at
                changed.add(ticket.id)
            elif ticket.updated_at > known:
                due.append(ticket)
        due.sort(key=lambda ticket: ticket.updated_at, reverse=True)
        return due

    def read_conversation(
        self, ticket: Ticket, comments: Sequence[Comment], *, me_id: str | None = None
    ) -> Comment | None:
        """Record the ticket's conversation as read; the customer reply to announce, if it ends with one.

        A reply is announced when it is the newest public comment, came from the customer, and is newer
        than the conversation as last read and than the last comment seen; never twice. A public answer
        from an agent (here or in the helpdesk's own UI) ends the wait.
        """
        ticket_id = ticket.id
        known = self._checked.get(ticket_id)
        if known is None or ticket.updated_at > known:
            self._checked[ticket_id] = ticket.updated_at
        self._changed.add(ticket_id)
        newest = newest_public(comments)
        if newest is None:
            return None
        mark = CommentMark.of(newest)
        if not is_customer(newest.author, ticket, me_id=me_id):
            if self.waiting(ticket_id):
                self._comments[ticket_id] = mark
            return None
        announced = self._replies.get(ticket_id)
        seen = self._comments.get(ticket_id)
        if announced is not None and (announced.id == mark.id or mark.at < announced.at):
            return None
        if seen is not None and (seen.id == mark.id or mark.at <= seen.at):
            return None
        if known is not None and mark.at <= known:
            return None  # it was there when the conversation was last read
        self._replies[ticket_id] = mark
        return newest

    def waiting(self, ticket_id: str) -> bool:
        """Whether a customer reply announced on the ticket is still unseen and unanswered."""
        reply = self._replies.get(ticket_id)
        if reply is None:
            return False
        seen = self._comments.get(ticket_id)
        return seen is None or (seen.id != reply.id and seen.at <= reply.at)

    def marker(self, ticket: Ticket) -> Marker | None:
        if ticket.id in self._named:
            return "handoff"
        looked = self._looked.get(ticket.id)
        if looked is None:
            return "new"
        if ticket.id in self._replies and self.waiting(ticket.id):
            return "waiting"
        return "changed" if ticket.updated_at > looked else None

    def state(self, ticket_id: str) -> SeenState:
        """What is known of one ticket, as the store keeps it."""
        return SeenState(
            ticket_id=ticket_id,
            looked_at=self._looked.get(ticket_id),
            checked_at=self._checked.get(ticket_id),
            seen_comment=self._comments.get(ticket_id),
            reply=self._replies.get(ticket_id),
        )

    def take_changes(self) -> list[SeenState]:
        """Every ticket's state changed since the last call, for one batched write to the store."""
        changed, self._changed = self._changed, set()
        return [self.state(ticket_id) for ticket_id in changed]

    def give_back(self, states: Iterable[SeenState]) -> None:
        """States a failed write did not keep: they go out again with the next batch."""
        self._changed.update(state.ticket_id for state in states)
