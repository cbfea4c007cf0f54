"""The queue of one view as plain data: sort, filter, "new"/"changed" markers and customer-reply detection.

Views can hold tens of thousands of tickets, so everything here works on plain lists: the tickets in
load order, one lowercase UTF-8 haystack per ticket for filtering (made on first use when a load runs on
the UI thread, so the first paint never waits for them), and the visible order as a list of indices into
them: the very int objects `_index_of` holds, so 50,000 row numbers exist once, not once per list.
Widgets format only the rows on screen (`row_text` caches the cleaned strings).
Large views also get a `GramIndex`, built on a background thread, so a keystroke never scans every
haystack: a full scan of 50,000 haystacks costs 5-25 ms, the index answers in 1-3 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import compress
from operator import itemgetter
from typing import Any

from frontline.domain import queue_edit, queue_sort
from frontline.domain.field_filter import FieldTest, Predicate, matcher, parse_filter
from frontline.domain.filter_index import GramIndex, IndexBuild, candidate_flags
from frontline.domain.haystack import encoded, haystack, holding, query_terms, rows_holding
from frontline.domain.models import Ticket
from frontline.domain.queue_load import (
    SWAPPED,
    LoadPlan,
    RefreshResult,
    RowText,
    kept_index,
    made_haystacks,
    positions_by_id,
    row_cells,
    shown_as_given,
)
from frontline.domain.queue_sort import CLOCK_SORTS, SORT_LABELS, SORT_MODES, SortMode, sort_keys, sort_label
from frontline.domain.seen import Marker, SeenTickets

__all__ = ["SORT_LABELS", "SORT_MODES", "QueueModel", "RefreshResult", "RowText", "SortMode", "sort_label"]
RECENT_QUERIES = 32  # filter results kept so backspacing is instant
INDEX_MIN_TICKETS = 2_000  # below this a full scan costs well under a millisecond: no index


class QueueModel:
    """The tickets of one view, their sort order and filter; also the `TicketNeighbours` for J/K.

    Args:
        tickets: the view's tickets in the helpdesk's order.
        seen: shared record of what the engineer has looked at (for markers).
        sort: the initial sort column; `reverse` turns its natural order round.
        now: the moment SLA sorting is computed against.
        index_from: views with at least this many tickets are filtered through a `GramIndex` once
            `prepare_index` has built one (until then, and for smaller views, by scanning).
    """

    def __init__(
        self,
        tickets: Sequence[Ticket] = (),
        *,
        seen: SeenTickets | None = None,
        sort: SortMode = "sla",
        reverse: bool = False,
        now: datetime | None = None,
        index_from: int = INDEX_MIN_TICKETS,
    ) -> None:
        self.seen = seen if seen is not None else SeenTickets()
        self.index_from = max(index_from, 2)
        self.generation = 0  # bumped whenever a ticket behind an index changes: row caches key on it
        self._index: GramIndex | None = None
        self._index_build: IndexBuild | None = None
        self._permute: Callable[[bytes | bytearray], tuple[int, ...]] | None = None
        self.sort_mode: SortMode = sort
        self.sort_reverse = reverse
        self.query = ""
        self.me_id: str | None = None
        """The signed-in agent, for `assignee:me` (set by whoever knows it)."""
        self.filter_problems: tuple[str, ...] = ()
        """Hints about field tokens the last filter could not use (shown under the filter)."""
        self.wants_me = False
        """The filter says `assignee:me`: `me_id` is needed."""
        self._terms: tuple[str, ...] = ()
        self._needles: tuple[bytes, ...] = ()  # the terms UTF-8 encoded, as the haystacks hold them
        self._tests: tuple[FieldTest, ...] = ()
        self._allowed: bytearray | None = None  # per ticket (load order): passes the field tests
        self._predicate: Predicate | None = None
        self._sort_cache: dict[SortMode, list[Any]] = {}  # keys that do not depend on the time
        self._recent: dict[tuple[Any, ...], Sequence[int]] = {}
        self._sorted_haystacks: list[bytes] | None = None
        self._now = now
        self.tickets: list[Ticket] = []
        self._borrowed = False  # `tickets` is the caller's list (`as_given`): copied before a change
        self._haystacks: list[bytes] | None = []  # None until first needed: see `_hay`
        self._index_of: dict[str, int] | None = {}  # None until first needed after `as_given`
        self._rows: dict[int, RowText] = {}  # by place in load order, made on first use
        self._sorted: Sequence[int] = []  # a `range` while shown `as_given`, else a list
        self.visible: Sequence[int] = []
        self.awaiting_load = False  # shown `as_given`: unsorted and unindexed until a load is installed
        self.key_width = 0
        self.status_width = 0
        """The longest custom status label (Zendesk "Waiting on engineering"), 0 without any."""
        if tickets:  # an empty model is already what loading nothing makes
            self.replace(tickets, now=now)

    # -- loading ---------------------------------------------------------------------------------------

    def replace(self, tickets: Sequence[Ticket], *, now: datetime | None = None) -> None:
        """Swap in a fresh list of tickets, keeping the sort mode and filter (all on this thread)."""
        plan = self.plan_load(tickets, now=now)
        plan.run()
        self.install(plan)

    @classmethod
    def as_given(
        cls,
        tickets: Sequence[Ticket],
        *,
        seen: SeenTickets | None = None,
        sort: SortMode = "sla",
        reverse: bool = False,
        now: datetime | None = None,
    ) -> QueueModel:
        """The tickets in the order given, at a cost that does not grow with the view: for a first paint
        of tickets kept in the order they were last shown (the local cache), before a load
        (`plan_load`, off the UI thread) sorts, indexes and filters them.

        Sorting 50,000 tickets costs 150-250 ms (an SLA key per ticket, then the sort); this costs the
        rows on screen (`queue_load.shown_as_given`).
        """
        model = cls(seen=seen, sort=sort, reverse=reverse, now=now)
        shown_as_given(model, tickets)
        return model

    def plan_load(
        self,
        tickets: Sequence[Ticket],
        *,
        now: datetime | None = None,
        seen: SeenTickets | None = None,
        refresh: bool = False,
        off_thread: bool = False,
    ) -> LoadPlan:
        """Capture what loading `tickets` needs (cheap: call it on the UI thread); `LoadPlan.run` then
        does the work on any thread, and `install` swaps the result in. `refresh` also says what is new,
        changed and replied to (`LoadPlan.result`); `off_thread` sorts in short runs (see
        `queue_sort.sorted_order`)."""
        return LoadPlan(self, tickets, now=now, seen=seen, refresh=refresh, off_thread=off_thread)

    def install(self, plan: LoadPlan) -> bool:
        """Swap in a load `plan.run` prepared: a few attribute assignments, nothing proportional to the
        view. False (nothing changes) when the model moved on since `plan_load` (another sort, filter or
        "me", a ticket updated in place): plan again from the current state."""
        shadow = plan.shadow
        if (
            plan.model is not self
            or not plan.done
            or plan.generation != self.generation
            or (shadow.sort_mode, shadow.sort_reverse) != (self.sort_mode, self.sort_reverse)
            or (shadow._terms, shadow._tests, shadow.me_id) != (self._terms, self._tests, self.me_id)
        ):
            return False
        if self._index_build is not None and shadow._index is None:
            self._index_build.cancelled.set()  # it indexes the old haystacks
        if plan.off_thread:  # what the load replaces is freed by `LoadPlan.release`, off this thread
            plan.replaced = [getattr(self, name) for name in SWAPPED]
        for name in SWAPPED:
            setattr(self, name, getattr(shadow, name))
        self._index_build = None
        if plan.seen is not None:
            self.seen = plan.seen
        self.generation += 1
        return True

    def _load(self, tickets: list[Ticket], now: datetime | None, *, in_runs: bool) -> None:
        """The work of a load, on a shadow copy of the model (`LoadPlan.run`): haystacks, the filter
        index kept up to date when it can be, sort and filter."""
        if now is not None:
            self._now = now
        self.awaiting_load = False
        # Made here off the UI thread or to keep an index; else on first use, so the first paint
        # never waits for them (half the cost of a load at 50,000 tickets).
        eager = in_runs or self._index is not None
        haystacks = [haystack(ticket) for ticket in tickets] if eager else None
        self._index = kept_index(self, tickets, haystacks, in_runs=in_runs) if haystacks else None
        self.tickets, self._borrowed = tickets, False
        self._haystacks = haystacks
        self._index_of = positions_by_id(tickets)
        self._rows = {}
        self._sort_cache = {}
        self._recent = {}
        self._allowed = None
        self.key_width = max((len(ticket.display_key) for ticket in tickets), default=0)
        self.status_width = max((len(t.status_label) for t in tickets if t.status_label), default=0)
        self._resort(in_runs=in_runs)

    def remove_ticket(self, ticket_id: str) -> bool:
        """Take a ticket out of the view (it no longer belongs there); False when it was not in it."""
        return queue_edit.remove_ticket(self, ticket_id)

    def apply_refresh(
        self, new_tickets: Sequence[Ticket], seen: SeenTickets | None = None, *, now: datetime | None = None
    ) -> RefreshResult:
        """Replace the tickets with a refreshed list and say what is new, changed and replied to."""
        plan = self.plan_load(new_tickets, now=now, seen=seen, refresh=True)
        plan.run()
        self.install(plan)
        return plan.result

    def update_ticket(self, ticket: Ticket) -> int | None:
        """Replace one ticket in place (no re-sort, so rows do not jump); returns its visible position."""
        return queue_edit.update_ticket(self, ticket)

    # -- the filter index ------------------------------------------------------------------------------

    def prepare_index(self, *, background: bool = True) -> None:
        """Build the filter index for a large view, on a daemon thread unless `background` is False.

        The UI calls this once the first rows are painted, so building never delays them; filtering
        scans until the index is ready. Idempotent.
        """
        building = self._index is not None or self._index_build is not None or self.awaiting_load
        if building or self.total < self.index_from:  # `awaiting_load`: built once the load lands
            return
        known, tickets = self._haystacks, list(self.tickets)
        snapshot = list(known) if known is not None else None
        made = (lambda: snapshot) if snapshot is not None else (lambda: [haystack(t) for t in tickets])
        self._index_build = IndexBuild(made, background=background)

    @property
    def index_ready(self) -> bool:
        return self._ready_index() is not None

    def _ready_index(self) -> GramIndex | None:
        build = self._index_build
        if self._index is None and build is not None and build.result is not None:
            index, haystacks, before = build.result, self._hay(), build.haystacks or []
            for position in build.changed:
                index.update(position, before[position], haystacks[position])
            self._index, self._index_build = index, None
        return self._index

    def _hay(self) -> list[bytes]:
        """The lowercase haystacks, one per ticket, made on first use (`queue_load.made_haystacks`)."""
        if self._haystacks is None:
            self._haystacks = made_haystacks(self.tickets, self._index_build)
        return self._haystacks

    def _positions(self) -> dict[str, int]:
        """Each ticket's place in load order by id, made on first use after `as_given`."""
        if self._index_of is None:
            self._index_of = positions_by_id(self.tickets)
        return self._index_of

    def _load_order(self) -> Sequence[int]:
        """Every row number in load order: the int objects `_index_of` holds (its values are in load
        order), so that the sort's lists share them; fresh ones only when two tickets share an id."""
        index_of = self._positions()
        if len(index_of) == len(self.tickets):
            return list(index_of.values())
        return range(len(self.tickets))

    def _drop_index(self) -> None:
        if self._index_build is not None:
            self._index_build.cancelled.set()
        self._index = self._index_build = None

    # -- sorting and filtering -------------------------------------------------------------------------

    def set_sort(self, mode: SortMode, *, now: datetime | None = None, reverse: bool = False) -> None:
        """Sort by a column (`SORT_MODES`) in its natural order, or the other way round with `reverse`."""
        if mode not in SORT_LABELS:
            raise ValueError(f"Unknown sort mode {mode!r}.")
        self.sort_mode = mode
        self.sort_reverse = reverse
        if now is not None:
            self._now = now
        self._resort()

    def set_filter(self, query: str) -> None:
        """Show only tickets passing the field tests (`status:open`) and matching every other
        whitespace-separated term, case-insensitively (`field_filter.parse_filter` splits them).

        When the new query only narrows the old one (same field tests, every old term inside a new
        term), only the currently visible rows are scanned.
        """
        parsed = parse_filter(query)
        terms = query_terms(parsed.text)
        self.query = query
        self.filter_problems = parsed.problems
        self.wants_me = parsed.wants_me
        if terms == self._terms and parsed.tests == self._tests:
            return
        same_tests = parsed.tests == self._tests
        narrowing = same_tests and bool(self._terms)
        narrowing = narrowing and all(any(old in new for new in terms) for old in self._terms)
        self._terms, self._needles = terms, encoded(terms)
        if not same_tests:
            self._tests, self._allowed = parsed.tests, None
        key = (terms, parsed.tests)
        cached = self._recent.get(key)
        if cached is not None:  # backspacing to a query seen since the last sort or reload
            self.visible = list(cached)
            return
        index = self._ready_index() if terms else None
        if index is not None:
            self.visible = self._passing(self._indexed_match(index))
        else:
            self.visible = self._passing(self._match(self.visible if narrowing else self._sorted))
        if len(self._recent) >= RECENT_QUERIES:
            del self._recent[next(iter(self._recent))]
        self._recent[key] = self.visible

    def set_me(self, me_id: str | None) -> None:
        """Learn who "me" is; a filter naming `assignee:me` is evaluated again."""
        if me_id == self.me_id:
            return
        self.me_id = me_id
        if not self.wants_me:
            return  # nothing shown depends on it: no re-sort (150+ ms at 50,000 tickets)
        self._allowed = None
        self._recent.clear()
        self._resort()

    def _passing(self, rows: Sequence[int]) -> Sequence[int]:
        """`rows` narrowed to the tickets passing the field tests (one flag lookup per row)."""
        if not self._tests:
            return rows
        if self._allowed is None:
            now = self._now or datetime.now().astimezone()
            self._predicate = predicate = matcher(self._tests, me_id=self.me_id, now=now)
            self._allowed = bytearray(map(predicate, self.tickets)) if predicate else None
        allowed = self._allowed
        return rows if allowed is None else list(compress(rows, map(allowed.__getitem__, rows)))

    def _match(self, candidates: Sequence[int]) -> Sequence[int]:
        needles = self._needles
        if not needles:
            return list(candidates)
        if candidates is not self._sorted:
            return rows_holding(candidates, needles, self._hay())
        # A full scan reads the haystacks laid out in sort order: no index lookup per row.
        if self._sorted_haystacks is None:
            self._sorted_haystacks = list(map(self._hay().__getitem__, self._sorted))
        matched = list(compress(candidates, holding(needles[0], self._sorted_haystacks)))
        return rows_holding(matched, needles[1:], self._hay())

    def _indexed_match(self, index: GramIndex) -> list[int]:
        """The rows the index finds for the terms, in sort order (one C-level permutation of flags),
        then those holding each term longer than the index answers exactly."""
        flags = candidate_flags(index, self._terms)
        if flags is None:
            return []
        if self._permute is None:
            self._permute = itemgetter(*self._sorted)
        candidates = list(compress(self._sorted, self._permute(flags)))
        pairs = zip(self._terms, self._needles, strict=True)
        long_needles = [needle for term, needle in pairs if len(term) > 2]
        return rows_holding(candidates, long_needles, self._hay()) if long_needles else candidates

    def _sort_keys(self) -> list[Any]:
        """One comparable key per ticket, in load order; kept until the tickets change unless it
        depends on the time (SLA countdowns)."""
        mode = self.sort_mode
        keys = self._sort_cache.get(mode)
        if keys is None:
            keys = sort_keys(self.tickets, mode, self._now or datetime.now().astimezone())
            if mode not in CLOCK_SORTS:
                self._sort_cache[mode] = keys
        return keys

    def _resort(self, *, in_runs: bool = False) -> None:
        keys = self._sort_keys()
        self._recent.clear()
        self._sorted_haystacks = None
        self._permute = None
        self._sorted = queue_sort.sorted_order(
            keys, reverse=self.sort_reverse, in_runs=in_runs, rows=self._load_order()
        )
        index = self._ready_index() if self._terms else None
        matched = self._indexed_match(index) if index is not None else self._match(self._sorted)
        self.visible = self._passing(matched)

    # -- reading ---------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.tickets)

    def __len__(self) -> int:
        return len(self.visible)

    def in_sort_order(self) -> list[Ticket]:
        """Every ticket (filter or not) in the order of the sort: how the local cache keeps a view, so
        the next start paints it `as_given` in the right order."""
        return list(map(self.tickets.__getitem__, self._sorted))

    def ticket_at(self, position: int) -> Ticket:
        """The ticket at a visible position (0 is the top row)."""
        return self.tickets[self.visible[position]]

    def position_of(self, ticket_id: str) -> int | None:
        index = self._positions().get(ticket_id)
        if index is None:
            return None
        try:
            return self.visible.index(index)
        except ValueError:
            return None

    def marker_at(self, position: int) -> Marker | None:
        return self.seen.marker(self.ticket_at(position))

    def row_text(self, position: int) -> RowText:
        """The cleaned cells of a visible row, computed on first use and cached."""
        index = self.visible[position]
        row = self._rows.get(index)
        if row is None:
            row = self._rows[index] = row_cells(self.tickets[index])
        return row

    # -- TicketNeighbours ------------------------------------------------------------------------------

    def next_ticket_id(self, ticket_id: str) -> str | None:
        return self._neighbour(ticket_id, 1)

    def previous_ticket_id(self, ticket_id: str) -> str | None:
        return self._neighbour(ticket_id, -1)

    def _neighbour(self, ticket_id: str, step: int) -> str | None:
        position = self.position_of(ticket_id)
        if position is None or not 0 <= position + step < len(self.visible):
            return None
        return self.ticket_at(position + step).id
