"""The queue screen: views as tabs, the virtual ticket list, `/` filter, sort, refresh and the status bar.

All helpdesk I/O runs in `@work` async workers that call the screen's `QueueSync`; the UI never waits on
the network. The sync service holds the rules (which views are stale, when one is due for a refresh,
what a local write does to every view, which changes are customer replies); this screen renders what it
returns and reports failures through `app.report_error`, keeping the rows already shown.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tab, Tabs

from frontline.domain.models import View
from frontline.domain.queue import QueueModel, SortMode, sort_label
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.queue_sync import LocalWrite, QueueSync
from frontline.ui.cached_start import CHECKING_VIEWS, banners, cached_start
from frontline.ui.queue_apply import apply_loaded_tickets, settle_loaded_tickets
from frontline.ui.queue_bugs import QueueBugColumn
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.search_view import SEARCH_TAB, QueueFinding
from frontline.ui.widgets.queue_list import QueueList
from frontline.ui.widgets.queue_split import PreviewToggle, QueueSplit
from frontline.ui.widgets.status_bar import StatusBar

__all__ = ["QueueScreen", "settle_loaded_tickets", "tab_id"]
MAX_VIEW_KEYS = 9
REFRESH_CHECK_SECONDS = 1.0  # how often the active view's age is compared with its refresh interval (no I/O)
LOAD_GROUP = "queue-load"  # view loads: exclusive, and `refresh_when_due` starts none while one is pending


def tab_id(index: int) -> str:
    """Tab ids are positional: helpdesk view ids are not always valid CSS identifiers."""
    return f"view-{index}"


class QueueScreen(QueueFinding, PreviewToggle, FrontlineScreen, Screen[None]):
    """The engineer's home: one tab per view, the tickets of the active one, always fresh."""

    HOME = True
    """`q` quits here; on every other screen it goes back (see `FrontlineScreen`)."""
    KEYMAP_WIDGETS = (QueueList,)
    """The focusable widgets whose keys meet this screen's: `[keymap]` clashes are checked together."""

    BINDINGS = [
        # A priority binding runs as the key arrives, before the keys typed after it are routed: a
        # burst such as "/ref" (fast typing, a paste) lands in the filter, not on the list.
        Binding("slash", "filter", "Filter", id="queue.filter", priority=True),
        Binding("escape", "clear_filter", "Clear filter", id="queue.clear-filter", show=False),
        Binding("s", "pick_sort", "Sort", id="queue.sort"),
        Binding("S", "search", "Search helpdesk", id="queue.search"),
        Binding("x", "close_search", "Close search", id="queue.close-search", show=False),
        Binding("R", "refresh", "Refresh", id="queue.refresh"),
        Binding("E", "escalate", "Escalate", id="queue.escalate", show=False),
        Binding("h", "handoff_note", "Handoff note", id="queue.handoff-note", show=False),
        Binding("H", "handoff", "Handoff", id="queue.handoff", show=False),
        Binding("right_square_bracket", "next_view", "Next view", id="queue.next-view"),
        Binding("left_square_bracket", "previous_view", "Previous view", id="queue.prev-view"),
        Binding("v", "toggle_preview", "Preview", id="queue.preview", show=False),
        Binding("shift+down", "scroll_preview(1)", "Preview down", id="queue.preview-down", show=False),
        Binding("shift+up", "scroll_preview(-1)", "Preview up", id="queue.preview-up", show=False),
        *[
            Binding(str(n), f"switch_view({n - 1})", f"View {n}", id=f"queue.view-{n}", show=False)
            for n in range(1, MAX_VIEW_KEYS + 1)
        ],
    ]

    DEFAULT_CSS = """
    QueueScreen {
        #queue-views { height: 2; }
        #queue-views Tab { color: $text-muted; }  /* Textual's 50% foreground reads under 4.5:1 */
        #queue-views Tab.-active, #queue-views Tab:hover { color: $foreground; }
        #queue-progress { height: 1; padding: 0 1; color: $text-muted; display: none; }
        #queue-progress.-loading { display: block; }
        #queue-filter { display: none; height: 1; border: none; padding: 0 1; }
        #queue-filter.-shown { display: block; }
    }
    """

    def __init__(
        self,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        *,
        sync: QueueSync | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.query_text = ""
        self._sync = sync
        self._unsubscribe: Callable[[], None] | None = None
        self._ticket_screen: Screen[None] | None = None
        self.bug_column = QueueBugColumn(self)

    @property
    def sync(self) -> QueueSync:
        """The desk's views and their freshness; made from the app's desk, clock and settings if not given."""
        if self._sync is None:
            app = self.frontline
            every, seen_store = app.settings.ui.refresh_seconds, app.session.seen_state
            self._sync = QueueSync(app.desk, clock=app.clock, refresh_seconds=every, seen_store=seen_store)
        return self._sync

    def name_in_handoff(self, ticket_ids: frozenset[str]) -> None:
        """Mark the tickets the previous shift's handoff named (⚑) until they are opened."""
        self.sync.seen.name_in_handoff(ticket_ids)
        self.refresh(layout=False)
        for queue in self.query(QueueList):
            queue.refresh()

    @property
    def views(self) -> list[View]:
        return self.sync.views

    @property
    def current_view_id(self) -> str | None:
        return self.sync.current_view_id

    @property
    def sort_mode(self) -> SortMode:
        return self.sync.sort_mode

    @property
    def queue_list(self) -> QueueList:
        return self.query_one(QueueList)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def compose(self) -> ComposeResult:
        yield from banners()  # signed out, offline
        tabs = Tabs(id="queue-views")
        tabs.can_focus = False
        yield tabs
        yield Static(id="queue-progress")
        yield Input(
            placeholder="Filter: id, subject, requester, org, assignee, status, tag…", id="queue-filter"
        )
        yield QueueSplit(QueueModel(seen=self.sync.seen))
        yield StatusBar()  # the footer is mounted once the first rows have painted (`show_footer`)

    async def show_footer(self) -> None:
        """Mount the footer: composing its keys costs the UI thread ~30 ms the first rows need not wait."""
        if not self.query(Footer):
            await self.mount(Footer())
            self.refresh_bindings()  # a footer lists the keys from the next bindings update on

    def on_mount(self) -> None:
        self.queue_list.empty_text = "Loading views…"
        self.queue_list.focus()
        self._unsubscribe = self.sync.follow_local_writes(self._local_write)
        self.set_interval(REFRESH_CHECK_SECONDS, self.refresh_when_due)
        self.set_interval(15, self.queue_list.refresh)  # SLA countdowns and ages tick
        self._update_status()
        self.bug_column.attach()
        cached_start(self).start()  # the cached queue at once, then `load_views`

    def on_unmount(self) -> None:
        self.sync.keeper.save_now()  # a mark made just before quitting
        self.bug_column.detach()
        if self._unsubscribe is not None:
            self._unsubscribe()

    # -- loading ---------------------------------------------------------------------------------------

    @work(exclusive=True, group="queue-views", exit_on_error=False)
    async def load_views(self) -> None:
        """Fetch the view list, make the tabs (activating the first loads it), then the counts."""
        bar = self.status_bar
        bar.activity = bar.activity or CHECKING_VIEWS  # what the status bar says until the views are in
        try:
            await self._load_views()
        finally:
            if bar.activity == CHECKING_VIEWS:
                bar.activity = ""

    async def _load_views(self) -> None:
        painted = [view.id for view in self.views]  # the tabs on screen (from the local cache, or none)
        try:
            await self.sync.load_views()
        except FrontlineError as error:
            self.frontline.report_error(error)
            self.status_bar.sync_failed = True
            self.queue_list.empty_text = f"Could not load views: {error.message} Press R to retry."
            self.queue_list.refresh()
            return
        for notice in self.sync.desk.notices():  # a desk left out (no agent rights there), say so once
            self.notify(notice, title="Not every desk is listed", severity="warning", timeout=12)
        if not self.views:
            self.queue_list.empty_text = "This helpdesk lists no views for you."
            self.queue_list.refresh()
            return
        self.refresh_bindings()  # the number keys for views that exist
        if painted == [view.id for view in self.views]:  # the cached tabs were right: relabel them only,
            for view in self.views:  # so the view the engineer chose meanwhile stays chosen and loading
                self._relabel(view.id)
        else:
            tabs = self.query_one(Tabs)
            await tabs.clear()
            for index, view in enumerate(self.views):
                await tabs.add_tab(Tab(self._tab_label(view), id=tab_id(index)))
        self.load_counts()

    @work(exclusive=True, group="queue-counts", exit_on_error=False)
    async def load_counts(self) -> None:
        """Ask the helpdesk how many tickets each view holds, for the tab labels (best effort)."""
        await self.sync.load_counts(lambda view_id, _count: self._relabel(view_id))

    @work(exclusive=True, group=LOAD_GROUP, exit_on_error=False)
    async def load_view(self, view_id: str) -> None:
        """Load (or reload) every ticket of a view, showing progress; keep old rows if it fails."""
        app = self.frontline
        first = not self.sync.is_loaded(view_id)
        expected = self.sync.counts.get(view_id)
        progress = self.query_one("#queue-progress", Static)

        def on_progress(count: int) -> None:
            about = f" of ~{expected:,}" if expected else ""
            progress.update(Content(f"Loading {count:,}{about} tickets…"))
            self.status_bar.activity = "loading…"

        progress.set_class(first, "-loading")
        on_progress(0)
        try:
            tickets = await self.sync.fetch_view(view_id, on_progress=on_progress)
        except FrontlineError as error:
            app.report_error(error)
            self._update_status()
            if first:
                self.queue_list.empty_text = f"Could not load this view: {error.message} Press R to retry."
                self.queue_list.refresh()
            return
        finally:
            progress.remove_class("-loading")
            self.status_bar.activity = ""
        await apply_loaded_tickets(self, view_id, tickets)  # built off the UI thread, then swapped in
        cached_start(self).loaded(view_id, tickets)  # kept for the next start (off the UI thread)
        self.frontline.outbox_watch.helpdesk_answered()

    def refresh_when_due(self) -> None:
        """Reload the active view once it is older than its refresh interval (checked every second).

        Not named `auto_refresh` (Textual's own repaint-interval property). Nothing is due while signed out
        (polling waits for `L`), nor while a load is asked for but not begun (`L`'s: else two, one cut off).
        """
        view_id = self.current_view_id
        if view_id is None or self.frontline.signed_out or not self.sync.auto_refresh_due(view_id):
            return
        if not any(worker.group == LOAD_GROUP and not worker.is_finished for worker in self.workers):
            self.load_view(view_id)

    def signed_in(self) -> None:
        """Signed in again: polling resumes, starting with a refresh now."""
        self.sync.resume()
        self.action_refresh()

    def _local_write(self, write: LocalWrite) -> None:
        """A submit from this app changed a ticket in the cached views: repaint what it touched, and read
        its conversation again for the preview."""
        self.query_one(QueueSplit).pane.reload(write.ticket)
        for view_id in write.removed_from:
            self._relabel(view_id)
        if write.shown_position is not None:
            self.queue_list.refresh_position(write.shown_position)

    # -- views -----------------------------------------------------------------------------------------

    def _tab_label(self, view: View) -> Content:
        count = self.sync.counts.get(view.id)
        title = one_line(view.title)
        if count is None:
            return Content(title)
        return Content.assemble(title, (f" {count:,}", "$text-muted"))  # "dim" on a muted tab: 2.6:1

    def _relabel(self, view_id: str) -> None:
        """Show a view's ticket count, as the sync service last recorded it, in its tab label."""
        for index, view in enumerate(self.views):
            if view.id == view_id:
                tabs = self.query(f"#{tab_id(index)}").results(Tab)
                for tab in tabs:
                    tab.label = self._tab_label(view)
                    if tab.has_class("-active"):  # its width changed: keep it in sight
                        self.call_after_refresh(tab.scroll_visible, animate=False, force=True)

    @on(Tabs.TabActivated, "#queue-views")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or event.tab.id is None or event.tab.id == SEARCH_TAB:
            self.show_search()  # does nothing without a search
            return
        index = int(event.tab.id.removeprefix("view-"))
        self.show_view(self.views[index].id)

    def show_view(self, view_id: str) -> None:
        """Make a view current: show its cached rows at once, load it if it never was."""
        if view_id == self.current_view_id and not self.showing_search:
            return  # Tabs re-announces the active tab as tabs are added
        model = self.sync.select(view_id)
        model.set_filter(self.query_text)
        self.queue_list.empty_text = (
            "No tickets in this view." if self.sync.is_loaded(view_id) else "Loading…"
        )
        self.queue_list.set_model(model)
        self._update_status()
        self.frontline.session.cache.remember_shown(view_id)
        if self.sync.is_stale(view_id):
            self.load_view(view_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Number keys exist only for the views there are (help and the palette list no others)."""
        if action == "filter" and getattr(self.focused, "id", None) == "queue-filter":
            return False  # typing in the filter: the key is text (a "/" in a path)
        if action == "switch_view" and parameters:
            index = parameters[0]
            return isinstance(index, int) and 0 <= index < len(self.views)
        if action == "close_search":
            return self.search_model is not None
        return True

    def action_switch_view(self, index: int) -> None:
        """The view's tab, once it exists: right after a start from the cache the views can be known a
        moment before their tabs are mounted, and a key pressed then is simply early, not an error."""
        tabs = self.query_one(Tabs)
        if 0 <= index < len(self.views) and tabs.query(f"#{tab_id(index)}"):
            tabs.active = tab_id(index)

    def action_next_view(self) -> None:
        self.query_one(Tabs).action_next_tab()

    def action_previous_view(self) -> None:
        self.query_one(Tabs).action_previous_tab()

    # -- sort, filter, refresh, open -------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.showing_search:
            self.rerun_search()
        elif self.current_view_id is None:
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
            self.action_close_search()  # escape again: leave the search tab
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
        self.filter_applied()
        self._update_status()

    @on(QueueList.Opened)
    def _open_ticket(self, event: QueueList.Opened) -> None:
        # The ticket screen marks it seen once its thread is shown (`frontline.ui.seen_marks`).
        from frontline.ui.screens.ticket import TicketScreen  # the first screen paints without it

        screen = TicketScreen(event.ticket_id, neighbours=self.queue_list.model)
        self._ticket_screen = screen
        self.app.push_screen(screen)

    def action_escalate(self) -> None:
        from frontline.ui.escalation_open import start_escalation

        ticket_id = self.queue_list.highlighted_ticket_id
        if ticket_id is None:
            self.notify("No ticket highlighted to escalate.", timeout=3)
            return
        start_escalation(self, ticket_id)

    def action_handoff_note(self) -> None:
        from frontline.ui.screens.handoff_note import open_handoff_note

        listing = self.queue_list
        ticket = listing.model.ticket_at(listing.cursor) if listing.highlighted_ticket_id else None
        open_handoff_note(self.frontline, ticket)

    def action_handoff(self) -> None:
        from frontline.ui.screens.handoff import HandoffScreen

        self.app.push_screen(HandoffScreen())

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
        view = self.sync.view(self.current_view_id)
        title = f"Search: {self.search_query}" if self.showing_search else view.title if view else ""
        bar.view_title = one_line(title)
        bar.shown = len(model)
        bar.total = model.total
        bar.sort_label = sort_label(self.sort_mode, self.sync.sort_reverse)
        view_id = self.current_view_id
        bar.last_sync = self.sync.synced_at(view_id) if view_id is not None else None
        bar.sync_failed = self.sync.sync_failed(view_id) if view_id is not None else bar.sync_failed
        bar.filter_text = one_line(self.query_text)

    def queue_actions(self) -> list[tuple[str, str, str]]:
        """(binding id, title, action) for the command palette: every queue action by its stable id."""
        actions = [(b.id or "", b.description, b.action) for b in self.BINDINGS if isinstance(b, Binding)]
        actions += [
            (b.id or "", b.description, b.action) for b in QueueList.BINDINGS if isinstance(b, Binding)
        ]
        return [action for action in actions if action[0]]
