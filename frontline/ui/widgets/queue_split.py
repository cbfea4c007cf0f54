"""The queue's split layout: the ticket list with the preview pane beside it, under it, or hidden.

Where the pane goes is CSS, chosen by classes set from the width: beside the list from
`BESIDE_WIDTH` columns (wider still from `ROOMY_WIDTH`), under it on narrower terminals. It is shown by
default from `AUTO_PREVIEW_WIDTH` columns; `v` (`queue.preview`) shows or hides it, and that choice holds
for the rest of the session at any width.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, cast

from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.widget import Widget

from frontline.domain.queue import QueueModel
from frontline.errors import FrontlineError
from frontline.services.desk import Desk
from frontline.services.previews import ThreadCache, ThreadPreviews, kept_in
from frontline.ui.bug_links import BugLinks
from frontline.ui.widgets.preview_pane import PreviewPane
from frontline.ui.widgets.queue_list import QueueList

AUTO_PREVIEW_WIDTH = 150
"""From this many columns the pane is shown unless the engineer hid it: the list keeps ~90 columns."""
BESIDE_WIDTH = 120
"""From this many columns a shown pane sits beside the list; below it, under the list."""
ROOMY_WIDTH = 220
"""From this many columns the pane takes a larger share (45%): over 100 columns for the messages."""


class PreviewHost(Protocol):
    """What the split needs of the app: the desk, the clock, linked bugs and the error reporter."""

    @property
    def desk(self) -> Desk: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

    @property
    def bug_links(self) -> BugLinks: ...

    @property
    def thread_cache(self) -> ThreadCache: ...

    def report_error(self, error: FrontlineError) -> None: ...


class QueueSplit(Container):
    """Holds the queue list and its preview pane, and places the pane for the terminal's width."""

    DEFAULT_CSS = """
    QueueSplit {
        height: 1fr;
        layout: vertical;
        & > QueueList { width: 1fr; height: 1fr; }
        & > PreviewPane { display: none; }
        &.-beside { layout: horizontal; }
        &.-beside > PreviewPane {
            display: block;
            width: 42%;
            height: 1fr;
            border-left: vkey $primary 50%;
        }
        &.-beside.-roomy > PreviewPane { width: 45%; }
        &.-below > PreviewPane {
            display: block;
            width: 1fr;
            height: 45%;
            min-height: 7;
            border-top: hkey $primary 50%;
        }
    }
    """

    def __init__(self, model: QueueModel, *, id: str | None = "queue-split") -> None:
        super().__init__(id=id)
        self.model = model
        self.preview_choice: bool | None = None
        """The engineer's `v`: None until pressed (the width decides), then shown or hidden everywhere."""

    def compose(self) -> ComposeResult:
        host = cast(PreviewHost, self.app)
        yield QueueList(self.model, clock=host.clock, id="queue-list")
        yield PreviewPane(
            ThreadPreviews(kept_in(host.thread_cache, host.desk.open_ticket)),
            clock=host.clock,
            report_error=host.report_error,
            bugs=host.bug_links.for_ticket,
            id="queue-preview",
        )

    @property
    def queue_list(self) -> QueueList:
        return self.query_one(QueueList)

    @property
    def pane(self) -> PreviewPane:
        return self.query_one(PreviewPane)

    @property
    def preview_shown(self) -> bool:
        return self.pane.active

    def on_mount(self) -> None:
        self.place(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self.place(event.size.width)

    def place(self, width: int) -> None:
        """Show, hide and place the pane for a terminal `width` columns wide."""
        shown = self.preview_choice if self.preview_choice is not None else width >= AUTO_PREVIEW_WIDTH
        beside = shown and width >= BESIDE_WIDTH
        self.set_class(beside, "-beside")
        self.set_class(shown and not beside, "-below")
        self.set_class(width >= ROOMY_WIDTH, "-roomy")
        self.pane.set_active(shown)

    def toggle_preview(self) -> bool:
        """Show the pane if hidden, hide it if shown; remembered for the session. Returns shown."""
        self.preview_choice = not self.preview_shown
        self.place(self.size.width or self.app.size.width)
        if not self.preview_choice:
            self.queue_list.focus()
        return self.preview_choice

    def on_queue_list_highlighted(self, event: QueueList.Highlighted) -> None:
        """The cursor moved: the pane follows the ticket highlighted now (the message goes on up to the
        screen). Not `event.position`: a filter keystroke may have narrowed the rows since it was posted."""
        listing = event.queue_list
        model = listing.model
        self.pane.follow(model.ticket_at(listing.cursor) if model.visible else None)


class PreviewToggle:
    """The queue screen's `v` (`queue.preview`) and `shift+down`/`shift+up` (`queue.preview-down`/`-up`,
    paging the pane while the cursor stays on the list): a mixin, so the screen's module stays one job
    long."""

    def action_toggle_preview(self) -> None:
        cast(Widget, self).query_one(QueueSplit).toggle_preview()

    def action_scroll_preview(self, direction: int) -> None:
        split = cast(Widget, self).query_one(QueueSplit)
        if split.preview_shown:
            split.pane.page(direction)
