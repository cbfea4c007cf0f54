"""The queue floor: a bare line-API list over the same tickets, timed the way `queue_bench` times frontline.

Run: .venv/bin/python bench/line_floor.py --size 50000   (prints JSON; `bench/run.py` runs it)

The list's local data is the tickets, as frontline's is (and a lower-case haystack per ticket for the
filter, made before the clock starts). Its `render_line` formats a ticket's line (id, priority, status,
subject, requester, as plain text) the first time it is shown and keeps the `Strip`, as a line-API list
does. First paint is wall time from handing the tickets to the widget, already on screen, to its first
rendered lines (median of `FIRST_PAINTS`). A cursor key moves a cursor row (styled on the fly) and
scrolls when it leaves the window; a filter keystroke is a plain substring scan over the haystacks plus
rendering the visible rows. Per-key figures are CPU time of the UI thread, with the same keys, the same
rounds and the same percentile as `queue_bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from queue_bench import (
    FIRST_PAINTS,
    PAINT_SETTLE,
    ROUNDS,
    SIZE,
    TYPED_QUERIES,
    BenchApp,
    percentiles,
    synthetic_tickets,
)
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from frontline.domain.models import Ticket

CURSOR = Style(reverse=True)


class BareList(Widget):
    """Tickets, a cursor and a filter: nothing but what a list must do to paint them."""

    def __init__(self) -> None:
        super().__init__()
        self.tickets: list[Ticket] = []
        self.haystacks: list[str] = []
        self.shown: list[int] = []
        self.strips: dict[int, Strip] = {}
        self.cursor = 0
        self.top = 0
        self.first_paint_at: float | None = None

    def show(self, tickets: list[Ticket], haystacks: list[str]) -> None:
        """The tickets arrive: from here to the first lines painted is the first paint."""
        self.tickets, self.haystacks = tickets, haystacks
        self.shown = list(range(len(tickets)))
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self.tickets and self.first_paint_at is None and crop.height > 1:
            self.first_paint_at = time.perf_counter()
        return lines

    def render_line(self, y: int) -> Strip:
        position = self.top + y
        if position >= len(self.shown):
            return Strip.blank(self.size.width)
        index = self.shown[position]
        strip = self.strips.get(index)
        if strip is None:
            strip = self.strips[index] = row_strip(self.tickets[index], self.size.width)
        return strip.apply_style(CURSOR) if position == self.cursor else strip

    def move(self, delta: int) -> None:
        height = max(1, self.size.height)
        self.cursor = max(0, min(len(self.shown) - 1, self.cursor + delta))
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.refresh()

    def set_filter(self, query: str) -> None:
        needle = query.lower()
        self.shown = (
            [i for i, hay in enumerate(self.haystacks) if needle in hay]
            if needle
            else list(range(len(self.haystacks)))
        )
        self.cursor = self.top = 0
        self.refresh()


def timed(work: Callable[[], object], widget: BareList) -> float:
    region = widget.size.region
    start = time.thread_time()
    work()
    widget.render_lines(region)
    return (time.thread_time() - start) * 1000


def row_strip(ticket: Ticket, width: int) -> Strip:
    """One ticket's line: id, priority, status, subject, requester as plain text."""
    requester = ticket.requester.name if ticket.requester else ""
    priority = ticket.priority.value if ticket.priority else ""
    text = f"  {ticket.key:<7} {priority:<8} {ticket.status.value:<7} {ticket.subject[:40]:<40}"
    text = f"{text} {requester[:18]:<18}"
    return Strip([Segment(text[:width].ljust(width))], width)


async def measure(count: int) -> dict[str, float]:
    tickets = synthetic_tickets(count)
    haystacks = [f"{t.key} {t.subject} {t.requester.name if t.requester else ''}".lower() for t in tickets]
    app = BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        widget = BareList()  # on screen before its rows, as the console's list is
        await app.query_one("#host").mount(widget)
        await pilot.pause()
        paints: list[float] = []
        for _ in range(FIRST_PAINTS):
            widget.show([], [])
            widget.strips.clear()
            await pilot.pause(PAINT_SETTLE)
            widget.first_paint_at = None
            start = time.perf_counter()
            widget.show(tickets, haystacks)
            while widget.first_paint_at is None:
                await asyncio.sleep(0.001)
            paints.append((widget.first_paint_at - start) * 1000)
        first_paint = statistics.median(paints)
        await pilot.pause()
        page = widget.size.height
        cursor_rounds: list[list[float]] = []
        filter_rounds: list[list[float]] = []
        for _ in range(ROUNDS):
            moves = [1] * 200 + [page] * 20 + [count] + [-1] * 200 + [-page] * 20 + [-count] + [1] * 100
            cursor: list[float] = []
            for delta in moves:
                cursor.append(timed(partial(widget.move, delta), widget))
                if len(cursor) % 50 == 0:
                    await pilot.pause()
            cursor_rounds.append(cursor)
            filtering: list[float] = []
            for word in TYPED_QUERIES:
                for end in [*range(1, len(word) + 1), *range(len(word) - 1, -1, -1)]:
                    filtering.append(timed(partial(widget.set_filter, word[:end]), widget))
                await pilot.pause()
            filter_rounds.append(filtering)
    cursor_p95, cursor_median = min(percentiles(samples) for samples in cursor_rounds)
    filter_p95, filter_median = min(percentiles(samples) for samples in filter_rounds)
    return {
        "tickets": count,
        "first_paint_ms": first_paint,
        "first_paint_samples_ms": [round(p, 2) for p in paints],
        "cursor_median_ms": cursor_median,
        "cursor_p95_ms": cursor_p95,
        "filter_median_ms": filter_median,
        "filter_p95_ms": filter_p95,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=50_000)
    print(json.dumps(asyncio.run(measure(parser.parse_args().size))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
