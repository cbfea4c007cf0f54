"""The queue screen: views as tabs, the virtual ticket list, `/` filter, sort, refresh and the status bar.

All helpdesk I/O runs in `@work` async workers that call `app.desk`; the UI never waits on the network.
A failed load keeps the rows already shown and reports the error through `app.report_error`. Every
view remembers when it last loaded: switching to one that is older than its refresh interval, or that a
local write may have changed, reloads it, and the status bar shows the age of the data on screen.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tab, Tabs

from frontline.domain.models import Status, Ticket, View
from frontline.domain.queue import SORT_LABELS, QueueModel, SeenTickets, SortMode
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.widgets.queue_list import QueueList
from frontline.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    pass

MAX_REPLY_NOTICES = 3
MAX_VIEW_KEYS = 9
REFRESH_CHECK_SECONDS = 1.0
"""How often the active view's age is compared with its refresh interval (a comparison, no I/O)."""
DONE = frozenset({Status.SOLVED, Status.CLOSED})
UNSOLVED_VIEW_WORDS = frozenset({"unsolved", "open"})
FILTER_PLACEHOLDER = "Filter: id, subject, requester, org, assignee, status, tag… (enter keeps, esc clears)"


def settle_loaded_tickets() -> None:
    """Move what is loaded so far out of the cyclic garbage collector's generations.

    A full collection walks every object: about 160 ms with 50,000 tickets loaded, a visible hitch
    while scrolling. Tickets hold no reference cycles, so reference counting still frees them when a
    refresh replaces them (a test checks it). The cost of this process-wide switch: cyclic garbage
    that exists at the moment of freezing is never collected, so it is called only right after
    tickets arrive, where the garbage so far is a load's worth of short-lived parsing objects.
    """
    gc.freeze()


def tab_id(index: int) -> str:
    """Tab ids are positional: helpdesk view ids are not always valid CSS identifiers."""
    return f"view-{index}"


def holds_only_unsolved(view: View) -> bool:
    """Whether the view's title says it lists unsolved tickets ("Your unsolved tickets", "All open")."""
    return bool(UNSOLVED_VIEW_WORDS & set(re.findall(r"\w+", view.title.lower())))


class QueueScreen(FrontlineScreen, Screen[None]):
    """The engineer's home: one tab per view, the tickets of the active one, always fresh."""

    BINDINGS = [
        # A priority binding runs as the key arrives, before the keys typed after it are routed: a
        # burst such as "/ref" (fast typing, a paste) lands in the filter, not on the list.
        Binding("slash", "filter", "Filter", id="queue.filter", priority=True),
        Binding("escape", "clear_filter", "Clear filter", id="queue.clear-filter", show=False),
        Binding("s", "cycle_sort", "Sort", id="queue.sort"),
        Binding("R", "refresh", "Refresh", id="queue.refresh"),
        Binding("right_square_bracket", "next_view", "Next view", id="queue.next-view"),
        Binding("left_square_bracket", "previous_view", "Previous view", id="queue.prev-view"),
        *[
            Binding(str(n), f"switch_view({n - 1})", f"View {n}", id=f"queue.view-{n}", show=False)
            for n in range(1, MAX_VIEW_KEYS + 1)
        ],
    ]

    DEFAULT_CSS = """
    QueueScreen {
        #queue-views { height: 2; }
        #queue-progress { height: 1; padding: 0 1; color: $text-muted; display: none; }
        #queue-progress.-loading { display: block; }
        #queue-filter { display: none; height: 1; border: none; padding: 0 1; }
        #queue-filter.-shown { display: block; }
    }
    """

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.seen = SeenTickets()
        self.views: list[View] = []
        self.models: dict[str, QueueModel] = {}
        self.current_view_id: str | None = None
        self.sort_mode: SortMode = "sla"
        self.query_text = ""
        self._loaded: set[str] = set()
        self._synced_at: dict[str, datetime] = {}
        self._dirty: set[str] = set()  # loaded views a local write may have changed
        self._failed: set[str] = set()  # views whose last load failed
        self._counts: dict[str, int] = {}
        self._loading = False
        self._unsubscribe: Callable[[], None] | None = None
        self._ticket_screen: Screen[None] | None = None

    @property
    def queue_list(self) -> QueueList:
        return self.query_one(QueueList)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def compose(self) -> ComposeResult:
        tabs = Tabs(id="queue-views")
        tabs.can_focus = False
        yield tabs
        yield Static(id="queue-progress")
        yield Input(
            placeholder="Filter: id, subject, requester, org, assignee, status, tag…", id="queue-filter"
        )
        yield QueueList(QueueModel(seen=self.seen), clock=self.frontline.clock, id="queue-list")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.queue_list.empty_text = "Loading views…"
        self.queue_list.focus()
        self._unsubscribe = self.frontline.desk.subscribe(self._ticket_changed)
        self.set_interval(REFRESH_CHECK_SECONDS, self.auto_refresh)
        self.set_interval(15, self.queue_list.refresh)  # SLA countdowns and ages tick
        self._update_status()
        self.load_views()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    # -- loading ---------------------------------------------------------------------------------------

    @work(exclusive=True, group="queue-views", exit_on_error=False)
    async def load_views(self) -> None:
        """Fetch the view list, make the tabs (activating the first loads it), then the counts."""
        try:
            self.views = await self.frontline.desk.views()
        except FrontlineError as error:
            self.frontline.report_error(error)
            self.status_bar.sync_failed = True
            self.queue_list.empty_text = f"Could not load views: {error.message} Press R to retry."
            self.queue_list.refresh()
            return
        if not self.views:
            self.queue_list.empty_text = "This helpdesk lists no views for you."
            self.queue_list.refresh()
            return
        self.refresh_bindings()  # the number keys for views that exist
        tabs = self.query_one(Tabs)
        await tabs.clear()
        for index, view in enumerate(self.views):
            if view.count is not None:
                self._counts[view.id] = view.count
            await tabs.add_tab(Tab(self._tab_label(view), id=tab_id(index)))
        self.load_counts()

    @work(exclusive=True, group="queue-counts", exit_on_error=False)
    async def load_counts(self) -> None:
        """Ask the helpdesk how many tickets each view holds, for the tab labels (best effort)."""
        for view in self.views:
            if view.id in self._counts:
                continue
            try:
                count = await self.frontline.desk.adapter.view_count(view.id)
            except FrontlineError:
                continue
            if count is not None and view.id not in self._counts:
                self._set_count(view.id, count)

    @work(exclusive=True, group="queue-load", exit_on_error=False)
    async def load_view(self, view_id: str) -> None:
        """Load (or reload) every ticket of a view, showing progress; keep old rows if it fails."""
        app = self.frontline
        first = view_id not in self._loaded
        self._loading = True
        expected = self._counts.get(view_id)
        progress = self.query_one("#queue-progress", Static)

        def on_progress(count: int) -> None:
            about = f" of ~{expected:,}" if expected else ""
            progress.update(Content(f"Loading {count:,}{about} tickets…"))
            self.status_bar.activity = "loading…"

        progress.set_class(first, "-loading")
        on_progress(0)
        try:
            tickets = await app.desk.load_view(view_id, on_progress=on_progress)
        except FrontlineError as error:
            app.report_error(error)
            self._failed.add(view_id)
            self._update_status()
            if first:
                self.queue_list.empty_text = f"Could not load this view: {error.message} Press R to retry."
                self.queue_list.refresh()
            return
        finally:
            self._loading = False
            progress.remove_class("-loading")
            self.status_bar.activity = ""
        self._apply_tickets(view_id, tickets, first=first)

    def _apply_tickets(self, view_id: str, tickets: list[Ticket], *, first: bool) -> None:
        app = self.frontline
        settle_loaded_tickets()
        model = self._model_for(view_id)
        keep = self.queue_list.highlighted_ticket_id if model is self.queue_list.model else None
        if first:
            self.seen.baseline(tickets)
            model.replace(tickets, now=app.clock())
        else:
            result = model.apply_refresh(tickets, self.seen, now=app.clock())
            self._announce_replies(result.customer_replies)
        settle_loaded_tickets()
        self._loaded.add(view_id)
        self._synced_at[view_id] = app.clock()
        self._dirty.discard(view_id)
        self._failed.discard(view_id)
        self._set_count(view_id, len(tickets))
        self._update_status()
        if view_id == self.current_view_id:
            self.queue_list.empty_text = "No tickets in this view."
            self.queue_list.model_changed(keep_ticket_id=keep)
            self._update_status()

    def _announce_replies(self, replies: list[Ticket]) -> None:
        if not replies:
            return
        app = self.frontline
        if len(replies) <= MAX_REPLY_NOTICES:
            for ticket in replies:
                message = f"{one_line(ticket.display_key)} {one_line(ticket.subject)}"
                app.notify(message, title="Customer replied", markup=False)
        else:
            app.notify(f"{len(replies)} tickets have new customer replies.", title="Customers replied")
        if app.settings.ui.bell:
            app.bell()

    def refresh_interval(self, view_id: str) -> timedelta:
        """The configured interval, stretched by the desk so big views stay within the rate limit."""
        configured = self.frontline.settings.ui.refresh_seconds
        return timedelta(seconds=self.frontline.desk.refresh_seconds(view_id, configured))

    def is_stale(self, view_id: str) -> bool:
        """Never loaded, changed by a local write, or older than its refresh interval."""
        synced = self._synced_at.get(view_id)
        if synced is None or view_id in self._dirty:
            return True
        return self.frontline.clock() - synced >= self.refresh_interval(view_id)

    def auto_refresh(self) -> None:
        """Reload the active view once it is older than its refresh interval (checked every second)."""
        view_id = self.current_view_id
        if view_id is None or view_id not in self._loaded or self._loading:
            return
        synced = self._synced_at.get(view_id)
        if synced is None or self.frontline.clock() - synced >= self.refresh_interval(view_id):
            self.load_view(view_id)

    def _ticket_changed(self, ticket: Ticket) -> None:
        """A submit from this app changed a ticket: update it in every cached view.

        The active view updates the row in place (rows do not jump under the cursor). Other views drop
        a solved ticket when their title says they hold unsolved ones. The write may also move the
        ticket into or out of views in ways only the helpdesk knows, so every loaded view is marked
        dirty and reloads when it is next shown.
        """
        self.seen.mark(ticket)
        shown = self.queue_list.model
        by_id = {view.id: view for view in self.views}
        for view_id, model in self.models.items():
            view = by_id.get(view_id)
            if (
                model is not shown
                and ticket.status in DONE
                and view is not None
                and holds_only_unsolved(view)
                and model.remove_ticket(ticket.id)
            ):
                self._set_count(view_id, model.total)
            else:
                position = model.update_ticket(ticket)
                if position is not None and model is shown:
                    self.queue_list.refresh_position(position)
        self._dirty.update(self._loaded)

    # -- views -----------------------------------------------------------------------------------------

    def _model_for(self, view_id: str) -> QueueModel:
        model = self.models.get(view_id)
        if model is None:
            model = QueueModel(seen=self.seen, sort=self.sort_mode, now=self.frontline.clock())
            self.models[view_id] = model
        return model

    def _tab_label(self, view: View) -> Content:
        count = self._counts.get(view.id)
        title = one_line(view.title)
        return Content.assemble(title, (f" {count:,}", "dim")) if count is not None else Content(title)

    def _set_count(self, view_id: str, count: int) -> None:
        self._counts[view_id] = count
        for index, view in enumerate(self.views):
            if view.id == view_id:
                tabs = self.query(f"#{tab_id(index)}").results(Tab)
                for tab in tabs:
                    tab.label = self._tab_label(view)

    @on(Tabs.TabActivated, "#queue-views")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or event.tab.id is None:
            return
        index = int(event.tab.id.removeprefix("view-"))
        self.show_view(self.views[index].id)

    def show_view(self, view_id: str) -> None:
        """Make a view current: show its cached rows at once, load it if it never was."""
        if view_id == self.current_view_id:
            return  # Tabs re-announces the active tab as tabs are added
        self.current_view_id = view_id
        model = self._model_for(view_id)
        if model.sort_mode != self.sort_mode:
            model.set_sort(self.sort_mode, now=self.frontline.clock())
        model.set_filter(self.query_text)
        self.queue_list.empty_text = "No tickets in this view." if view_id in self._loaded else "Loading…"
        self.queue_list.set_model(model)
        self._update_status()
        if self.is_stale(view_id):
            self.load_view(view_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Number keys exist only for the views there are (help and the palette list no others)."""
        if action == "filter" and getattr(self.focused, "id", None) == "queue-filter":
            return False  # typing in the filter: the key is text (a "/" in a path)
        if action == "switch_view" and parameters:
            index = parameters[0]
            return isinstance(index, int) and 0 <= index < len(self.views)
        return True

    def action_switch_view(self, index: int) -> None:
        if 0 <= index < len(self.views):
            self.query_one(Tabs).active = tab_id(index)

    def action_next_view(self) -> None:
        self.query_one(Tabs).action_next_tab()

    def action_previous_view(self) -> None:
        self.query_one(Tabs).action_previous_tab()

    # -- sort, filter, refresh, open -------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        model = self.queue_list.model
        keep = self.queue_list.highlighted_ticket_id
        self.sort_mode = model.next_sort_mode()
        model.set_sort(self.sort_mode, now=self.frontline.clock())
        self.queue_list.model_changed(keep_ticket_id=keep)
        self._update_status()

    def action_refresh(self) -> None:
        if self.current_view_id is None:
            self.load_views()
        else:
            self.load_view(self.current_view_id)

    def action_filter(self) -> None:
        """Show the filter and focus it at once, so the keys typed right after `/` are routed to it.

        `Widget.focus` is deferred behind the keys already queued; `Screen.set_focus` is not.
        """
        field = self.query_one("#queue-filter", Input)
        field.add_class("-shown")
        self.set_focus(field)

    def action_clear_filter(self) -> None:
        field = self.query_one("#queue-filter", Input)
        if not field.has_class("-shown") and not self.query_text:
            return
        field.value = ""
        field.remove_class("-shown")
        self._apply_filter("")
        self.queue_list.focus()

    @on(Input.Changed, "#queue-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    @on(Input.Submitted, "#queue-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.remove_class("-shown")
        self.queue_list.focus()

    def _apply_filter(self, query: str) -> None:
        if query == self.query_text:
            return
        self.query_text = query
        keep = self.queue_list.highlighted_ticket_id
        self.queue_list.model.set_filter(query)
        self.queue_list.model_changed(keep_ticket_id=keep, fallback=0)
        self._update_status()

    @on(QueueList.Opened)
    def _open_ticket(self, event: QueueList.Opened) -> None:
        model = self.queue_list.model
        position = model.position_of(event.ticket_id)
        if position is not None:
            self.seen.mark(model.ticket_at(position))
            self.queue_list.refresh_position(position)
        try:
            from frontline.ui.screens.ticket import TicketScreen
        except ImportError:
            self.notify("The ticket view is not available in this build.", severity="warning")
            return
        screen = TicketScreen(event.ticket_id, neighbours=model)
        self._ticket_screen = screen
        self.app.push_screen(screen)

    def on_screen_resume(self) -> None:
        """Back from a ticket: put the cursor on the ticket last viewed there (after `J`/`K`)."""
        screen, self._ticket_screen = self._ticket_screen, None
        ticket_id = getattr(screen, "ticket_id", None)
        if not isinstance(ticket_id, str):
            return
        position = self.queue_list.model.position_of(ticket_id)
        if position is not None:
            self.queue_list.move_cursor(position)

    def _update_status(self) -> None:
        bar = self.status_bar
        model = self.queue_list.model
        view = next((v for v in self.views if v.id == self.current_view_id), None)
        bar.view_title = one_line(view.title) if view else ""
        bar.shown = len(model)
        bar.total = model.total
        bar.sort_label = SORT_LABELS[self.sort_mode]
        view_id = self.current_view_id
        bar.last_sync = self._synced_at.get(view_id) if view_id is not None else None
        bar.sync_failed = view_id in self._failed if view_id is not None else bar.sync_failed
        bar.filter_text = one_line(self.query_text)

    def queue_actions(self) -> list[tuple[str, str, str]]:
        """(binding id, title, action) for the command palette: every queue action by its stable id."""
        actions = [(b.id or "", b.description, b.action) for b in self.BINDINGS if isinstance(b, Binding)]
        actions += [
            (b.id or "", b.description, b.action) for b in QueueList.BINDINGS if isinstance(b, Binding)
        ]
        return [action for action in actions if action[0]]
