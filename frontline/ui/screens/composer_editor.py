"""Handing the composer's text to `$VISUAL`/`$EDITOR` and back.

The app suspends, the editor opens a temporary file with the draft above a scissors line and the thread
quoted below it, and only the part above the line comes back. Every way this can fail is told to the
person here, so the composer only has to take the text or leave its own unchanged.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported

from frontline.domain.compose import parse_editor_buffer


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
