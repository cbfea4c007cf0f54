"""The queue list's first paint of tickets handed to it: rows for the tickets on screen only, the next
page built once they are painted (never ahead of them), and caches that follow what changes (the sort
arrow in the header, the scrollbar's columns)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.containers import Vertical

from frontline.domain.models import Ticket
from frontline.domain.queue import QueueModel
from frontline.domain.seen import SeenTickets
from frontline.ui.widgets.queue_list import QueueList

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SIZE = (120, 20)


def tickets(count: int) -> list[Ticket]:
    return [
        Ticket(
            id=str(n),
            key=f"#{n}",
            subject=f"Ticket {n}",
            created_at=NOW - timedelta(hours=5),
            updated_at=NOW - timedelta(minutes=n),
        )
        for n in range(1, count + 1)
    ]


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Vertical(id="host")


async def mounted(app: Host) -> QueueList:
    queue = QueueList(QueueModel(), clock=lambda: NOW)
    await app.query_one("#host").mount(queue)
    queue.focus()
    return queue


def sorted_column(header: str) -> str:
    """The title the sort arrow stands after."""
    words = header.split()
    arrow = next(index for index, word in enumerate(words) if word in ("▲", "▼"))
    return words[arrow - 1]


def built_rows(queue: QueueList) -> set[int]:
    """Load-order indexes of the tickets whose rows the list has built."""
    return {key[0] for key in queue.rows._strips}  # type: ignore[misc]


async def test_the_next_page_is_built_after_the_rows_on_screen_never_before() -> None:
    given = tickets(200)
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        queue = await mounted(app)
        await pilot.pause()
        queue.set_model(QueueModel.as_given(given, seen=SeenTickets(), now=NOW))
        queue._prefetch()  # a prefetch asked for before this model: its rows are not painted yet
        assert built_rows(queue) == set(), "no row is built ahead of the first paint"
        await pilot.pause()
        await pilot.pause()
        page = queue.scrollable_content_region.height - 1
        assert set(range(2 * page)) <= built_rows(queue), "the rows on screen, then the page below"


async def test_a_model_shown_as_given_schedules_no_filter_index_until_its_load() -> None:
    given = tickets(50)
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        queue = await mounted(app)
        model = QueueModel.as_given(given, now=NOW, sort="id")
        model.index_from = 2
        queue.set_model(model)
        await pilot.pause()
        assert not model.index_ready
        plan = model.plan_load(given, now=NOW)
        assert model.install(plan.run())
        queue.model_changed()
        await pilot.pause()
        model._ready_index()
        assert model._index is not None or model._index_build is not None


async def test_the_header_follows_the_sort_and_rows_the_scrollbar() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        queue = await mounted(app)
        await pilot.pause()
        width = queue.scrollable_content_region.width
        model = QueueModel(tickets(3), now=NOW, sort="id")
        queue.set_model(model)
        await pilot.pause()
        assert sorted_column(queue.rows.header(model, width).text) == "id"
        model.set_sort("updated", now=NOW)
        queue.model_changed()
        await pilot.pause()
        assert sorted_column(queue.rows.header(model, width).text) == "updated"

        short = queue.render_lines(queue.size.region)[1]
        queue.set_model(QueueModel(tickets(200), now=NOW))
        await pilot.pause()
        assert queue.show_vertical_scrollbar
        long = queue.render_lines(queue.size.region)[1]
        assert short.cell_length == long.cell_length == queue.content_region.width
        assert long.text.rstrip().endswith("1m"), "rows narrowed for the scrollbar keep their last column"
