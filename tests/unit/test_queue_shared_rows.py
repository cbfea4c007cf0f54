"""Row numbers exist once per model: the sort's lists, the filter's and `_index_of` hold the same ints.

At 50,000 tickets each separate set of row numbers is 50,000 int objects (1.6 MB); the model keeps
one (`QueueModel._load_order`, `queue_sort.sorted_order(rows=...)`).
"""

from __future__ import annotations

import pytest

from frontline.domain.queue import QueueModel
from frontline.domain.queue_sort import SORT_RUN, sorted_order
from tests.unit.test_queue_apply import tickets
from tests.unit.test_queue_model import NOW, ticket

COUNT = 700  # ints up to 256 are shared by Python anyway: most of these are not


def held_by_index_of(model: QueueModel) -> set[int]:
    return {id(row) for row in model._positions().values()}


def assert_shared(model: QueueModel) -> None:
    held = held_by_index_of(model)
    assert len(held) == model.total
    assert {id(row) for row in model._sorted} == held
    assert {id(row) for row in model.visible} <= held


@pytest.mark.parametrize("off_thread", [False, True])
def test_a_load_sorts_and_filters_the_int_objects_its_index_of_holds(
    monkeypatch: pytest.MonkeyPatch, off_thread: bool
) -> None:
    monkeypatch.setattr("frontline.domain.queue_sort.SORT_RUN", 64)  # off the UI thread: sorted in runs
    model = QueueModel.as_given(tickets(COUNT), now=NOW)
    model.index_from = 2
    plan = model.plan_load(tickets(COUNT), now=NOW, off_thread=off_thread).run()
    assert model.install(plan)
    assert_shared(model)
    model.set_filter("fire 1")
    assert len(model) > 100
    assert_shared(model)
    model.prepare_index(background=False)
    model.set_sort("subject", reverse=True)
    model.set_filter("fire 2")
    assert model.index_ready and len(model) > 100
    assert_shared(model)


def test_a_sort_before_the_load_lands_and_a_removal_share_them_too() -> None:
    model = QueueModel.as_given(tickets(COUNT), now=NOW)
    model.set_sort("updated")  # shown as given, the load not yet installed
    assert_shared(model)
    model.set_sort("sla")
    assert model.remove_ticket("1500")
    assert model.total == COUNT - 1 and model.position_of("1500") is None
    assert_shared(model)


def test_tickets_sharing_an_id_are_all_still_sorted() -> None:
    model = QueueModel([ticket("7", subject="b"), ticket("7", subject="a"), ticket("8")], now=NOW)
    model.set_sort("subject")
    assert [model.ticket_at(p).subject for p in range(len(model))] == ["a", "b", "Something broke"]


@pytest.mark.parametrize("in_runs", [False, True])
def test_sorted_order_returns_the_row_objects_it_is_given(in_runs: bool) -> None:
    keys = [(n * 7919) % 13 for n in range(SORT_RUN * 2 + 300)]
    rows = list(range(len(keys)))
    ordered = sorted_order(keys, in_runs=in_runs, rows=rows)
    assert ordered == sorted_order(keys)
    assert {id(row) for row in ordered} == {id(row) for row in rows}
