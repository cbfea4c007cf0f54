"""The one-line status bar under the queue: where you are, how fresh the data is, and the shift clock.

It re-renders once a second but only rebuilds its Content when the text actually changed, so the tick
costs a few string operations. Helpdesk-provided names are shown as plain text, never markup.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from frontline.domain.queue import format_duration

CONNECTION_LABELS = {
    "online": "online",
    "offline": "offline",
    "rate-limited": "rate-limited",
    "unknown": "connecting",
}


def synced_label(last_sync: datetime | None, now: datetime) -> str:
    """ "synced just now", "synced 2m ago", or "not synced yet"."""
    if last_sync is None:
        return "not synced yet"
    seconds = (now - last_sync).total_seconds()
    if seconds < 60:
        return "synced just now"
    if seconds < 3600:
        return f"synced {int(seconds // 60)}m ago"
    return f"synced {int(seconds // 3600)}h ago"


class StatusBar(Widget):
    """Profile · helpdesk · view · shown/total · last sync · connection · sort · filter · shift clock."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
        &.-offline { background: $error 30%; color: $text; }
        &.-rate-limited { background: $warning 30%; color: $text; }
    }
    """

    view_title: reactive[str] = reactive("")
    shown: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    last_sync: reactive[datetime | None] = reactive(None)
    sort_label: reactive[str] = reactive("")
    filter_text: reactive[str] = reactive("")
    activity: reactive[str] = reactive("")
    _text: reactive[str] = reactive("")

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """Recompute the text (the clock moved, or the connection state changed)."""
        app = self.app
        desk = getattr(app, "desk", None)
        clock = getattr(app, "clock", None)
        if desk is None or clock is None:
            return
        now = clock()
        state = str(getattr(desk.connection_state, "value", desk.connection_state))
        for name in ("offline", "rate-limited"):
            self.set_class(state == name, f"-{name}")
        parts = [desk.profile_name, desk.helpdesk_name]
        if self.view_title:
            parts.append(self.view_title)
        if self.shown != self.total:
            parts.append(f"{self.shown:,} of {self.total:,} tickets")
        else:
            parts.append(f"{self.total:,} tickets")
        parts.append(self.activity or synced_label(self.last_sync, now))
        if state == "unknown" and self.last_sync is not None:
            state = "online"  # helpdesks without an HTTP client (tests) never report a state
        parts.append(CONNECTION_LABELS.get(state, state))
        if self.sort_label:
            parts.append(f"sort: {self.sort_label}")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        started = getattr(app, "shift_started_at", None)
        if started is not None:
            parts.append(f"shift {format_duration(now - started)}")
        self._text = " · ".join(parts)

    def _watch_any(self) -> None:
        if self.is_mounted:
            self.tick()

    watch_view_title = _watch_any
    watch_shown = _watch_any
    watch_total = _watch_any
    watch_last_sync = _watch_any
    watch_sort_label = _watch_any
    watch_filter_text = _watch_any
    watch_activity = _watch_any

    @property
    def text(self) -> str:
        return self._text

    def render(self) -> RenderResult:
        return Content(self._text)
