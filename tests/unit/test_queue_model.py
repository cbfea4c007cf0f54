"""The queue model: sorting, filtering (and narrowing), markers, customer replies, SLA and age text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontline.domain.filter_index import GramIndex
from frontline.domain.haystack import haystack
from frontline.domain.models import Organization, Person, Priority, SlaTarget, Status, Ticket
from frontline.domain.presentation import format_age, format_sla
from frontline.domain.queue import QueueModel
from frontline.domain.queue_rules import customer_replied
from frontline.domain.seen import SeenTickets

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ticket(
    ticket_id: str,
    *,
    subject: str = "Something broke",
    status: Status = Status.OPEN,
    priority: Priority | None = Priority.NORMAL,
    due_in: int | None = None,
    paused: bool = False,
    updated_ago: int = 60,
    created_ago: int = 600,
    requester: str = "Grace Hopper",
    org: str = "Acme",
    tags: tuple[str, ...] = (),
) -> Ticket:
    sla = None
    if due_in is not None or paused:
        sla = SlaTarget(due_at=NOW + timedelta(minutes=due_in) if due_in is not None else None, paused=paused)
    return Ticket(
        id=ticket_id,
        key=f"#{ticket_id}",
        subject=subject,
        status=status,
        priority=priority,
        requester=Person(id="p" + ticket_id, name=requester),
        organization=Organization(id="o1", name=org),
        tags=tags,
        created_at=NOW - timedelta(minutes=created_ago),
        updated_at=NOW - timedelta(minutes=updated_ago),
        sla=sla,
    )


def ids(model: QueueModel) -> list[str]:
    return [model.ticket_at(position).id for position in range(len(model))]


def test_sla_sort_puts_breached_first_then_soonest_and_paused_or_none_last() -> None:
    tickets = [
        ticket("none"),
        ticket("later", due_in=300),
        ticket("breached-long-ago", due_in=-120),
        ticket("paused", paused=True),
        ticket("soon", due_in=20),
        ticket("breached-just-now", due_in=-1),
    ]
    model = QueueModel(tickets, now=NOW)
    assert ids(model)[:4] == ["breached-long-ago", "breached-just-now", "soon", "later"]
    assert set(ids(model)[4:]) == {"none", "paused"}


def test_priority_updated_and_waiting_sorts() -> None:
    tickets = [
        ticket("low-old", priority=Priority.LOW, updated_ago=500),
        ticket("urgent-new", priority=Priority.URGENT, updated_ago=5),
        ticket("none-mid", priority=None, updated_ago=50),
        ticket("high-mid", priority=Priority.HIGH, updated_ago=100),
    ]
    model = QueueModel(tickets, sort="priority", now=NOW)
    assert ids(model) == ["urgent-new", "high-mid", "low-old", "none-mid"]
    model.set_sort("updated")
    assert ids(model) == ["urgent-new", "none-mid", "high-mid", "low-old"]
    model.set_sort("updated", reverse=True)  # waiting longest first
    assert ids(model) == ["low-old", "high-mid", "none-mid", "urgent-new"]
    with pytest.raises(ValueError):
        model.set_sort("alphabetical")  # type: ignore[arg-type]


def test_filter_matches_every_term_case_insensitively_across_fields() -> None:
    tickets = [
        ticket("1", subject="Invoice shows wrong VAT", org="Acme"),
        ticket("2", subject="Cannot log in", org="Globex", requester="Mina Park"),
        ticket("3", subject="Invoice missing", org="Globex", tags=("billing",)),
    ]
    model = QueueModel(tickets, sort="updated", now=NOW)
    model.set_filter("INVOICE")
    assert sorted(ids(model)) == ["1", "3"]
    model.set_filter("invoice globex")
    assert ids(model) == ["3"]
    model.set_filter("mina")
    assert ids(model) == ["2"]
    model.set_filter("billing")
    assert ids(model) == ["3"]
    model.set_filter("#2")
    assert ids(model) == ["2"]
    model.set_filter("   ")
    assert len(model) == 3
    assert model.total == 3


def test_filter_terms_never_span_two_fields() -> None:
    model = QueueModel([ticket("1", subject="alpha", requester="beta")], now=NOW)
    model.set_filter("alphabeta")
    assert len(model) == 0


def test_narrowing_scans_only_the_previous_matches_and_widening_scans_all() -> None:
    tickets = [ticket(str(n), subject=f"invoice {n}" if n % 2 else f"login {n}") for n in range(10)]
    model = QueueModel(tickets, now=NOW)
    model.set_filter("inv")
    scanned: list[int] = []
    original_match = model._match

    def spy(candidates: list[int]) -> list[int]:
        scanned.append(len(candidates))
        return original_match(candidates)

    model._match = spy  # type: ignore[method-assign]
    model.set_filter("invoice")  # grows: only the 5 previous matches are scanned
    model.set_filter("invoice 7")
    model.set_filter("login")  # unrelated: everything is scanned
    assert scanned == [5, 5, 10]
    assert ids(model) == [str(n) for n in range(10) if n % 2 == 0]


def test_backspacing_returns_cached_results_that_a_resort_forgets() -> None:
    model = QueueModel([ticket(str(n), subject=f"case {n}") for n in range(5)], now=NOW)
    model.set_filter("case")
    model.set_filter("case 3")
    model.set_filter("case")
    assert len(model) == 5
    model.set_sort("updated")
    model.set_filter("case 3")
    assert ids(model) == ["3"]


def test_hostile_text_is_searchable_by_what_is_shown_and_row_text_is_clean() -> None:
    hostile = ticket("9", subject="\x1b[31mred\x1b[0m [bold]alert[/bold]\n\u202eevil")
    assert b"\x1b" not in haystack(hostile)
    model = QueueModel([hostile], now=NOW)
    model.set_filter("redx")
    assert len(model) == 0
    model.set_filter("red [bold]alert")
    assert len(model) == 1
    row = model.row_text(0)
    assert row.subject == "red [bold]alert[/bold] evil"
    assert row.key == "#9"
    assert row.status == "open"


def test_markers_new_and_changed_since_looked_and_opening_clears_them() -> None:
    seen = SeenTickets()
    first = [ticket("1", updated_ago=60), ticket("2", updated_ago=60)]
    seen.baseline(first)
    model = QueueModel(first, seen=seen, now=NOW)
    assert [model.marker_at(p) for p in range(len(model))] == [None, None]

    refreshed = [ticket("1", updated_ago=1), ticket("2", updated_ago=60), ticket("3", updated_ago=2)]
    result = model.apply_refresh(refreshed, seen, now=NOW)
    assert result.new_ids == ["3"]
    assert result.changed_ids == ["1"]
    markers = {model.ticket_at(p).id: model.marker_at(p) for p in range(len(model))}
    assert markers == {"1": "changed", "2": None, "3": "new"}

    seen.mark(model.ticket_at(model.position_of("1") or 0))
    seen.mark(model.ticket_at(model.position_of("3") or 0))
    assert all(model.marker_at(p) is None for p in range(len(model)))


def test_refresh_counts_removed_tickets_and_keeps_sort_and_filter() -> None:
    model = QueueModel([ticket("1", subject="alpha"), ticket("2", subject="beta")], sort="updated", now=NOW)
    model.set_filter("alpha")
    result = model.apply_refresh([ticket("1", subject="alpha"), ticket("4", subject="alpha two")], now=NOW)
    assert result.removed == 1
    assert sorted(ids(model)) == ["1", "4"]
    assert model.sort_mode == "updated"


def test_customer_reply_is_detected_when_a_waiting_ticket_reopens() -> None:
    pending = ticket("1", status=Status.PENDING, updated_ago=60)
    assert customer_replied(pending, ticket("1", status=Status.OPEN, updated_ago=1))
    assert customer_replied(ticket("1", status=Status.SOLVED), ticket("1", status=Status.NEW, updated_ago=1))
    reopened = ticket("1", status=Status.OPEN, updated_ago=1)
    assert not customer_replied(ticket("1", status=Status.OPEN), reopened)
    assert not customer_replied(pending, ticket("1", status=Status.SOLVED, updated_ago=1))

    model = QueueModel([pending, ticket("2")], now=NOW)
    result = model.apply_refresh([ticket("1", status=Status.OPEN, updated_ago=1), ticket("2")], now=NOW)
    assert [t.id for t in result.customer_replies] == ["1"]


def test_update_ticket_in_place_keeps_row_position() -> None:
    model = QueueModel([ticket("1", due_in=10), ticket("2", due_in=20)], now=NOW)
    changed = ticket("1", due_in=500, subject="now solved", status=Status.SOLVED)
    assert model.update_ticket(changed) == 0
    assert model.ticket_at(0).status is Status.SOLVED
    assert model.row_text(0).subject == "now solved"
    assert model.update_ticket(ticket("99")) is None


def test_neighbours_follow_the_visible_order() -> None:
    model = QueueModel([ticket("1", due_in=1), ticket("2", due_in=2), ticket("3", due_in=3)], now=NOW)
    assert model.next_ticket_id("1") == "2"
    assert model.previous_ticket_id("2") == "1"
    assert model.previous_ticket_id("1") is None
    assert model.next_ticket_id("3") is None
    model.set_filter("#3")
    assert model.next_ticket_id("1") is None  # no longer visible
    assert model.previous_ticket_id("3") is None


@pytest.mark.parametrize(
    ("sla", "expected"),
    [
        (None, ("—", "none")),
        (SlaTarget(paused=True, due_at=NOW), ("paused", "paused")),
        (SlaTarget(due_at=NOW - timedelta(minutes=90)), ("✗ -1h30m", "breached")),
        (SlaTarget(due_at=NOW - timedelta(seconds=10)), ("✗ -<1m", "breached")),
        (SlaTarget(due_at=NOW + timedelta(minutes=59)), ("◷ 59m", "at-risk")),
        (SlaTarget(due_at=NOW + timedelta(minutes=61)), ("1h01m", "ok")),
        (SlaTarget(due_at=NOW + timedelta(days=2, hours=3)), ("2d3h", "ok")),
        (SlaTarget(due_at=None), ("—", "none")),
        (SlaTarget(due_at=None, breached_at=NOW - timedelta(minutes=5)), ("✗ -5m", "breached")),
    ],
)
def test_format_sla(sla: SlaTarget | None, expected: tuple[str, str]) -> None:
    assert format_sla(sla, NOW) == expected


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=30), "now"),
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=3, minutes=59), "3h"),
        (timedelta(days=2, hours=5), "2d"),
        (timedelta(days=800), "2y"),
        (-timedelta(minutes=5), "now"),
    ],
)
def test_format_age(ago: timedelta, expected: str) -> None:
    assert format_age(NOW - ago, NOW) == expected


def varied_tickets(count: int) -> list[Ticket]:
    words = ["invoice", "login", "Zoë's café", "支払い", "Ошибка", "🔥 prod", "VAT 500", "[bold]x[/bold]"]
    return [
        ticket(
            str(1000 + n),
            subject=f"{words[n % len(words)]} {words[(n * 3) % len(words)]} {n}",
            requester=["Grace Hopper", "Mina Park", "李雷"][n % 3],
            org=["Acme", "Globex"][n % 2],
            tags=(words[n % 5].split()[0].lower(),),
            due_in=n - 20,
        )
        for n in range(count)
    ]


QUERIES = [
    "",
    "i",
    "in",
    "inv",
    "invoice",
    "#10",
    "1",
    "10",
    "0 1",
    "é",
    "zoë",
    "支",
    "支払",
    "ош",
    "🔥",
    "x",
    "zz",
]
QUERIES += ["[bold]", "grace 1", "acme inv", "globex 🔥", "at", "café 3", "mina acme login", "gr ac", "open"]


def test_gram_index_matches_exactly_what_a_scan_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    # Several chunks: pairs turn common midway.
    monkeypatch.setattr("frontline.domain.filter_index.INDEX_CHUNK", 7)
    tickets = varied_tickets(60)
    scanned = QueueModel(tickets, now=NOW, index_from=10**9)
    indexed = QueueModel(tickets, now=NOW, index_from=2)
    assert not indexed.index_ready
    indexed.prepare_index(background=False)
    assert indexed.index_ready
    for sort in ("sla", "updated"):
        scanned.set_sort(sort)
        indexed.set_sort(sort)
        for query in QUERIES + QUERIES[::-1]:
            scanned.set_filter(query)
            indexed.set_filter(query)
            assert ids(indexed) == ids(scanned), query


def test_gram_index_candidates_are_exact_for_short_terms_and_a_superset_for_long_ones() -> None:
    index = GramIndex([b"abc\nxyz", b"acb", b"bca"])
    assert index.candidates("a") == 0b111
    assert index.candidates("bc") == 0b101
    assert index.candidates("yx") == 0
    assert index.candidates("abc") == 0b001
    assert index.candidates("cab") == 0  # "bca" has "ca" but not "ab"
    index.update(2, b"bca", b"cab")
    assert index.candidates("cab") == 0b100
    assert index.candidates("bc") == 0b001


def test_index_follows_in_place_updates_and_a_reload() -> None:
    tickets = varied_tickets(40)
    model = QueueModel(tickets, now=NOW, index_from=2)
    model.prepare_index(background=False)
    # Updated after the build started but before the index was first used: applied on install.
    model.update_ticket(tickets[5].replace(subject="Quokka sighting"))
    model.set_filter("quokka")
    assert ids(model) == ["1005"]
    model.update_ticket(tickets[6].replace(subject="Another quokka"))
    model.set_filter("quokk")
    assert sorted(ids(model)) == ["1005", "1006"]
    model.set_filter("quokka sighting")
    assert ids(model) == ["1005"]
    model.replace(tickets)  # the same tickets in the same order: the index is updated, not rebuilt
    assert model.index_ready
    model.set_filter("quokka")
    assert ids(model) == []


def test_small_views_are_never_indexed() -> None:
    model = QueueModel(varied_tickets(10), now=NOW)
    model.prepare_index(background=False)
    assert not model.index_ready


def test_a_refresh_that_changes_a_few_tickets_updates_the_index_instead_of_rebuilding_it() -> None:
    tickets = varied_tickets(60)
    model = QueueModel(tickets, now=NOW, index_from=2)
    model.prepare_index(background=False)
    index = model._ready_index()
    refreshed = list(tickets)
    refreshed[7] = tickets[7].replace(subject="Quokka sighting")
    refreshed.append(tickets[0].replace(id="2000", key="#2000", subject="New quokka"))
    model.apply_refresh(refreshed)
    assert model.index_ready and model._ready_index() is index
    model.set_filter("quokka")
    assert sorted(ids(model)) == ["1007", "2000"]
    scanned = QueueModel(refreshed, now=NOW, index_from=10**9)
    for query in QUERIES:
        model.set_filter(query)
        scanned.set_filter(query)
        assert ids(model) == ids(scanned), query


def test_a_refresh_that_reorders_or_removes_tickets_rebuilds_the_index() -> None:
    tickets = varied_tickets(60)
    model = QueueModel(tickets, now=NOW, index_from=2)
    model.prepare_index(background=False)
    model.apply_refresh(tickets[1:])
    assert not model.index_ready


def test_remove_ticket_takes_it_out_of_the_view() -> None:
    tickets = varied_tickets(30)
    model = QueueModel(tickets, now=NOW)
    model.set_filter("grace")
    shown = len(model)
    assert model.remove_ticket("1000")  # Grace Hopper's
    assert model.total == 29 and len(model) == shown - 1
    assert model.position_of("1000") is None
    assert not model.remove_ticket("1000")
    model.set_filter("")
    assert sorted(ids(model)) == sorted(t.id for t in tickets[1:])
