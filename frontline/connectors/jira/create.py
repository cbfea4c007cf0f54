"""What creating an issue needs: the create screen from createmeta, and the fields frontline sends.

Jira projects differ in what a new issue must carry. `createmeta/{project}/issuetypes` lists the issue
types and `createmeta/{project}/issuetypes/{id}` the fields of one (both paged; the old all-in-one
`createmeta` was removed by CHANGE-1304). Both are read once per connection. A required field without
a default that frontline has no value for is reported before anything is sent, by name, so the
escalation form can say what the project wants instead of failing on Jira's 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from frontline.connectors.atlassian.adf import markdown_to_adf
from frontline.connectors.decode import PageTrail
from frontline.connectors.http import ApiClient
from frontline.domain.escalation import BugReport
from frontline.domain.text import one_line
from frontline.errors import ConfigError, MalformedResponse, NotFound, ValidationFailed

CREATEMETA = "/rest/api/3/issue/createmeta"
PAGE_SIZE = 50
MAX_SUMMARY = 255
ALWAYS_GIVEN = frozenset({"summary", "description", "project", "issuetype", "labels", "reporter"})
"""Fields frontline always fills (the reporter is the signed-in account by default)."""
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CreateField:
    """One field on the create screen."""

    id: str
    name: str
    required: bool
    has_default: bool
    allowed_names: tuple[str, ...] = ()
    """The names of the values the screen allows (priorities, say); empty when it lists none."""


@dataclass(frozen=True)
class CreateScreen:
    """The create screen of the configured issue type in the project."""

    issue_type_id: str
    issue_type_name: str
    fields: dict[str, CreateField]

    def missing(self, report: BugReport, components: Iterable[str]) -> list[CreateField]:
        """Required fields without a default that this report gives no value for."""
        given = set(ALWAYS_GIVEN)
        priority = self.fields.get("priority")
        if report.priority and (
            priority is None
            or not priority.allowed_names
            or report.priority.casefold() in {n.casefold() for n in priority.allowed_names}
        ):
            given.add("priority")
        if any(components):
            given.add("components")
        return [
            field
            for field in self.fields.values()
            if field.required and not field.has_default and field.id not in given
        ]


class CreateMeta:
    """Reads and caches the create screen for one project and issue type (its name or id)."""

    def __init__(self, client: ApiClient, project: str, issue_type: str) -> None:
        self.client = client
        self.project = project
        self.issue_type = issue_type.strip()
        self._screen: CreateScreen | None = None

    async def screen(self) -> CreateScreen:
        """The create screen, read on first use.

        Raises:
            ConfigError: the project is not visible, or has no such issue type.
        """
        if self._screen is None:
            types = await self._pages(f"{CREATEMETA}/{self.project}/issuetypes", "issueTypes")
            chosen = _choose_type(types, self.issue_type)
            if chosen is None:
                names = ", ".join(str(t.get("name")) for t in types if isinstance(t.get("name"), str))
                raise ConfigError(
                    f"Jira project {self.project} has no issue type {self.issue_type!r}"
                    + (f" (it has: {names})." if names else ".")
                    + " Set `issue_type` in the escalation target."
                )
            type_id, type_name = chosen
            raw = await self._pages(f"{CREATEMETA}/{self.project}/issuetypes/{type_id}", "fields")
            fields = [f for f in (_field(item) for item in raw) if f is not None]
            self._screen = CreateScreen(type_id, type_name, {f.id: f for f in fields})
        return self._screen

    async def _pages(self, path: str, key: str) -> list[dict[str, Any]]:
        """Every item of a `startAt`/`maxResults`/`total` list."""
        items: list[dict[str, Any]] = []
        trail = PageTrail(self.client.service, path)
        start = 0
        while True:
            try:
                page = await self.client.get_json(path, {"startAt": start, "maxResults": PAGE_SIZE})
            except NotFound:
                raise ConfigError(
                    f"Jira has no project {self.project} visible to this account (or no such issue type). "
                    "Check `project` and `issue_type` in the escalation target."
                ) from None
            if not isinstance(page, dict):
                raise MalformedResponse(f"Jira sent create metadata that is not an object for {path}.")
            raw: list[Any] = next(
                (page[k] for k in (key, "values", "results") if isinstance(page.get(k), list)), []
            )
            batch = [item for item in raw if isinstance(item, dict)]
            items += batch
            total = page.get("total")
            if not batch or not isinstance(total, int) or start + len(batch) >= total:
                return items
            start += len(batch)
            trail.follow(str(start))


def _choose_type(types: list[dict[str, Any]], wanted: str) -> tuple[str, str] | None:
    """(id, name) of the issue type named `wanted` (or with that id), case-insensitively."""
    for issue_type in types:
        type_id, name = issue_type.get("id"), issue_type.get("name")
        if isinstance(type_id, str) and isinstance(name, str) and wanted.lower() in (type_id, name.lower()):
            return type_id, name
    return None


def _field(item: dict[str, Any]) -> CreateField | None:
    field_id = item.get("fieldId") or item.get("key")
    if not isinstance(field_id, str) or not field_id:
        return None
    name = item.get("name")
    allowed = item.get("allowedValues")
    allowed_names = tuple(
        value["name"]
        for value in (allowed if isinstance(allowed, list) else [])
        if isinstance(value, dict) and isinstance(value.get("name"), str)
    )
    return CreateField(
        id=field_id,
        name=one_line(name) if isinstance(name, str) and name.strip() else field_id,
        required=item.get("required") is True,
        has_default=item.get("hasDefaultValue") is True,
        allowed_names=allowed_names,
    )


def require_fields(screen: CreateScreen, report: BugReport, components: list[str], project: str) -> None:
    """Raise `ValidationFailed` naming the required fields frontline cannot fill.

    Raises:
        ValidationFailed: `details` maps each field's id to "<name> is required.".
    """
    missing = screen.missing(report, components)
    if not missing:
        return
    names = ", ".join(field.name for field in missing)
    raise ValidationFailed(
        f"Jira project {project} requires {names} on a new {screen.issue_type_name}, and frontline has no "
        "value for it. Fill it in Jira, or ask a Jira admin to give it a default or make it optional.",
        details={field.id: [f"{field.name} is required."] for field in missing},
    )


def clean_labels(labels: Iterable[str]) -> list[str]:
    """Labels as Jira takes them: no spaces (runs become `-`), none empty, no repeats, in order."""
    cleaned = (_SPACES.sub("-", one_line(label).strip())[:255] for label in labels)
    return list(dict.fromkeys(label for label in cleaned if label))


def issue_fields(
    screen: CreateScreen, project: str, report: BugReport, labels: list[str], components: list[str]
) -> dict[str, Any]:
    """The `fields` of `POST /rest/api/3/issue`: only fields on the create screen, rich text as ADF."""
    summary = one_line(report.title)[:MAX_SUMMARY] or "Escalated ticket"
    fields: dict[str, Any] = {
        "project": {"key": project},
        "issuetype": {"id": screen.issue_type_id},
        "summary": summary,
    }
    on_screen = screen.fields
    if "description" in on_screen or not on_screen:
        fields["description"] = markdown_to_adf(report.body)
    if labels and ("labels" in on_screen or not on_screen):
        fields["labels"] = labels
    if components and "components" in on_screen:
        fields["components"] = [{"name": name} for name in components]
    priority = on_screen.get("priority")
    if report.priority and priority is not None:
        # Priority schemes differ per site: send the name only where the screen allows it.
        allowed = {name.casefold(): name for name in priority.allowed_names}
        if not allowed or report.priority.casefold() in allowed:
            fields["priority"] = {"name": allowed.get(report.priority.casefold(), report.priority)}
    return fields
