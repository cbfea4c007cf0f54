"""The one-line status bar under the queue: where you are, how fresh the data is, and the shift clock.

It re-renders once a second but only rebuilds its Content when the text actually changed, so the tick
costs a few string operations. Helpdesk-provided names are shown as plain text, never markup. When the
line is wider than the terminal, the less important parts are shortened or dropped first, so the
connection state, the outbox count and the shift clock stay visible at 80 columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from frontline.domain.presentation import format_duration

CONNECTION_LABELS = {
    "online": "online",
    "offline": "offline",
    "rate-limited": "rate-limited",
    "not signed in": "not signed in",
    "helpdesk error": "helpdesk error",
    "unknown": "connecting",
}
ALARM_STATES = {
    "offline": "-offline",
    "not signed in": "-offline",
    "helpdesk error": "-offline",
    "rate-limited": "-rate-limited",
}
SEPARATOR = " · "
# The order in which parts give way when the line does not fit: each step drops or shortens one kind.
SHRINK_STEPS: tuple[tuple[str, str], ...] = (
    ("helpdesk", "drop"),
    ("sort", "drop"),
    ("profile", "drop"),
    ("count", "short"),
    ("sync", "short"),
    ("filter", "short"),
    ("view", "cut"),
)
MIN_VIEW_TITLE = 8


def ago(last_sync: datetime, now: datetime) -> str:
    """ "just now", "2m ago", "3h ago"."""
    seconds = (now - last_sync).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    return f"{int(seconds // 3600)}h ago"


def synced_label(last_sync: datetime | None, now: datetime) -> str:
    """ "synced just now", "synced 2m ago", or "not synced yet"."""
    if last_sync is None:
        return "not synced yet"
    return f"synced {ago(last_sync, now)}"


@dataclass
class Part:
    """One piece of the bar: its kind (for shrinking), full text and shorter form."""

    kind: str
    text: str
    short: str | None = None


def fit_parts(parts: list[Part], width: int) -> str:
    """Join `parts`, shortening and dropping them in `SHRINK_STEPS` order until the line fits `width`."""
    current = list(parts)

    def joined() -> str:
        return SEPARATOR.join(part.text for part in current)

    line = joined()
    for kind, how in SHRINK_STEPS:
        if cell_len(line) <= width:
            return line
        for index, part in enumerate(current):
            if part.kind != kind:
                continue
            if how == "drop":
                del current[index]
            elif how == "short" and part.short is not None:
                current[index] = Part(kind, part.short)
            elif how == "cut":
                over = cell_len(line) - width
                keep = cell_len(part.text) - over - 1
                if keep >= MIN_VIEW_TITLE:
                    current[index] = Part(kind, set_cell_size(part.text, keep) + "…")
                else:
                    del current[index]
            break
        line = joined()
    if cell_len(line) <= width:
        return line
    return set_cell_size(line, max(width - 1, 0)) + "…"


class StatusBar(Widget):
    """Profile · helpdesk · view · shown/total · last sync · connection · outbox · sort · filter · shift
    (`shift 2h05m` since the running shift started, as the journal has it, or `off shift`)."""

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
    """When the current view last loaded successfully."""
    sync_failed: reactive[bool] = reactive(False)
    """The last attempt to load the current view failed (the data is as of `last_sync`)."""
    sort_label: reactive[str] = reactive("")
    filter_text: reactive[str] = reactive("")
    activity: reactive[str] = reactive("")
    _text: reactive[str] = reactive("")

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._parts: list[Part] = []
        self.showing_cached: Callable[[], bool] | None = None
        """Whether the rows shown are the local cache's, not confirmed by a load yet ("cached 2h ago")."""
        self._rendered: tuple[str, int, Content] | None = None

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
        if getattr(app, "signed_out", False):
            state = "not signed in"  # the token was refused, whichever request saw it last
        for name in ("-offline", "-rate-limited"):
            self.set_class(ALARM_STATES.get(state) == name, name)
        parts = [Part("profile", desk.profile_name), Part("helpdesk", desk.helpdesk_name)]
        if self.view_title:
            parts.append(Part("view", self.view_title))
        if self.shown != self.total:
            parts.append(
                Part("count", f"{self.shown:,} of {self.total:,} tickets", f"{self.shown:,}/{self.total:,}")
            )
        else:
            parts.append(Part("count", f"{self.total:,} tickets", f"{self.total:,}"))
        parts.append(self._sync_part(now))
        if state == "unknown" and self.last_sync is not None and not self.sync_failed:
            state = "online"  # helpdesks without an HTTP client (tests) never report a state
        if state != "unknown" or not self.sync_failed:
            parts.append(Part("connection", CONNECTION_LABELS.get(state, state)))
        waiting = len(getattr(getattr(app, "outbox_watch", None), "unsettled", ()))
        if waiting:
            parts.append(Part("outbox", f"outbox {waiting}"))
        if self.sort_label:
            parts.append(Part("sort", f"sort: {self.sort_label}"))
        if self.filter_text:
            parts.append(Part("filter", f"filter: {self.filter_text}", f"/{self.filter_text}"))
        started = getattr(app, "shift_started_at", False)  # the running shift's start as stored
        if started is not False:
            shift = f"shift {format_duration(now - started)}" if started is not None else "off shift"
            parts.append(Part("shift", shift))
        self._parts = parts
        self._text = SEPARATOR.join(part.text for part in parts)

    def _sync_part(self, now: datetime) -> Part:
        if self.last_sync is not None and self.showing_cached is not None and self.showing_cached():
            age = ago(self.last_sync, now)  # rows painted from the local cache, not confirmed yet
            state = "refreshing…" if self.activity else "refresh failed" if self.sync_failed else "stale"
            return Part("sync", f"cached {age} · {state}", f"cached {age}")
        if self.activity:
            return Part("sync", self.activity)
        if self.last_sync is None:
            return Part("sync", "refresh failed" if self.sync_failed else "not synced yet")
        age = ago(self.last_sync, now)
        if self.sync_failed:
            return Part("sync", f"refresh failed, synced {age}", f"failed, {age}")
        return Part("sync", f"synced {age}", age)

    def _watch_any(self) -> None:
        if self.is_mounted:
            self.tick()

    watch_view_title = _watch_any
    watch_shown = _watch_any
    watch_total = _watch_any
    watch_last_sync = _watch_any
    watch_sync_failed = _watch_any
    watch_sort_label = _watch_any
    watch_filter_text = _watch_any
    watch_activity = _watch_any

    @property
    def text(self) -> str:
        """The whole line, before any shortening for the terminal's width."""
        return self._text

    def render(self) -> RenderResult:
        width = self.content_size.width
        cached = self._rendered
        if cached is not None and cached[0] == self._text and cached[1] == width:
            return cached[2]
        line = fit_parts(self._parts, width) if width > 0 else self._text
        content = Content(line)
        self._rendered = (self._text, width, content)
        return content
