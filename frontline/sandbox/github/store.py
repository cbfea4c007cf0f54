"""The fake GitHub's state and JSON shapes: repositories with issues, pull requests, comments and labels."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class GhComment:
    id: int
    body: str
    author: str
    created: datetime


@dataclass
class GhIssue:
    id: int
    number: int
    title: str
    body: str | None
    author: str
    created: datetime
    updated: datetime
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    is_pull_request: bool = False
    comments: list[GhComment] = field(default_factory=list)


def _user(base: str, login: str) -> dict[str, Any]:
    return {
        "login": login,
        "id": zlib.crc32(login.encode()) % 10_000_000 if login != "frontline-sandbox" else 1,
        "node_id": f"U_{login}",
        "avatar_url": f"https://avatars.sandbox.invalid/{login}",
        "url": f"{base}/users/{login}",
        "html_url": f"{base}/{login}",
        "type": "User",
        "site_admin": False,
    }


def _date(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@dataclass
class GhRepo:
    owner: str
    name: str
    id: int
    issues: dict[int, GhIssue] = field(default_factory=dict)
    labels: dict[str, tuple[int, str, str | None]] = field(default_factory=dict)
    """name -> (id, colour, description)."""
    push: bool = True
    """Whether the sandbox's token has push access; without it GitHub drops labels and assignees."""
    has_issues: bool = True
    """False: every issue route answers 410, as on a repository with issues turned off."""
    private: bool = True

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def label_named(self, name: str) -> str | None:
        """The label's stored name (GitHub matches label names case-insensitively), or None."""
        return next((existing for existing in self.labels if existing.lower() == name.lower()), None)

    def ensure_label(self, name: str, colour: str = "ededed", description: str | None = None) -> str:
        """Issue create and label add make unknown labels (with push access), as GitHub does."""
        existing = self.label_named(name)
        if existing is not None:
            return existing
        self.labels[name] = (9_000_000 + len(self.labels), colour, description)
        return name

    def add_issue(
        self,
        *,
        title: str,
        body: str | None,
        labels: list[str],
        assignees: list[str],
        author: str,
        now: datetime,
    ) -> GhIssue:
        number = max(self.issues, default=0) + 1
        issue = GhIssue(80_000_000 + number, number, title, body, author, now, now, labels, assignees)
        self.issues[number] = issue
        return issue

    def json(self, base: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": f"R_{self.id}",
            "name": self.name,
            "full_name": self.full_name,
            "private": self.private,
            "owner": _user(base, self.owner),
            "html_url": f"{base}/{self.full_name}",
            "url": f"{base}/repos/{self.full_name}",
            "has_issues": self.has_issues,
            "permissions": {
                "admin": False,
                "maintain": False,
                "push": self.push,
                "triage": self.push,
                "pull": True,
            },
            "open_issues_count": sum(1 for i in self.issues.values() if i.state == "open"),
        }

    def label_json(self, base: str, name: str) -> dict[str, Any]:
        label_id, colour, description = self.labels.get(name, (0, "ededed", None))
        return {
            "id": label_id,
            "node_id": f"LA_{label_id}",
            "url": f"{base}/repos/{self.full_name}/labels/{name}",
            "name": name,
            "color": colour,
            "default": name in ("bug", "enhancement"),
            "description": description,
        }

    def issue_json(self, base: str, issue: GhIssue) -> dict[str, Any]:
        api = f"{base}/repos/{self.full_name}/issues/{issue.number}"
        kind = "pull" if issue.is_pull_request else "issues"
        body: dict[str, Any] = {
            "id": issue.id,
            "node_id": f"I_{issue.id}",
            "url": api,
            "repository_url": f"{base}/repos/{self.full_name}",
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": f"{base}/{self.full_name}/{kind}/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": _user(base, issue.author),
            "labels": [self.label_json(base, name) for name in issue.labels],
            "assignee": _user(base, issue.assignees[0]) if issue.assignees else None,
            "assignees": [_user(base, a) for a in issue.assignees],
            "milestone": None,
            "locked": False,
            "comments": len(issue.comments),
            "created_at": _date(issue.created),
            "updated_at": _date(issue.updated),
            "closed_at": _date(issue.closed_at),
            "author_association": "MEMBER",
        }
        if issue.is_pull_request:
            pr = f"{base}/repos/{self.full_name}/pulls/{issue.number}"
            body["pull_request"] = {
                "url": pr,
                "html_url": f"{base}/{self.full_name}/pull/{issue.number}",
                "diff_url": f"{base}/{self.full_name}/pull/{issue.number}.diff",
                "patch_url": f"{base}/{self.full_name}/pull/{issue.number}.patch",
                "merged_at": None,
            }
        return body

    def comment_json(self, base: str, issue: GhIssue, comment: GhComment) -> dict[str, Any]:
        return {
            "id": comment.id,
            "node_id": f"IC_{comment.id}",
            "url": f"{base}/repos/{self.full_name}/issues/comments/{comment.id}",
            "html_url": f"{base}/{self.full_name}/issues/{issue.number}#issuecomment-{comment.id}",
            "issue_url": f"{base}/repos/{self.full_name}/issues/{issue.number}",
            "body": comment.body,
            "user": _user(base, comment.author),
            "created_at": _date(comment.created),
            "updated_at": _date(comment.created),
            "author_association": "MEMBER",
        }
