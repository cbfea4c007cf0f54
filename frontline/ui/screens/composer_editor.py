"""The composer's text: the text area that asks to be saved when its text is at risk, and `$EDITOR`.

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
from pathlib import Path

from textual import events
from textual.app import App, SuspendNotSupported
from textual.message import Message
from textual.widgets import TextArea

from frontline.domain.compose import parse_editor_buffer

LARGE_INSERTION = 32
"""Characters added in one change (a paste, a template) that are saved at once rather than on the timer."""


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
