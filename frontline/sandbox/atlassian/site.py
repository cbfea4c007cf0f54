"""The state of one fake Atlassian site and how its issues look through the platform API (`/rest/api/3`).

`AtlassianSite` holds projects, people and issues; `render_issue` turns an `IssueRecord` into the
platform's `IssueBean`. The JSM site extends it with desks, queues and SLAs.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontline.sandbox.atlassian.adf import text_document
from frontline.sandbox.atlassian.records import (
    CATEGORY_IDS,
    PRIORITIES,
    RESOLUTION_BY_ID,
    RESOLUTIONS,
    Account,
    CommentRecord,
    IssueRecord,
    StatusDef,
    Workflow,
)
from frontline.sandbox.atlassian.shapes import jira_date, platform_user
from frontline.sandbox.context import SandboxContext


@dataclass(frozen=True)
class ProjectDef:
    id: str
    key: str
    name: str
    type_key: str
    """`service_desk` or `software`."""
    issue_types: tuple[tuple[str, str], ...]
    """(id, name) pairs."""
    lead_id: str
    workflow: Workflow
    components: tuple[tuple[str, str], ...] = ()
    """(id, name) pairs."""


class AtlassianSite:
    """Projects, accounts and issues of one site, shared by the platform and JSM routes."""

    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        self.accounts: dict[str, Account] = {}
        self.me: Account = Account("sandbox-agent", "Sandbox Agent", context.email)
        self.projects: dict[str, ProjectDef] = {}
        self.issues: dict[str, IssueRecord] = {}
        self.issues_by_id: dict[str, IssueRecord] = {}
        self._comment_ids = itertools.count(100_000)
        self._link_ids = itertools.count(10_000)
        self.revision = 0
        """Bumped on every write so cached listings (queues) know to recompute."""
        self.search_lag = 0.0
        """Seconds a write takes to reach the search index (Jira's is eventually consistent)."""
        self._written_at: dict[str, float] = {}

    def reseed(self) -> None:
        """Back to the seeded state in place: routes hold on to this object."""
        self.__init__(self.context)  # type: ignore[misc]

    # -- lookups ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.context.clock()

    def add_account(self, account: Account) -> Account:
        self.accounts[account.account_id] = account
        return account

    def add_issue(self, issue: IssueRecord) -> None:
        self.issues[issue.key] = issue
        self.issues_by_id[issue.id] = issue

    def find(self, key_or_id: str) -> IssueRecord | None:
        return self.issues.get(key_or_id.upper()) or self.issues_by_id.get(key_or_id)

    def project_of(self, issue: IssueRecord) -> ProjectDef:
        return self.projects[issue.project_key]

    def project(self, key_or_id: str) -> ProjectDef | None:
        for project in self.projects.values():
            if key_or_id.upper() == project.key or key_or_id == project.id:
                return project
        return None

    def workflow(self, issue: IssueRecord) -> Workflow:
        return self.project_of(issue).workflow

    def visible(self, issue: IssueRecord) -> bool:
        """Whether the signed-in account may see the issue at all (else it is "not found")."""
        return True

    def priority_scheme(self, project_key: str) -> tuple[tuple[str, str, str], ...]:
        """The priorities a project offers, most urgent first: (id the API shows, name, id underneath)."""
        return tuple((pid, name, pid) for pid, name in PRIORITIES)

    def priority_id(self, issue: IssueRecord, value: Any) -> str | None:
        """The id underneath for a `{"id"}` or `{"name"}` the issue's project offers, else None."""
        if not isinstance(value, dict):
            return None
        for shown, name, underneath in self.priority_scheme(issue.project_key):
            if value.get("id") == shown or (
                isinstance(value.get("name"), str) and value["name"].lower() == name.lower()
            ):
                return underneath
        return None

    def resolution_choices(self) -> tuple[str, ...]:
        """The resolution ids a transition screen offers, in its order."""
        return tuple(rid for rid, _ in RESOLUTIONS)

    def status_of(self, issue: IssueRecord) -> StatusDef:
        return self.workflow(issue).status(issue.status_id)

    def comments(self, issue: IssueRecord) -> list[CommentRecord]:
        """The issue's comments; subclasses generate seeded ones lazily so big sites seed fast."""
        if issue.comments is None:
            issue.comments = []
        return issue.comments

    def new_comment_id(self) -> str:
        return str(next(self._comment_ids))

    def new_link_id(self) -> int:
        return next(self._link_ids)

    def touch(self, issue: IssueRecord) -> None:
        """Record a write: `updated` moves, and the search index has not seen the issue yet."""
        issue.updated = self.now()
        self.revision += 1
        self._written_at[issue.id] = time.monotonic()

    def indexed(self, issue: IssueRecord) -> bool:
        """Whether search sees the issue: its last write is at least `search_lag` seconds old (real
        time, not the site's clock, which tests may freeze)."""
        written = self._written_at.get(issue.id)
        return written is None or time.monotonic() - written >= self.search_lag

    def inspect(self, issue: IssueRecord) -> dict[str, Any]:
        """A control-route view of an issue, for tests asserting exactly-once writes."""
        return {
            "key": issue.key,
            "summary": issue.summary,
            "status": self.status_of(issue).name,
            "resolution": RESOLUTION_BY_ID.get(issue.resolution_id or ""),
            "priority_id": issue.priority_id,
            "assignee": issue.assignee_id,
            "labels": list(issue.labels),
            "participants": list(issue.participants),
            "comments": [
                {"id": c.id, "public": c.public, "body": c.body, "author": c.author_id}
                for c in self.comments(issue)
            ],
        }

    # -- rendering -------------------------------------------------------------------------------
    def status_json(self, base: str, status: StatusDef) -> dict[str, Any]:
        category_id, category_name, colour = CATEGORY_IDS[status.category]
        return {
            "self": f"{base}/rest/api/3/status/{status.id}",
            "description": "",
            "iconUrl": f"{base}/images/icons/statuses/generic.png",
            "name": status.name,
            "id": status.id,
            "statusCategory": {
                "self": f"{base}/rest/api/3/statuscategory/{category_id}",
                "id": category_id,
                "key": status.category,
                "colorName": colour,
                "name": category_name,
            },
        }

    def user_json(self, base: str, account_id: str | None) -> dict[str, Any] | None:
        account = self.accounts.get(account_id or "")
        return platform_user(base, account) if account else None

    def comment_json(self, base: str, issue: IssueRecord, comment: CommentRecord) -> dict[str, Any]:
        author = self.user_json(base, comment.author_id)
        body: dict[str, Any] = {
            "self": f"{base}/rest/api/3/issue/{issue.id}/comment/{comment.id}",
            "id": comment.id,
            "body": comment.adf if comment.adf is not None else text_document(comment.body),
            "created": jira_date(comment.created),
            "updated": jira_date(comment.created),
            "jsdPublic": comment.public,
        }
        if author:
            body["author"] = author
            body["updateAuthor"] = author
        return body

    def extra_fields(self, base: str, issue: IssueRecord, include: Callable[[str], bool]) -> dict[str, Any]:
        """Site-specific custom fields (JSM adds request type and SLA fields)."""
        return {}

    def render_fields(
        self, base: str, issue: IssueRecord, include: Callable[[str], bool] = lambda _: True
    ) -> dict[str, Any]:
        """The issue's fields; `include` skips costly ones (comments, SLAs) nobody asked for."""
        project = self.project_of(issue)
        status = self.status_of(issue)
        type_name = dict(project.issue_types).get(issue.issue_type, "Task")
        priority = self.priority_json(base, issue)
        comments = self.comments(issue) if include("comment") else []
        components = dict(project.components)
        description = issue.description_adf
        if description is None and issue.description:
            description = text_document(issue.description)
        fields: dict[str, Any] = {
            "summary": issue.summary,
            "status": self.status_json(base, status),
            "statuscategorychangedate": jira_date(issue.updated),
            "priority": priority,
            "assignee": self.user_json(base, issue.assignee_id),
            "reporter": self.user_json(base, issue.reporter_id),
            "creator": self.user_json(base, issue.reporter_id),
            "labels": list(issue.labels),
            "created": jira_date(issue.created),
            "updated": jira_date(issue.updated),
            "description": description,
            "resolution": self._resolution_json(base, issue, status),
            "components": [
                {"self": f"{base}/rest/api/3/component/{cid}", "id": cid, "name": components[cid]}
                for cid in issue.components
                if cid in components
            ],
            "issuetype": {
                "self": f"{base}/rest/api/3/issuetype/{issue.issue_type}",
                "id": issue.issue_type,
                "name": type_name,
                "subtask": False,
                "hierarchyLevel": 0,
            },
            "project": {
                "self": f"{base}/rest/api/3/project/{project.id}",
                "id": project.id,
                "key": project.key,
                "name": project.name,
                "projectTypeKey": project.type_key,
                "simplified": False,
            },
            "issuelinks": list(issue.links),
            "comment": {
                "comments": [self.comment_json(base, issue, c) for c in comments],
                "self": f"{base}/rest/api/3/issue/{issue.id}/comment",
                "maxResults": len(comments),
                "total": len(comments),
                "startAt": 0,
            },
        }
        fields.update(issue.custom)
        fields.update(self.extra_fields(base, issue, include))
        return {name: value for name, value in fields.items() if include(name)}

    def priority_json(self, base: str, issue: IssueRecord) -> dict[str, Any] | None:
        """The issue's priority as its project's scheme shows it."""
        scheme = self.priority_scheme(issue.project_key)
        if not issue.priority_id:
            return None
        shown = next((s for s in scheme if s[2] == issue.priority_id), scheme[-1])
        return {
            "self": f"{base}/rest/api/3/priority/{shown[0]}",
            "iconUrl": f"{base}/images/icons/priorities/{shown[1].lower().replace(' ', '-')}.svg",
            "name": shown[1],
            "id": shown[0],
        }

    def _resolution_json(self, base: str, issue: IssueRecord, status: StatusDef) -> dict[str, Any] | None:
        resolution_id = issue.resolution_id or ("10000" if status.category == "done" else None)
        if resolution_id is None:
            return None
        return {
            "self": f"{base}/rest/api/3/resolution/{resolution_id}",
            "id": resolution_id,
            "name": RESOLUTION_BY_ID[resolution_id],
        }

    def render_issue(self, base: str, issue: IssueRecord, wanted: FieldSelection) -> dict[str, Any]:
        """The platform `IssueBean` with the requested fields."""
        body: dict[str, Any] = {"id": issue.id}
        if wanted.only_id:
            return body
        body = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue.id,
            "self": f"{base}/rest/api/3/issue/{issue.id}",
            "key": issue.key,
        }
        body["fields"] = self.render_fields(base, issue, wanted.includes)
        return body


@dataclass(frozen=True)
class FieldSelection:
    """The `fields` parameter: `*all`, `*navigable`, a list, and `-name` exclusions."""

    everything: bool
    names: frozenset[str]
    excluded: frozenset[str]
    only_id: bool = False

    @classmethod
    def parse(cls, raw: str | list[str] | None, default: str) -> FieldSelection:
        if raw is None or raw == "" or raw == []:
            raw = default
        items = raw if isinstance(raw, list) else raw.split(",")
        tokens = [item.strip() for item in items if item and item.strip()]
        everything = any(t in ("*all", "*navigable") for t in tokens)
        names = frozenset(t for t in tokens if not t.startswith(("*", "-")))
        excluded = frozenset(t[1:] for t in tokens if t.startswith("-"))
        only_id = not everything and names <= {"id"}
        if "*navigable" in tokens and "*all" not in tokens:
            excluded |= {"comment"}
        return cls(everything, names, excluded, only_id)

    def includes(self, name: str) -> bool:
        if name in self.excluded:
            return False
        return self.everything or name in self.names
