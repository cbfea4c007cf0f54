"""The cached queue paints in the order it was last shown, before anything is sorted: the local cache
keeps each view in its sort order, the next start shows those rows as they are (`QueueModel.as_given`,
at the cost of the rows on screen), and the sorted, indexed queue built off the UI thread replaces them.
A cursor the engineer moved meanwhile stays on its ticket; one left at the top stays at the top."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from support.apps import make_app
from support.cached_start import GatedHelpdesk, first_run, queue_of, until
from support.fake_helpdesk import FakeHelpdesk
from textual.widgets import Tabs

from frontline.domain.queue_load import LoadPlan
from frontline.ui.app import FrontlineApp


def shown_ids(app: FrontlineApp) -> list[str]:
    model = queue_of(app).queue_list.model
    return [model.ticket_at(position).id for position in range(len(model))]


class HeldLoads:
    """Once `armed`, loads prepared off the UI thread wait for `go`: the as-given rows stay until then."""

    def __init__(self) -> None:
        self.armed = False
        self.go = threading.Event()


@pytest.fixture
def held_loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldLoads]:
    held = HeldLoads()
    run = LoadPlan.run

    def waiting(plan: LoadPlan) -> LoadPlan:
        if plan.off_thread and held.armed:
            held.go.wait(timeout=30)
        return run(plan)

    monkeypatch.setattr(LoadPlan, "run", waiting)
    yield held
    held.go.set()


async def test_the_cache_keeps_a_view_in_the_order_it_was_shown() -> None:
    app = make_app(FakeHelpdesk())
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: queue_of(app).sync.is_loaded("all"))
        await app.workers.wait_for_complete()
        await app.session.cache.settle()
        shown = [t.id for t in queue_of(app).sync.models["all"].in_sort_order()]
        cached = await app.session.cache.view("all")
    assert cached is not None
    assert [t.id for t in cached.tickets] == shown
    assert shown != sorted(shown, key=int), "the sort order (next SLA breach), not the helpdesk's"


async def reversed_cache() -> list[str]:
    """A first run, then the cached "all" view written back in reverse: unlike any sort of it."""
    await first_run(FakeHelpdesk())
    cache = make_app(FakeHelpdesk()).session.cache  # the same data directory, not started
    cached = await cache.view("all")
    assert cached is not None and cached.synced_at is not None
    backwards = list(reversed(cached.tickets))
    cache.remember_view("all", backwards, cached.synced_at)
    await cache.settle()
    return [t.id for t in backwards]


@pytest.mark.parametrize("move_cursor", [False, True])
async def test_a_start_paints_the_cached_rows_as_given_then_sorted(
    held_loads: HeldLoads, move_cursor: bool
) -> None:
    given = await reversed_cache()
    held_loads.armed = True
    app = make_app(GatedHelpdesk())
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: len(queue_of(app).queue_list.model) == 40)
        queue = queue_of(app).queue_list
        assert queue.model.awaiting_load, "shown before its load was prepared"
        assert shown_ids(app) == given, "in the order the cache gave"
        if move_cursor:
            await pilot.press("down", "down")
        kept = queue.highlighted_ticket_id

        held_loads.go.set()
        await until(pilot, lambda: not queue.model.awaiting_load)
        shown = shown_ids(app)
        assert shown == [t.id for t in queue.model.in_sort_order()]
        assert shown != given, "sorted now"
        if move_cursor:
            assert queue.highlighted_ticket_id == kept, "a moved cursor stays on its ticket"
        else:
            assert queue.cursor == 0 and queue.highlighted_ticket_id == shown[0], (
                "an untouched one stays on top"
            )


async def test_a_view_chosen_before_the_helpdesk_answers_stays_chosen() -> None:
    app = make_app(FakeHelpdesk())
    async with app.run_test(size=(140, 30)) as pilot:  # both views loaded, so both are cached
        await until(pilot, lambda: queue_of(app).sync.is_loaded("all"))
        await pilot.press("2")
        await until(pilot, lambda: queue_of(app).sync.is_loaded("mine"))
        await app.workers.wait_for_complete()
        await app.session.cache.settle()

    helpdesk = GatedHelpdesk()
    again = make_app(helpdesk)
    async with again.run_test(size=(140, 30)) as pilot:
        screen = queue_of(again)
        await until(pilot, lambda: len(screen.queue_list.model) > 0 and len(screen.views) == 3)
        await pilot.press("2")
        await until(pilot, lambda: screen.current_view_id == "mine")
        helpdesk.gate.set()  # the view list arrives, the same as cached
        await until(pilot, lambda: helpdesk.answered > 0 and screen.sync.is_loaded("mine"))
        await until(pilot, lambda: "synced just now" in screen.status_bar.text)
        assert screen.current_view_id == "mine", "the tabs were relabelled, not made again"
        assert screen.query_one("#queue-views", Tabs).active == "view-1"
