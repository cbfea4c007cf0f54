"""Loading a queue off the UI thread: a plan captured on the UI thread, run on any thread, swapped in at once.

At 50,000 tickets a load costs hundreds of milliseconds (a haystack and a sort key per ticket, the sort,
the filter); done on the UI thread that is a frozen screen at every refresh. `QueueModel.plan_load`
takes a shallow copy of the model (cheap), `LoadPlan.run` does the work on that copy, rebinding its
lists rather than changing them (the UI keeps reading the originals), and `QueueModel.install` swaps
the results in with a few attribute assignments, or refuses when the model moved on meanwhile (another
sort or filter, a ticket updated in place), so a stale load never overwrites newer state.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from frontline.domain.background import courteous
from frontline.domain.filter_index import GramIndex, IndexBuild
from frontline.domain.haystack import haystack
from frontline.domain.models import Status, Ticket
from frontline.domain.presentation import cell_text
from frontline.domain.queue_rules import customer_replied
from frontline.domain.seen import SeenTickets

if TYPE_CHECKING:
    from frontline.domain.queue import QueueModel

SWAPPED = (
    "tickets",
    "_haystacks",
    "_index_of",
    "_borrowed",
    "_rows",
    "_sort_cache",
    "_recent",
    "_allowed",
    "_predicate",
    "_sorted_haystacks",
    "_permute",
    "_sorted",
    "visible",
    "key_width",
    "status_width",
    "_index",
    "_now",
    "awaiting_load",
)
"""The model's attributes a load replaces: what `QueueModel.install` copies from the plan's shadow."""


class RowText(NamedTuple):
    """One ticket's cells, cleaned for the terminal (one line, no escapes or control characters).

    A tuple of strings: the cyclic garbage collector stops tracking it, so caching 50,000 of them
    does not lengthen its full collections.
    """

    key: str
    subject: str
    requester: str
    organization: str
    assignee: str
    status: str
    priority: str
    linked_bug: str


_STATUS_LABELS = {status: status.label for status in Status}


def row_cells(ticket: Ticket) -> RowText:
    """A ticket's cells for its row, cleaned for the terminal."""
    return RowText(
        key=cell_text(ticket.display_key),
        subject=cell_text(ticket.subject),
        requester=cell_text(ticket.requester.name) if ticket.requester else "",
        organization=cell_text(ticket.organization.name) if ticket.organization else "",
        assignee=cell_text(ticket.assignee.name) if ticket.assignee else "",
        status=cell_text(ticket.status_label or _STATUS_LABELS[ticket.status]),
        priority=ticket.priority.value if ticket.priority else "—",
        linked_bug=cell_text(ticket.linked_bug or ""),
    )


def positions_by_id(tickets: Sequence[Ticket]) -> dict[str, int]:
    """Each ticket's place in load order by id. Its values, in load order, are the row numbers the sort
    and the filter then share (`QueueModel._load_order`): one int object per ticket, not one per list."""
    return dict(zip(map(attrgetter("id"), tickets), range(len(tickets)), strict=True))


def made_haystacks(tickets: Sequence[Ticket], build: IndexBuild | None) -> list[bytes]:
    """One lowercase UTF-8 haystack per ticket: the index build's when it has made them (tickets updated in
    place since then made again), else made here. A load on the UI thread leaves them to first use so
    the first paint never waits for them (half a load's cost at 50,000 tickets)."""
    made = build.haystacks if build is not None else None
    if made is None:
        return [haystack(ticket) for ticket in tickets]
    haystacks = list(made)
    for position in build.changed:  # type: ignore[union-attr]
        haystacks[position] = haystack(tickets[position])
    return haystacks


AS_GIVEN_WIDTHS = 100
"""Tickets `shown_as_given` reads column widths from, about two screens (a load then reads them all).
Each ticket read here is likely a cache miss (a view's tickets lie all over memory): 500 cost ~0.7 ms."""


def shown_as_given(model: QueueModel, tickets: Sequence[Ticket]) -> None:
    """Show `tickets` in `model` in the order given, unsorted and unindexed, at the cost of the rows on
    screen whatever the view's size. Nothing is made per ticket: a list of tickets is borrowed, not
    copied (the model copies it before changing it), the order is a `range`, and haystacks, positions by
    id and row text are made on first use; `plan_load` does the rest. (At 50,000 tickets three fresh
    lists cost ~1 ms to make, and as much again in the next young collection, which walks them.)"""
    given = tickets if isinstance(tickets, list) else list(tickets)
    model.tickets, model._borrowed = given, given is tickets
    model._haystacks, model._index_of = None, None
    model.awaiting_load = True
    model._rows = {}
    model._sorted = model.visible = range(len(given))  # both are rebound, never changed in place
    first = given[:AS_GIVEN_WIDTHS]
    model.key_width = max(map(len, map(attrgetter("display_key"), first)), default=0)
    model.status_width = max(map(len, filter(None, map(attrgetter("status_label"), first))), default=0)


INDEX_REUSE_MAX_CHANGES = 256
"""A reload changing more tickets than this (or 1% of the view) rebuilds the filter index."""


def kept_index(
    model: QueueModel, tickets: list[Ticket], haystacks: list[bytes], *, in_runs: bool
) -> GramIndex | None:
    """A copy of the model's ready index updated for a reload that kept the tickets in order and
    changed few; None otherwise (a new one is built in the background once the rows are shown).

    A refresh usually brings the same tickets with a handful updated or added at the end; updating
    those costs microseconds where a rebuild costs about a second of CPU at 50,000 tickets.
    """
    index = model._index
    old = model.tickets
    if index is None or len(tickets) < len(old) or len(tickets) < model.index_from:
        return None
    if any(a.id != b.id for a, b in zip(old, tickets, strict=False)):
        return None
    old_haystacks = model._hay()
    changed = [i for i in range(len(old)) if old_haystacks[i] != haystacks[i]]
    if len(changed) + len(tickets) - len(old) > max(INDEX_REUSE_MAX_CHANGES, len(old) // 100):
        return None
    if in_runs:
        index = index.copy()  # on a worker thread: the UI may be filtering with the original
    for position in changed:
        index.update(position, old_haystacks[position], haystacks[position])
    for text in haystacks[len(old) :]:
        index.append(text)
    return index


@dataclass
class RefreshResult:
    """What a refresh brought: for the notification and the status bar."""

    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    customer_replies: list[Ticket] = field(default_factory=list)
    removed: int = 0


class LoadPlan:
    """One load of a `QueueModel`, prepared away from the model the UI is reading.

    Made on the UI thread by `QueueModel.plan_load`; `run` may then be called on a worker thread (it
    reads the model's lists as they were, never writes them); `QueueModel.install` swaps it in.
    """

    def __init__(
        self,
        model: QueueModel,
        tickets: Sequence[Ticket],
        *,
        now: datetime | None,
        seen: SeenTickets | None,
        refresh: bool,
        off_thread: bool,
    ) -> None:
        self.model = model
        self.generation = model.generation
        self.seen = seen
        self.refresh = refresh
        self.off_thread = off_thread
        self.now = now
        self.tickets = list(tickets)
        self.result = RefreshResult()
        self.done = False
        self.replaced: list[object] = []
        """What `install` replaced (off-thread plans): the old rows, keys and indexes, for `release`."""
        shadow = copy.copy(model)  # shares the lists, which `run` rebinds and never changes in place
        shadow._index = model._ready_index()  # an index still building indexes the old tickets: dropped
        shadow._index_build = None
        shadow._sort_cache, shadow._recent = {}, {}
        self.shadow = shadow

    def run(self) -> LoadPlan:
        """Do the work (any thread): what changed, haystacks, index update, sort and filter."""
        if not self.off_thread:
            self._work()
            return self
        with courteous():  # the UI thread shares the GIL: let it in often, no GC passes meanwhile
            self._work()
        return self

    def release(self) -> None:
        """Free what `install` replaced (any thread, best a worker): at 50,000 tickets dropping the old
        lists, dicts and index costs 6-20 ms, a frame's worth when done on the UI thread. They go one
        at a time, so the UI thread can take the GIL between them."""
        replaced = self.replaced
        with courteous():
            while replaced:
                replaced.pop()

    def _work(self) -> None:
        if self.refresh:
            self.result = self._changes()
        self.shadow._load(self.tickets, self.now, in_runs=self.off_thread)
        self.done = True

    def _changes(self) -> RefreshResult:
        shadow = self.shadow
        seen = self.seen if self.seen is not None else shadow.seen
        result = RefreshResult()
        index_of, old = shadow._positions(), shadow.tickets
        new_ids = set()
        for ticket in self.tickets:
            previous_index = index_of.get(ticket.id)
            if previous_index is None:
                new_ids.add(ticket.id)
                if ticket.id not in seen:
                    result.new_ids.append(ticket.id)
                continue
            previous = old[previous_index]
            if ticket.updated_at != previous.updated_at:
                result.changed_ids.append(ticket.id)
                if customer_replied(previous, ticket):
                    result.customer_replies.append(ticket)
        result.removed = len(old) - (len(self.tickets) - len(new_ids))
        return result
