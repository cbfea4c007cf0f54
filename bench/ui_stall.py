"""The longest UI-thread stall while a refresh that edits a few tickets is applied to a big queue.

A Textual timer ticks every 5 ms and records the gaps between its ticks while the queue's model is
rebuilt the way the queue screen does it (`QueueSync.accept_view_async`: built on a worker thread,
swapped in on the UI thread) and the list repaints. The longest gap is the longest the UI was held.

    .venv/bin/python bench/ui_stall.py [--tickets 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult

from frontline.domain.models import Ticket
from frontline.domain.queue import QueueModel
from frontline.domain.seen import SeenTickets
from frontline.ui.queue_apply import settle_loaded_tickets
from frontline.ui.widgets.queue_list import QueueList

TICK = 0.005


class _StallApp(App[None]):
    def __init__(self, model: QueueModel) -> None:
        super().__init__()
        self.model = model

    def compose(self) -> ComposeResult:
        yield QueueList(self.model)


async def longest_ui_stall_during_refresh(
    tickets: Sequence[Ticket],
    edited: Sequence[Ticket],
    *,
    now: object = None,
    size: tuple[int, int] = (160, 45),
) -> float:
    """Milliseconds of the longest gap between 5 ms timer ticks while `edited` replaces `tickets`
    through the off-thread apply path (a worker builds the model, the UI thread swaps it in)."""
    from frontline.services.queue_sync import in_slices

    model = QueueModel(tickets, seen=SeenTickets(), now=now)  # type: ignore[arg-type]
    settle_loaded_tickets()
    app = _StallApp(model)
    async with app.run_test(size=size) as pilot:
        queue = app.query_one(QueueList)
        queue.focus()
        await pilot.pause()
        while not model.index_ready:  # the index built after the first paint: not part of the refresh
            await asyncio.sleep(0.01)
        await pilot.pause(0.1)
        ticks: list[float] = []
        timer = app.set_interval(TICK, lambda: ticks.append(time.perf_counter()))
        await asyncio.sleep(0.05)
        settle_loaded_tickets()
        plan = model.plan_load(edited, now=now, refresh=True, off_thread=True)  # type: ignore[arg-type]
        await asyncio.to_thread(plan.run)
        keep = queue.highlighted_ticket_id
        if model.install(plan):
            queue.model_changed(keep_ticket_id=keep)
        await asyncio.to_thread(plan.release)  # as `accept_view_async` does: the old state freed off-thread
        await in_slices(edited, model.seen.to_check)  # the seen-state pass, sliced as the screen does
        await asyncio.sleep(0.1)  # the repaint after the swap
        timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return max(gaps, default=0.0) * 1000


def main() -> int:
    from queue_bench import NOW, REFRESH_CHANGES, synthetic_tickets

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=50_000)
    count = parser.parse_args().tickets
    tickets = synthetic_tickets(count)
    edited = list(tickets)
    for n in range(0, count, count // REFRESH_CHANGES):
        edited[n] = edited[n].replace(subject=f"{edited[n].subject} (edited)")
    stall = asyncio.run(longest_ui_stall_during_refresh(tickets, edited, now=NOW))
    print(f"longest UI-thread stall during a refresh at {count:,} ({REFRESH_CHANGES} edited): {stall:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
