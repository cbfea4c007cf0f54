"""Priorities from a project's own priority scheme, not from Jira's default names.

A project's scheme (`GET /rest/api/3/priority/search?projectId=`, most urgent first) may use any names:
"P1 - Critical", "Sev 2", "Urgent". Each one is read as frontline's four levels by the words in its name
where they say it (critical, blocker -> urgent; major, high -> high; medium, standard... see `WORDS`), else
by its place in the scheme (the first quarter urgent ... the last low). Writing a level sends the id of
the scheme's first priority read as that level, or of the nearest one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from frontline.domain.models import Priority

WORDS = {
    "highest": Priority.URGENT,
    "blocker": Priority.URGENT,
    "critical": Priority.URGENT,
    "urgent": Priority.URGENT,
    "emergency": Priority.URGENT,
    "high": Priority.HIGH,
    "major": Priority.HIGH,
    "medium": Priority.NORMAL,
    "normal": Priority.NORMAL,
    "standard": Priority.NORMAL,
    "moderate": Priority.NORMAL,
    "low": Priority.LOW,
    "lowest": Priority.LOW,
    "minor": Priority.LOW,
    "trivial": Priority.LOW,
}
"""Words that say a level, in a priority's name (case and punctuation aside)."""
_LEVELS = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)
_WORD = re.compile(r"[^\W\d_]+")


def level_from_name(name: Any) -> Priority | None:
    """The level a priority's name says ("Highest", "P1 - Critical"), or None."""
    if not isinstance(name, str):
        return None
    whole = WORDS.get(name.strip().lower())
    if whole is not None:
        return whole
    levels = {WORDS[w] for w in _WORD.findall(name.lower()) if w in WORDS}
    return levels.pop() if len(levels) == 1 else None


@dataclass(frozen=True)
class SchemePriority:
    id: str
    name: str
    level: Priority


class PriorityScheme:
    """A project's priorities, most urgent first, each read as one of frontline's levels."""

    def __init__(self, priorities: Sequence[tuple[str, str]]) -> None:
        count = len(priorities)
        entries = []
        for index, (priority_id, name) in enumerate(priorities):
            by_place = _LEVELS[round(index * 3 / (count - 1))] if count > 1 else Priority.NORMAL
            entries.append(SchemePriority(priority_id, name, level_from_name(name) or by_place))
        self.entries: tuple[SchemePriority, ...] = tuple(entries)

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> PriorityScheme:
        """From `Priority` objects (`{id, name}`); others are skipped."""
        pairs = [
            (str(v["id"]), str(v.get("name") or v["id"]))
            for v in values
            if isinstance(v, dict)
            and isinstance(v.get("id"), str | int)
            and not isinstance(v.get("id"), bool)
        ]
        return cls(list(dict.fromkeys(pairs)))

    def level(self, priority: Any) -> Priority | None:
        """The level of an issue's `priority` (`{id, name}`): by the scheme, else by its name."""
        if not isinstance(priority, dict):
            return None
        found = next((e for e in self.entries if e.id == str(priority.get("id"))), None)
        return found.level if found is not None else level_from_name(priority.get("name"))

    def choose(self, wanted: Priority) -> SchemePriority | None:
        """The scheme's priority for `wanted`: the first read as it, else the nearest (the more urgent on
        a tie); None for an empty scheme."""
        if not self.entries:
            return None
        exact = next((e for e in self.entries if e.level is wanted), None)
        if exact is not None:
            return exact
        return min(self.entries, key=lambda e: (abs(e.level.rank - wanted.rank), e.level.rank))
