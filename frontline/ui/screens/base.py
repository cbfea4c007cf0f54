"""What every frontline screen shares: typed access to the app and its desk, worker error reporting, and
`q` that goes back (the mutt/aerc habit) everywhere but the home screen, where it quits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.binding import Binding

from frontline.domain.ports import DraftRepository
from frontline.services.desk import Desk
from frontline.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

BACK_BINDING_ID = "screen.back"
BACK_BINDING = Binding("q", "go_back", "Back", id=BACK_BINDING_ID, show=False)
"""Not a priority binding: a focused text box takes `q` as a typed letter before any screen binding."""


class FrontlineScreen(ReportsWorkerErrors):
    """Mix into a Screen (before `Screen`): `self.frontline` is the app, `self.desk` its helpdesk.

    Every such screen gets `q` as "back" (what its escape binding does), added to its own `BINDINGS` as
    the class is created: Textual reads bindings only from widget classes, and this mixin is not one. A
    screen that sets `HOME = True` (the queue) has none, so `q` reaches the app's quit.
    """

    HOME: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        own = list(cls.__dict__.get("BINDINGS", []))
        binds_q = any(isinstance(b, Binding) and "q" in b.key.split(",") for b in own)
        if not cls.__dict__.get("HOME", False) and not binds_q and BACK_BINDING not in own:
            cls.BINDINGS = [*own, BACK_BINDING]  # type: ignore[attr-defined]
        super().__init_subclass__(**kwargs)

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

    async def action_go_back(self) -> None:
        """Do what this screen's escape binding does (close, back, cancel: each keeps what it keeps)."""
        from frontline.ui.keymap import declared_bindings

        node = cast("Any", self)
        for binding in declared_bindings(type(node)):
            if "escape" in binding.key.split(",") and binding.action != "go_back":
                await node.run_action(binding.action)
                return
        if len(self.app.screen_stack) > 1:
            node.dismiss(None)
