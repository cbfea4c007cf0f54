"""The composer's text: the text area that asks to be saved when its text is at risk, `$EDITOR`, and the
thread kept in view beside or above it (read only, the conversation screen's own cards).

Autosave runs on a timer; `ComposerBody` asks for a save at once (`SaveNow`) when waiting could lose
text: a paste or a large insertion (which may be the only copy of what was pasted), and losing focus
(another screen on top, or the terminal losing focus, `AppBlur`, which blurs the focused widget). Only
the focused body changes the text, so each loss of focus saves everything typed before it.

For `$VISUAL`/`$EDITOR` the app suspends, the editor opens a temporary file with the draft above a
scissors line and the thread quoted below it, and only the part above the line comes back. Every way
this can fail is told to the person here, so the composer only has to take the text or leave its own.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import Static, TextArea

from frontline.domain.compose import ComposerState, build_editor_buffer, editor_command, parse_editor_buffer
from frontline.domain.models import TicketThread
from frontline.ui.screens.conversation import CommentCard

LARGE_INSERTION = 32
"""Characters added in one change (a paste, a template) that are saved at once rather than on the timer."""
THREAD_MESSAGES = 5
"""The latest messages kept in view while writing; `$EDITOR` (ctrl+e) quotes the whole thread."""


WIDE_COLUMNS = 120
"""From this width the thread stands beside the editor; below it, above the editor."""
TALL_ROWS = 36
"""From this height the composer's banner takes three rows; below it one, so the editor keeps its room."""


def fit_layout(screen: Widget, size: Size) -> None:
    """The composer's layout classes for a terminal of `size`: `-wide`/`-narrow`, and `-tall`."""
    screen.set_class(size.width >= WIDE_COLUMNS, "-wide")
    screen.set_class(size.width < WIDE_COLUMNS, "-narrow")
    screen.set_class(size.height >= TALL_ROWS, "-tall")


class ComposerThread(VerticalScroll, can_focus=False):
    """The conversation's latest messages, oldest of them first, scrolled to the newest; read only."""

    def __init__(self, thread: TicketThread, now: datetime, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.thread = thread
        self.now = now

    def compose(self) -> ComposeResult:
        comments = self.thread.comments
        shown = comments[-THREAD_MESSAGES:]
        if len(comments) > len(shown):
            earlier = len(comments) - len(shown)
            yield Static(
                Content(f"{earlier} earlier message{'s' if earlier != 1 else ''} · ctrl+e quotes them all"),
                classes="thread-earlier",
            )
        if not shown:
            yield Static(Content("No conversation yet."), classes="thread-earlier")
        for comment in shown:
            yield CommentCard(comment, self.now)

    def on_mount(self) -> None:
        self.call_after_refresh(self.scroll_end, animate=False)

    def page(self, direction: int) -> None:
        """One page towards older (`direction` < 0) or newer messages."""
        if direction < 0:
            self.scroll_page_up(animate=False)
        else:
            self.scroll_page_down(animate=False)


class ComposerBody(TextArea):
    """The composer's text area; posts `SaveNow` when its text should reach the disk before the timer."""

    @dataclass
    class SaveNow(Message):
        """Save the draft now: `reason` is "paste", "insertion" or "blur"."""

        body: ComposerBody
        reason: str

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(id=id, soft_wrap=True, placeholder=placeholder)
        self._length = 0

    def replace_text(self, text: str) -> None:
        """Replace the whole text, cursor at the end."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        added = len(self.text) - self._length
        self._length = len(self.text)
        if added >= LARGE_INSERTION:
            self.post_message(self.SaveNow(self, "insertion"))

    def on_paste(self, event: events.Paste) -> None:
        # Runs before TextArea's own handler inserts the text; the message is handled after it.
        if not self.read_only:
            self.post_message(self.SaveNow(self, "paste"))

    def on_blur(self, event: events.Blur) -> None:
        self.post_message(self.SaveNow(self, "blur"))


def kind_notice(public: bool) -> tuple[str, SeverityLevel]:
    """What to say once tab moved the text to the other kind: loudly when it now goes to the customer."""
    if public:
        return (
            "Now a PUBLIC REPLY: the customer will see this. Tab makes it an internal note again.",
            "warning",
        )
    return "Now an internal note: only agents see this.", "information"


def edit_draft(
    app: App[object], configured: str | None, state: ComposerState, thread: TicketThread
) -> str | None:
    """`state`'s text edited in `$EDITOR` with `thread` quoted below the scissors; None when unchanged."""
    command = editor_command(configured, os.environ)
    buffer = build_editor_buffer(state.body, thread, public=state.public)
    return edit_in_editor(app, command, buffer, ticket_id=thread.ticket.id)


def edit_in_editor(app: App[object], command: list[str], buffer: str, *, ticket_id: str) -> str | None:
    """Run `command` on a temporary file holding `buffer`; the text above the scissors, or None.

    None means the editor could not run or failed; the reason has been shown and the draft is unchanged.
    """
    handle, name = tempfile.mkstemp(prefix=f"frontline-{ticket_id}-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(buffer)
        try:
            with app.suspend():
                result = subprocess.run([*command, str(path)], check=False)
        except SuspendNotSupported:
            app.notify("This terminal cannot hand over to an editor.", severity="error", timeout=6)
            return None
        except OSError as error:
            app.notify(
                f"Could not start the editor {command[0]!r}: {error.strerror or error}. "
                "Set ui.editor in the config, or $VISUAL / $EDITOR.",
                severity="error",
                timeout=10,
                markup=False,
            )
            return None
        if result.returncode != 0:
            app.notify(
                f"The editor exited with status {result.returncode}; the draft is unchanged.",
                severity="warning",
                timeout=6,
            )
            return None
        return parse_editor_buffer(path.read_text(encoding="utf-8", errors="replace"))
    finally:
        path.unlink(missing_ok=True)
