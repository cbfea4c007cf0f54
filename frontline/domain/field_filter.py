"""Field tokens in the `/` filter: `status:open`, `-status:solved`, `prio:urgent,high`, `sla:<1h`.

`parse_filter` splits a query into field tests and the rest, which stays the instant text filter. It never
raises: a token it cannot use becomes a hint for the line under the filter (an unknown field is also
searched as text, so "error:500" still finds what it used to). `matcher` turns the tests into one
predicate; the queue evaluates it once per ticket per distinct set of tests, not per keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontline.domain.models import Person, Priority, Ticket

FIELDS: dict[str, str] = {
    "status": "status",
    "requester": "requester",
    "req": "requester",
    "assignee": "assignee",
    "org": "org",
    "organization": "org",
    "tag": "tag",
    "tags": "tag",
    "prio": "prio",
    "priority": "prio",
    "sla": "sla",
}
"""Accepted field names (and aliases) to the canonical field."""
FIELD_NAMES = "status, requester, assignee, org, tag, prio, sla"
_TOKEN = re.compile(r"(-?)([A-Za-z]+):(.*)", re.DOTALL)
_PRIORITIES = {p.value: p for p in Priority} | {"none": None}
_DURATION = re.compile(r"([<>])(\d+(?:\.\d+)?)([mhd]|min|mins|hours?|days?)")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}

Predicate = Callable[[Ticket], bool]


@dataclass(frozen=True)
class FieldTest:
    """One field token: the ticket's `field` must match any of `values` (none of them when negated)."""

    field: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class ParsedFilter:
    """A filter query split into field tests, the remaining text, and hints about tokens not understood."""

    text: str = ""
    tests: tuple[FieldTest, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def wants_me(self) -> bool:
        """Whether a test names "me" (the signed-in agent must be known to evaluate it)."""
        return any(t.field == "assignee" and "me" in t.values for t in self.tests)


def parse_filter(query: str) -> ParsedFilter:
    """Split `query` at whitespace into field tests and text; never raises."""
    text: list[str] = []
    tests: list[FieldTest] = []
    problems: list[str] = []
    for token in query.split():
        match = _TOKEN.fullmatch(token)
        if match is None:
            text.append(token)
            continue
        negate, name, raw = match.groups()
        field = FIELDS.get(name.lower())
        if field is None:
            text.append(token)
            problems.append(f'Unknown field "{name}:" (searched as text). Fields: {FIELD_NAMES}.')
            continue
        values = tuple(dict.fromkeys(v for v in raw.lower().split(",") if v))
        if not values:
            problems.append(f"{name}: needs a value, e.g. {_example(field)}.")
            continue
        problem = _check(field, values)
        if problem is not None:
            problems.append(problem)
            continue
        tests.append(FieldTest(field, values, negated=bool(negate)))
    return ParsedFilter(" ".join(text), tuple(tests), tuple(problems))


def _example(field: str) -> str:
    return {
        "status": "status:open or status:pending,hold",
        "requester": "requester:ana",
        "assignee": "assignee:me or assignee:none",
        "org": "org:acme",
        "tag": "tag:vip",
        "prio": "prio:urgent,high",
        "sla": "sla:<1h or sla:breached",
    }[field]


def _check(field: str, values: tuple[str, ...]) -> str | None:
    """A hint when a value cannot mean anything for its field, else None."""
    if field == "prio":
        wrong = [v for v in values if v not in _PRIORITIES]
        if wrong:
            return f'prio: "{wrong[0]}" is not a priority (urgent, high, normal, low, none).'
    if field == "sla":
        wrong = [v for v in values if v not in ("breached", "none", "paused") and _within(v) is None]
        if wrong:
            return f'sla: "{wrong[0]}" is not understood; try sla:<1h, sla:>30m, sla:breached or sla:none.'
    return None


def _within(value: str) -> tuple[str, float] | None:
    """`<1h` → ("<", 3600.0); None when `value` is not a comparison with a duration."""
    match = _DURATION.fullmatch(value)
    if match is None:
        return None
    operator, amount, unit = match.groups()
    return operator, float(amount) * _UNIT_SECONDS[unit[0]]


def matcher(tests: tuple[FieldTest, ...], *, me_id: str | None, now: datetime) -> Predicate | None:
    """One predicate testing every field test (None when there are none). `me_id` resolves "me"."""
    if not tests:
        return None
    checks = [_negated(_test(t, me_id, now)) if t.negated else _test(t, me_id, now) for t in tests]
    return lambda ticket: all(check(ticket) for check in checks)


def _negated(check: Predicate) -> Predicate:
    return lambda ticket: not check(ticket)


def _test(test: FieldTest, me_id: str | None, now: datetime) -> Predicate:
    values = test.values
    if test.field == "status":
        return lambda t: any(_status_matches(t, v) for v in values)
    if test.field in ("requester", "assignee"):
        who = test.field
        return lambda t: any(_person_matches(getattr(t, who), v, me_id) for v in values)
    if test.field == "org":
        return lambda t: any(_org_matches(t, v) for v in values)
    if test.field == "tag":
        wanted = set(values)
        return lambda t: any(tag.lower() in wanted for tag in t.tags)
    if test.field == "prio":
        priorities = {_PRIORITIES[v] for v in values}
        return lambda t: t.priority in priorities
    return lambda t: any(_sla_matches(t, v, now) for v in values)


def _status_matches(ticket: Ticket, value: str) -> bool:
    """The status category ("open", "hold"/"on-hold"), or a word of the helpdesk's own status name."""
    if value in (ticket.status.value, ticket.status.label):
        return True
    return ticket.status_label is not None and value in ticket.status_label.lower()


def _org_matches(ticket: Ticket, value: str) -> bool:
    if value == "none":
        return ticket.organization is None
    return ticket.organization is not None and value in ticket.organization.name.lower()


def _person_matches(person: Person | None, value: str, me_id: str | None) -> bool:
    if value == "none":
        return person is None
    if person is None:
        return False
    if value == "me":
        return me_id is not None and person.id == me_id
    return value in person.name.lower() or (person.email is not None and value in person.email.lower())


def _sla_matches(ticket: Ticket, value: str, now: datetime) -> bool:
    sla = ticket.sla
    if value == "none":
        return sla is None or (sla.due_at is None and sla.breached_at is None)
    if sla is None:
        return False
    if value == "paused":
        return sla.paused
    if value == "breached":
        return sla.is_breached(now)
    comparison = _within(value)
    left = sla.remaining(now)
    if comparison is None or left is None:
        return False
    operator, seconds = comparison
    limit = timedelta(seconds=seconds)
    return left < limit if operator == "<" else left > limit
