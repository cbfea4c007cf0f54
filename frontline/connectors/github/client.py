"""The GitHub Issues tracker: find the ticket's issue, file a new one, read its state, comment.

Follows the escalation recipe (`shared/research/real-accounts.md` §4):

- **Find** through consistent reads: the ticket's label in the issue list, then the hidden body marker in
  the signed-in user's newest issues (labels are dropped without push access), and only then the search
  API, which lags writes and has its own small budget. Pull requests in any list are skipped.
- **Pre-flight** once: `GET /repos/{o}/{r}` says whether the token has push access and whether issues
  are on. With push, the labels are made to exist first; without it, none are sent (known ones would be
  dropped silently, unknown ones refused), and the body marker alone ties the issue to the ticket.
- **Create** once: the marker is always in the body, the returned labels are checked, and a lost answer
  is `WriteOutcomeUnknown` (the caller looks again before filing; `ApiClient` never re-sends a write).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from frontline.connectors.github import CONNECTOR, REPOSITORY
from frontline.connectors.github.auth import api_base, sign_in
from frontline.connectors.github.comments import clip_middle, newest_comment
from frontline.connectors.github.finder import PAGE_SIZE, IssueFinder
from frontline.connectors.github.mapping import (
    MAX_BODY_CHARS,
    body_of,
    is_pull_request,
    label_names,
    labels_notice,
    parse_key,
    similar_query,
    to_bug,
    unique_labels,
    with_marker,
)
from frontline.connectors.http import ApiClient, OverApiClient, Sleep
from frontline.connectors.settings import TrackerSettings
from frontline.domain.escalation import Bug, BugReport, TicketRef
from frontline.domain.ports import Tracker, TrackerCapabilities
from frontline.errors import (
    ConfigError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    Unsupported,
    ValidationFailed,
    WriteOutcomeUnknown,
)

API_VERSION = "2022-11-28"
SETTLE_SECONDS = 10.0
"""How long a lookup for a bug whose create may still be landing keeps looking (the list is consistent)."""
LABEL_COLOUR = "c5def5"


@dataclass(frozen=True)
class RepositoryAccess:
    """What the token may do in the repository, from `GET /repos/{owner}/{repo}`."""

    repository: str
    push: bool
    """Labels (and assignees) stick only with push access."""
    has_issues: bool
    html_url: str = ""


class GitHubTracker(OverApiClient, Tracker):
    """One GitHub repository's issues, over the shared `ApiClient`.

    Labels that did not apply are reported three ways, so a caller can say so: the `GitHubBug` that
    `create_bug` returns carries `dropped_labels` (and, like every `Bug`, only the labels GitHub kept);
    the tracker keeps `dropped_labels` and `labels_notice` (a sentence, such as "labels were not applied:
    the token has no push access to acme/app") from the last create; and once the pre-flight has seen no
    push access, this instance's `capabilities.labels` is False.

    Args:
        client: the shared HTTP client, signed in for the API host.
        repository: `owner/repo`.
        name: the escalation target's name, put on every `Bug` as `tracker`.
        labels: labels every filed issue gets, besides the report's own and the ticket's.
    """

    kind: ClassVar[str] = CONNECTOR.kind
    display_name: ClassVar[str] = CONNECTOR.display_name
    capabilities: ClassVar[TrackerCapabilities] = TrackerCapabilities(
        labels=True, components=False, priority=False, remote_links=False, comments=True, similar=True
    )

    def __init__(
        self,
        client: ApiClient,
        *,
        repository: str,
        name: str = "",
        labels: tuple[str, ...] = (),
        settle_seconds: float = SETTLE_SECONDS,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.client = client
        self.settle_seconds = settle_seconds
        """With `settle`, how long `find_bug_for_ticket` keeps looking for a create still being applied."""
        self._sleep = sleep
        self.repository = repository
        self.name = name or CONNECTOR.kind
        self.default_labels = labels
        self.dropped_labels: tuple[str, ...] = ()
        """The labels the last `create_bug` asked for that the issue does not carry."""
        self.labels_notice: str | None = None
        """Why labels did not apply on the last create, in a sentence; None when they all did."""
        self._access: RepositoryAccess | None = None
        self._finder = IssueFinder(client, repository, self.name)
        self._labels_known: set[str] = set()

    def use_token(self, token: str) -> None:
        """The next request signs in with this token, on the same connection; what was learnt about the
        repository is read again, since the new token may have other permissions.

        Raises:
            ConfigError: the token is empty.
        """
        self.client.use_token(token)
        self._access = None
        self._finder.forget_login()

    @property
    def _repo_path(self) -> str:
        return f"/repos/{self.repository}"

    # -- pre-flight ----------------------------------------------------------------------------------
    async def repository_access(self, *, refresh: bool = False) -> RepositoryAccess:
        """Push access and whether issues are on (cached; `doctor` shows it).

        Raises:
            NotFound: no such repository, or the token cannot see it.
        """
        if self._access is not None and not refresh:
            return self._access
        try:
            data = await self.client.get_json(self._repo_path)
        except NotFound:
            raise NotFound(
                f"GitHub has no repository {self.repository}, or the token cannot see it (a fine-grained "
                "token must be granted this repository, with Issues: read and write)."
            ) from None
        if not isinstance(data, dict):
            raise MalformedResponse(f"GitHub sent a repository that is not an object for {self.repository}.")
        permissions = data.get("permissions")
        url = data.get("html_url")
        access = RepositoryAccess(
            repository=self.repository,
            push=isinstance(permissions, dict) and permissions.get("push") is True,
            has_issues=data.get("has_issues") is not False,
            html_url=url if isinstance(url, str) and url.startswith(("https://", "http://")) else "",
        )
        self._access = access if access.has_issues else None
        # The port's capabilities are class data; this instance says what it learnt about its repository.
        self.__dict__["capabilities"] = replace(type(self).capabilities, labels=access.push)
        return access

    async def _ready(self) -> RepositoryAccess:
        access = await self.repository_access()
        if not access.has_issues:
            raise self._issues_disabled()
        return access

    def _issues_disabled(self) -> Unsupported:
        return Unsupported(
            f"GitHub: issues are disabled on {self.repository}; turn them on in the repository's settings "
            "or escalate to another target."
        )

    async def _explain_missing(self, error: NotFound, repository: str) -> NotFound | Unsupported:
        """A 404/410 on an issue route: issues turned off (410) reads as such, anything else as it came."""
        if repository.lower() != self.repository.lower():
            return error
        try:
            access = await self.repository_access(refresh=True)
        except NotFound as missing:
            return missing
        return error if access.has_issues else self._issues_disabled()

    # -- find ----------------------------------------------------------------------------------------
    async def find_bug_for_ticket(
        self, ticket: TicketRef, *, known: Sequence[str] = (), settle: bool | None = None
    ) -> Bug | None:
        """The ticket's issue: by its label, then by its marker in the signed-in user's newest issues,
        then (a lagging index, last) by a search for the marker. The oldest wins if there are several.

        Raises:
            Unsupported: issues are disabled on the repository.
            Unavailable: GitHub could not be asked (do not file blindly).
        """
        await self._ready()
        found = await self._finder.find(ticket)
        # A create from a process that died may still be landing: the issue list is consistent, so
        # looking again for a few seconds is enough to see it.
        waited, delay = 0.0, 0.5
        budget = self.settle_seconds if settle else 0.0
        while found is None and waited < budget:
            pause = min(delay, budget - waited)
            await self._sleep(pause)
            waited, delay = waited + pause, min(delay * 2, 2.0)
            found = await self._finder.find(ticket)
        return found

    # -- create --------------------------------------------------------------------------------------
    async def create_bug(self, report: BugReport) -> Bug:
        """File the issue once; see the class docstring for how dropped labels are reported.

        Raises:
            Unsupported: issues are disabled on the repository (GitHub's 410).
            ValidationFailed: GitHub refused a field.
            WriteOutcomeUnknown: the answer was lost; look with `find_bug_for_ticket` before filing again.
        """
        access = await self._ready()
        ticket = report.ticket
        wanted = unique_labels((*self.default_labels, *report.labels, ticket.label))
        payload: dict[str, Any] = {"title": report.title, "body": with_marker(report.body, ticket.marker)}
        if access.push and wanted:
            await self._ensure_labels(wanted)
            payload["labels"] = list(wanted)
        try:
            data = await self.client.send_json("POST", f"{self._repo_path}/issues", payload)
        except WriteOutcomeUnknown as lost:
            raise WriteOutcomeUnknown(
                f"The connection to GitHub failed after the issue was sent to {self.repository}; it may "
                f"exist. frontline looks for it by the ticket's marker before filing again ({lost.message})"
            ) from lost
        except NotFound as missing:
            raise await self._explain_missing(missing, self.repository) from None
        bug = to_bug(data, repository=self.repository, tracker=self.name)
        if bug is None:
            raise MalformedResponse(
                f"GitHub created an issue in {self.repository} but sent no number for it."
            )
        kept = {label.lower() for label in bug.labels}
        dropped = tuple(label for label in wanted if label.lower() not in kept)
        self.dropped_labels = dropped
        self.labels_notice = labels_notice(self.repository, dropped, push=access.push)
        return bug.model_copy(update={"dropped_labels": dropped})

    async def _ensure_labels(self, names: tuple[str, ...]) -> None:
        """Create the labels the repository lacks, so the issue gets the intended colour and description.
        Best effort: GitHub creates a missing label itself on issue create, and the returned labels are
        checked anyway."""
        for name in names:
            if name.lower() in self._labels_known:
                continue
            try:
                await self.client.get_json(f"{self._repo_path}/labels/{quote(name, safe='')}")
            except NotFound:
                # Created meanwhile, not allowed, or unsure: the create's answer says what stuck.
                with contextlib.suppress(ValidationFailed, PermissionDenied, WriteOutcomeUnknown):
                    await self.client.send_json(
                        "POST",
                        f"{self._repo_path}/labels",
                        {"name": name, "color": LABEL_COLOUR, "description": "Escalated by frontline"},
                    )
            self._labels_known.add(name.lower())

    # -- link, read, search, comment -----------------------------------------------------------------
    async def link_ticket(self, bug: Bug, ticket: TicketRef) -> None:
        """The marker in the body is the link. An issue filed without it (picked from the similar list)
        gets one comment naming the ticket (marker included), and the ticket's label when the token may
        add labels. Safe to repeat: an existing comment with the marker is not written again.

        Raises:
            NotFound: the issue no longer exists.
        """
        repository, number = parse_key(bug.key, self.repository)
        issue = await self._get_issue(repository, number)
        if ticket.marker in body_of(issue):
            return
        path = f"/repos/{repository}/issues/{number}"
        if await newest_comment(self.client, f"{path}/comments", ticket.marker) is None:
            where = f": {ticket.url}" if ticket.url else ""
            note = f"Linked to {ticket.display}{where}\n\n{ticket.marker}"
            await self.client.send_json("POST", f"{path}/comments", {"body": note})
        same_repository = repository.lower() == self.repository.lower()
        labelled = ticket.label.lower() in {name.lower() for name in label_names(issue)}
        if same_repository and not labelled and (await self._ready()).push:
            await self._ensure_labels((ticket.label,))
            await self.client.send_json("POST", f"{path}/labels", {"labels": [ticket.label]})

    async def get_bug(self, key: str) -> Bug:
        """`owner/repo#17` (or `#17` in this repository) as it is now: status `open` or `closed`, with
        `state_reason` on the returned `GitHubBug`.

        Raises:
            NotFound: no such issue, or not visible.
            Unsupported: issues are disabled on the repository.
        """
        repository, number = parse_key(key, self.repository)
        bug = to_bug(await self._get_issue(repository, number), repository=repository, tracker=self.name)
        if bug is None:
            raise MalformedResponse(f"GitHub sent an issue without a number for {key}.")
        return bug

    async def _get_issue(self, repository: str, number: int) -> dict[str, Any]:
        try:
            issue = await self.client.get_json(f"/repos/{repository}/issues/{number}")
        except NotFound as missing:
            raise await self._explain_missing(missing, repository) from None
        if not isinstance(issue, dict):
            raise MalformedResponse(f"GitHub sent an issue that is not an object for {repository}#{number}.")
        return issue

    async def similar_bugs(self, text: str, limit: int = 10) -> list[Bug]:
        """Open issues sharing the most telling words of `text`, GitHub's best match first (search lags
        writes: for suggestions only). Customer text cannot add qualifiers or operators."""
        query = similar_query(self.repository, text)
        if query is None or limit < 1:
            return []
        items = await self._finder.search(query, min(limit, PAGE_SIZE))
        bugs = [
            to_bug(item, repository=self.repository, tracker=self.name)
            for item in items
            if not is_pull_request(item) and isinstance(item, dict) and item.get("state") == "open"
        ]
        found: list[Bug] = [bug for bug in bugs if bug is not None]
        return found[:limit]

    async def add_comment(self, key: str, body: str, *, document: dict[str, Any] | None = None) -> str | None:
        """A Markdown comment on the issue, sent once (`document` is ignored); its `html_url`. A body
        over GitHub's limit loses its middle, never its last line (where a reference goes).

        Raises:
            NotFound: no such issue.
            Unsupported: issues are disabled on the repository.
            WriteOutcomeUnknown: the answer was lost; `find_comment` says whether it landed.
        """
        repository, number = parse_key(key, self.repository)
        if not body.strip():
            raise ValidationFailed("GitHub takes no empty comments.", details={"body": ["empty"]})
        path = f"/repos/{repository}/issues/{number}/comments"
        try:
            answer = await self.client.send_json("POST", path, {"body": clip_middle(body, MAX_BODY_CHARS)})
        except NotFound as missing:
            raise await self._explain_missing(missing, repository) from None
        except MalformedResponse as error:
            raise WriteOutcomeUnknown(
                f"GitHub's answer to the comment on {key} could not be read ({error.message}); it was "
                "probably posted: look for it before posting again."
            ) from error
        url = answer.get("html_url") if isinstance(answer, dict) else None
        return url if isinstance(url, str) and url else None

    async def find_comment(self, key: str, needle: str) -> str | None:
        """The `html_url` (else the id) of the newest comment whose Markdown contains `needle`.

        Raises:
            NotFound: no such issue.
            Unsupported: issues are disabled on the repository.
            MalformedResponse: comments that are not a list, or a page served twice (`page` ignored).
        """
        repository, number = parse_key(key, self.repository)
        try:
            comment = await newest_comment(
                self.client, f"/repos/{repository}/issues/{number}/comments", needle
            )
        except NotFound as missing:
            raise await self._explain_missing(missing, repository) from None
        if comment is None:
            return None
        url = comment.get("html_url")
        return url if isinstance(url, str) and url else str(comment.get("id") or key)


def build_github_tracker(
    settings: TrackerSettings,
    token: str,
    *,
    helpdesk_site: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    verify: ssl.SSLContext | bool = True,
    **client_options: Any,
) -> GitHubTracker:
    """A GitHub tracker for one escalation target (`GitHubSettings`), signed in with a Bearer token.

    Every request carries `Accept: application/vnd.github+json` and `X-GitHub-Api-Version`, so answers
    keep the shape this connector was written against. `helpdesk_site` is unused (GitHub has no link to a
    helpdesk site); `verify` is the TLS trust; `client_options` go to `ApiClient` (for instance `sleep`
    and `max_retries` in tests).

    Raises:
        ConfigError: no `owner/repo`, a bad API address, or an empty token.
    """
    repository = settings.project.strip().strip("/")
    if not REPOSITORY.fullmatch(repository):
        raise ConfigError(
            f'The GitHub target needs its repository as project = "owner/repo" (got {repository!r}).'
        )
    auth, secrets = sign_in(token)
    client = ApiClient(
        api_base(settings.base_url),
        service=CONNECTOR.display_name,
        auth=auth,
        parse_error=CONNECTOR.parse_error,
        transport=transport,
        verify=verify,
        headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION},
        secrets=secrets,
        sign_in=sign_in,
        **client_options,
    )
    sleep = client_options.get("sleep", asyncio.sleep)
    return GitHubTracker(
        client, repository=repository, name=settings.name, labels=tuple(settings.labels), sleep=sleep
    )
