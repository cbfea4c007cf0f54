"""The one line that says the helpdesk cannot be reached and what the console is showing meanwhile.

It follows the desk's connection state (checked once a second, no I/O): shown while the last request found
the helpdesk unreachable (connection refused, DNS, timeout), gone once a request succeeds again. What is on
screen then is the local cache, read-only in effect; replies and changes wait in the outbox.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from frontline.domain.ports import ConnectionState

__all__ = ["OfflineBanner", "offline_text"]


def offline_text(cached_at: datetime | None, now: datetime) -> str:
    """ "Offline: showing what was cached at 14:02; …" (the date too when it was not today)."""
    tail = "replies wait in the outbox and go when the helpdesk is back."
    if cached_at is None:
        return f"Offline: nothing was cached yet; {tail}"
    local, today = cached_at.astimezone(), now.astimezone()
    when = local.strftime("%H:%M") if local.date() == today.date() else local.strftime("%Y-%m-%d %H:%M")
    return f"Offline: showing what was cached at {when}; {tail}"


class OfflineBanner(Static):
    """Hidden while the helpdesk answers; the offline sentence while it cannot be reached."""

    DEFAULT_CSS = """
    OfflineBanner {
        height: auto;
        padding: 0 1;
        background: $warning 35%;
        color: $text;
        text-style: bold;
        display: none;
    }
    OfflineBanner.-shown { display: block; }
    """

    _text = ""

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """Show or hide by the desk's connection state; the text names when the cache was in step."""
        desk = getattr(self.app, "desk", None)
        session = getattr(self.app, "session", None)
        clock = getattr(self.app, "clock", None)
        offline = desk is not None and desk.connection_state is ConnectionState.OFFLINE
        if offline and session is not None and clock is not None:
            text = offline_text(session.cache.shown_at, clock())
            if text != self._text:
                self._text = text
                self.update(Content(text))
        self.set_class(offline, "-shown")
