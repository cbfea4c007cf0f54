"""An in-memory bug tracker: bugs found by the ticket's label, as Jira's consistent lookups would find them.

Shared by the escalation service's tests and the CLI's: it honours the `Tracker` port and raises the same
errors, and can lose a create's or a comment's answer (optionally hiding the bug it made) or be unreachable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from frontline.domain.escalation import Bug, BugReport, TicketRef
from frontline.domain.ports import ConnectionState, Tracker, TrackerCapabilities
from frontline.errors import FrontlineError, NotFound, WriteOutcomeUnknown


@dataclass
class FakeTracker(Tracker):
    """Bugs in memory, found by the ticket's label as Jira's consistent lookups would."""

    kind: ClassVar[str] = "jira"
    display_name: ClassVar[str] = "Jira"
    capabilities: ClassVar[TrackerCapabilities] = TrackerCapabilities(remote_links=True)

    bugs: dict[str, tuple[Bug, BugReport]] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)
    """(issue key, Markdown body) of every comment that landed, oldest first."""
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    """The ADF document sent with a comment, by its index in `comments`."""
    lose_next_comment: bool = False
    """The next comment lands but its answer is lost (`WriteOutcomeUnknown`), as a drop-after-commit."""
    searches: list[str] = field(default_factory=list)
    lose_next_create: bool = False
    hide_lost: bool = False
    unreachable: FrontlineError | None = None
    """When set, searching and reading a bug raise it (a tracker that is down or refuses the token)."""
    creates: int = 0
    finds: list[tuple[str, tuple[str, ...], bool | None]] = field(default_factory=list)

    @property
    def connection_state(self) -> ConnectionState:
        return ConnectionState.ONLINE

    async def find_bug_for_ticket(
        self, ticket: TicketRef, *, known: Sequence[str] = (), settle: bool | None = None
    ) -> Bug | None:
        self.finds.append((ticket.label, tuple(known), settle))
        if self.hide_lost:
            return None
        return next((bug for bug, report in self.bugs.values() if ticket.label in report.labels), None)

    async def create_bug(self, report: BugReport) -> Bug:
        self.creates += 1
        key = f"ENG-{len(self.bugs) + 1}"
        bug = Bug(
            key=key,
            url=f"https://acme.atlassian.net/browse/{key}",
            title=report.title,
            status="To Do",
            labels=report.labels,
        )
        self.bugs[key] = (bug, report)
        if self.lose_next_create:
            self.lose_next_create = False
            raise WriteOutcomeUnknown("The connection to Jira failed after the change was sent.")
        return bug

    async def link_ticket(self, bug: Bug, ticket: TicketRef) -> None:
        if (bug.key, ticket.global_id) not in self.links:
            self.links.append((bug.key, ticket.global_id))

    async def get_bug(self, key: str) -> Bug:
        if self.unreachable is not None:
            raise self.unreachable
        if key not in self.bugs:
            raise NotFound(f"No issue {key}.")
        return self.bugs[key][0]

    async def similar_bugs(self, text: str, limit: int = 10) -> list[Bug]:
        if self.unreachable is not None:
            raise self.unreachable
        self.searches.append(text)
        words = text.casefold().split()
        found = [bug for bug, _ in self.bugs.values() if any(w in bug.title.casefold() for w in words)]
        return found[:limit]

    async def add_comment(self, key: str, body: str, *, document: dict[str, Any] | None = None) -> str | None:
        self.comments.append((key, body))
        if document is not None:
            self.documents[len(self.comments) - 1] = document
        if self.lose_next_comment:
            self.lose_next_comment = False
            raise WriteOutcomeUnknown("The connection to Jira failed after the comment was sent.")
        return self._comment_url(key, len(self.comments) - 1)

    async def find_comment(self, key: str, needle: str) -> str | None:
        if self.unreachable is not None:
            raise self.unreachable
        for index in reversed(range(len(self.comments))):
            on, body = self.comments[index]
            text = _text_of(self.documents[index]) if index in self.documents else body
            if on == key and needle in text:
                return self._comment_url(key, index)
        return None

    def _comment_url(self, key: str, index: int) -> str:
        return f"https://acme.atlassian.net/browse/{key}?focusedCommentId={10000 + index}"

    def set_status(self, key: str, status: str) -> None:
        """The developers moved the bug along (what a status refresh should pick up)."""
        bug, report = self.bugs[key]
        self.bugs[key] = (bug.model_copy(update={"status": status}), report)


def _text_of(node: Any) -> str:
    """The text nodes of an ADF document, joined (what Jira would search)."""
    if isinstance(node, dict):
        own = node.get("text") if node.get("type") == "text" else None
        return (own if isinstance(own, str) else "") + "".join(_text_of(n) for n in node.get("content", []))
    return ""
