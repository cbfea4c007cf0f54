"""Identical parts of many tickets held once: a 50,000-ticket view names a few thousand people.

A ticket built from JSON carries its own requester, assignee and organization. `shared` points a ticket
at one instance of each equal person and organization already held (kept in weak tables by id: they go
when no ticket holds them), one tuple per distinct set of tags and one SLA target per distinct target
without a time (paused, or none set): a handful of each, kept for the process. Everything shared is
frozen, so no holder can change it.

Whole tickets are shared too where a caller says which are held already (`reusing`): the cached views
read at start overlap ("All unsolved" holds most of "Your unsolved"), and a ticket equal to one held is
dropped for it as each page is parsed, so the console holds it once instead of once per view.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar
from weakref import WeakValueDictionary

from frontline.domain.models import Organization, Person, SlaTarget, Ticket

__all__ = ["reusing", "shared", "shared_all"]

_Part = TypeVar("_Part", Person, Organization)

_PEOPLE: WeakValueDictionary[str, Person] = WeakValueDictionary()
"""By id: a person's id is one string the person holds already, so the table costs no key of its own."""
_ORGANIZATIONS: WeakValueDictionary[str, Organization] = WeakValueDictionary()
_TAG_SETS: dict[tuple[str, ...], tuple[str, ...]] = {}
_MAX_TAG_SETS = 4_096
"""Distinct sets of tags kept: accounts tag from a short list, so most tickets repeat a few sets."""
_TIMELESS_SLAS: dict[tuple[Any, ...], SlaTarget] = {}
_MAX_TIMELESS_SLAS = 64
"""Distinct SLA targets without a time kept (a metric, paused or not): a few per account."""
_HELD: ContextVar[Mapping[str, Ticket] | None] = ContextVar("held_tickets", default=None)
"""Tickets held already, by id, that `shared_all` hands out instead of equal ones (`reusing`)."""


@contextmanager
def reusing(held: Iterable[Sequence[Ticket]]) -> Iterator[None]:
    """Within the block (this thread or task), `shared_all` puts a ticket of `held` (lists already held,
    one per view) in place of an equal one it meets. Only the block's context sees them."""
    table = {ticket.id: ticket for tickets in held for ticket in tickets}
    token = _HELD.set(table or None)
    try:
        yield
    finally:
        _HELD.reset(token)


def shared(ticket: Ticket) -> Ticket:
    """`ticket` itself, its people, organization, tags and timeless SLA target swapped for equal ones held
    already (the values it shows are unchanged). Tickets are frozen slotted records: the swap writes
    their slots directly, as nothing else holds the ticket yet."""
    requester, assignee, organization = ticket.requester, ticket.assignee, ticket.organization
    if requester is not None:
        _put(ticket, "requester", _part(_PEOPLE, requester))
    if assignee is not None:
        _put(ticket, "assignee", _part(_PEOPLE, assignee))
    if organization is not None:
        _put(ticket, "organization", _part(_ORGANIZATIONS, organization))
    tags = ticket.tags
    if tags:
        _put(ticket, "tags", _kept(_TAG_SETS, tags, tags, _MAX_TAG_SETS))
    sla = ticket.sla
    if sla is not None and sla.due_at is None and sla.breached_at is None:
        key = (sla.metric, sla.paused)
        _put(ticket, "sla", _kept(_TIMELESS_SLAS, key, sla, _MAX_TIMELESS_SLAS))
    return ticket


_put = object.__setattr__
"""Writes a frozen record's slot (`shared` on a ticket nothing else holds yet)."""


def shared_all(tickets: list[Ticket]) -> list[Ticket]:
    """`shared` for every ticket of a list, in place, and within `reusing` an equal ticket held already
    in place of the one given; returns the list."""
    held = _HELD.get()
    for index, ticket in enumerate(tickets):
        shared(ticket)
        same = held.get(ticket.id) if held is not None else None
        if same is not None and _equal(same, ticket):
            tickets[index] = same
    return tickets


def _equal(held: Ticket, ticket: Ticket) -> bool:
    """Whether two tickets read the same in every way (their shared people make this mostly identity
    checks)."""
    return type(held) is type(ticket) and held == ticket


_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


def _kept(table: dict[_Key, _Value], key: _Key, value: _Value, limit: int) -> _Value:
    """The value kept for `key`, else `value` (kept while the table is under `limit`)."""
    held = table.get(key)
    if held is not None:
        return held
    if len(table) < limit:
        table[key] = value
    return value


def _part(table: WeakValueDictionary[str, _Part], part: _Part) -> _Part:
    """The equal person or organization held already, else `part` (held from now on under its id)."""
    held = table.get(part.id)
    if held is not None and held == part:
        return held
    table[part.id] = part
    return part
