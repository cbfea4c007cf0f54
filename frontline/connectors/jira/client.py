"""Jira Software as an escalation tracker, over the platform REST API v3 (the recipe in
`shared/research/real-accounts.md` §4).

Finding the bug already filed for a ticket never trusts the search index alone: a known issue key is
confirmed by reading the issue (its label) and its remote link by `globalId`, both strongly consistent;
the search by label or remote link (`search/jql`) passes the ids this connection created as
`reconcileIssues`; and after a create whose outcome is unknown (the connection dropped), a search that
finds nothing is repeated until the index has had time to catch up (`settle_seconds`) before "none" is
answered, so the caller does not file the bug twice.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from frontline.connectors.atlassian.adf import adf_to_text, markdown_to_adf
from frontline.connectors.atlassian.client import JIRA_SCOPES, AtlassianClient, connect
from frontline.connectors.http import ApiClient, OverApiClient
from frontline.connectors.jira import CONNECTOR, JiraSettings
from frontline.connectors.jira.create import CreateMeta, clean_labels, issue_fields, require_fields
from frontline.connectors.jira.jql import find_jql, overlap, search_terms, similar_jql
from frontline.connectors.jira.links import already_related, remote_link, same_site
from frontline.connectors.jira.mapping import (
    ISSUE_KEY,
    browse_url,
    checked_key,
    map_bug,
    search_issues,
    unique_names,
)
from frontline.domain.escalation import Bug, BugReport, TicketRef
from frontline.domain.ports import Tracker, TrackerCapabilities
from frontline.errors import (
    ConfigError,
    FrontlineError,
    MalformedResponse,
    NotFound,
    ValidationFailed,
    WriteOutcomeUnknown,
)

ISSUE = "/rest/api/3/issue"
SEARCH = "/rest/api/3/search/jql"
SETTLE_SECONDS = 10.0
"""How long a search keeps being repeated after a create of unknown outcome: longer than Jira's index
usually lags, short enough to wait for once."""
MAX_RECONCILE = 50
COMMENT_PAGE_SIZE = 100
MAX_COMMENT_PAGES = 20
"""How many pages of comments, newest first, `find_comment` reads (the newest 2,000 comments)."""
_FIND_FIELDS = ["key", "status", "summary", "labels"]

Sleep = Callable[[float], Awaitable[None]]


class JiraTracker(OverApiClient, Tracker):
    """One Jira Software project that bugs are escalated to.

    Args:
        client: the shared HTTP client, signed in to the site (or, for a scoped token, the gateway).
        settings: the escalation target (site, project, issue type, default labels and components).
        helpdesk_site: the helpdesk's base URL; when it is this Jira site (JSM), linked tickets also
            get an issue link.
        settle_seconds: see the module docstring.
        sleep: waits between repeated searches (tests pass one that does not wait).
    """

    kind: ClassVar[str] = CONNECTOR.kind
    display_name: ClassVar[str] = CONNECTOR.display_name
    capabilities: ClassVar[TrackerCapabilities] = TrackerCapabilities(
        labels=True, components=True, priority=True, remote_links=True, comments=True, similar=True
    )

    def __init__(
        self,
        client: ApiClient,
        settings: JiraSettings,
        *,
        helpdesk_site: str | None = None,
        settle_seconds: float = SETTLE_SECONDS,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.client = client
        self.settings = settings
        self.site_url = client.site if isinstance(client, AtlassianClient) else client.base_url
        """The site, for links: with a scoped token the API is at the gateway instead."""
        self.project = settings.project.strip().upper()
        self.name = settings.name or settings.kind
        self.helpdesk_site = helpdesk_site
        self.settle_seconds = settle_seconds
        self._sleep = sleep
        self._meta = CreateMeta(client, self.project, settings.issue_type)
        self._created: dict[str, tuple[str, str]] = {}
        """globalId -> (issue id, key) of the bug this connection created or found for the ticket."""
        self._uncertain: dict[str, float] = {}
        """globalId -> when a create for that ticket ended without an answer (monotonic seconds)."""
        self._by_remote_link = True
        """Whether this site's JQL has `issuesWithRemoteLinksByGlobalId`."""

    def use_token(self, token: str) -> None:
        """The next request signs in with this API token (same email), on the same connection.

        Raises:
            ConfigError: the token is empty.
        """
        self.client.use_token(token)

    # -- finding -------------------------------------------------------------------------------------
    async def find_bug_for_ticket(
        self, ticket: TicketRef, *, known: Sequence[str] = (), settle: bool | None = None
    ) -> Bug | None:
        """The issue filed for `ticket`, oldest first if there are several (see the module docstring).

        Args:
            known: issue keys (confirmed one by one) or ids (passed as `reconcileIssues`) the caller
                already associates with the ticket: its local record, keys cited in its notes or tags.
            settle: wait for the search index before answering None: True always, False never, None
                (the default) when this connection lost the answer to a create for the ticket lately.

        Raises:
            Unavailable: Jira could not be asked; do not create blindly.
        """
        created = self._created.get(ticket.global_id)
        candidates = [*known, *(created or ())]
        for key in dict.fromkeys(c.upper() for c in candidates if ISSUE_KEY.fullmatch(c)):
            bug = await self._confirm(key, ticket)
            if bug is not None:
                return bug
        ids = list(dict.fromkeys(int(c) for c in candidates if c.isascii() and c.isdigit() and len(c) < 19))
        found = await self._search_for(ticket, ids[:MAX_RECONCILE])
        budget = self._settle_budget(ticket, settle)
        waited, delay = 0.0, 0.5
        while found is None and waited < budget:
            pause = min(delay, budget - waited)
            await self._sleep(pause)
            waited, delay = waited + pause, min(delay * 2, 2.0)
            found = await self._search_for(ticket, ids[:MAX_RECONCILE])
        self._uncertain.pop(ticket.global_id, None)
        return found

    def _settle_budget(self, ticket: TicketRef, settle: bool | None) -> float:
        since = self._uncertain.get(ticket.global_id)
        if settle is False or (settle is None and since is None):
            return 0.0
        elapsed = 0.0 if since is None else time.monotonic() - since
        return max(self.settle_seconds - elapsed, 0.0)

    async def _confirm(self, key: str, ticket: TicketRef) -> Bug | None:
        """`key` if it is this project's issue for `ticket`: it carries the ticket's label, or a remote
        link with the ticket's globalId (both read from the issue itself, never from the index)."""
        if key.rsplit("-", 1)[0] != self.project:
            return None
        try:
            bug = await self.get_bug(key)
        except NotFound:
            return None
        if ticket.label in bug.labels:
            return bug
        try:
            await self.client.get_json(f"{ISSUE}/{key}/remotelink", {"globalId": ticket.global_id})
        except NotFound:
            return None
        return bug

    async def _search_for(self, ticket: TicketRef, ids: list[int]) -> Bug | None:
        """The oldest issue of the project with the ticket's label or remote link, per `search/jql`.

        A site whose JQL refuses `issuesWithRemoteLinksByGlobalId` (it is not on every Jira Cloud) is
        asked by label alone from then on.
        """
        body: dict[str, Any] = {"fields": _FIND_FIELDS, "maxResults": 5}
        if ids:
            body["reconcileIssues"] = ids
        jql = find_jql(self.project, ticket.label, ticket.global_id, by_remote_link=self._by_remote_link)
        try:
            answer = await self.client.send_json("POST", SEARCH, {**body, "jql": jql})
        except ValidationFailed:
            if not self._by_remote_link:
                raise
            label_only = find_jql(self.project, ticket.label, ticket.global_id, by_remote_link=False)
            answer = await self.client.send_json("POST", SEARCH, {**body, "jql": label_only})
            self._by_remote_link = False
        for issue in search_issues(answer):
            bug = self._bug(issue)
            if bug is not None:
                if isinstance(issue.get("id"), str):
                    self._created.setdefault(ticket.global_id, (issue["id"], bug.key))
                return bug
        return None

    # -- filing --------------------------------------------------------------------------------------
    async def create_bug(self, report: BugReport) -> Bug:
        """Create the issue (after checking the project's required fields) and read it back.

        Raises:
            ConfigError: the project or the issue type does not exist for this account.
            ValidationFailed: the project requires a field frontline cannot fill (named in the message,
                `details` keyed by field id), or Jira refused a value.
            WriteOutcomeUnknown: the answer was lost; call `find_bug_for_ticket` before creating again.
        """
        screen = await self._meta.screen()
        components = unique_names([*self.settings.components, *report.components])
        require_fields(screen, report, components, self.project)
        labels = clean_labels([*self.settings.labels, *report.labels, report.ticket.label])
        fields = issue_fields(screen, self.project, report, labels, components)
        global_id = report.ticket.global_id
        try:
            answer = await self.client.send_json("POST", ISSUE, {"fields": fields})
        except WriteOutcomeUnknown:
            self._uncertain[global_id] = time.monotonic()
            raise
        except MalformedResponse as error:
            self._uncertain[global_id] = time.monotonic()
            raise WriteOutcomeUnknown(
                f"Jira's answer to the new issue could not be read ({error.message}). It was probably "
                "created: look for it before filing again."
            ) from error
        issue_id = answer.get("id") if isinstance(answer, dict) else None
        key = answer.get("key") if isinstance(answer, dict) else None
        if not isinstance(key, str) or not ISSUE_KEY.fullmatch(key):
            self._uncertain[global_id] = time.monotonic()
            raise WriteOutcomeUnknown("Jira created an issue but did not say its key: look for it first.")
        if isinstance(issue_id, str) and issue_id.isdigit():
            self._created[global_id] = (issue_id, key)
        self._uncertain.pop(global_id, None)
        try:
            return await self.get_bug(key)
        except FrontlineError:  # the bug exists: a failed read-back must not look like a failed create
            return Bug(
                key=key,
                url=self._browse(key),
                title=fields["summary"],
                labels=tuple(labels),
                tracker=self.name,
            )

    async def link_ticket(self, bug: Bug, ticket: TicketRef) -> None:
        """Upsert the remote link (the whole object every time: Jira nulls omitted fields); on the
        helpdesk's own Atlassian site, also relate the two issues unless they already are.

        Raises:
            NotFound: the issue (or the JSM request) no longer exists or is not visible.
            WriteOutcomeUnknown: the answer was lost; calling again is safe.
        """
        key = checked_key(bug.key)
        link = remote_link(ticket, self.helpdesk_site)
        await self.client.send_json("POST", f"{ISSUE}/{key}/remotelink", link)
        if ticket.helpdesk == "jsm" and same_site(self.helpdesk_site, self.site_url):
            ticket_key = checked_key(ticket.ticket_id)
            issue = await self.client.get_json(f"{ISSUE}/{key}", {"fields": "issuelinks"})
            if already_related(issue, ticket_key):
                return
            await self.client.send_json(
                "POST",
                "/rest/api/3/issueLink",
                {
                    "type": {"name": "Relates"},
                    "inwardIssue": {"key": ticket_key},
                    "outwardIssue": {"key": key},
                },
            )

    # -- reading -------------------------------------------------------------------------------------
    async def get_bug(self, key: str) -> Bug:
        """Raises: NotFound: no such issue, or not visible to this account."""
        checked = checked_key(key)
        issue = await self.client.get_json(f"{ISSUE}/{checked}", {"fields": "summary,status,labels"})
        bug = self._bug(issue)
        if bug is None:
            raise MalformedResponse(f"Jira sent an issue without a usable key for {checked}.")
        return bug

    async def similar_bugs(self, text: str, limit: int = 10) -> list[Bug]:
        """Open issues sharing words with `text`, those whose titles share the most first (then the
        most recently updated). Suggestions only: the index may lag."""
        terms = search_terms(text)
        if not terms or limit <= 0:
            return []
        body = {
            "jql": similar_jql(self.project, terms),
            "fields": ["summary", "status", "labels"],
            "maxResults": 50,
        }
        answer = await self.client.send_json("POST", SEARCH, body)
        bugs = [bug for bug in (self._bug(issue) for issue in search_issues(answer)) if bug is not None]
        bugs.sort(key=lambda bug: -overlap(terms, bug.title))
        return bugs[:limit]

    async def add_comment(self, key: str, body: str, *, document: dict[str, Any] | None = None) -> str | None:
        """Post `document` as it is, or Markdown `body` as ADF; the comment's browser URL.

        Raises:
            ValidationFailed: the comment is empty, or Jira refused the document.
            NotFound: no such issue, or not visible.
            WriteOutcomeUnknown: the answer was lost or unreadable; `find_comment` says if it landed.
        """
        checked = checked_key(key)
        if not (adf_to_text(document) if document is not None else body).strip():
            raise ValidationFailed("The comment is empty.", details={"body": ["The comment is empty."]})
        adf = document if document is not None else markdown_to_adf(body)
        try:
            answer = await self.client.send_json("POST", f"{ISSUE}/{checked}/comment", {"body": adf})
        except MalformedResponse as error:
            raise WriteOutcomeUnknown(
                f"Jira's answer to the comment on {checked} could not be read ({error.message}). It was "
                "probably posted: look for it before posting again."
            ) from error
        comment_id = answer.get("id") if isinstance(answer, dict) else None
        return self._comment_url(checked, comment_id) if isinstance(comment_id, str) else None

    async def find_comment(self, key: str, needle: str) -> str | None:
        """The URL of the newest comment whose text (its ADF's text nodes) contains `needle`, reading
        pages newest first (`orderBy=-created`), at most `MAX_COMMENT_PAGES` of them.

        Raises:
            NotFound: no such issue, or not visible.
            MalformedResponse: a page without a comments list, or one that repeats the last (a server
                that ignores `startAt`).
        """
        checked = checked_key(key)
        path = f"{ISSUE}/{checked}/comment"
        start, seen = 0, set[str]()
        for _ in range(MAX_COMMENT_PAGES):
            params = {"startAt": start, "maxResults": COMMENT_PAGE_SIZE, "orderBy": "-created"}
            page = await self.client.get_json(path, params)
            raw = page.get("comments") if isinstance(page, dict) else None
            if not isinstance(raw, list):
                raise MalformedResponse(f"Jira sent comments that are not a list for {checked}.")
            batch = [c for c in raw if isinstance(c, dict) and isinstance(c.get("id"), str)]
            if batch and all(c["id"] in seen for c in batch):
                raise MalformedResponse(
                    f"Jira sent the same comments twice for {checked} (it ignores startAt)."
                )
            for comment in batch:
                if needle in adf_to_text(comment.get("body")):
                    return self._comment_url(checked, comment["id"])
            seen.update(c["id"] for c in batch)
            start += len(raw)
            total = page.get("total")
            if not raw or (isinstance(total, int) and start >= total):
                return None
        return None

    def _comment_url(self, key: str, comment_id: str) -> str:
        return f"{self._browse(key)}?focusedCommentId={quote(comment_id, safe='')}"

    def _bug(self, issue: Any) -> Bug | None:
        return map_bug(issue, self.site_url, self.name)

    def _browse(self, key: str) -> str:
        return browse_url(self.site_url, key)


def build_jira_tracker(
    settings: JiraSettings,
    token: str,
    *,
    helpdesk_site: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    settle_seconds: float = SETTLE_SECONDS,
    verify: ssl.SSLContext | bool = True,
    **options: Any,
) -> JiraTracker:
    """A Jira tracker signed in with Basic `email:token`: a classic API token goes to the site, a scoped
    one (`settings.auth = "scoped_token"`) through the API gateway; issue links use the site either way.

    `options` named in `atlassian.client.CLIENT_OPTIONS` go to `ApiClient` (for instance `sleep` and
    `max_retries` in tests); its `sleep` also paces the repeated searches. Others are ignored.

    Raises:
        ConfigError: no site URL, project, email or token, or a site or gateway URL that is not https
            (plain http is allowed on loopback, for the sandbox).
    """
    if not settings.project.strip():
        raise ConfigError("The Jira escalation target needs a `project` key (for example ENG).")
    if not settings.email.strip() or not token:
        raise ConfigError("Jira sign-in needs the account's email address and an API token.")
    client = connect(
        settings.base_url,
        settings.email,
        token,
        service=CONNECTOR.display_name,
        parse_error=CONNECTOR.parse_error,
        scopes=JIRA_SCOPES,
        token_kind=settings.auth,
        gateway_url=settings.gateway_url,
        transport=transport,
        verify=verify,
        **options,
    )
    sleep: Sleep = options.get("sleep", asyncio.sleep)
    return JiraTracker(
        client, settings, helpdesk_site=helpdesk_site, settle_seconds=settle_seconds, sleep=sleep
    )
