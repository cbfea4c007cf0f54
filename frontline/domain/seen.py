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
from datetime import datetime, timedelta
from typing import Literal, TypeAlias

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


@dataclass(frozen=True, slots=True)
class _Kept:
    """A ticket's state when one moment does not say it all: looked at and checked at apart (or one of
    them unknown), or a comment remembered. Most tickets are kept as one `datetime` instead (`_Entry`)."""

    looked: datetime | None
    checked: datetime | None
    comment: CommentMark | None = None
    reply: CommentMark | None = None


_NO_TIME = timedelta(0)

_Entry: TypeAlias = "datetime | _Kept"
"""One ticket's state in memory: a bare datetime when it was looked at and checked at that moment and no
comment is remembered (nearly every ticket, and then the ticket's own `updated_at` once met), else a
`_Kept`. One dict entry and no object of its own per ticket."""


def _entry(
    looked: datetime | None,
    checked: datetime | None,
    comment: CommentMark | None = None,
    reply: CommentMark | None = None,
) -> _Entry | None:
    """The smallest entry that says this (None: nothing known)."""
    if comment is None and reply is None:
        if looked is not None and looked == checked:
            return looked
        if looked is None and checked is None:
            return None
    return _Kept(looked, checked, comment, reply)


def _looked(entry: _Entry | None) -> datetime | None:
    return entry.looked if isinstance(entry, _Kept) else entry


def _checked(entry: _Entry | None) -> datetime | None:
    return entry.checked if isinstance(entry, _Kept) else entry


def _marks(entry: _Entry | None) -> tuple[CommentMark | None, CommentMark | None]:
    """The comment seen and the reply announced that an entry remembers (none for a bare moment)."""
    return (entry.comment, entry.reply) if isinstance(entry, _Kept) else (None, None)


def _adopted(kept: _Kept, moment: datetime) -> _Entry:
    """`kept` holding `moment` itself (a ticket's own `updated_at`) in place of equal moments: the copies
    read from the store, or kept from an older copy of the ticket, are let go."""
    looked = moment if kept.looked == moment else kept.looked
    checked = moment if kept.checked == moment else kept.checked
    return _entry(looked, checked, kept.comment, kept.reply) or kept


def _merged(held: _Entry, stored: _Entry) -> _Entry:
    """A restore's rule: what is held wins once it knows a moment; else the stored state fills it in."""
    if not isinstance(held, _Kept) or held.looked is not None or held.checked is not None:
        return held
    extra = stored if isinstance(stored, _Kept) else _Kept(stored, stored)
    comment = extra.comment if extra.comment is not None else held.comment
    reply = extra.reply if extra.reply is not None else held.reply
    return _entry(extra.looked, extra.checked, comment, reply) or held


def _waiting(entry: _Entry | None) -> bool:
    """Whether a customer reply announced is still unseen and unanswered."""
    if not isinstance(entry, _Kept) or entry.reply is None:
        return False
    seen, reply = entry.comment, entry.reply
    return seen is None or (seen.id != reply.id and seen.at <= reply.at)


def _news(
    mark: CommentMark, *, known: datetime | None, seen: CommentMark | None, announced: CommentMark | None
) -> bool:
    """Whether a customer's newest public comment is to be announced: not announced or seen yet, and not
    there already when the conversation was last read."""
    if announced is not None and (announced.id == mark.id or mark.at < announced.at):
        return False
    if seen is not None and (seen.id == mark.id or mark.at <= seen.at):
        return False
    return known is None or mark.at > known


class KeptStates:
    """Stored states in the form `SeenTickets` keeps them, built where they are read (a worker thread at
    start), so that taking them in costs the UI thread one assignment (`SeenTickets.restore`)."""

    __slots__ = ("_entries",)

    def __init__(self, states: Iterable[SeenState] = ()) -> None:
        entries: dict[str, _Entry] = {}
        for state in states:
            entry = _entry(state.looked_at, state.checked_at, state.seen_comment, state.reply)
            if entry is not None:
                held = entries.get(state.ticket_id)
                entries[state.ticket_id] = entry if held is None else _merged(held, entry)
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def take(self) -> dict[str, _Entry]:
        """The entries, handed over once (this is left empty)."""
        entries, self._entries = self._entries, {}
        return entries


class SeenTickets:
    """What the engineer has seen of each ticket, shared by every view.

    A ticket never met before is "new" once met on a refresh (a view's first load treats what it meets as
    seen); one whose `updated_at` moved since the engineer looked is "changed"; one whose newest public
    comment is a customer reply the engineer has not seen is "waiting" (on us).

    Memory: one dict entry per ticket met, keyed by the ticket's own id string and, while the ticket is
    as it was when looked at, holding its own `updated_at` (`_Entry`): the state adds no string and no
    datetime to what the queue holds (~1.9 MB at 50,000 tickets, not ~8.8). What the store gave at start
    waits in `_restored` until its ticket is met (the passes of a view's first load): it moves over under
    the ticket's id, and `to_check` puts the ticket's moment in place of the stored copy.
    """

    def __init__(self, states: Iterable[SeenState] | KeptStates = ()) -> None:
        self._met: dict[str, _Entry] = {}
        self._restored: dict[str, _Entry] = {}
        """Stored states of tickets not met yet this run (their keys and moments read from the store)."""
        self._restored_size = 0
        """`_restored`'s length when last built: it is rebuilt smaller once most of it has moved over."""
        self._changed: set[str] = set()
        self._named: set[str] = set()
        """Tickets the previous shift's handoff named, not opened since: marked until they are."""
        self.restore(states)

    def restore(self, states: Iterable[SeenState] | KeptStates) -> None:
        """Take in the stored state (at start, before any view loads); what memory knows already wins."""
        entries = (states if isinstance(states, KeptStates) else KeptStates(states)).take()
        if not self._met and not self._restored:
            self._restored, self._restored_size = entries, len(entries)
            return
        met, restored = self._met, self._restored
        for ticket_id, entry in entries.items():
            if ticket_id not in met:
                held = restored.get(ticket_id)
                restored[ticket_id] = entry if held is None else _merged(held, entry)
        self._restored_size = len(restored)

    def _entry_of(self, ticket_id: str) -> _Entry | None:
        # `_restored` first: a ticket moving over is put in `_met` before it leaves `_restored`, so a
        # reader on another thread (a load's plan asks `in`) finds it in one or the other.
        entry = self._restored.get(ticket_id)
        return entry if entry is not None else self._met.get(ticket_id)

    def _meet(self, ticket: Ticket) -> _Entry | None:
        """The ticket's entry; a stored one moves to `_met` under the ticket's own id string (its moment
        is swapped for the ticket's own by `to_check`, which compares them anyway)."""
        ticket_id = ticket.id
        entry = self._met.get(ticket_id)
        if entry is None and self._restored:
            entry = self._restored.get(ticket_id)
            if entry is not None:
                self._met[ticket_id] = entry
                del self._restored[ticket_id]
        return entry

    def _settle(self) -> None:
        """Let the store's copy go as its tickets are met: a dict keeps its table when entries leave, so
        `_restored` is rebuilt once a sixteenth of it is left (a copy of ~3,000 entries at 50,000, 0.2 ms),
        and dropped when none is."""
        left = len(self._restored)
        if left == self._restored_size or left * 16 > self._restored_size:
            return
        self._restored = dict(self._restored) if left else {}
        self._restored_size = left

    def name_in_handoff(self, ticket_ids: Iterable[str]) -> None:
        """Mark these tickets as named by the previous shift's handoff until the engineer opens them."""
        self._named.update(ticket_ids)

    def __contains__(self, ticket_id: object) -> bool:
        return isinstance(ticket_id, str) and _looked(self._entry_of(ticket_id)) is not None

    def mark(self, ticket: Ticket) -> None:
        """The engineer looked at `ticket` as it is now (opened it, or wrote to it): no marker left."""
        ticket_id, updated = ticket.id, ticket.updated_at
        entry = self._meet(ticket)
        checked = _checked(entry)
        if checked is None or updated > checked:
            checked = updated
        comment, reply = _marks(entry)
        if _waiting(entry):
            comment = reply
        self._met[ticket_id] = _entry(updated, checked, comment, reply) or updated
        self._named.discard(ticket_id)
        self._changed.add(ticket_id)

    def baseline(self, tickets: Iterable[Ticket]) -> None:
        """Treat tickets never met before, found on a view's first load, as seen: nothing is new yet."""
        met, restored, changed = self._met, self._restored, self._changed
        for ticket in tickets:
            ticket_id = ticket.id
            # A ticket is in one of the two dicts at most: at a start, one lookup finds most of them.
            entry = restored.get(ticket_id) if restored else None
            if entry is None:
                if ticket_id not in met:  # met before: its moments are known
                    met[ticket_id] = ticket.updated_at
                    changed.add(ticket_id)
                continue
            if isinstance(entry, _Kept) and entry.looked is None and entry.checked is None:
                updated = ticket.updated_at  # only a comment was stored: the moments are this one
                entry = _entry(updated, updated, entry.comment, entry.reply) or updated
                changed.add(ticket_id)
            met[ticket_id] = entry  # as `_meet` moves it: under the ticket's own id, then out of `restored`
            del restored[ticket_id]
        self._settle()

    def to_check(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        """Tickets updated since their conversation was last read, newest update first.

        A ticket met for the first time is not one of them (its conversation so far makes it "new", not
        replied to): it is recorded as known up to its current update. A ticket known up to an equal
        moment of another copy (a full reload's) is then kept with this copy's own moment.
        """
        met, changed = self._met, self._changed
        due: list[Ticket] = []
        for ticket in tickets:
            updated = ticket.updated_at
            entry = met.get(ticket.id)
            if entry is updated:
                continue  # known up to this very update: the usual case
            if entry is None and self._restored:
                entry = self._meet(ticket)
            known = entry.checked if isinstance(entry, _Kept) else entry
            if known is None:
                comment, reply = _marks(entry)
                met[ticket.id] = _entry(_looked(entry), updated, comment, reply) or updated
                changed.add(ticket.id)
            elif known is not updated:
                # One subtraction, not `>` then `==`: moments in different zone objects (the store's
                # and pydantic's) are compared through both offsets, ~0.2 us each time (`==`: twice that).
                since = updated - known
                if since > _NO_TIME:
                    due.append(ticket)
                elif not since:  # the same moment: hold the ticket's own, let the other copy go
                    met[ticket.id] = updated if not isinstance(entry, _Kept) else _adopted(entry, updated)
        due.sort(key=lambda ticket: ticket.updated_at, reverse=True)
        self._settle()
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
        entry = self._meet(ticket)
        known = _checked(entry)
        checked = ticket.updated_at if known is None or ticket.updated_at > known else known
        seen, announced = _marks(entry)
        reply: Comment | None = None
        newest = newest_public(comments)
        if newest is not None:
            mark = CommentMark.of(newest)
            if not is_customer(newest.author, ticket, me_id=me_id):
                if _waiting(entry):
                    seen = mark  # answered
            elif _news(mark, known=known, seen=seen, announced=announced):
                announced, reply = mark, newest
        self._met[ticket_id] = _entry(_looked(entry), checked, seen, announced) or checked
        self._changed.add(ticket_id)
        return reply

    def waiting(self, ticket_id: str) -> bool:
        """Whether a customer reply announced on the ticket is still unseen and unanswered."""
        return _waiting(self._entry_of(ticket_id))

    def marker(self, ticket: Ticket) -> Marker | None:
        if ticket.id in self._named:
            return "handoff"
        entry = self._entry_of(ticket.id)
        looked = _looked(entry)
        if looked is None:
            return "new"
        if _waiting(entry):
            return "waiting"
        return "changed" if ticket.updated_at > looked else None

    def state(self, ticket_id: str) -> SeenState:
        """What is known of one ticket, as the store keeps it."""
        entry = self._entry_of(ticket_id)
        if not isinstance(entry, _Kept):
            return SeenState(ticket_id=ticket_id, looked_at=entry, checked_at=entry)
        return SeenState(ticket_id, entry.looked, entry.checked, entry.comment, entry.reply)

    def take_changes(self) -> list[SeenState]:
        """Every ticket's state changed since the last call, for one batched write to the store."""
        changed, self._changed = self._changed, set()
        return [self.state(ticket_id) for ticket_id in changed]

    def give_back(self, states: Iterable[SeenState]) -> None:
        """States a failed write did not keep: they go out again with the next batch."""
        self._changed.update(state.ticket_id for state in states)
