"""The fake Jira Software site: ENG (where support escalates), OPS (a required custom field on bugs), the
SUP service project on the same site, and the engineers."""

from __future__ import annotations

import itertools

from frontline.sandbox.atlassian.site import AtlassianSite
from frontline.sandbox.context import SandboxContext
from frontline.sandbox.jira.seed import ENGINEERS, PROJECTS, seed_jira

DEFAULT_SEARCH_LAG = 2.0
"""Seconds before a write shows in `search/jql` (Jira's index is eventually consistent)."""


class JiraSite(AtlassianSite):
    """The projects, their issues and the engineers.

    Args:
        search_lag: seconds a created or updated issue stays out of search results (`reconcileIssues`
            brings it back, as on the real Jira); a reset restores this value.
    """

    def __init__(self, context: SandboxContext, *, search_lag: float = DEFAULT_SEARCH_LAG) -> None:
        super().__init__(context)
        self.default_search_lag = search_lag
        self.search_lag = search_lag
        self.me.account_id = "sandbox-agent"
        self.add_account(self.me)
        for engineer in ENGINEERS:
            self.add_account(engineer)
        for project in PROJECTS:
            self.projects[project.key] = project
        for issue in seed_jira(context.seed, context.clock()):
            self.add_issue(issue)
        self._issue_ids = itertools.count(40_001)

    def reseed(self) -> None:
        """Back to the seeded state, with the search lag the site was built with."""
        self.__init__(self.context, search_lag=self.default_search_lag)  # type: ignore[misc]

    def next_key(self, project_key: str) -> tuple[str, str]:
        """A new issue's (id, key): ids are site-wide, key numbers follow the project's highest."""
        numbers = [int(i.key.rsplit("-", 1)[1]) for i in self.issues.values() if i.project_key == project_key]
        return str(next(self._issue_ids)), f"{project_key}-{max(numbers, default=0) + 1}"
