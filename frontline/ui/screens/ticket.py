"""The ticket screen: header, the whole conversation, and the ticket-level actions.

Reads run in the "ticket-read" worker group (a refresh replaces the previous one); writes (assign, status,
priority, tags) run as the app's writes, never cancelled by a refresh or by leaving. `J`/`K` move through the
queue's order without going back, via the `TicketNeighbours` the queue passes in. Two banners sit above the
conversation: an unsent draft, and this ticket's writes in the outbox (queued, sending, in doubt, or
recently failed or partly sent).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from frontline.domain.models import Ticket, TicketThread, TicketUpdate
from frontline.domain.shift import WritePurpose
from frontline.errors import ConflictError, FrontlineError, WriteQueued
from frontline.services.drafts import unsent_drafts
from frontline.ui import undo
from frontline.ui.cached_start import banners, remember_thread, show_cached_thread, show_queued_row
from frontline.ui.navigation import TicketNeighbours
from frontline.ui.outbox_text import banner_lines
from frontline.ui.screens.assign import choose_assignee, confirm_take
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.conversation import CommentCard, local_time
from frontline.ui.screens.conversation_search import ConversationSearch
from frontline.ui.screens.handoff_note import open_handoff_note
from frontline.ui.screens.ticket_bugs import show_header
from frontline.ui.screens.ticket_changes import (
    FieldChange,
    choose_priority,
    choose_status,
    choose_tags,
    parse_tags,
)
from frontline.ui.screens.ticket_reading import TicketReading
from frontline.ui.screens.ticket_requester import RequesterLine
from frontline.ui.seen_marks import mark_opened
from frontline.ui.shift_clock import record_opened

__all__ = ["NEEDS_LOADED_TICKET", "TicketScreen", "parse_tags"]

NEEDS_LOADED_TICKET = frozenset(
    {
        "status",
        "assign_me",
        "assign",
        "priority",
        "tags",
        "open_browser",
        "copy_link",
        "escalate",
        "handoff_note",
    }
)
"""Actions that act on the ticket as loaded: disabled while it loads or after loading failed."""


class TicketScreen(FrontlineScreen, TicketReading, Screen[None]):
    """One ticket and its conversation.

    Args:
        ticket_id: the helpdesk's id of the ticket.
        neighbours: the queue's order, for `J`/`K`; None hides those keys.
    """

    DEFAULT_CSS = """
    TicketScreen #ticket-header {
        height: auto;
        max-height: 9;
        padding: 0 1;
        background: $panel;
        border-bottom: solid $primary;
    }
    TicketScreen #ticket-draft {
        height: auto;
        padding: 0 1;
        background: $accent 20%;
        color: $text;
        display: none;
    }
    TicketScreen #ticket-draft.-visible { display: block; }
    TicketScreen #ticket-outbox {
        height: auto;
        padding: 0 1;
        background: $warning 20%;
        color: $text;
        display: none;
    }
    TicketScreen #ticket-outbox.-visible { display: block; }
    TicketScreen #conversation { padding: 1 0 0 1; }
    TicketScreen #ticket-message { padding: 1 2; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="ticket.back"),
        Binding("r", "reply", "Reply", id="ticket.reply"),
        Binding("n", "note", "Note", id="ticket.note"),
        Binding("J", "next_ticket", "Next", id="ticket.next"),
        Binding("K", "previous_ticket", "Prev", id="ticket.previous"),
        Binding("t", "assign_me", "Take it", id="ticket.assign-me"),
        Binding("a", "assign", "Assign", id="ticket.assign"),
        Binding("u", "undo", "Undo", id="ticket.undo", show=False),
        Binding("s", "status", "Status", id="ticket.status"),
        Binding("p", "priority", "Priority", id="ticket.priority"),
        Binding("l", "tags", "Tags", id="ticket.tags"),
        Binding("m", "macro", "Macro", id="ticket.macro"),
        Binding("o", "open_browser", "Open", id="ticket.open-browser", show=False),
        Binding("y", "copy_link", "Copy link", id="ticket.copy-link", show=False),
        Binding("R", "refresh", "Refresh", id="ticket.refresh", show=False),
        Binding("E", "escalate", "Escalate", id="ticket.escalate", show=False),
        Binding("h", "handoff_note", "Handoff note", id="ticket.handoff-note", show=False),
        Binding("j", "scroll_conversation(1)", "Down", id="ticket.scroll-down", show=False),
        Binding("k", "scroll_conversation(-1)", "Up", id="ticket.scroll-up", show=False),
        Binding("g", "conversation_edge(False)", "Top", id="ticket.top", show=False),
        Binding("G", "conversation_edge(True)", "Bottom", id="ticket.bottom", show=False),
        Binding("i", "details", "Details", id="ticket.details"),
        Binding("slash", "search", "Search", id="ticket.search"),
    ]

    def __init__(self, ticket_id: str, *, neighbours: TicketNeighbours | None = None) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.neighbours = neighbours
        self.thread: TicketThread | None = None
        self._journalled: str | None = None
        """The ticket whose opening is in the shift journal: once per open, not per reload."""

    @property
    def ticket(self) -> Ticket | None:
        return self.thread.ticket if self.thread else None

    def compose(self) -> ComposeResult:
        yield from banners()  # signed out, offline
        yield Static(Content(f"Ticket {self.ticket_id}"), id="ticket-header")
        yield RequesterLine()
        yield Static(id="ticket-draft")
        yield Static(id="ticket-outbox")
        conversation = VerticalScroll(id="conversation", can_focus=True)
        yield ConversationSearch(conversation)
        yield conversation
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.show_draft_banner()
        self.show_outbox_banner()

    def outbox_changed(self, reload_ticket_ids: frozenset[str]) -> None:
        """A write to this ticket settled elsewhere (the outbox check): read it again; else just re-show."""
        if self.ticket_id in reload_ticket_ids:
            self.load()
        else:
            self.show_outbox_banner()

    def signed_in(self) -> None:
        """Signed in again: what is shown may be stale."""
        self.load()

    # Loading and rendering

    @work(group="ticket-read", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        """Fetch the ticket and its conversation, keeping the old one on screen until it arrives."""
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.loading = not await show_cached_thread(self)  # the cached one at once, if any
        row_only = conversation.loading and await show_queued_row(self)  # else its header, from the queue
        try:
            thread = await self.desk.open_ticket(self.ticket_id)
        except FrontlineError as error:
            self.frontline.report_error(error)
            if row_only or self.thread is None or self.thread.ticket.id != self.ticket_id:
                unread = "The conversation was not read on this machine yet.\n" if row_only else ""
                await conversation.remove_children()
                await conversation.mount(
                    Static(
                        Content(f"{unread}{error.message}\nPress R to try again, escape to go back."),
                        id="ticket-message",
                    )
                )
            return
        finally:
            conversation.loading = False
        await self.show_thread(thread)
        remember_thread(self, thread)
        mark_opened(self.app, thread.ticket)  # seen however it was opened (queue, #, J/K, drafts list)
        if self._journalled != thread.ticket.id:
            self._journalled = thread.ticket.id
            record_opened(self.frontline, thread.ticket)
        self.frontline.outbox_watch.helpdesk_answered()

    async def show_thread(self, thread: TicketThread) -> None:
        keep_scroll = self.thread is not None and self.thread.ticket.id == thread.ticket.id
        self.thread = thread
        now = self.frontline.clock()
        show_header(self, thread)
        self.query_one(RequesterLine).show_for(thread.ticket, self.desk)
        conversation = self.query_one("#conversation", VerticalScroll)
        self.query_one(ConversationSearch).clear()
        await conversation.remove_children()
        cards = [CommentCard(comment, now, thread.ticket) for comment in thread.comments]
        if cards:
            await conversation.mount_all(cards)
        else:
            await conversation.mount(Static("No conversation yet.", id="ticket-message", markup=False))
        if not keep_scroll:
            self.call_after_refresh(self.scroll_to_newest)
        if self.focused is None:
            conversation.focus()  # not while loading: a loading widget takes no keys
        self.show_draft_banner()
        self.show_outbox_banner()
        self.refresh_bindings()

    def show_draft_banner(self) -> None:
        """Say so when an unsent reply or note, or a kept escalation form, waits for this ticket."""
        banner = self.query_one("#ticket-draft", Static)
        try:
            drafts = unsent_drafts(self.drafts, self.desk.profile_name, self.ticket_id)
        except FrontlineError as error:
            self.frontline.report_error(error)
            drafts = []
        lines: list[str] = []
        for draft in drafts:
            kind = draft.kind.label
            key = "r" if draft.public else "n"
            lines.append(f"✎ Unsent {kind} saved {local_time(draft.saved_at)}. Press {key} to continue it.")
        if self._escalation_form_waiting():
            lines.append("✎ An escalation form is kept for this ticket. Press E to continue it.")
        if not lines:
            banner.remove_class("-visible")
            return
        banner.update(Content("\n".join(lines)))
        banner.add_class("-visible")

    def _escalation_form_waiting(self) -> bool:
        escalations = self.frontline.session.escalations
        if escalations is None:
            return False
        try:
            return escalations.repository.load_form(self.desk.profile_name, self.ticket_id) is not None
        except FrontlineError:
            return False

    def show_outbox_banner(self) -> None:
        """Say how this ticket's writes stand: queued, sending, in doubt, or lately failed or partly sent."""
        banner = self.query_one("#ticket-outbox", Static)
        desk = self.desk
        try:
            entries = desk.outbox.repository.for_ticket(desk.profile_name, self.ticket_id)
        except FrontlineError as error:
            self.frontline.report_error(error)
            entries = []
        lines = banner_lines(entries, self.frontline.clock())
        banner.update(Content("\n".join(lines)))
        banner.set_class(bool(lines), "-visible")

    # Which keys apply

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what this helpdesk cannot do; dim what needs the ticket until it has loaded.

        Reply, note and macro stay live while loading so the key answers "still loading" instead of
        doing nothing.
        """
        capabilities = self.desk.capabilities
        supported = {
            "note": capabilities.internal_notes,
            "macro": capabilities.macros,
            "next_ticket": self.neighbours is not None,
            "previous_ticket": self.neighbours is not None,
            "assign_me": capabilities.assign,
            "assign": capabilities.assign,
            "priority": capabilities.priorities,
            "tags": capabilities.tags,
        }
        if not supported.get(action, True):
            return False
        if action in NEEDS_LOADED_TICKET and self.thread is None:
            return None
        return True

    # Navigation

    def action_back(self) -> None:
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.load()

    def action_next_ticket(self) -> None:
        self._go_to(self.neighbours.next_ticket_id(self.ticket_id) if self.neighbours else None, "last")

    def action_previous_ticket(self) -> None:
        self._go_to(self.neighbours.previous_ticket_id(self.ticket_id) if self.neighbours else None, "first")

    def _go_to(self, ticket_id: str | None, edge: str) -> None:
        if ticket_id is None:
            self.notify(f"This is the {edge} ticket of the view.", timeout=3)
            return
        self.ticket_id = ticket_id
        self.query_one("#ticket-header", Static).update(Content(f"Ticket {ticket_id}"))
        self.load()

    # Composer

    def action_reply(self) -> None:
        self._open_composer(public=True)

    def action_note(self) -> None:
        self._open_composer(public=False)

    def action_macro(self) -> None:
        self._open_composer(public=True, start_with_macro=True)

    def _open_composer(self, *, public: bool, start_with_macro: bool = False) -> None:
        from frontline.ui.screens.composer import ComposerScreen

        if self.thread is None:
            self.notify("The ticket is still loading.", timeout=3)
            return
        composer = ComposerScreen(self.thread, public=public, start_with_macro=start_with_macro)
        self.app.push_screen(composer, self._composer_closed)

    def _composer_closed(self, result: str | None) -> None:
        if result == "sent":
            self.load()
        self.show_draft_banner()
        self.show_outbox_banner()

    # Ticket actions

    def action_escalate(self) -> None:
        from frontline.ui.escalation_open import start_escalation

        start_escalation(self, self.ticket_id, self.thread)

    def action_handoff_note(self) -> None:
        open_handoff_note(self.frontline, self.ticket, self.thread)

    @work(group="ticket-ui", exclusive=True, exit_on_error=False)
    async def action_assign_me(self) -> None:
        ticket = self.ticket
        if ticket is None:
            return
        try:
            me = self.desk.me or await self.desk.connect()
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        if ticket.assignee is not None and ticket.assignee.id == me.id:
            self.notify("This ticket is already yours.", timeout=3)
            return
        if await confirm_take(self.app, ticket, me):
            self.submit_change(TicketUpdate(assignee_id=me.id, revision=ticket.stamp), "Assigned to you")

    @work(group="ticket-ui", exclusive=True, exit_on_error=False)
    async def action_assign(self) -> None:
        if self.ticket is not None:
            self._submit_chosen(await choose_assignee(self.app, self.desk, self.ticket))

    def action_undo(self) -> None:
        """Put back the last field change made here, within a few seconds, as a second write."""
        last = undo.take(self.app, self.ticket_id, self.frontline.clock())
        if last is None:
            self.notify("Nothing to undo.", timeout=3)
            return
        self.submit_change(last.inverse, f"Undone: {last.done[:1].lower()}{last.done[1:]}", undoable=False)

    @work(group="ticket-ui", exclusive=True, exit_on_error=False)
    async def action_status(self) -> None:
        if self.ticket is not None:
            self._submit_chosen(await choose_status(self.app, self.desk, self.ticket))

    @work(group="ticket-ui", exclusive=True, exit_on_error=False)
    async def action_priority(self) -> None:
        if self.ticket is not None:
            self._submit_chosen(await choose_priority(self.app, self.desk, self.ticket))

    @work(group="ticket-ui", exclusive=True, exit_on_error=False)
    async def action_tags(self) -> None:
        if self.ticket is not None:
            self._submit_chosen(await choose_tags(self.app, self.ticket))

    def _submit_chosen(self, change: FieldChange | None) -> None:
        if change is not None:
            self.submit_change(*change)

    def submit_change(self, update: TicketUpdate, done: str, *, undoable: bool = True) -> None:
        """Send one field change as the app's write, so leaving this screen never cancels it."""
        self.notify(f"{done}: saving…", timeout=2)
        before = self.ticket if undoable else None
        self.frontline.writes.run(
            self._apply_change(update, done, before), name=f"{done.lower()} on #{self.ticket_id}"
        )

    async def _apply_change(self, update: TicketUpdate, done: str, before: Ticket | None = None) -> None:
        """On success show the ticket as the helpdesk now has it (if this screen is still open)."""
        try:
            ticket = await self.desk.submit(
                self.ticket_id, update, queue_if_unreachable=True, purpose=WritePurpose.CHANGE
            )
        except WriteQueued:
            helpdesk = self.desk.helpdesk_name
            self.frontline.notify(
                f"Queued: {done.lower()} on #{self.ticket_id} goes out when {helpdesk} is back.",
                title="Queued",
                timeout=8,
                markup=False,
            )
            return
        except ConflictError as error:
            self.frontline.report_error(error)
            if self.is_attached:
                self.notify(
                    "The ticket changed meanwhile: reloading it. Try again on the fresh copy.", timeout=8
                )
                self.load()
            return
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        hint = undo.offer(self.app, self.frontline.clock(), before, update, ticket, done)
        self.frontline.notify(f"{done} on #{self.ticket_id}{hint}", timeout=8 if hint else 3, markup=False)
        if self.is_attached and self.thread is not None and ticket.id == self.thread.ticket.id:
            await self.show_thread(self.thread.model_copy(update={"ticket": ticket}))
