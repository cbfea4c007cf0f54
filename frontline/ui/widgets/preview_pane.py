"""The queue's preview pane: the highlighted ticket's header and its latest messages, newest first.

The header comes from the queue's row at once; the conversation is read in a `@work` worker through
`ThreadPreviews` (the desk's `open_ticket`, threads kept), after the cursor has rested for
`debounce_seconds`, so holding `j` over a hundred rows asks the helpdesk for one thread, not a hundred.
A preview is a read only: the ticket is not marked seen (enter opens it, and that does). Everything from
the ticket is plain `Content` (never markup), clamped to a few lines, invisible characters made visible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Static

from frontline.domain.escalation import Bug
from frontline.domain.models import Comment, Ticket, TicketThread
from frontline.domain.text import cell_width
from frontline.errors import AuthError, FrontlineError
from frontline.services.previews import ThreadPreviews
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.screens.ticket_header import LABEL_STYLE, linked_bugs_text, sla_content
from frontline.ui.visible_text import clamped_content

DEBOUNCE_SECONDS = 0.25
"""How long the cursor rests on a row before its conversation is read."""
PREVIEW_MESSAGES = 4
"""Messages shown, newest first; the ticket screen has the rest."""

ErrorReporter = Callable[[FrontlineError], None]
BugFinder = Callable[[Ticket, Sequence[Comment]], list[Bug]]


def preview_header(ticket: Ticket, now: datetime, width: int, bugs: Sequence[Bug] = ()) -> Content:
    """Key and subject (at most two lines), requester and organization (one), status, SLA and linked
    bugs (one): the list drops its bug column to make room for the pane, so the pane says it."""
    width = max(width, 20)
    key = ticket.display_key
    subject, _ = clamped_content(
        ticket.subject or "(no subject)", width, 2, first_line_used=cell_width(key) + 2, style="bold"
    )
    requester = ticket.requester.name if ticket.requester else "unknown requester"
    if ticket.organization is not None:
        requester += f" · {ticket.organization.name}"
    people, _ = clamped_content(requester, width, 1)
    status, _ = clamped_content(ticket.status_text, max(width // 3, 12), 1, style="bold")
    state = Content.assemble(
        ("Status ", LABEL_STYLE), status, ("  SLA ", LABEL_STYLE), sla_content(ticket, now)
    )
    if bugs or ticket.linked_bug:
        used = state.cell_length + 6
        linked, _ = clamped_content(linked_bugs_text(ticket, bugs), max(width - used, 12), 1)
        state = Content.assemble(state, ("  Bug ", LABEL_STYLE), linked)
    return Content("\n").join(
        (
            Content.assemble((key, "bold $accent"), "  ", subject),
            people,
            state,
        )
    )


class PreviewPane(Vertical):
    """The highlighted ticket at a glance, next to or under the queue list.

    Args:
        previews: reads (and keeps) threads; a preview never marks the ticket seen.
        clock: "now" for ages and the SLA.
        report_error: told of a refused token (the console signs out once); other failures are shown
            in the pane only, so a flaky connection does not toast on every row.
        bugs: the ticket's linked bugs as last seen (local records, no request), for the header.
        debounce_seconds: the rest before a read; `DEBOUNCE_SECONDS` when not given.
    """

    DEFAULT_CSS = """
    PreviewPane {
        background: $surface;
        #preview-header { height: auto; max-height: 4; padding: 0 1; background: $panel; }
        #preview-state { height: auto; padding: 0 1; color: $text-muted; }
        #preview-state.-error { color: $text; background: $error 20%; text-style: bold; }
        #preview-messages { height: 1fr; padding: 0 1 0 1; scrollbar-size-vertical: 1; }
    }
    """

    def __init__(
        self,
        previews: ThreadPreviews,
        *,
        clock: Callable[[], datetime],
        report_error: ErrorReporter | None = None,
        bugs: BugFinder | None = None,
        debounce_seconds: float | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.previews = previews
        self.clock = clock
        self.report_error = report_error
        self.bugs = bugs
        self.debounce_seconds = DEBOUNCE_SECONDS if debounce_seconds is None else debounce_seconds
        self.ticket: Ticket | None = None
        """The ticket the pane is about (the list's highlighted row)."""
        self.thread: TicketThread | None = None
        """Its conversation once read; None while loading or after a failure."""
        self.error: FrontlineError | None = None
        self.active = False
        """Shown by the layout; while hidden nothing is read."""
        self.reads = 0
        """Conversations asked of `previews` (tests check the debounce with it)."""
        self._timer: Timer | None = None
        self._cards_for: tuple[str, str] | None = None
        """(ticket id, thread stamp) of the cards mounted, so a re-highlight does not rebuild them."""

    def compose(self) -> ComposeResult:
        yield Static(id="preview-header")
        yield Static(id="preview-state")
        yield VerticalScroll(id="preview-messages", can_focus=False)

    def on_mount(self) -> None:
        self.set_interval(15, self._tick)
        self._render_ticket()

    def on_resize(self) -> None:
        self._render_header()  # the subject's clamp follows the width

    # -- what to show ----------------------------------------------------------------------------------

    def follow(self, ticket: Ticket | None, *, at_once: bool = False) -> None:
        """Show `ticket` (the cursor moved to it): its header now, its conversation once the cursor rests.

        A kept conversation shows at once; while the pane is hidden it only remembers the ticket.
        """
        self.ticket = ticket
        self.thread = self.previews.cached(ticket) if ticket is not None else None
        self.error = None
        if self.thread is not None or ticket is None:
            self._cancel_timer()
        if not self.active:
            return
        self._render_ticket()
        if self.thread is None and ticket is not None:
            self._schedule(at_once=at_once)

    def set_active(self, active: bool) -> None:
        """Shown or hidden by the layout: when shown, the remembered ticket's conversation is read now."""
        if active == self.active:
            return
        self.active = active
        if active:
            self.follow(self.ticket, at_once=True)
        else:
            self._cancel_timer()

    def flush(self) -> None:
        """Read the pending conversation now instead of after the rest (tests use it too)."""
        self._cancel_timer()
        if self.active and self.ticket is not None and self.thread is None:
            self.load(self.ticket)

    def reload(self, ticket: Ticket) -> None:
        """This console wrote to `ticket` (a reply, a note, a field): its kept thread is stale. Shown here,
        it is read again at once (the old messages stay until the new ones arrive)."""
        self.previews.forget(ticket.id)
        if self.ticket is not None and self.ticket.id == ticket.id:
            self._cards_for = None
            self.follow(ticket, at_once=True)

    def page(self, direction: int) -> None:
        """One page towards older (`direction` > 0, further down) or newer messages; the list keeps focus."""
        messages = self.query_one("#preview-messages", VerticalScroll)
        if direction < 0:
            messages.scroll_page_up(animate=False)
        else:
            messages.scroll_page_down(animate=False)

    def _schedule(self, *, at_once: bool) -> None:
        self._cancel_timer()
        if at_once:
            self.flush()
        else:
            self._timer = self.set_timer(self.debounce_seconds, self.flush, name="preview-debounce")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @work(exclusive=True, group="queue-preview", exit_on_error=False)
    async def load(self, ticket: Ticket) -> None:
        """Read the conversation of `ticket`; show it if the cursor is still there, else just keep it."""
        self.reads += 1
        try:
            thread = await self.previews.read(ticket)
        except FrontlineError as error:
            if isinstance(error, AuthError) and self.report_error is not None:
                self.report_error(error)
            if self.ticket is not None and self.ticket.id == ticket.id:
                self.error = error
                self._render_ticket()
            return
        if self.ticket is not None and self.ticket.id == ticket.id:
            self.thread, self.error = thread, None
            self._render_ticket()

    # -- rendering -------------------------------------------------------------------------------------

    def _tick(self) -> None:
        """SLA countdowns move on while the cursor rests."""
        if self.active and self.ticket is not None:
            self._render_header()

    def _render_header(self) -> None:
        header = self.query_one("#preview-header", Static)
        if self.ticket is None:
            header.update(Content("No ticket highlighted."))
            return
        ticket = self.thread.ticket if self.thread is not None else self.ticket
        comments = self.thread.comments if self.thread is not None else ()
        bugs = self.bugs(ticket, comments) if self.bugs is not None else []
        header.update(preview_header(ticket, self.clock(), self.size.width - 2, bugs))

    def _render_ticket(self) -> None:
        """Header and state line now; the message cards once the current widgets settle."""
        self._render_header()
        state = self.query_one("#preview-state", Static)
        state.set_class(self.error is not None, "-error")
        if self.ticket is None:
            state.update("")
        elif self.error is not None:
            state.update(
                Content(
                    f"⚠ Could not load the conversation: {self.error.message}\n"
                    "enter opens the ticket; moving back to this row tries again."
                )
            )
        elif self.thread is None:
            state.update("Loading the conversation…")
        else:
            total = len(self.thread.comments)
            state.update(order_line(min(total, PREVIEW_MESSAGES), total))
        self.call_later(self._show_cards)

    async def _show_cards(self) -> None:
        """Mount the newest messages of the current thread as the conversation's own cards.

        Runs as a callback on this widget's queue, so two in a row never interleave; each shows the
        thread current when it runs, and does nothing when those cards are already mounted.
        """
        thread = self.thread
        wanted = (thread.ticket.id, thread.ticket.updated_at.isoformat()) if thread is not None else None
        if wanted == self._cards_for:
            return
        messages = self.query_one("#preview-messages", VerticalScroll)
        await messages.remove_children()
        self._cards_for = wanted
        if thread is None:
            return
        now = self.clock()
        newest = list(reversed(thread.comments))[:PREVIEW_MESSAGES]
        cards = [CommentCard(comment, now, thread.ticket) for comment in newest]
        if cards:
            await messages.mount_all(cards)
        for button in messages.query(Button):
            button.can_focus = False  # the pane is read at a glance; focus stays on the list
        messages.scroll_home(animate=False)


def order_line(shown: int, total: int) -> Content:
    """What the pane shows of the conversation, and where the rest is."""
    if total == 0:
        return Content("No conversation yet · enter opens the ticket")
    if shown == total:
        return Content(f"{total} message{'s' if total != 1 else ''}, newest first · enter opens the ticket")
    return Content(f"Newest {shown} of {total} messages, newest first · enter opens the ticket")
