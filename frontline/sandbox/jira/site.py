"""The fake Jira Software site: the ENG project that support escalates to, and its engineers."""

from __future__ import annotations

from frontline.sandbox.atlassian.site import AtlassianSite
from frontline.sandbox.context import SandboxContext
from frontline.sandbox.jira.seed import ENG, ENGINEERS, seed_jira


class JiraSite(AtlassianSite):
    """The ENG project and its engineers."""

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.me.account_id = "sandbox-agent"
        self.add_account(self.me)
        for engineer in ENGINEERS:
            self.add_account(engineer)
        self.projects[ENG.key] = ENG
        for issue in seed_jira(context.seed, context.clock()):
            self.add_issue(issue)
        self.next_number = len(self.issues) + 1
