"""`H`: the shift handoff, written now and previewed as plain text; saved, copied or published from here.

Writing reads every touched ticket and the views, so it runs in a worker with a loading indicator. The
preview is the Markdown source in a read-only text area: subjects and notes are the customers' and
engineers' words, never rendered as markup. Publishing is the app's write, so closing this screen never
cancels a post; a Slack post whose answer was lost is asked about ("post again anyway?"), never repeated
by itself.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from frontline import locations
from frontline.domain.handoff import Handoff
from frontline.domain.handoff_render import format_time, render_markdown
from frontline.domain.handoff_text import render_text
from frontline.domain.shift import Shift
from frontline.domain.text import one_line
from frontline.errors import FrontlineError, InputError, WriteOutcomeUnknown
from frontline.services.publishing import Destination
from frontline.ui.keymap import key_for
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.pickers import ChoiceScreen, ConfirmScreen
from frontline.ui.widgets.signed_out_banner import SignedOutBanner
from frontline.ui.worker_errors import report_worker_error

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

HANDOFFS_DIR = "handoffs"
"""Under the data directory: where `s` and `j` save handoffs (readable by the user only)."""
KEY_HINTS = (
    ("handoff.save", "s", "save"),
    ("handoff.copy", "c", "copy"),
    ("handoff.publish", "p", "publish"),
    ("handoff.save-json", "j", "save JSON"),
    ("handoff.rewrite", "R", "write again"),
)
"""The hint under a written handoff: binding id, default key, what it does (the person's keys shown)."""
NEEDS_HANDOFF = frozenset({"save", "copy", "save_json", "publish"})
"""Actions that need the handoff written: dimmed while it is written, or when it could not be."""


def no_destinations_message(profile: str) -> str:
    return (
        f"Profile {profile!r} has no handoff destinations, so there is nowhere to publish. Add a "
        f"[[profiles.{profile}.handoff.destinations]] entry (name, and kind = slack, helpdesk, jira or "
        f"github) to {locations.config_file()}; meanwhile s saves the handoff and c copies it."
    )


def handoff_path(data_dir: Path, started_at: datetime, suffix: str) -> Path:
    """`<data dir>/handoffs/handoff-20261123T0700Z.md`: one file per shift, named by its start (UTC)."""
    utc = started_at.replace(tzinfo=UTC) if started_at.tzinfo is None else started_at.astimezone(UTC)
    return data_dir / HANDOFFS_DIR / f"handoff-{utc:%Y%m%dT%H%MZ}{suffix}"


def save_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a temporary file renamed over it), readable by the user only.

    Raises:
        OSError: the directory or the file could not be written.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class HandoffScreen(FrontlineScreen, Screen[None]):
    """The handoff of the running (or last) shift, as of now.

    Args:
        text: a handoff already written (the previous shift's, kept by the journal): shown as it is,
            to read and copy; None writes this shift's handoff now.
        title: the heading over `text`.
    """

    DEFAULT_CSS = """
    HandoffScreen #handoff-title { padding: 0 1; background: $panel; text-style: bold; }
    HandoffScreen #handoff-warnings { height: auto; padding: 0 1; background: $warning 20%; display: none; }
    HandoffScreen #handoff-warnings.-shown { display: block; }
    HandoffScreen #handoff-preview { height: 1fr; border: none; }
    HandoffScreen #handoff-notice { height: auto; padding: 0 1; color: $text-muted; }
    HandoffScreen #handoff-notice.-error { color: $text; background: $error 30%; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="handoff.close"),
        Binding("s", "save", "Save", id="handoff.save"),
        Binding("c", "copy", "Copy", id="handoff.copy"),
        Binding("p", "publish", "Publish", id="handoff.publish"),
        Binding("j", "save_json", "Save JSON", id="handoff.save-json", show=False),
        Binding("R", "rewrite", "Write again", id="handoff.rewrite", show=False),
    ]

    def __init__(self, text: str | None = None, *, title: str = "") -> None:
        super().__init__()
        self.kept_text = text
        self.kept_title = title
        self.handoff: Handoff | None = None
        self.shift: Shift | None = None
        self.text: str | None = text
        """The plain-text handoff the screen shows and copies (the saved file is Markdown)."""

    @property
    def preview(self) -> TextArea:
        return self.query_one("#handoff-preview", TextArea)

    def compose(self) -> ComposeResult:
        yield SignedOutBanner()
        yield Static(Content(self.kept_title or "Shift handoff"), id="handoff-title")
        yield Static(id="handoff-warnings")
        yield TextArea(self.kept_text or "", id="handoff-preview", read_only=True, soft_wrap=True)
        yield Static(id="handoff-notice")
        yield Footer()

    def on_mount(self) -> None:
        self.preview.focus()
        if self.kept_text is None:
            self.write()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A kept handoff is only read and copied; this shift's keys wait until it is written."""
        if self.kept_text is not None and action in ("save", "save_json", "publish", "rewrite"):
            return False
        if action in NEEDS_HANDOFF and self.text is None:
            return None
        return True

    def notice(self, text: str, *, error: bool = False) -> None:
        """The line under the preview: what was saved, published, or went wrong (plain text)."""
        notice = self.query_one("#handoff-notice", Static)
        notice.update(Content(text))
        notice.set_class(error, "-error")

    @work(group="handoff-write", exclusive=True, exit_on_error=False)
    async def write(self) -> None:
        """Write the handoff as of now (reads the journal, the touched tickets, the views, the trackers)."""
        session = self.frontline.session
        writer = session.handoff
        preview = self.preview
        preview.loading = True
        self.notice("Writing the handoff: reading the tickets touched this shift…")
        try:
            shift = writer.shift_to_hand_off()
            handoff = await writer.write(horizon=session.sla_horizon)
        except InputError as error:
            self.notice(error.message, error=True)
            return
        except FrontlineError as error:
            self.frontline.report_error(error)
            self.notice(
                f"The handoff could not be written: {error.message} Press R to try again.", error=True
            )
            return
        finally:
            preview.loading = False
        self.show(handoff, shift)

    def show(self, handoff: Handoff, shift: Shift) -> None:
        self.handoff, self.shift = handoff, shift
        self.text = render_text(handoff)
        self.preview.load_text(self.text)
        self.query_one("#handoff-title", Static).update(
            Content(f"Shift handoff · {one_line(handoff.profile)} · as of {format_time(handoff.as_of)}")
        )
        warnings = self.query_one("#handoff-warnings", Static)
        warnings.update(Content("\n".join(f"⚠ {one_line(w)}" for w in handoff.warnings)))
        warnings.set_class(bool(handoff.warnings), "-shown")
        screen = cast("Screen[object]", self)
        self.notice(" · ".join(f"{key_for(screen, bid, key)} {what}" for bid, key, what in KEY_HINTS))
        self.refresh_bindings()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_rewrite(self) -> None:
        self.write()

    def action_copy(self) -> None:
        if self.text is None:
            return
        self.app.copy_to_clipboard(self.text)
        lines = self.text.count("\n")
        self.notice(f"Copied the handoff ({lines} lines) to the clipboard through the terminal.")

    def action_save(self) -> None:
        if self.handoff is not None:
            self._save(render_markdown(self.handoff), ".md")

    def action_save_json(self) -> None:
        if self.handoff is not None:
            self._save(json.dumps(self.handoff.as_json(), indent=2, sort_keys=True) + "\n", ".json")

    def _save(self, text: str, suffix: str) -> None:
        assert self.handoff is not None
        path = handoff_path(self.frontline.data_dir, self.handoff.started_at, suffix)
        try:
            save_private(path, text)
        except OSError as error:
            self.notice(f"Not saved: {path}: {error.strerror or error}", error=True)
            return
        self.notice(f"Saved to {path}")
        self.notify(f"Saved the handoff to {path}", title="Handoff saved", timeout=6, markup=False)

    # Publishing

    def action_publish(self) -> None:
        """Publish to the one destination, or pick one of several; none configured says how to add one."""
        publisher = self.frontline.session.publisher
        if self.handoff is None:
            return
        if publisher is None or not publisher.destinations:
            self.notice(no_destinations_message(self.frontline.session.profile_name), error=True)
            return
        destinations = publisher.destinations
        if len(destinations) == 1:
            self.publish_to(destinations[0])
            return
        choices = [(d.name, f"{d.name} — {d.where}") for d in destinations]
        self.app.push_screen(ChoiceScreen("Publish the handoff to", choices), self._destination_chosen)

    def _destination_chosen(self, name: str | None) -> None:
        publisher = self.frontline.session.publisher
        chosen = next((d for d in publisher.destinations if d.name == name), None) if publisher else None
        if chosen is not None:
            self.publish_to(chosen)

    def publish_to(self, destination: Destination, *, again: bool = False) -> None:
        if self.handoff is None or self.shift is None:
            return
        app = self.frontline
        if publish(app, self.handoff, self.shift, destination, again=again, listener=self._published):
            self.notice(f"Publishing to {one_line(destination.where)}…")
        else:
            self.notice(f"Already publishing to {one_line(destination.where)}: wait for it.")

    def _published(self, message: str, error: bool) -> None:
        if self.is_attached:
            self.notice(message, error=error)


Listener = Callable[[str, bool], None]
"""Told how a publish ended (its message, and whether it went wrong), if the screen is still there."""


def publish(
    app: FrontlineApp,
    handoff: Handoff,
    shift: Shift,
    destination: Destination,
    *,
    again: bool = False,
    listener: Listener | None = None,
) -> bool:
    """Post `handoff` to `destination` as the app's write; False when a post there is already on its way."""
    name = f"the handoff to {destination.name}"
    if any(worker.name == name for worker in app.writes.in_flight()):
        return False
    app.writes.run(_publish(app, handoff, shift, destination, again, listener), name=name)
    return True


async def _publish(
    app: FrontlineApp,
    handoff: Handoff,
    shift: Shift,
    destination: Destination,
    again: bool,
    listener: Listener | None,
) -> None:
    publisher = app.session.publisher
    assert publisher is not None
    tell = listener or (lambda _message, _error: None)
    try:
        published = await publisher.publish(handoff, shift, destination.name, again=again)
    except WriteOutcomeUnknown as unknown:
        tell(unknown.message, True)
        if destination.kind == "slack":  # a webhook cannot be read back: the engineer decides
            question = f"Post the handoff to {one_line(destination.name)} again anyway?"
            detail = f"{unknown.message}\n\nPost again only if the handoff is not in the channel."

            def answered(yes: bool | None) -> None:
                if yes:
                    publish(app, handoff, shift, destination, again=True, listener=listener)

            app.push_screen(ConfirmScreen(question, detail), answered)
        else:
            app.notify(unknown.message, title=unknown.title, severity="warning", timeout=20, markup=False)
        return
    except FrontlineError as error:
        app.report_error(error)
        tell(f"Not published: {error.message}", True)
        return
    except Exception as error:  # a bug: said once, with where the details are
        report_worker_error(app, error)
        tell("Not published: an unexpected error (see the notification).", True)
        return
    app.notify(published.message, title="Handoff", timeout=8, markup=False)
    tell(published.message, False)
    app.shift_clock.refresh()  # publishing ends the shift
