"""Identical parts of many tickets held once: a 50,000-ticket view names a few thousand people.

Each pydantic model carries its own `__dict__` and set of fields set (~0.7 KB for a model with more than
four fields), so a ticket built from JSON with its requester, assignee and organization costs ~4 KB.
`shared` points a ticket at one instance of each equal person and organization already held (kept in
weak tables: they go when no ticket holds them) and at one set of fields set per distinct set. Models are
frozen, so no holder can change a shared part; pydantic copies the set of fields set on `model_copy`.
"""

from __future__ import annotations

from typing import Any, TypeVar
from weakref import WeakValueDictionary

from frontline.domain.models import Organization, Person, Ticket

__all__ = ["shared", "shared_all"]

_Part = TypeVar("_Part", Person, Organization)

_PEOPLE: WeakValueDictionary[tuple[Any, ...], Person] = WeakValueDictionary()
_ORGANIZATIONS: WeakValueDictionary[tuple[Any, ...], Organization] = WeakValueDictionary()
_FIELD_SETS: dict[frozenset[str], set[str]] = {}
_MAX_FIELD_SETS = 512
"""Distinct sets of fields set kept: a handful per model in practice; past this, sets are not shared."""


def shared(ticket: Ticket) -> Ticket:
    """`ticket` itself, its people, organization and sets of fields set swapped for equal ones held
    already (the values it shows are unchanged)."""
    fields = ticket.__dict__
    requester, assignee, organization = fields["requester"], fields["assignee"], fields["organization"]
    if requester is not None:
        fields["requester"] = _part(_PEOPLE, requester)
    if assignee is not None:
        fields["assignee"] = _part(_PEOPLE, assignee)
    if organization is not None:
        fields["organization"] = _part(_ORGANIZATIONS, organization)
    if fields["sla"] is not None:
        _share_fields_set(fields["sla"])
    _share_fields_set(ticket)
    return ticket


def shared_all(tickets: list[Ticket]) -> list[Ticket]:
    """`shared` for every ticket of a list, in place; returns the list."""
    for ticket in tickets:
        shared(ticket)
    return tickets


def _part(table: WeakValueDictionary[tuple[Any, ...], _Part], part: _Part) -> _Part:
    key = tuple(part.__dict__.values())
    held = table.get(key)
    if held is not None:
        return held
    _share_fields_set(part)
    table[key] = part
    return part


def _share_fields_set(model: Any) -> None:
    fields_set: set[str] = model.__pydantic_fields_set__
    key = frozenset(fields_set)
    held = _FIELD_SETS.get(key)
    if held is None:
        if len(_FIELD_SETS) >= _MAX_FIELD_SETS:
            return
        held = _FIELD_SETS[key] = set(key)
    object.__setattr__(model, "__pydantic_fields_set__", held)
