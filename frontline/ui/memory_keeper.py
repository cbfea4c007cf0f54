"""Freeing, now and then while the engineer is idle, the garbage the collector's frozen generation holds.

Loads freeze what lives (`domain.background.settle`) so that no collection walks 50,000 tickets. What was
frozen alive and is later dropped inside a reference cycle (rendered rows and their caches, finished
workers) is then never freed: a soak with a refresh every 10 s grew ~3.5 MB a minute even with the
garbage collected before each freeze. Every `EVERY` seconds, at the first check that finds no key, click
or scroll for `IDLE` seconds and no background work running, everything is unfrozen, collected and frozen
again (`collect_frozen`: ~10 ms at 2,000 tickets, ~150 ms at 50,000, while nobody is typing).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from frontline.domain.background import collect_frozen

if TYPE_CHECKING:
    from textual.app import App

EVERY = 300.0
"""Seconds between two passes at least."""
IDLE = 5.0
"""Seconds without input before a pass may run."""
CHECK = 15.0
"""Seconds between two checks."""


class MemoryKeeper:
    """Runs `collect_frozen` every `EVERY` seconds, when the engineer has been idle for `IDLE`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_input = clock()
        self.last_pass = clock()
        self.passes = 0

    def start(self, app: App[Any]) -> None:
        app.set_interval(CHECK, self.check, name="memory-keeper")

    def touched(self) -> None:
        """A key, click or scroll: the engineer is at the keyboard."""
        self.last_input = self.clock()

    def check(self) -> bool:
        """Run a pass if one is due and the engineer is idle; True if it ran."""
        now = self.clock()
        if now - self.last_pass < EVERY or now - self.last_input < IDLE or not collect_frozen():
            return False
        self.last_pass = self.clock()
        self.passes += 1
        return True
