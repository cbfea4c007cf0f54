"""A queue shown `as_given` (the first paint from the local cache): the rows in the order given, nothing
made per ticket until asked, then a load sorts and indexes them; and "me" learnt without a re-sort."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontline.domain.models import SlaTarget, Ticket
from frontline.domain.queue import QueueModel
from frontline.domain.seen import SeenTickets

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ticket(ticket_id: str, *, due_in: int | None = None) -> Ticket:
    sla = SlaTarget(due_at=NOW + timedelta(minutes=due_in)) if due_in is not None else None
    return Ticket(
        id=ticket_id,
        key=f"#{ticket_id}",
        subject=f"Ticket {ticket_id}",
        created_at=NOW - timedelta(hours=5),
        updated_at=NOW - timedelta(hours=1),
        sla=sla,
    )


def tickets_due_in(*minutes: int) -> list[Ticket]:
    return [ticket(str(n), due_in=due) for n, due in enumerate(minutes, start=1)]


def shown(model: QueueModel) -> list[str]:
    return [model.ticket_at(position).id for position in range(len(model))]


def test_rows_keep_the_order_given_until_a_load_sorts_them() -> None:
    given = tickets_due_in(300, 10, 120, 45)  # by next SLA breach: 2, 4, 3, 1
    model = QueueModel.as_given(given, seen=SeenTickets(), now=NOW)
    assert shown(model) == ["1", "2", "3", "4"]
    assert model.awaiting_load
    assert model._haystacks is None and model._index_of is None, "nothing made per ticket yet"
    assert model.key_width == 2 and model.row_text(0).subject == "Ticket 1"

    plan = model.plan_load(given, now=NOW, off_thread=True)
    assert model.install(plan.run())
    assert shown(model) == ["2", "4", "3", "1"]
    assert not model.awaiting_load
    assert [t.id for t in model.in_sort_order()] == ["2", "4", "3", "1"]


def test_an_as_given_queue_answers_everything_before_its_load() -> None:
    model = QueueModel.as_given(tickets_due_in(300, 10, 120), now=NOW)
    assert model.position_of("3") == 2
    assert model.next_ticket_id("1") == "2" and model.previous_ticket_id("1") is None
    model.set_filter("ticket 3")
    assert shown(model) == ["3"]
    model.set_filter("")
    model.set_sort("sla", now=NOW)
    assert shown(model) == ["2", "3", "1"], "a sort asked for is made at once"


def test_no_filter_index_is_built_for_rows_a_load_is_about_to_replace() -> None:
    given = [ticket(str(n)) for n in range(3)]
    model = QueueModel.as_given(given, now=NOW)
    model.index_from = 2
    model.prepare_index(background=False)
    assert not model.index_ready
    model.install(model.plan_load(given, now=NOW).run())
    model.prepare_index(background=False)
    assert model.index_ready


def test_learning_who_me_is_reorders_nothing_unless_the_filter_names_me() -> None:
    model = QueueModel(tickets_due_in(30, 20, 10), now=NOW)
    visible = model.visible
    model.set_me("agent-1")
    assert model.visible is visible, "no filter names me: the rows are not sorted again"

    model.set_filter("assignee:me")
    model.set_me("agent-2")
    assert model.visible is not visible and model.me_id == "agent-2"
