"""The seen state in SQLite: the version 7 migration (also over an existing database), rows kept per
profile, a 50,000-ticket baseline written as one transaction, and the queue's markers and announced
replies coming back after a restart of the sync service on the same file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline.domain.models import Comment, Status, Ticket
from frontline.domain.seen import CommentMark, SeenState, SeenTickets
from frontline.services.desk import Desk
from frontline.services.queue_sync import QueueSync
from frontline.store import seen as seen_module
from frontline.store.db import MIGRATIONS, Store
from frontline.store.seen import SeenStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path) as opened:
        yield opened


def state(ticket_id: str, minutes: int = 0, *, reply: bool = False) -> SeenState:
    moment = FIXED_NOW + timedelta(minutes=minutes)
    return SeenState(
        ticket_id=ticket_id,
        looked_at=moment,
        checked_at=moment,
        seen_comment=CommentMark("c1", moment - timedelta(hours=1)),
        reply=CommentMark("c9", moment) if reply else None,
    )


def test_migration_7_adds_the_table_over_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Store(path, migrations=[m for m in MIGRATIONS if m.version < 7]) as old:
        assert old.schema_version < 7
        assert old.fetch_one("SELECT name FROM sqlite_master WHERE name = 'seen_tickets'") is None
    with Store(path) as upgraded:
        assert upgraded.schema_version == max(m.version for m in MIGRATIONS) >= 7
        SeenStore(upgraded).put_many("p", [state("1")])
        assert SeenStore(upgraded).load("p") == [state("1")]


def test_states_are_kept_per_profile_and_replaced_whole(store: Store) -> None:
    seen = SeenStore(store)
    seen.put_many("day", [state("1"), state("2", reply=True)])
    seen.put_many("night", [state("1", 30)])
    seen.put_many("day", [state("2", 10)])  # the reply was seen: the new state has none
    assert sorted(seen.load("day"), key=lambda s: s.ticket_id) == [state("1"), state("2", 10)]
    assert seen.load("night") == [state("1", 30)]
    assert seen.load("nobody") == []
    seen.put_many("day", [])  # nothing to write: no transaction at all


def test_an_unreadable_stored_time_counts_as_unknown(store: Store) -> None:
    SeenStore(store).put_many("p", [state("1", reply=True)])
    store.execute("UPDATE seen_tickets SET looked_at = 'yesterday', reply_at = 'soon' WHERE ticket_id = '1'")
    [loaded] = SeenStore(store).load("p")
    assert loaded.looked_at is None and loaded.reply is None and loaded.checked_at is not None


def test_one_stored_moment_is_read_as_one_datetime(store: Store) -> None:
    """A ticket's `looked_at` and `checked_at` are mostly equal: held once (50,000 datetimes, not 100,000).
    Across tickets they are not shared: once met, each ticket's own `updated_at` takes their place."""
    SeenStore(store).put_many("p", [state("1"), state("2"), replace(state("3", 5), checked_at=FIXED_NOW)])
    first, second, third = sorted(SeenStore(store).load("p"), key=lambda s: s.ticket_id)
    assert first.looked_at == first.checked_at == second.looked_at
    assert first.looked_at is first.checked_at and second.looked_at is second.checked_at
    assert third.looked_at is not None and third.looked_at != third.checked_at == FIXED_NOW


def test_the_state_is_read_a_slice_of_rows_at_a_time(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 50,000 tickets the rows of one query would be held all at once beside the states made of them."""
    ids = ["", "1", "10", "2", "20", "3", "x"]
    SeenStore(store).put_many("p", [state(ticket_id, n) for n, ticket_id in enumerate(ids)])
    SeenStore(store).put_many("other", [state("15")])
    queries: list[str] = []
    fetch_all = store.fetch_all

    def counted(sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        queries.append(sql)
        return fetch_all(sql, parameters)

    monkeypatch.setattr(store, "fetch_all", counted)
    for rows_at_once, expected_queries in ((3, 3), (7, 2), (100, 1)):
        monkeypatch.setattr(seen_module, "LOAD_ROWS", rows_at_once)
        queries.clear()
        loaded = SeenStore(store).load("p")
        assert loaded == [state(ticket_id, n) for n, ticket_id in enumerate(ids)], rows_at_once
        assert len(queries) == expected_queries


def test_a_50000_ticket_baseline_is_one_transaction(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    tickets = [
        Ticket(id=str(n), created_at=FIXED_NOW, updated_at=FIXED_NOW + timedelta(seconds=n))
        for n in range(50_000)
    ]
    seen = SeenTickets()
    seen.baseline(tickets)
    transactions: list[int] = []
    original = store.transaction

    @contextmanager
    def counted() -> Iterator[object]:
        transactions.append(1)
        with original() as connection:
            yield connection

    monkeypatch.setattr(store, "transaction", counted)
    SeenStore(store).put_many("p", seen.take_changes())
    assert transactions == [1]
    restored = SeenTickets(SeenStore(store).load("p"))
    assert restored.marker(tickets[49_999]) is None
    assert restored.marker(tickets[123].replace(updated_at=FIXED_NOW + timedelta(days=1))) == ("changed")


def sync_on(store: Store, helpdesk: FakeHelpdesk) -> QueueSync:
    desk = Desk(helpdesk, profile_name="test", clock=lambda: FIXED_NOW)
    return QueueSync(desk, clock=lambda: FIXED_NOW, seen_store=lambda: SeenStore(store))


async def test_markers_and_announced_replies_come_back_after_a_restart(store: Store) -> None:
    helpdesk = FakeHelpdesk()
    first = sync_on(store, helpdesk)
    await first.load_views()
    await first.load_view("all")
    opened = next(t for t in helpdesk.tickets.values() if t.status is Status.OPEN)
    changed = helpdesk.tickets["1000"]
    later = FIXED_NOW + timedelta(minutes=3)
    helpdesk.tickets[opened.id] = opened.replace(updated_at=later)
    helpdesk.comments[opened.id].append(
        Comment(id="reply-1", author=opened.requester, body="Any news?", created_at=later)
    )
    helpdesk.tickets[changed.id] = changed.replace(updated_at=later)
    again = await first.load_view("all")
    assert [t.id for t in again.customer_replies] == [opened.id]

    restarted = sync_on(store, helpdesk)
    await restarted.load_views()
    loaded = await restarted.load_view("all")
    assert loaded.first and loaded.customer_replies == [], "announced once, not again after a restart"
    model = restarted.models["all"]
    assert model.marker_at(model.position_of(opened.id) or 0) == "waiting"
    assert model.marker_at(model.position_of(changed.id) or 0) == "changed"
    restarted.mark_seen(helpdesk.tickets[opened.id])
    restarted.keeper.save_now()

    third = sync_on(store, helpdesk)
    await third.load_views()
    await third.load_view("all")
    model = third.models["all"]
    assert model.marker_at(model.position_of(opened.id) or 0) is None, "opened: cleared for good"
    assert model.marker_at(model.position_of(changed.id) or 0) == "changed"


async def test_a_reply_that_arrived_while_the_console_was_closed_is_announced_at_start(store: Store) -> None:
    helpdesk = FakeHelpdesk()
    first = sync_on(store, helpdesk)
    await first.load_views()
    await first.load_view("all")
    opened = next(t for t in helpdesk.tickets.values() if t.status is Status.OPEN)
    later = FIXED_NOW + timedelta(minutes=3)
    helpdesk.tickets[opened.id] = opened.replace(updated_at=later)
    helpdesk.comments[opened.id].append(
        Comment(id="reply-1", author=opened.requester, body="Hello?", created_at=later)
    )

    restarted = sync_on(store, helpdesk)
    await restarted.load_views()
    loaded = await restarted.load_view("all")
    assert [t.id for t in loaded.customer_replies] == [opened.id]
