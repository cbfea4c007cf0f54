"""Incremental refresh by update time: the watermark of a loaded view, and merging a delta into it.

A refresh of a view already loaded asks the helpdesk only for the tickets updated since the view's
watermark (the newest `updated_at` it holds) minus a small overlap, newest first. Those replace or join
the list; tickets not in the delta keep their place; tickets the helpdesk says left are dropped. When
the delta cannot be trusted to be whole (too many pages, a count that disagrees, every Nth refresh) the
caller reloads the view in full instead: `full_reload_reason` words that rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from frontline.domain.models import Ticket

OVERLAP = timedelta(minutes=2)
"""Read back this far before the watermark: same-second updates, clock skew, and search indexes (JSM)
that show a write a little after it happened."""
FULL_RELOAD_EVERY = 20
"""Every Nth refresh of a view is a full reload: a ticket deleted, or moved out by a change to the view's
definition, changes no `updated_at` a delta could see."""


@dataclass(frozen=True)
class ViewChanges:
    """What a helpdesk says changed in a view since a time, newest first.

    Attributes:
        tickets: tickets of the view updated since then (new or changed), as they are now.
        departed: ids of known tickets that changed and are no longer in the view; None when the
            helpdesk cannot tell (then `total` or the periodic full reload catches departures).
        total: how many tickets the view holds now, when the answer said so for free.
        complete: False when the delta was cut short (more pages than a delta may read): reload instead.
        outside: tickets that changed but are not in the view, with their `updated_at` (JSM reads a whole
            project's changes): passed back in `known` next time, so they are not checked again.
    """

    tickets: tuple[Ticket, ...] = ()
    departed: frozenset[str] | None = None
    total: int | None = None
    complete: bool = True
    outside: Mapping[str, datetime] = field(default_factory=dict)


def watermark(tickets: Iterable[Ticket]) -> datetime | None:
    """The newest `updated_at` among `tickets` (None for none): where the next delta starts."""
    return max((ticket.updated_at for ticket in tickets), default=None)


def delta_since(tickets: Iterable[Ticket], overlap: timedelta = OVERLAP) -> datetime | None:
    """The time a delta reads back to: the watermark minus `overlap` (None: nothing loaded, read all)."""
    mark = watermark(tickets)
    return None if mark is None else mark - overlap


def known_versions(
    tickets: Iterable[Ticket], also: Mapping[str, datetime] | None = None
) -> dict[str, datetime]:
    """Each ticket's id and `updated_at`, over the versions `also` knows: what a delta compares against
    to skip unchanged tickets (one dict, however long the view)."""
    known = dict(also) if also else {}
    known.update((ticket.id, ticket.updated_at) for ticket in tickets)
    return known


def is_changed(ticket: Ticket, known: Mapping[str, datetime]) -> bool:
    """Whether `ticket` is new to the list or updated since the copy the list holds."""
    return known.get(ticket.id) != ticket.updated_at


def merge(
    previous: Sequence[Ticket], delta: Iterable[Ticket], departed: Collection[str] = ()
) -> list[Ticket]:
    """`previous` with `delta` applied: a changed ticket replaces its copy in place, a new one joins at
    the top (newest first, as the delta came), and `departed` ids leave. Nothing else moves."""
    fresh: dict[str, Ticket] = {}
    for ticket in delta:
        fresh.setdefault(ticket.id, ticket)  # the first (newest) copy wins if a page repeats one
    if not fresh and not departed:
        return list(previous)  # the usual refresh: nothing changed
    leaving = set(departed) - fresh.keys()
    held = {ticket.id for ticket in previous}
    joined = [ticket for ticket_id, ticket in fresh.items() if ticket_id not in held]
    kept = [fresh.get(ticket.id, ticket) for ticket in previous if ticket.id not in leaving]
    return joined + kept


def full_reload_reason(
    changes: ViewChanges, merged_count: int, *, refreshes_since_full: int, every: int = FULL_RELOAD_EVERY
) -> str | None:
    """Why this refresh must be a full reload after all, or None when the merged delta stands.

    The rule: every `every`th refresh; a delta cut short; a view count (given with the delta) that
    disagrees with the merged list, which means tickets left or joined unseen.
    """
    if refreshes_since_full + 1 >= every:
        return f"every {every}th refresh is a full reload"
    if not changes.complete:
        return "the delta was too long to read"
    if changes.total is not None and changes.total != merged_count:
        return f"the view holds {changes.total} tickets, the merged list {merged_count}"
    return None
