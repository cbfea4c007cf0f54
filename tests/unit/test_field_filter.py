"""Field tokens in the `/` filter, the sort columns either way round, and "go to ticket" references."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontline.domain.field_filter import FieldTest, matcher, parse_filter
from frontline.domain.models import Organization, Person, Priority, SlaTarget, Status, Ticket
from frontline.domain.queue import QueueModel
from frontline.domain.queue_sort import SORT_MODES, sort_arrow, sort_label
from frontline.domain.ticket_reference import ticket_reference

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ME = Person(id="me", name="Ada Agent", email="ada@example.com")


def ticket(
    ticket_id: str,
    *,
    subject: str = "Something broke",
    status: Status = Status.OPEN,
    status_label: str | None = None,
    priority: Priority | None = Priority.NORMAL,
    due_in: int | None = None,
    requester: str = "Grace Hopper",
    assignee: Person | None = None,
    org: str | None = "Acme",
    tags: tuple[str, ...] = (),
    updated_ago: int = 60,
) -> Ticket:
    sla = SlaTarget(due_at=NOW + timedelta(minutes=due_in)) if due_in is not None else None
    return Ticket(
        id=ticket_id,
        key=f"#{ticket_id}",
        subject=subject,
        status=status,
        status_label=status_label,
        priority=priority,
        requester=Person(id="p" + ticket_id, name=requester, email=f"{requester.split()[0].lower()}@x.io"),
        assignee=assignee,
        organization=Organization(id="o", name=org) if org else None,
        tags=tags,
        created_at=NOW - timedelta(days=2),
        updated_at=NOW - timedelta(minutes=updated_ago),
        sla=sla,
    )


def ids(model: QueueModel) -> list[str]:
    return [model.ticket_at(position).id for position in range(len(model))]


# -- parsing -----------------------------------------------------------------------------------------


def test_field_tokens_are_split_from_the_text_filter() -> None:
    parsed = parse_filter("refund status:pending,hold -tag:spam  Prio:URGENT vat")
    assert parsed.text == "refund vat"
    assert parsed.tests == (
        FieldTest("status", ("pending", "hold")),
        FieldTest("tag", ("spam",), negated=True),
        FieldTest("prio", ("urgent",)),
    )
    assert parsed.problems == ()


def test_unknown_fields_and_bad_values_give_hints_never_exceptions() -> None:
    parsed = parse_filter("colour:red error:500 prio:sometimes sla:soon status:")
    assert parsed.text == "colour:red error:500"  # unknown fields are still searched as text
    assert parsed.tests == ()
    assert len(parsed.problems) == 5
    assert 'Unknown field "colour:"' in parsed.problems[0] and "status, requester" in parsed.problems[0]
    assert 'prio: "sometimes" is not a priority' in parsed.problems[2]
    assert 'sla: "soon" is not understood' in parsed.problems[3]
    assert "status: needs a value" in parsed.problems[4]


def test_aliases_and_me_are_recognised() -> None:
    parsed = parse_filter("organization:acme tags:vip req:ana assignee:me priority:high")
    assert [t.field for t in parsed.tests] == ["org", "tag", "requester", "assignee", "prio"]
    assert parsed.wants_me
    assert not parse_filter("assignee:none").wants_me


# -- matching ----------------------------------------------------------------------------------------


def passes(query: str, item: Ticket, me_id: str | None = ME.id) -> bool:
    check = matcher(parse_filter(query).tests, me_id=me_id, now=NOW)
    assert check is not None
    return check(item)


def test_each_field_matches_what_it_names() -> None:
    mine = ticket(
        "1", assignee=ME, tags=("VIP",), requester="Ana Lima", org="Acme Corp", priority=Priority.URGENT
    )
    assert passes("status:open", mine) and not passes("status:pending,hold", mine)
    assert passes("-status:solved", mine) and not passes("-status:open", mine)
    assert (
        passes("requester:ana", mine) and passes("requester:ana@x", mine) and not passes("requester:bo", mine)
    )
    assert passes("assignee:me", mine) and not passes("assignee:none", mine)
    assert not passes("assignee:me", mine, me_id=None)  # who "me" is is not known yet
    assert passes("assignee:ada", mine)
    assert passes("org:acme", mine) and not passes("org:none", mine)
    assert passes("tag:vip", mine) and not passes("tag:vi", mine)
    assert passes("prio:urgent,high", mine) and not passes("prio:low", mine)
    nobody = ticket("2", org=None, priority=None)
    assert passes("assignee:none", nobody) and passes("org:none", nobody) and passes("prio:none", nobody)


def test_custom_status_names_match_by_word_and_on_hold_by_its_label() -> None:
    waiting = ticket("1", status=Status.OPEN, status_label="Waiting on engineering")
    assert passes("status:engineering", waiting) and passes("status:open", waiting)
    assert passes("status:on-hold", ticket("2", status=Status.HOLD))


def test_sla_tokens_compare_time_left() -> None:
    breached, soon, later, none = (
        ticket("b", due_in=-5),
        ticket("s", due_in=30),
        ticket("l", due_in=300),
        ticket("n"),
    )
    assert [passes("sla:breached", t) for t in (breached, soon, later, none)] == [True, False, False, False]
    assert [passes("sla:<1h", t) for t in (breached, soon, later, none)] == [True, True, False, False]
    assert [passes("sla:>2h", t) for t in (breached, soon, later, none)] == [False, False, True, False]
    assert [passes("sla:none", t) for t in (breached, soon, later, none)] == [False, False, False, True]
    assert passes("sla:<45min", soon) and passes("sla:<1d", later)


# -- the queue model ---------------------------------------------------------------------------------


def test_the_queue_combines_field_tests_with_the_text_filter() -> None:
    tickets = [
        ticket("1", subject="Refund please", status=Status.PENDING),
        ticket("2", subject="Refund again", status=Status.OPEN, assignee=ME),
        ticket("3", subject="Login broken", status=Status.OPEN),
    ]
    model = QueueModel(tickets, sort="id", now=NOW)
    model.set_filter("status:open")
    assert ids(model) == ["2", "3"]
    model.set_filter("status:open refund")
    assert ids(model) == ["2"]
    model.set_filter("-status:open")
    assert ids(model) == ["1"]
    model.set_filter("assignee:me")
    assert ids(model) == [] and model.wants_me  # "me" unknown: nothing passes until it is learnt
    model.set_me(ME.id)
    assert ids(model) == ["2"]
    model.set_filter("bogus:1")
    assert ids(model) == [] and model.filter_problems
    model.set_filter("")
    assert ids(model) == ["1", "2", "3"] and model.filter_problems == ()


def test_field_tests_follow_a_ticket_updated_in_place() -> None:
    model = QueueModel([ticket("1"), ticket("2")], sort="id", now=NOW)
    model.set_filter("status:solved")
    assert ids(model) == []
    model.update_ticket(ticket("2", status=Status.SOLVED))
    model.set_filter("status:solved x")
    model.set_filter("status:solved")
    assert ids(model) == ["2"]


def test_large_queues_filter_fields_and_text_through_the_index() -> None:
    tickets = [ticket(str(n), subject=f"invoice {n}", status=list(Status)[n % 6]) for n in range(3_000)]
    model = QueueModel(tickets, sort="id", now=NOW, index_from=2_000)
    model.prepare_index(background=False)
    assert model.index_ready
    model.set_filter("status:pending invoice 12")
    assert ids(model) == [str(n) for n in range(3_000) if n % 6 == 2 and "12" in str(n)]


# -- sorting -----------------------------------------------------------------------------------------


def test_every_column_sorts_and_reverses() -> None:
    tickets = [
        ticket("10", subject="beta", requester="Zed Z", org="Beta", priority=Priority.LOW, updated_ago=5),
        ticket("9", subject="Alpha", requester="amy A", org=None, priority=Priority.URGENT, updated_ago=50),
        ticket("100", subject="gamma", requester="Bo B", org="acme", priority=None, status=Status.NEW),
    ]
    model = QueueModel(tickets, sort="id", now=NOW)
    assert ids(model) == ["9", "10", "100"]  # numbers in number order, not "10" < "100" < "9"
    model.set_sort("id", reverse=True)
    assert ids(model) == ["100", "10", "9"]
    model.set_sort("subject")
    assert ids(model) == ["9", "10", "100"]
    model.set_sort("requester")
    assert ids(model) == ["9", "100", "10"]
    model.set_sort("organization")
    assert ids(model) == ["100", "10", "9"]  # no organization last
    model.set_sort("priority")
    assert ids(model) == ["9", "10", "100"]
    model.set_sort("status")
    assert ids(model)[0] == "100"
    model.set_sort("updated")
    assert ids(model) == ["10", "9", "100"]  # newest first
    model.set_sort("updated", reverse=True)
    assert ids(model) == ["100", "9", "10"]
    with pytest.raises(ValueError):
        model.set_sort("alphabetical")  # type: ignore[arg-type]


def test_jsm_keys_sort_by_project_then_number() -> None:
    tickets = [ticket(n).replace(key=k) for n, k in (("a", "CS-10"), ("b", "CS-9"), ("c", "AB-2"))]
    model = QueueModel(tickets, sort="id", now=NOW)
    assert [model.ticket_at(p).key for p in range(3)] == ["AB-2", "CS-9", "CS-10"]


def test_arrows_say_which_way_the_values_go() -> None:
    assert len(SORT_MODES) == 9
    assert sort_arrow("subject", False) == "▲" and sort_arrow("subject", True) == "▼"
    assert sort_arrow("priority", False) == "▼" and sort_arrow("updated", True) == "▲"
    assert sort_label("sla", False) == "next SLA breach ▲"


# -- go to ticket ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4521", "4521"),
        (" #4521 ", "4521"),
        ("cs-12", "CS-12"),
        ("https://acme.zendesk.com/agent/tickets/4521", "4521"),
        ("acme.zendesk.com/agent/tickets/4521/events", "4521"),
        ("https://acme.atlassian.net/browse/CS-12", "CS-12"),
        ("https://acme.atlassian.net/servicedesk/customer/portal/1/CS-12", "CS-12"),
        (
            "https://acme.atlassian.net/jira/servicedesk/projects/CS/queues/custom/1?selectedIssue=CS-7",
            "CS-7",
        ),
        ("", None),
        ("hello", None),
        ("https://example.com/about", None),
        ("#", None),
    ],
)
def test_ticket_references(text: str, expected: str | None) -> None:
    assert ticket_reference(text) == expected
