"""Finding things from the queue: helpdesk search as a temporary tab, the sort picker, field-filter hints.

`QueueFinding` is mixed into `QueueScreen` (before it), so the queue screen keeps its own job. A search
asks the helpdesk (`Desk.search`: Zendesk search syntax, JQL on Jira Service Management) and shows the
results as a "Search: <query>" tab that is never saved; `x` (or escape with no filter) closes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.content import Content
from textual.widgets import Static, Tab, Tabs

from frontline.domain.models import Ticket
from frontline.domain.queue import QueueModel
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.ui.sort_picker import chosen_sort, sort_choices

if TYPE_CHECKING:
    from frontline.ui.screens.queue import QueueScreen

SEARCH_TAB = "search-view"
SEARCH_LIMIT = 100
"""Results shown for one search (the helpdesk's first page)."""
SEARCH_HINTS = {
    "zendesk": "Zendesk search: status:open requester:ana tags:vip refund (type:ticket is added)",
    "jsm": 'JQL within your desks: status = "Waiting for support" AND text ~ "refund", or plain words',
}


class FilterHint(Static):
    """The line under the `/` filter saying which field tokens it could not use."""

    DEFAULT_CSS = "FilterHint { height: auto; padding: 0 1; color: $text-warning; display: none; }"


class QueueFinding:
    """Search tab, sort picker and filter hints for `QueueScreen`."""

    search_model: QueueModel | None = None
    search_query = ""

    @property
    def _queue(self) -> QueueScreen:
        return cast("QueueScreen", self)

    @property
    def showing_search(self) -> bool:
        """The search tab's results are on screen (not a view's tickets)."""
        screen = self._queue
        return self.search_model is not None and screen.queue_list.model is self.search_model

    # -- search ----------------------------------------------------------------------------------------

    def action_search(self) -> None:
        screen = self._queue
        desk = screen.desk
        if not desk.capabilities.search:
            screen.notify(f"{desk.helpdesk_name} cannot search from frontline.", timeout=5, markup=False)
            return

        async def search(query: str) -> tuple[str, list[Ticket]]:
            return query, await desk.search(query, SEARCH_LIMIT)

        from frontline.ui.screens.goto import LookupScreen

        lookup = LookupScreen(
            f"Search {desk.helpdesk_name}",
            search,
            value=self.search_query,
            placeholder="search query",
            hint=SEARCH_HINTS.get(desk.adapter.kind, "the helpdesk's own search syntax")
            + "\nenter search · escape cancel",
        )
        screen.app.push_screen(lookup, self._searched)

    async def _searched(self, answer: tuple[str, list[Ticket]] | None) -> None:
        if answer is not None:
            await self.show_search_results(*answer)

    async def show_search_results(self, query: str, tickets: list[Ticket]) -> None:
        """Show `tickets` in the search tab (made, or relabelled, for `query`) and switch to it."""
        screen = self._queue
        sync = screen.sync
        model = QueueModel(
            tickets,
            seen=sync.seen,
            sort=sync.sort_mode,
            reverse=sync.sort_reverse,
            now=screen.frontline.clock(),
        )
        if screen.desk.me is not None:
            model.set_me(screen.desk.me.id)
        self.search_model, self.search_query = model, query
        tabs = screen.query_one(Tabs)
        label = Content.assemble(("Search: ", "bold"), one_line(query), (f" {len(tickets):,}", "dim"))
        existing = list(tabs.query(f"#{SEARCH_TAB}").results(Tab))
        for tab in existing:
            tab.label = label
        if not existing:
            await tabs.add_tab(Tab(label, id=SEARCH_TAB))
        tabs.active = SEARCH_TAB
        self.show_search()

    def show_search(self) -> None:
        """Put the search results on screen (the tab was activated)."""
        screen, model = self._queue, self.search_model
        if model is None or screen.queue_list.model is model:
            return
        model.set_filter(screen.query_text)
        screen.queue_list.empty_text = "Nothing found. R searches again, x closes this tab."
        screen.queue_list.set_model(model)
        screen._update_status()

    @work(exclusive=True, group="queue-search", exit_on_error=False)
    async def rerun_search(self) -> None:
        """`R` on the search tab: ask the helpdesk again."""
        screen = self._queue
        try:
            tickets = await screen.desk.search(self.search_query, SEARCH_LIMIT)
        except FrontlineError as error:
            screen.frontline.report_error(error)
            return
        if self.search_model is not None:
            keep = screen.queue_list.highlighted_ticket_id
            await self.show_search_results(self.search_query, tickets)
            screen.queue_list.model_changed(keep_ticket_id=keep)

    def action_close_search(self) -> None:
        """Close the search tab and go back to the view that was on screen."""
        screen = self._queue
        if self.search_model is None:
            return
        was_shown = self.showing_search
        self.search_model = None
        tabs = screen.query_one(Tabs)
        view_id = screen.current_view_id
        if was_shown and view_id is not None:
            model = screen.sync.select(view_id)
            model.set_filter(screen.query_text)
            screen.queue_list.empty_text = "No tickets in this view."
            screen.queue_list.set_model(model)
            index = next(i for i, view in enumerate(screen.views) if view.id == view_id)
            tabs.active = f"view-{index}"
        tabs.remove_tab(SEARCH_TAB)
        screen._update_status()

    # -- sort ------------------------------------------------------------------------------------------

    def action_pick_sort(self) -> None:
        screen = self._queue
        sync = screen.sync
        from frontline.ui.screens.pickers import ChoiceScreen

        picker = ChoiceScreen(
            "Sort by", sort_choices(sync.sort_mode, sync.sort_reverse), current=sync.sort_mode
        )
        screen.app.push_screen(picker, self._sort_chosen)

    def _sort_chosen(self, chosen: str | None) -> None:
        screen = self._queue
        sync = screen.sync
        choice = chosen_sort(sync.sort_mode, sync.sort_reverse, chosen or "")
        if choice is None:
            return
        sync.sort_mode, sync.sort_reverse = choice
        keep = screen.queue_list.highlighted_ticket_id
        screen.queue_list.model.set_sort(choice[0], now=screen.frontline.clock(), reverse=choice[1])
        screen.queue_list.model_changed(keep_ticket_id=keep)
        screen._update_status()

    # -- filter hints ----------------------------------------------------------------------------------

    def filter_applied(self) -> None:
        """After each filter change: show what the field tokens could not use; learn "me" if needed."""
        screen = self._queue
        model = screen.queue_list.model
        hints = screen.query(FilterHint)
        hint = hints.first() if hints else None
        if model.filter_problems and hint is None:
            hint = FilterHint()
            screen.mount(hint, after="#queue-filter")
        if hint is not None:
            hint.update(Content("\n".join(model.filter_problems)))
            hint.display = bool(model.filter_problems)
        if model.wants_me and model.me_id is None:
            self.learn_me()

    @work(exclusive=True, group="queue-me", exit_on_error=False)
    async def learn_me(self) -> None:
        """Ask who is signed in (once), then filter `assignee:me` again in every queue."""
        screen = self._queue
        try:
            me = await screen.desk.whoami()
        except FrontlineError as error:
            screen.frontline.report_error(error)
            return
        keep = screen.queue_list.highlighted_ticket_id
        for model in [*screen.sync.models.values(), *([self.search_model] if self.search_model else [])]:
            model.set_me(me.id)
        screen.queue_list.model.set_me(me.id)
        screen.queue_list.model_changed(keep_ticket_id=keep, fallback=0)
        screen._update_status()
