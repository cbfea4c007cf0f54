"""Background CPU work that leaves the UI thread room (`domain.background`, `LoadPlan.release`)."""

from __future__ import annotations

import gc
import sys
import threading

import pytest
from support.gc_cycles import cyclic_garbage

from frontline.domain.background import WORKER_SWITCH_INTERVAL, courteous
from frontline.domain.queue import QueueModel
from frontline.ui.queue_apply import FRESH_BATCH, settle_loaded_tickets
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


@pytest.mark.usefixtures("unfrozen")
def test_garbage_made_before_courteous_work_is_freed_not_frozen_with_it() -> None:
    """A freeze after every refresh kept each refresh's cyclic garbage for the rest of the shift (the
    console grew ~3.6 MB a minute with a refresh every 10 s)."""
    garbage = cyclic_garbage()
    with courteous():
        pass
    gc.collect()
    assert garbage() is None


@pytest.mark.usefixtures("unfrozen")
def test_settle_collects_first_unless_told_a_fresh_batch_is_too_big_to_walk() -> None:
    garbage = cyclic_garbage()
    settle_loaded_tickets(fresh=20)  # a refresh that changed 20 tickets
    gc.collect()
    assert garbage() is None

    kept = cyclic_garbage()
    settle_loaded_tickets(fresh=FRESH_BATCH)  # 50,000 new tickets: walking them would hold the UI thread
    gc.collect()
    assert kept() is not None  # frozen with them: the price, once per full load
