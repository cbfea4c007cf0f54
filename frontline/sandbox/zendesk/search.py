"""A useful subset of the Zendesk search language, compiled into predicates.

Supported: `type:ticket|user|organization`, `status:`/`status<`/`status>` (and `<=`, `>=`),
`priority:` (with comparisons), `assignee:me|none|<id>|<email>|<name>`, `requester:` likewise (a name
matches its whole words, `ana` finds "Ana Lima"; a trailing `*` matches a prefix, `an*`),
`tags:`/`tag:`, `group:`, `organization:`, `created`/`updated` with `:`, `<`, `>` and a date
(`2026-05-01`), an ISO time or a relative age (`4hours`, `2days`, `30minutes`), negation with a
leading `-`, quoted phrases and free text (matched in subject and description, case-insensitively).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontline.sandbox.zendesk.seed import ZendeskData

_TOKEN = re.compile(r'(-?)(?:(\w+)(<=|>=|:|<|>))?("[^"]*"|\S+)')
_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
_PRIORITIES = ("low", "normal", "high", "urgent")
_AGE = re.compile(r"^(\d+)(minute|hour|day|week|month|year)s?$")
_AGE_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2592000, "year": 31536000}

Predicate = Callable[[dict[str, Any]], bool]


@dataclass
class CompiledQuery:
    result_type: str = "ticket"
    ticket_tests: list[Predicate] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def matches(self, ticket: dict[str, Any]) -> bool:
        if not all(test(ticket) for test in self.ticket_tests):
            return False
        if not self.text:
            return True
        haystack = f"{ticket['subject']}\n{ticket['description'][:2000]}".lower()
        return all(word in haystack for word in self.text)

    def matches_user(self, user: dict[str, Any]) -> bool:
        haystack = f"{user['name']} {user['email']}".lower()
        return all(word in haystack for word in self.text)

    def matches_org(self, organization: dict[str, Any]) -> bool:
        return all(word in organization["name"].lower() for word in self.text)


def compile_query(query: str, me_id: int, data: ZendeskData) -> CompiledQuery:
    compiled = CompiledQuery()
    for negate, key, operator, raw_value in _TOKEN.findall(query or ""):
        value = raw_value.strip('"')
        key = key.lower()
        if not key:
            if value:
                compiled.text.append(value.lower())
            continue
        if key == "type":
            compiled.result_type = value.lower()
            continue
        test = _ticket_test(key, operator, value, me_id, data)
        if test is None:
            compiled.text.append(value.lower())
            continue
        compiled.ticket_tests.append(_negated(test) if negate else test)
    return compiled


def _negated(test: Predicate) -> Predicate:
    return lambda ticket: not test(ticket)


def _ticket_test(key: str, operator: str, value: str, me_id: int, data: ZendeskData) -> Predicate | None:
    lowered = value.lower()
    if key == "status":
        return _ranked("status", _STATUSES, operator, lowered)
    if key == "priority":
        return _ranked("priority", _PRIORITIES, operator, lowered)
    if key in ("assignee", "requester", "submitter"):
        targets = _people(lowered, me_id, data)
        column = f"{key}_id"
        return lambda t: t[column] in targets
    if key in ("tags", "tag"):
        return lambda t: lowered in t["tags"]
    if key == "group":
        group_ids = {g["id"] for g in data.groups.values() if lowered in (str(g["id"]), g["name"].lower())}
        return lambda t: t["group_id"] in group_ids if lowered != "none" else t["group_id"] is None
    if key == "organization":
        org_ids = {
            o["id"] for o in data.organizations.values() if lowered in (str(o["id"]), o["name"].lower())
        }
        return lambda t: t["organization_id"] in org_ids
    if key in ("created", "updated"):
        moment = _moment(lowered, data.now)
        if moment is None:
            return None
        column = key
        if operator == "<":
            return lambda t: t[column] < moment
        if operator == ">":
            return lambda t: t[column] > moment
        return lambda t: moment <= t[column] < moment + 86400
    if key == "subject":
        return lambda t: lowered in t["subject"].lower()
    return None


def _ranked(column: str, order: tuple[str, ...], operator: str, value: str) -> Predicate:
    if value not in order:
        return lambda t: False
    rank = order.index(value)
    ranks = {name: index for index, name in enumerate(order)}

    def test(ticket: dict[str, Any]) -> bool:
        current = ranks.get(ticket[column])
        if current is None:
            return False
        return {
            ":": current == rank,
            "<": current < rank,
            ">": current > rank,
            "<=": current <= rank,
            ">=": current >= rank,
        }[operator]

    return test


def _people(value: str, me_id: int, data: ZendeskData) -> set[int | None]:
    """The user ids a person value names: `me`, `none`, an id, an email, a name or a word of one."""
    if value == "me":
        return {me_id}
    if value == "none":
        return {None}
    if value.isdigit():
        return {int(value)}
    prefix = value.endswith("*")
    value = value.rstrip("*")
    found: set[int | None] = set()
    for user in data.users.values():
        email, name = user["email"].lower(), user["name"].lower()
        words = [name, email, *name.split()]
        if any(word.startswith(value) if prefix else word == value for word in words if value):
            found.add(user["id"])
    return found


def _moment(value: str, now: float) -> float | None:
    age = _AGE.match(value)
    if age:
        return now - int(age.group(1)) * _AGE_SECONDS[age.group(2)]
    try:
        parsed = datetime.fromisoformat(value.upper() if "t" in value else value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
