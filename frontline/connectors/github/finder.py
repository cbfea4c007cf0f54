"""Finding the issue already filed for a ticket, through reads GitHub keeps consistent.

Search lags writes by seconds to minutes, so a check through search alone files a second issue right
after the first. The label list and the issue list are consistent; the label is missing when the token
had no push access (GitHub dropped it), so the hidden body marker is looked for in the signed-in user's
newest issues too. Search comes last, for an issue someone else filed with the marker.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.github.mapping import (
    GitHubBug,
    body_of,
    is_pull_request,
    login_of,
    marker_query,
    to_bug,
)
from frontline.connectors.http import ApiClient
from frontline.domain.escalation import TicketRef
from frontline.errors import MalformedResponse, NotFound, PermissionDenied

PAGE_SIZE = 100
MARKER_SCAN_PAGES = 3
"""How many pages of the user's newest issues are read looking for a marker (300 issues)."""
SEARCH_PAGE_SIZE = 20
_UNKNOWN = object()


class IssueFinder:
    """Looks up a ticket's issue in one repository; remembers who is signed in.

    Args:
        client: the tracker's HTTP client.
        repository: `owner/repo`.
        tracker: the target's name, put on the `Bug`.
    """

    def __init__(self, client: ApiClient, repository: str, tracker: str) -> None:
        self.client = client
        self.repository = repository
        self.tracker = tracker
        self._login: Any = _UNKNOWN

    def forget_login(self) -> None:
        """The token changed: who is signed in is asked again."""
        self._login = _UNKNOWN

    async def find(self, ticket: TicketRef) -> GitHubBug | None:
        """By the ticket's label, then its marker in the user's newest issues, then search for the marker.

        Raises:
            Unavailable: GitHub could not be asked (the caller must not file blindly).
        """
        labelled = await self.issue_page({"labels": ticket.label, "state": "all", "per_page": PAGE_SIZE})
        found = self.oldest(labelled, marker=None)
        if found is None:
            found = await self._scan(ticket.marker)
        if found is None:
            query = marker_query(self.repository, ticket.marker)
            found = self.oldest(await self.search(query, SEARCH_PAGE_SIZE), marker=ticket.marker)
        return found

    async def _scan(self, marker: str) -> GitHubBug | None:
        """Newest issues first, the user's own when GitHub says who that is (app tokens have no user)."""
        params: dict[str, Any] = {
            "state": "all",
            "sort": "created",
            "direction": "desc",
            "per_page": PAGE_SIZE,
        }
        login = await self._signed_in_login()
        if login is not None:
            params["creator"] = login
        for page in range(1, MARKER_SCAN_PAGES + 1):
            items = await self.issue_page({**params, "page": page})
            found = self.oldest(items, marker=marker)
            if found is not None or len(items) < PAGE_SIZE:
                return found
        return None

    async def _signed_in_login(self) -> str | None:
        if self._login is _UNKNOWN:
            try:
                self._login = login_of(await self.client.get_json("/user"))
            except (PermissionDenied, NotFound):
                self._login = None  # a GitHub App installation token is nobody
        login: str | None = self._login
        return login

    async def issue_page(self, params: dict[str, Any]) -> list[Any]:
        """One page of the repository's issue list (pull requests included, as GitHub sends it)."""
        items = await self.client.get_json(f"/repos/{self.repository}/issues", params)
        if not isinstance(items, list):
            raise MalformedResponse(f"GitHub sent an issue list that is not a list for {self.repository}.")
        return items

    async def search(self, query: str, per_page: int) -> list[Any]:
        """The items of one page of `GET /search/issues`."""
        answer = await self.client.get_json("/search/issues", {"q": query, "per_page": per_page})
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise MalformedResponse("GitHub sent search results without a list of items.")
        return items

    def oldest(self, items: list[Any], *, marker: str | None) -> GitHubBug | None:
        """The lowest-numbered issue (not a pull request) whose body carries `marker`, when one is given."""
        bugs = [
            to_bug(item, repository=self.repository, tracker=self.tracker)
            for item in items
            if not is_pull_request(item) and (marker is None or marker in body_of(item))
        ]
        return min((bug for bug in bugs if bug is not None), key=lambda bug: bug.number, default=None)
