"""Background CPU work that leaves the UI thread room (`domain.background`, `LoadPlan.release`)."""

from __future__ import annotations

import gc
import sys
import threading

from frontline.domain.background import WORKER_SWITCH_INTERVAL, courteous
from frontline.domain.queue import QueueModel
from tests.unit.test_queue_apply import tickets
from tests.unit.test_queue_model import NOW


def test_courteous_work_restores_the_switch_interval_and_the_collector_even_nested() -> None:
    interval, enabled = sys.getswitchinterval(), gc.isenabled()
    with courteous():
        assert sys.getswitchinterval() <= WORKER_SWITCH_INTERVAL
        assert not gc.isenabled()
        with courteous():
            pass
        assert not gc.isenabled()  # the outer work is still running
    assert sys.getswitchinterval() == interval
    assert gc.isenabled() == enabled


def test_courteous_work_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with courteous():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_courteous_work_restores_after_an_error() -> None:
    interval = sys.getswitchinterval()
    try:
        with courteous():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert sys.getswitchinterval() == interval and gc.isenabled()


def test_an_off_thread_plan_hands_the_replaced_state_to_release_which_frees_it() -> None:
    model = QueueModel(tickets(50, "old"), now=NOW)
    old_rows = model._rows
    plan = model.plan_load(tickets(50, "new"), now=NOW, refresh=True, off_thread=True)
    worker = threading.Thread(target=plan.run)
    worker.start()
    worker.join()
    assert model.install(plan)
    assert any(value is old_rows for value in plan.replaced)  # not freed on the installing thread
    del old_rows
    releaser = threading.Thread(target=plan.release)
    releaser.start()
    releaser.join()
    assert plan.replaced == []
    assert all(model.ticket_at(n).subject.startswith("new") for n in range(len(model)))
