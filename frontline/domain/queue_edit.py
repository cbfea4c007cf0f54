"""Changing a `QueueModel`'s tickets in place: one ticket updated (an edit made here, a live update) or
taken out of the view, without a load.

A model shown `as_given` holds the caller's list of tickets (the local cache's) rather than a copy, so
that a first paint costs nothing per ticket; it is copied here before its first change, and the
caller's list never changes under it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontline.domain.haystack import haystack
from frontline.domain.models import Ticket
from frontline.domain.queue_load import positions_by_id

if TYPE_CHECKING:
    from frontline.domain.queue import QueueModel


def own_tickets(model: QueueModel) -> list[Ticket]:
    """The model's list of tickets, copied first when it is still the one `as_given` was handed."""
    if model._borrowed:
        model.tickets, model._borrowed = list(model.tickets), False
    return model.tickets


def remove_ticket(model: QueueModel, ticket_id: str) -> bool:
    """`QueueModel.remove_ticket`."""
    index = model._positions().get(ticket_id)
    if index is None:
        return False
    model.generation += 1
    model._drop_index()  # positions after it shift: the index is rebuilt when the view is shown
    del own_tickets(model)[index]
    model._rows = {}
    if model._haystacks is not None:
        del model._haystacks[index]
    model._sort_cache.clear()
    model._allowed = None
    model._index_of = positions_by_id(model.tickets)
    model._recent.clear()
    model._resort()
    return True


def update_ticket(model: QueueModel, ticket: Ticket) -> int | None:
    """`QueueModel.update_ticket`."""
    index = model._positions().get(ticket.id)
    if index is None:
        return None
    own_tickets(model)[index] = ticket
    model.status_width = max(model.status_width, len(ticket.status_label or ""))
    new = haystack(ticket)
    if model._haystacks is not None:  # else made from the tickets when first needed
        old, model._haystacks[index] = model._haystacks[index], new
        if model._index is not None:
            model._index.update(index, old, new)
    model.generation += 1
    if model._index is None and model._index_build is not None:
        model._index_build.changed.add(index)
    model._recent.clear()
    model._sorted_haystacks = None
    model._rows.pop(index, None)
    model._sort_cache.clear()
    if model._allowed is not None and model._predicate is not None:
        model._allowed[index] = model._predicate(ticket)
    return model.position_of(ticket.id)
