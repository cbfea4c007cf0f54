"""A load prepared off the UI thread (`QueueModel.plan_load` / `LoadPlan.run` / `install`)."""

from __future__ import annotations

import threading

from frontline.domain.queue import QueueModel
from frontline.domain.queue_sort import SORT_RUN, sorted_order
from tests.unit.test_queue_model import NOW, ticket


def tickets(count: int, subject: str = "Printer on fire") -> list:
    return [ticket(str(1000 + n), subject=f"{subject} {n}", due_in=n % 17) for n in range(count)]


def test_a_plan_run_on_a_thread_installs_the_same_state_as_a_synchronous_load() -> None:
    loaded = tickets(300)
    on_thread = QueueModel(tickets(300, "old"), now=NOW, index_from=10)
    on_thread.set_filter("printer 1")
    plan = on_thread.plan_load(loaded, now=NOW, refresh=True, off_thread=True)
    worker = threading.Thread(target=plan.run)
    worker.start()
    worker.join()
    assert on_thread.install(plan)
    inline = QueueModel(tickets(300, "old"), now=NOW, index_from=10)
    inline.set_filter("printer 1")
    inline.apply_refresh(loaded, now=NOW)
    assert on_thread.visible == inline.visible and on_thread.tickets == loaded
    assert plan.result.changed_ids == []  # same update times: nothing "changed"


def test_the_model_the_ui_reads_is_untouched_until_the_swap() -> None:
    model = QueueModel(tickets(50), now=NOW, index_from=10)
    model.prepare_index(background=False)
    before_visible, before_tickets = list(model.visible), model.tickets
    index = model._ready_index()
    edited = [*tickets(49), ticket("1049", subject="zebra crossing")]
    plan = model.plan_load(edited, now=NOW, refresh=True, off_thread=True).run()
    assert model.tickets is before_tickets and model.visible == before_visible
    model.set_filter("zebra")
    assert model.visible == []  # the old index still answers for the old tickets
    model.set_filter("")
    assert model.install(plan)
    model.set_filter("zebra")
    assert [model.ticket_at(p).id for p in range(len(model))] == ["1049"]
    assert model._ready_index() is not index  # the worker updated its own copy


def test_a_stale_plan_never_overwrites_a_newer_filter_or_sort() -> None:
    model = QueueModel(tickets(40), now=NOW)
    plan = model.plan_load(tickets(40, "new"), now=NOW, off_thread=True).run()
    model.set_filter("printer 3")  # typed while the load was prepared
    assert not model.install(plan)
    assert model.query == "printer 3" and all(
        "Printer" in model.ticket_at(p).subject for p in range(len(model))
    )
    plan = model.plan_load(tickets(40, "new"), now=NOW, off_thread=True).run()
    model.set_sort("subject")
    assert not model.install(plan)
    plan = model.plan_load(tickets(40, "new"), now=NOW, off_thread=True).run()
    model.update_ticket(ticket("1001", subject="edited here"))
    assert not model.install(plan)


def test_the_swap_keeps_filter_sort_and_lets_the_cursor_find_its_ticket() -> None:
    model = QueueModel(tickets(60), now=NOW, sort="subject", reverse=True)
    model.set_filter("fire 1")
    kept = model.ticket_at(3).id
    plan = model.plan_load(list(reversed(tickets(60))), now=NOW, off_thread=True).run()
    assert model.install(plan)
    assert (model.sort_mode, model.sort_reverse, model.query) == ("subject", True, "fire 1")
    subjects = [model.ticket_at(p).subject for p in range(len(model))]
    assert subjects == sorted(subjects, key=str.casefold, reverse=True)
    assert model.position_of(kept) is not None


def test_sorting_in_runs_matches_one_sort() -> None:
    keys = [(n * 7919) % 13 for n in range(SORT_RUN * 3 + 5)]
    for reverse in (False, True):
        expected = sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)
        assert sorted_order(keys, reverse=reverse, in_runs=True) == expected
