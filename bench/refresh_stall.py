"""The longest UI-thread stall while a refresh is applied at N tickets (when bench/ui_stall.py is absent).

Run: .venv/bin/python bench/refresh_stall.py --size 50000   (prints JSON; `bench/run.py` runs it)

A headless app shows a view's queue (`QueueSync.model_for`, the list painted, the filter index ready),
then a coroutine on the app's event loop wakes every millisecond and records the longest gap between
two wake-ups (`LagRecorder`): first for one idle second (the floor: Textual's own idle work plus the
machine's noise), then while the queue screen's apply path runs on a reload that edited 20 tickets
(`QueueSync.accept_view_async` with the swap hook of `frontline.ui.queue_apply`: highlighted ticket read,
model installed, `QueueList.model_changed`; the synchronous `accept_view` where there is no async one),
until the filter index is ready again and half a second has passed. Any work frontline does on the loop,
directly or through the GIL from its worker threads, shows as a gap.

With `--ui-stall` it runs the `bench/ui_stall.py` figure instead (gaps between 5 ms Textual
timer ticks while its own replica of the apply path runs), with its timer on an idle app as the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queue_bench import NOW, SIZE, BenchApp, synthetic_tickets

from frontline.domain.models import Ticket
from frontline.services.queue_sync import QueueSync
from frontline.ui.screens.queue import settle_loaded_tickets
from frontline.ui.widgets.queue_list import QueueList

EDITED = 20
VIEW = "bench-view"


class LagRecorder:
    """Wakes every millisecond on the running loop; `longest_ms` is the longest gap seen since `reset`."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest_ms = max(self.longest_ms, (now - last) * 1000 - 1.0)
            last = now

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def reset(self) -> None:
        self.longest_ms = 0.0

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def _settled(sync: QueueSync, seconds: float) -> None:
    model = sync.models[VIEW]
    deadline = time.perf_counter() + 30
    while not model.index_ready and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(seconds)


def edited_copy(tickets: list[Ticket]) -> list[Ticket]:
    """The same tickets with `EDITED` of them, spread over the list, given a new subject and update time."""
    edited = list(tickets)
    for n in range(0, len(tickets), len(tickets) // EDITED):
        edited[n] = edited[n].replace(subject=f"{edited[n].subject} (edited)", updated_at=NOW)
    return edited


async def idle_floor(seconds: float = 1.0) -> float:
    """The recorder's longest gap on an idle headless app (no queue): the floor of any stall figure."""
    async with BenchApp().run_test(size=SIZE) as pilot:
        await pilot.pause()
        recorder = LagRecorder()
        recorder.start()
        await asyncio.sleep(seconds)
        recorder.stop()
        return recorder.longest_ms


async def timer_floor(tick: float, seconds: float = 1.0) -> float:
    """`ui_stall.py`'s own method on an idle headless app: the longest gap between `tick`-second ticks."""
    async with BenchApp().run_test(size=SIZE) as pilot:
        await pilot.pause()
        ticks: list[float] = []
        timer = pilot.app.set_interval(tick, lambda: ticks.append(time.perf_counter()))
        await asyncio.sleep(seconds)
        timer.stop()
    return max((b - a for a, b in itertools.pairwise(ticks)), default=0.0) * 1000


async def measure_ui_stall(count: int) -> dict[str, Any]:
    """The bench/ui_stall.py figure on the same tickets, and its timer on an idle app."""
    import ui_stall

    tickets = synthetic_tickets(count)
    stall = await ui_stall.longest_ui_stall_during_refresh(tickets, edited_copy(tickets), now=NOW)
    return {"tickets": count, "stall_ms": stall, "idle_ms": await timer_floor(ui_stall.TICK)}


async def measure(count: int) -> dict[str, Any]:
    tickets = synthetic_tickets(count)
    desk: Any = SimpleNamespace(me=None)
    sync = QueueSync(desk, clock=lambda: NOW)
    app = BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        sync.accept_view(VIEW, tickets)
        settle_loaded_tickets()
        queue = QueueList(sync.select(VIEW), clock=lambda: NOW)
        await app.query_one("#host").mount(queue)
        await pilot.pause()
        sync.models[VIEW].prepare_index()
        await _settled(sync, 0.2)
        recorder = LagRecorder()
        recorder.start()
        await asyncio.sleep(1.0)
        idle_ms = recorder.longest_ms
        edited = edited_copy(tickets)
        recorder.reset()
        started = time.perf_counter()
        settle_loaded_tickets()

        def swap(install: Callable[[], bool]) -> bool:
            keep = queue.highlighted_ticket_id  # read right before the rows change, as the screen does
            if not install():
                return False
            queue.model_changed(keep_ticket_id=keep)
            return True

        if hasattr(sync, "accept_view_async"):
            await sync.accept_view_async(VIEW, edited, swap=swap)
        else:
            keep = queue.highlighted_ticket_id
            sync.accept_view(VIEW, edited)
            queue.model_changed(keep_ticket_id=keep)
        settle_loaded_tickets()
        await pilot.pause()
        await _settled(sync, 0.5)
        stall_ms = recorder.longest_ms
        elapsed = (time.perf_counter() - started) * 1000
        recorder.stop()
    return {"tickets": count, "stall_ms": stall_ms, "idle_ms": idle_ms, "window_ms": elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--ui-stall", action="store_true", help="bench/ui_stall.py's figure instead")
    args = parser.parse_args()
    run = measure_ui_stall if args.ui_stall else measure
    print(json.dumps(asyncio.run(run(args.size))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
