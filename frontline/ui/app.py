"""The Textual application: thin glue between settings, the desk and the screens."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from frontline import locations
from frontline.config import Settings
from frontline.domain.clock import Clock, utc_now
from frontline.domain.desk import Desk
from frontline.errors import AuthError, FrontlineError, RateLimited, Unavailable


class FrontlineApp(App[None]):
    """The shift console.

    Args:
        desk: the connected helpdesk session.
        settings: loaded settings (theme, keymap, refresh interval ...).
        clock: "now" for SLA countdowns, ages and the shift clock.
        data_dir: where drafts and other local state live (defaults to `locations.data_dir()`).
    """

    TITLE = "frontline"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        desk: Desk,
        settings: Settings | None = None,
        *,
        clock: Clock = utc_now,
        data_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.settings = settings or Settings()
        self.clock = clock
        self.data_dir = data_dir or locations.data_dir()
        self.shift_started_at: datetime = clock()

    def on_mount(self) -> None:
        from frontline.ui.screens.queue import QueueScreen

        self.push_screen(QueueScreen())

    def report_error(self, error: FrontlineError) -> None:
        """The one place that decides how an error is shown: transient ones warn, others are errors."""
        transient = isinstance(error, Unavailable | RateLimited)
        severity = "warning" if transient else "error"
        timeout = 6 if transient else 12
        if isinstance(error, AuthError):
            timeout = 30
        self.notify(error.message, title=error.title, severity=severity, timeout=timeout, markup=False)
