"""The idle collection pass (`ui.memory_keeper`): garbage frozen alive and dropped in a reference cycle is
freed, every few minutes, only while the engineer is idle and no background work runs."""

from __future__ import annotations

import gc
import threading

import pytest
from support.apps import make_app
from support.cached_start import queue_of, until
from support.gc_cycles import cyclic_garbage

from frontline.domain.background import courteous
from frontline.ui.memory_keeper import EVERY, IDLE, MemoryKeeper


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


pytestmark = pytest.mark.usefixtures("unfrozen")


def test_a_pass_frees_a_frozen_cycle_when_due_and_idle() -> None:
    clock = Clock()
    keeper = MemoryKeeper(clock)
    dropped = cyclic_garbage(frozen=True)
    gc.collect()
    assert dropped() is not None, "the collector never looks at the frozen generation"

    clock.now += EVERY - 1
    assert not keeper.check(), "not due yet"
    clock.now += 1
    keeper.touched()
    clock.now += IDLE - 1
    assert not keeper.check(), "a key a moment ago: not now"
    clock.now += 1
    assert keeper.check() and keeper.passes == 1
    assert dropped() is None
    assert not keeper.check(), "the next pass is EVERY seconds later"


def test_no_pass_while_background_work_has_the_collector_paused() -> None:
    clock = Clock()
    keeper = MemoryKeeper(clock)
    clock.now += EVERY + IDLE
    started, finish = threading.Event(), threading.Event()

    def work() -> None:
        with courteous():
            started.set()
            finish.wait(5)

    worker = threading.Thread(target=work)
    worker.start()
    started.wait(5)
    try:
        assert not keeper.check()
    finally:
        finish.set()
        worker.join()
    assert keeper.check()


async def test_keys_in_the_console_keep_the_pass_away() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: len(queue_of(app).queue_list.model) > 0)
        keeper = app.memory_keeper
        keeper.last_input = 0.0
        await pilot.press("j")
        assert keeper.last_input > 0.0
