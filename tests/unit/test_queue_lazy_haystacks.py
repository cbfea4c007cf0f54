"""Haystacks made on first use, so a load on the UI thread paints before they exist (`QueueModel._hay`)."""

from __future__ import annotations

from frontline.domain.queue import QueueModel
from tests.unit.test_queue_apply import tickets
from tests.unit.test_queue_model import NOW


def scanned(model: QueueModel, query: str) -> list[str]:
    """What a model built afresh with the same tickets shows for `query` (a plain scan, no index)."""
    fresh = QueueModel(list(model.tickets), now=NOW, index_from=10**9)
    fresh.set_filter(query)
    return [fresh.ticket_at(n).id for n in range(len(fresh))]


def shown(model: QueueModel) -> list[str]:
    return [model.ticket_at(n).id for n in range(len(model))]


def test_a_load_on_the_ui_thread_leaves_the_haystacks_to_the_first_filter() -> None:
    model = QueueModel(tickets(300), now=NOW, index_from=10)
    assert model._haystacks is None  # the first paint does not wait for them
    model.set_filter("fire 12")
    assert shown(model) == scanned(model, "fire 12") and len(model) > 0


def test_a_filter_typed_before_the_index_is_ready_gives_the_right_rows() -> None:
    model = QueueModel(tickets(300), now=NOW, index_from=10)
    model.set_filter("fire 2")
    before_index = shown(model)
    model.set_filter("")
    model.prepare_index(background=False)
    model.set_sort(model.sort_mode)  # forget the cached result: filter through the index this time
    model.set_filter("fire 2")
    assert model.index_ready
    assert shown(model) == before_index == scanned(model, "fire 2")


def test_a_ticket_updated_before_the_haystacks_exist_is_found_by_its_new_text() -> None:
    model = QueueModel(tickets(300), now=NOW, index_from=10)
    edited = model.tickets[7].replace(subject="Kettle descaling")
    model.update_ticket(edited)
    model.set_filter("kettle")
    assert shown(model) == [edited.id]


def test_a_ticket_updated_while_the_index_builds_is_indexed_by_its_new_text() -> None:
    model = QueueModel(tickets(300), now=NOW, index_from=10)
    model.prepare_index(background=False)  # built, not yet taken up by the model
    edited = model.tickets[42].replace(subject="Kettle descaling")
    model.update_ticket(edited)
    model.set_filter("kettle")
    assert model.index_ready
    assert shown(model) == [edited.id]
    model.set_filter("printer on fire 4")
    assert shown(model) == scanned(model, "printer on fire 4")


def test_a_removed_ticket_before_the_haystacks_exist_leaves_the_filter_right() -> None:
    model = QueueModel(tickets(300), now=NOW, index_from=10)
    gone = model.tickets[3].id
    assert model.remove_ticket(gone)
    model.set_filter("fire 3")
    assert gone not in shown(model) and shown(model) == scanned(model, "fire 3")
