"""What every frontline screen shares: typed access to the app and its desk, and worker error reporting."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from frontline.domain.ports import DraftRepository
from frontline.services.desk import Desk
from frontline.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp


class FrontlineScreen(ReportsWorkerErrors):
    """Mix into a Screen (before `Screen`): `self.frontline` is the app, `self.desk` its helpdesk."""

    @property
    def frontline(self) -> FrontlineApp:
        return cast("FrontlineApp", self.app)

    @property
    def desk(self) -> Desk:
        return self.frontline.desk

    @property
    def drafts(self) -> DraftRepository | None:
        """The draft store, or None when the local database is unusable (reported once)."""
        return self.frontline.drafts()
