"""Escalation checks over real HTTP: sessions on the sandbox's helpdesks that escalate to its Jira and
GitHub, faults armed on one request, and counts read from the sandbox itself (its request logs and its
stores, in process), never from frontline.

A bug "belongs" to a ticket when the tracker's store ties it to the ticket by a handle frontline does not
control the reading of: its label, its Jira remote link `globalId`, or the GitHub body marker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from frontline.bootstrap import Session, build_session
from frontline.config import ProfileSettings
from frontline.domain.clock import Clock, utc_now
from frontline.domain.escalation import TicketRef
from frontline.sandbox.faults import parse_rules
from frontline.sandbox.github.system import GithubSystem
from frontline.sandbox.jira.system import JiraSystem
from frontline.sandbox.jsm.system import JsmSystem
from frontline.sandbox.recording import RecordedRequest
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk.system import ZendeskSystem
from frontline.services.escalation import Escalations

T = TypeVar("T")
JIRA_API = "/rest/api/3"


@dataclass(frozen=True)
class TrackerTarget:
    """One escalation entry of the profile under test."""

    name: str
    kind: str
    project: str
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()

    @property
    def create_write(self) -> tuple[str, str]:
        """(method, path) of the request that files a bug."""
        if self.kind == "jira":
            return "POST", f"{JIRA_API}/issue"
        return "POST", f"/repos/{self.project}/issues"

    def entry(self, url: str, email: str) -> dict[str, Any]:
        """The profile's `[[escalation]]` entry for this target on the sandbox at `url`."""
        values: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "base_url": url,
            "project": self.project,
            "labels": list(self.labels),
        }
        if self.kind == "jira":
            values |= {"email": email, "components": list(self.components)}
        return values


ENG = TrackerTarget("eng", "jira", "ENG", labels=("from-support",), components=("Backend",))
APP = TrackerTarget("app", "github", "acme/app", labels=("from-support",))
COMMUNITY = TrackerTarget("community", "github", "acme/community", labels=("from-support",))
"""`acme/community`: the sandbox token has no push access there (GitHub drops labels)."""


def note_write(helpdesk: str, ticket_id: str) -> tuple[str, str]:
    """(method, path) of the request that posts the internal note on the ticket."""
    if helpdesk == "zendesk":
        return "PUT", f"/api/v2/tickets/{ticket_id}"
    return "POST", f"/rest/servicedeskapi/request/{ticket_id}/comment"


def escalations_of(session: Session) -> Escalations:
    """The session's escalation service (every session built here has one)."""
    assert session.escalations is not None
    return session.escalations


async def ticket_ref(session: Session, ticket_id: str) -> TicketRef:
    """The ticket's identity in the trackers, as the session's escalations derive it."""
    thread = await session.desk.open_ticket(ticket_id)
    return escalations_of(session).ticket_ref(thread.ticket)


def landed(record: RecordedRequest) -> bool:
    """Whether the sandbox applied this request: a 2xx answer or a `drop_after_commit`."""
    if record.fault == "drop_after_commit":
        return True
    return record.status is not None and 200 <= record.status < 300


def cites(text: str, key: str) -> bool:
    """Whether `text` names the bug `key` (`acme/app#4` is not cited by `acme/app#46`)."""
    return re.search(re.escape(key) + r"(?![0-9])", text) is not None


def _stable(read: Callable[[], T]) -> T:
    """A read of the sandbox's state, again if the server thread changed a dict while it was walked."""
    for _ in range(5):
        try:
            return read()
        except RuntimeError:
            continue
    return read()


class OneAtlassianSite(httpx.AsyncBaseTransport):
    """The sandbox's JSM and Jira as one Atlassian site: both connectors use `site`'s address, and the
    Jira Software requests (create, createmeta, search, issue links, the project's issues) go to the
    sandbox's Jira, everything else (the service desk, the requests) to its JSM."""

    def __init__(self, jira_url: str, jira_project: str) -> None:
        self.jira = httpx.URL(jira_url)
        self.jira_issue = f"{JIRA_API}/issue/{jira_project.upper()}-"
        self.inner = httpx.AsyncHTTPTransport()

    def _is_jira(self, request: httpx.Request) -> bool:
        path = request.url.path
        return (
            path == f"{JIRA_API}/issue"
            or path.startswith((f"{JIRA_API}/issue/createmeta", f"{JIRA_API}/search", self.jira_issue))
            or path == f"{JIRA_API}/issueLink"
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._is_jira(request):
            request.url = request.url.copy_with(host=self.jira.host, port=self.jira.port)
            request.headers["Host"] = f"{self.jira.host}:{self.jira.port}"
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class EscalationProbe:
    """The sandbox's side of escalations: sessions on it, its faults, its request logs and stores."""

    sandbox: SandboxServer
    sessions: list[Session] = field(default_factory=list)

    # -- sessions ------------------------------------------------------------------------------------
    def profile(
        self, helpdesk: str, targets: Sequence[TrackerTarget], *, site: str | None = None
    ) -> dict[str, Any]:
        """The profile's helpdesk and escalation sections (validated like a config file's); `site`
        puts the Jira targets on that address (see `OneAtlassianSite`)."""
        email = self.sandbox.email
        entries = [
            target.entry(site if site and target.kind == "jira" else self.sandbox.urls[target.kind], email)
            for target in targets
        ]
        return {
            "helpdesk": {"kind": helpdesk, "base_url": self.sandbox.urls[helpdesk], "email": email},
            "escalation": entries,
        }

    def session(
        self,
        helpdesk: str = "zendesk",
        targets: Sequence[TrackerTarget] = (ENG, APP),
        *,
        clock: Clock = utc_now,
        same_site: bool = False,
        data_dir: Path | None = None,
    ) -> Session:
        """A real session (connectors over HTTP, SQLite under the test's data dir, or `data_dir`) with
        the demo's profile name; closed by `aclose`. `same_site` serves JSM and Jira as one site."""
        transport = None
        site = None
        if same_site:
            site = self.sandbox.urls[helpdesk]
            transport = OneAtlassianSite(self.sandbox.urls["jira"], ENG.project)
        profile = ProfileSettings.model_validate(self.profile(helpdesk, targets, site=site))
        session = build_session(
            f"demo-{helpdesk}",
            profile.helpdesk,
            self.sandbox.token,
            escalation=profile.escalation,
            tracker_token=lambda entry: self.sandbox.token,
            transport=transport,
            data_dir=data_dir,
            clock=clock,
        )
        self.sessions.append(session)
        return session

    async def aclose(self) -> None:
        """Close every session this probe opened."""
        while self.sessions:
            await self.sessions.pop().aclose()

    # -- faults and the request log ------------------------------------------------------------------
    def arm(self, system: str, fault: str, write: tuple[str, str], *, count: int = 1) -> None:
        """`fault` (with its options, `latency:ms=900`) on the next `count` requests `write` names."""
        method, path = write
        self.sandbox.runtime(system).plan.replace(
            parse_rules(f"{fault}:count={count}:method={method}:path={path}")
        )

    def requests(self, system: str, write: tuple[str, str]) -> list[RecordedRequest]:
        method, path = write
        return _stable(lambda: self.sandbox.runtime(system).log.select(method, path))

    def creates(self, target: TrackerTarget) -> list[RecordedRequest]:
        """Every request that tried to file a bug in `target`, whatever became of it."""
        return self.requests(target.kind, target.create_write)

    def landed_creates(self, target: TrackerTarget) -> int:
        return sum(1 for record in self.creates(target) if landed(record))

    def note_writes(self, helpdesk: str, ticket_id: str, key: str) -> list[RecordedRequest]:
        """Every request that tried to post a note citing `key` on the ticket."""
        return [
            r for r in self.requests(helpdesk, note_write(helpdesk, ticket_id)) if cites(str(r.body), key)
        ]

    def search_lag(self, system: str, seconds: float) -> None:
        """How long the tracker's search index lags writes, until the next reset."""
        url = f"{self.sandbox.urls[system]}/__sandbox__/{system}/search-lag"
        httpx.put(url, json={"seconds": seconds}, timeout=10).raise_for_status()

    # -- the trackers' stores ------------------------------------------------------------------------
    def jira(self) -> JiraSystem:
        system = self.sandbox.system("jira")
        assert isinstance(system, JiraSystem)
        return system

    def github(self) -> GithubSystem:
        system = self.sandbox.system("github")
        assert isinstance(system, GithubSystem)
        return system

    def bugs_for(self, target: TrackerTarget, ref: TicketRef) -> list[str]:
        """Keys of the bugs the tracker holds for the ticket (its label, remote link or marker)."""
        if target.kind == "jira":
            issues = _stable(lambda: list(self.jira().site.issues.values()))
            return [
                issue.key
                for issue in issues
                if issue.project_key == target.project
                and (
                    ref.label in issue.labels
                    or any(link.global_id == ref.global_id for link in issue.remote_links)
                )
            ]
        repo = self.github().repos[target.project.lower()]
        gh_issues = _stable(lambda: list(repo.issues.values()))
        return [
            f"{repo.full_name}#{issue.number}"
            for issue in gh_issues
            if not issue.is_pull_request and (ref.label in issue.labels or ref.marker in (issue.body or ""))
        ]

    def jira_issue(self, key: str) -> dict[str, Any]:
        """The issue as any Jira client reads it (fields rendered by the sandbox)."""
        auth = httpx.BasicAuth(self.sandbox.email, self.sandbox.token)
        answer = httpx.get(f"{self.sandbox.urls['jira']}{JIRA_API}/issue/{key}", auth=auth, timeout=10)
        answer.raise_for_status()
        issue: dict[str, Any] = answer.json()
        return issue

    def github_issue(self, key: str) -> dict[str, Any]:
        repository, number = key.split("#")
        headers = {"Authorization": f"Bearer {self.sandbox.token}"}
        url = f"{self.sandbox.urls['github']}/repos/{repository}/issues/{number}"
        answer = httpx.get(url, headers=headers, timeout=10)
        answer.raise_for_status()
        issue: dict[str, Any] = answer.json()
        return issue

    def github_comments(self, key: str) -> list[str]:
        repository, number = key.split("#")
        issue = self.github().repos[repository.lower()].issues[int(number)]
        return [comment.body for comment in _stable(lambda: list(issue.comments))]

    def resolve(self, target: TrackerTarget, key: str) -> None:
        """A developer closes the bug: Jira's Done (its screen asks for a resolution), GitHub's close."""
        token = self.sandbox.token
        if target.kind == "jira":
            auth = httpx.BasicAuth(self.sandbox.email, token)
            body = {"transition": {"id": "41"}, "fields": {"resolution": {"name": "Done"}}}
            url = f"{self.sandbox.urls['jira']}{JIRA_API}/issue/{key}/transitions"
            httpx.post(url, json=body, auth=auth, timeout=10).raise_for_status()
            return
        repository, number = key.split("#")
        url = f"{self.sandbox.urls['github']}/repos/{repository}/issues/{number}"
        headers = {"Authorization": f"Bearer {token}"}
        body = {"state": "closed", "state_reason": "completed"}
        httpx.patch(url, json=body, headers=headers, timeout=10).raise_for_status()

    # -- the helpdesks' tickets ----------------------------------------------------------------------
    def comments(self, helpdesk: str, ticket_id: str) -> list[tuple[bool, str]]:
        """(public, body) of each comment as the helpdesk holds the ticket."""
        system = self.sandbox.system(helpdesk)
        if isinstance(system, ZendeskSystem):
            ticket = system.store.ticket(int(ticket_id))
            raw = _stable(lambda: list(system.store.comments(ticket)))
            return [(bool(c["public"]), str(c["body"])) for c in raw]
        assert isinstance(system, JsmSystem)
        issue = system.site.find(ticket_id)
        assert issue is not None
        records = _stable(lambda: list(system.site.comments(issue)))
        return [(c.public, c.body) for c in records]

    def notes_citing(self, helpdesk: str, ticket_id: str, key: str) -> int:
        """Internal notes on the ticket that name the bug."""
        return sum(
            1 for public, body in self.comments(helpdesk, ticket_id) if not public and cites(body, key)
        )

    def public_comments_citing(self, helpdesk: str, ticket_id: str, key: str) -> int:
        return sum(1 for public, body in self.comments(helpdesk, ticket_id) if public and cites(body, key))

    def tags(self, helpdesk: str, ticket_id: str) -> list[str]:
        """The ticket's tags (Zendesk) or labels (JSM), as the helpdesk holds them."""
        system = self.sandbox.system(helpdesk)
        if isinstance(system, ZendeskSystem):
            return list(system.store.ticket(int(ticket_id))["tags"])
        assert isinstance(system, JsmSystem)
        issue = system.site.find(ticket_id)
        assert issue is not None
        return list(issue.labels)
