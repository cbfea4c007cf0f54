"""The local cache in SQLite: the migration (also over an existing database), a round trip of views,
tickets, threads and "me", profiles kept apart, local writes applied to every copy, 50,000 tickets
written in one transaction and read back whole, a view read beside one held sharing their equal tickets,
and a cache from an incompatible model read as empty."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from support.fake_helpdesk import FIXED_NOW, ME, FakeHelpdesk

from frontline.domain.models import Comment, Priority, SlaTarget, Status, Ticket, TicketThread, View
from frontline.domain.sharing import reusing
from frontline.store import cache as cache_module
from frontline.store.cache import CacheStore
from frontline.store.db import MIGRATIONS, Store

CACHE_VERSION = next(m.version for m in MIGRATIONS if m.description.startswith("cache:"))
VIEWS = [View(id="all", title="All unsolved"), View(id="mine", title="Mine", count=3)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path) as opened:
        yield opened


def tickets(count: int = 5) -> list[Ticket]:
    return list(FakeHelpdesk(ticket_count=count).tickets.values())


def test_the_cache_migration_adds_its_tables_over_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Store(path, migrations=[m for m in MIGRATIONS if m.version < CACHE_VERSION]) as old:
        assert old.fetch_one("SELECT name FROM sqlite_master WHERE name = 'cache_tickets'") is None
    with Store(path) as upgraded:
        assert upgraded.schema_version == max(m.version for m in MIGRATIONS) >= CACHE_VERSION
        cache = CacheStore(upgraded)
        cache.save_views("p", VIEWS, {})
        assert [v.view for v in cache.load_queue("p").views] == VIEWS  # type: ignore[union-attr]


def test_views_tickets_threads_and_me_round_trip(store: Store) -> None:
    cache = CacheStore(store)
    assert cache.load_queue("p") is None
    listed = tickets(12)
    listed[0] = listed[0].replace(sla=SlaTarget(due_at=FIXED_NOW, paused=True), tags=("vip", "billing"))
    cache.save_views("p", VIEWS, {"all": 40})
    cache.save_view("p", "all", listed, FIXED_NOW)
    cache.save_me("p", ME)
    queue = cache.load_queue("p")
    assert queue is not None
    assert [(v.view, v.count, v.synced_at) for v in queue.views] == [
        (VIEWS[0], 12, FIXED_NOW),  # a load counts its tickets
        (VIEWS[1], 3, None),
    ]
    assert queue.first is not None and queue.first.view_id == "all"
    assert queue.first.tickets == listed, "every field back, in the helpdesk's order"
    assert queue.me == ME
    assert cache.load_view("p", "mine") is None, "listed, never synced"

    thread = TicketThread(
        ticket=listed[1],
        comments=(Comment(id="c1", body="Hello\nthere", public=False, created_at=FIXED_NOW),),
    )
    cache.save_thread("p", thread, FIXED_NOW + timedelta(minutes=1))
    kept = cache.load_thread("p", listed[1].id)
    assert kept is not None and kept.thread == thread and kept.read_at == FIXED_NOW + timedelta(minutes=1)
    assert cache.load_thread("p", "nope") is None


def test_the_start_paints_the_view_shown_last_when_it_was_cached(store: Store) -> None:
    cache = CacheStore(store)
    cache.save_views("p", VIEWS, {})
    cache.save_view("p", "all", tickets(4), FIXED_NOW)
    cache.save_shown_view("p", "mine")  # shown, but never synced: the first cached view paints
    assert cache.load_queue("p").first.view_id == "all"  # type: ignore[union-attr]
    cache.save_view("p", "mine", tickets(2), FIXED_NOW)
    assert cache.load_queue("p").first.view_id == "mine"  # type: ignore[union-attr]
    cache.save_shown_view("p", "gone")  # a view no longer listed
    assert cache.load_queue("p").first.view_id == "all"  # type: ignore[union-attr]
    cache.save_shown_view("q", "mine")  # another profile's choice changes nothing here
    cache.save_shown_view("p", "mine")
    assert cache.load_queue("p").first.view_id == "mine"  # type: ignore[union-attr]


def test_profiles_are_kept_apart(store: Store) -> None:
    cache = CacheStore(store)
    cache.save_views("day", VIEWS, {})
    cache.save_view("day", "all", tickets(3), FIXED_NOW)
    cache.save_views("night", VIEWS[1:], {})
    cache.save_view("night", "mine", tickets(1), FIXED_NOW - timedelta(hours=2))
    day, night = cache.load_queue("day"), cache.load_queue("night")
    assert day is not None and night is not None
    assert day.first is not None and len(day.first.tickets) == 3
    assert night.first is not None and night.first.view_id == "mine" and len(night.first.tickets) == 1
    assert night.first.synced_at == FIXED_NOW - timedelta(hours=2)
    assert cache.load_view("night", "all") is None
    cache.save_views("day", VIEWS[:1], {})  # "mine" is no longer listed for day: gone there only
    assert [v.view.id for v in cache.load_queue("day").views] == ["all"]  # type: ignore[union-attr]
    assert cache.load_view("night", "mine") is not None


def test_a_refresh_that_found_the_same_tickets_moves_only_the_confirmed_time(store: Store) -> None:
    cache = CacheStore(store)
    cache.save_views("day", VIEWS, {})
    cache.save_view("day", "all", tickets(3), FIXED_NOW - timedelta(hours=2))
    cache.save_view_time("day", "all", FIXED_NOW)
    view = cache.load_view("day", "all")
    assert view is not None and view.synced_at == FIXED_NOW and len(view.tickets) == 3


def test_a_local_write_updates_every_copy_and_leaves_views_it_left(store: Store) -> None:
    cache = CacheStore(store)
    listed = tickets(4)
    cache.save_views("p", VIEWS, {})
    cache.save_view("p", "all", listed, FIXED_NOW)
    cache.save_view("p", "mine", listed[:2], FIXED_NOW)
    cache.save_thread("p", TicketThread(ticket=listed[0]), FIXED_NOW)
    solved = listed[0].replace(status=Status.SOLVED, priority=Priority.LOW)
    cache.apply_write("p", solved, ["all"])
    all_view, mine = cache.load_view("p", "all"), cache.load_view("p", "mine")
    assert all_view is not None and [t.id for t in all_view.tickets] == [t.id for t in listed[1:]]
    assert mine is not None and mine.tickets[0] == solved and mine.tickets[1] == listed[1]
    thread = cache.load_thread("p", solved.id)
    assert thread is not None and thread.thread.ticket == solved


def test_fifty_thousand_tickets_replace_the_view_at_once_and_come_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tickets(1)[0]
    many = [
        base.replace(id=str(n), key=f"#{n}", updated_at=FIXED_NOW + timedelta(seconds=n))
        for n in range(50_000)
    ]
    cache = CacheStore(store)
    cache.save_views("p", VIEWS, {})
    readable: list[bool] = []  # after each transaction: could a reader see the view?
    original = store.transaction

    @contextmanager
    def counted() -> Iterator[object]:
        with original() as connection:
            yield connection
        readable.append(cache.load_view("p", "all") is not None)

    monkeypatch.setattr(store, "transaction", counted)
    cache.save_view("p", "all", many, FIXED_NOW)
    assert readable[-1] and not any(readable[:-1]), "pages are written apart, the view appears whole"
    monkeypatch.undo()
    back = cache.load_view("p", "all")
    assert back is not None and len(back.tickets) == 50_000
    assert back.tickets[0] == many[0] and back.tickets[-1] == many[-1]
    seam = cache_module.PAGE_SIZE
    assert back.tickets[seam - 1 : seam + 1] == many[seam - 1 : seam + 1], "across page seams"


def test_a_view_read_beside_one_held_shares_its_equal_tickets(store: Store) -> None:
    cache = CacheStore(store)
    listed = tickets(6)
    changed = listed[2].replace(subject="Changed since")
    cache.save_views("p", VIEWS, {})
    cache.save_view("p", "all", listed, FIXED_NOW)
    cache.save_view("p", "mine", [listed[1], changed, listed[4]], FIXED_NOW)
    held = cache.load_view("p", "all")
    assert held is not None
    with reusing([held.tickets]):
        mine = cache.load_view("p", "mine")
    assert mine is not None and mine.tickets == [listed[1], changed, listed[4]]
    assert mine.tickets[0] is held.tickets[1] and mine.tickets[2] is held.tickets[4], "held once"
    assert mine.tickets[1] is not held.tickets[2], "a different version is its own"
    alone = cache.load_view("p", "mine")
    assert alone is not None and alone.tickets[0] == held.tickets[1]
    assert alone.tickets[0] is not held.tickets[1], "outside the block nothing is reused"


def test_tickets_read_share_equal_tags_and_timeless_sla_targets(store: Store) -> None:
    base = tickets(4)
    paused, due = SlaTarget(metric="requester_wait_time", paused=True), SlaTarget(due_at=FIXED_NOW)
    written = [t.replace(tags=("vip", "billing"), sla=paused if n < 3 else due) for n, t in enumerate(base)]
    cache = CacheStore(store)
    cache.save_views("p", VIEWS, {})
    cache.save_view("p", "all", written, FIXED_NOW)
    view = cache.load_view("p", "all")
    assert view is not None and view.tickets == written
    read = view.tickets
    assert read[0].tags is read[1].tags is read[3].tags
    assert read[0].sla is read[1].sla is read[2].sla, "a paused target has no time of its own"
    assert read[3].sla is not read[0].sla and read[3].sla == SlaTarget(due_at=FIXED_NOW)


def test_rows_from_an_incompatible_model_read_as_nothing_cached(store: Store) -> None:
    cache = CacheStore(store)
    cache.save_views("p", VIEWS, {})
    cache.save_view("p", "all", tickets(2), FIXED_NOW)
    store.execute("UPDATE cache_tickets SET tickets_json = '[{\"id\": 1}]'")  # no created_at: not a ticket
    assert cache.load_view("p", "all") is None
    queue = cache.load_queue("p")
    assert queue is not None and queue.first is None, "the views stay; the rows are read again"
