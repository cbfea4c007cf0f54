"""What makes a first paint from the local cache cost only the rows on screen: the model shown `as_given`
borrows the cache's list (copied before its first change, so the cache's list never changes under it),
keeps its order as a range until a load sorts it, and caches row text only for rows asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontline.domain.models import Status, Ticket
from frontline.domain.queue import QueueModel
from frontline.domain.seen import SeenTickets

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def tickets(count: int) -> list[Ticket]:
    return [
        Ticket(
            id=str(n),
            key=f"#{n}",
            subject=f"Ticket {n} about invoices" if n % 2 else f"Ticket {n} about logins",
            created_at=NOW - timedelta(hours=5),
            updated_at=NOW - timedelta(hours=1),
        )
        for n in range(1, count + 1)
    ]


def shown(model: QueueModel) -> list[str]:
    return [model.ticket_at(position).id for position in range(len(model))]


def test_the_list_given_is_never_changed_by_the_model_shown_as_given() -> None:
    given = tickets(4)
    before = list(given)
    model = QueueModel.as_given(given, seen=SeenTickets(), now=NOW)
    edited = given[1].replace(subject="edited", status=Status.PENDING)

    assert model.update_ticket(edited) == 1
    assert given == before, "the cache's list is copied before the first change"
    assert model.ticket_at(1).subject == "edited" and model.row_text(1).subject == "edited"

    assert model.remove_ticket("3")
    assert given == before
    assert shown(model) == ["1", "2", "4"]
    assert model.row_text(2).subject == "Ticket 4 about logins", "row text follows the shifted places"


def test_an_as_given_model_answers_like_a_loaded_one_before_its_load() -> None:
    given = tickets(6)
    model = QueueModel.as_given(given, now=NOW)
    assert len(model) == 6 and model.total == 6
    assert model.position_of("4") == 3 and model.position_of("nope") is None
    assert model.next_ticket_id("6") is None and model.previous_ticket_id("2") == "1"
    assert [t.id for t in model.in_sort_order()] == ["1", "2", "3", "4", "5", "6"]

    model.set_filter("invoices")
    assert shown(model) == ["1", "3", "5"]
    model.set_filter("invoices 5")
    assert shown(model) == ["5"]
    model.set_filter("")
    assert shown(model) == ["1", "2", "3", "4", "5", "6"]

    plan = model.plan_load(given, now=NOW, off_thread=True)
    assert model.install(plan.run())
    assert not model.awaiting_load and len(model) == 6
    assert model.update_ticket(given[0].replace(subject="after the load")) is not None
    assert given[0].subject == "Ticket 1 about invoices", "a load's list is the model's own"


def test_an_empty_model_filters_sorts_and_takes_a_load() -> None:
    model = QueueModel(now=NOW)
    assert len(model) == 0 and model.total == 0 and model.position_of("1") is None
    model.set_filter("anything")
    model.set_sort("id", now=NOW)
    assert len(model) == 0
    model.set_filter("")
    model.replace(tickets(3), now=NOW)
    assert sorted(shown(model)) == ["1", "2", "3"]


def test_column_widths_of_an_as_given_model_come_from_its_first_rows() -> None:
    given = tickets(3)
    given[2] = given[2].replace(key="SD-123456", status_label="Waiting on engineering")
    model = QueueModel.as_given(given, now=NOW)
    assert model.key_width == len("SD-123456")
    assert model.status_width == len("Waiting on engineering")
