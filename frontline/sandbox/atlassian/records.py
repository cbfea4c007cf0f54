"""The records of a fake Atlassian site, shared by the Jira and Jira Service Management sandboxes.

Both sites are "Jira" underneath: issues with statuses from a workflow, priorities, people identified
by `accountId`, and comments. JSM adds requests, queues and SLAs on top (`sandbox/jsm`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StatusDef:
    """A workflow status and its category (`new`, `indeterminate`, `done`)."""

    id: str
    name: str
    category: str
    english: str = ""
    """The untranslated name when `name` is shown in another language (`untranslatedName`)."""

    @property
    def untranslated(self) -> str:
        return self.english or self.name


@dataclass(frozen=True)
class TransitionDef:
    """A workflow transition; `sources` empty means it is global (available from any other status)."""

    id: str
    name: str
    to: str
    sources: tuple[str, ...] = ()
    screen: tuple[str, ...] = ()
    """Fields on the transition's screen, each required (Jira Software's Done asks for `resolution`)."""


@dataclass(frozen=True)
class Workflow:
    statuses: tuple[StatusDef, ...]
    transitions: tuple[TransitionDef, ...]

    def status(self, status_id: str) -> StatusDef:
        return next(s for s in self.statuses if s.id == status_id)

    def by_name(self, name: str) -> StatusDef:
        return next(s for s in self.statuses if s.name.lower() == name.lower())

    def available(self, status_id: str) -> list[TransitionDef]:
        return [
            t for t in self.transitions if t.to != status_id and (not t.sources or status_id in t.sources)
        ]


@dataclass
class Account:
    account_id: str
    display_name: str
    email: str | None
    account_type: str = "atlassian"
    time_zone: str = "Europe/Berlin"


@dataclass(frozen=True)
class AttachmentRecord:
    id: str
    filename: str
    mime_type: str
    size: int


@dataclass
class CommentRecord:
    id: str
    author_id: str
    body: str
    """As sent: Jira wiki text through JSM, plain text of `adf` through the platform API."""
    public: bool
    created: datetime
    adf: dict[str, Any] | None = None
    attachments: tuple[AttachmentRecord, ...] = ()


@dataclass
class RemoteLinkRecord:
    id: int
    global_id: str | None
    payload: dict[str, Any]


@dataclass(slots=True)
class IssueRecord:
    """One Jira issue (a JSM request is one too). `comments` is None until first generated or used."""

    id: str
    key: str
    project_key: str
    issue_type: str
    summary: str
    status_id: str
    priority_id: str | None
    reporter_id: str
    assignee_id: str | None
    labels: list[str]
    created: datetime
    updated: datetime
    description: str = ""
    description_adf: dict[str, Any] | None = None
    comments: list[CommentRecord] | None = None
    remote_links: list[RemoteLinkRecord] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    # JSM only
    service_desk_id: str | None = None
    request_type_id: str | None = None
    organization_id: str | None = None
    participants: list[str] = field(default_factory=list)
    sla_seed: int = 0
    seq: int = 0
    # Jira Software
    components: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    """Custom field values by id (`customfield_10050`), as they were sent."""
    resolution_id: str | None = None


PRIORITIES: tuple[tuple[str, str], ...] = (
    ("1", "Highest"),
    ("2", "High"),
    ("3", "Medium"),
    ("4", "Low"),
    ("5", "Lowest"),
)
PRIORITY_BY_ID = dict(PRIORITIES)
PRIORITY_BY_NAME = {name.lower(): pid for pid, name in PRIORITIES}
RESOLUTIONS: tuple[tuple[str, str], ...] = (
    ("10000", "Done"),
    ("10001", "Won't Do"),
    ("10002", "Duplicate"),
    ("10003", "Cannot Reproduce"),
)
RESOLUTION_BY_ID = dict(RESOLUTIONS)
RESOLUTION_BY_NAME = {name.lower(): rid for rid, name in RESOLUTIONS}
CATEGORY_IDS = {
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}
