"""The queue sync rules without Textual: freshness per view, the refresh budget, local writes, replies."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline.domain.models import Comment, CommentDraft, Page, Priority, Status, Ticket, TicketUpdate
from frontline.domain.ports import HelpdeskCapabilities
from frontline.errors import FrontlineError, Unavailable
from frontline.services.desk import Desk
from frontline.services.queue_sync import SEEN_SLICE, LocalWrite, QueueSync, in_slices, reply_notices


class MovingClock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class FlakyHelpdesk(FakeHelpdesk):
    """Fails view loads while `fail_with` is set; holds them at `gate` while it is set."""

    fail_with: FrontlineError | None = None
    gate: asyncio.Event | None = None
    loads: dict[str, int] = field(default_factory=dict)

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_with is not None:
            raise self.fail_with
        if cursor is None:
            self.loads[view_id] = self.loads.get(view_id, 0) + 1
        return await super().list_view_tickets(view_id, cursor, page_size)


class SmallPagesHelpdesk(FakeHelpdesk):
    """Ten tickets a page, so a view's reload costs one request per ten tickets."""

    capabilities = HelpdeskCapabilities(macros=True, sla=True, safe_update=True, max_page_size=10)


def make_sync(
    helpdesk: FakeHelpdesk | None = None, *, clock: MovingClock | None = None, refresh_seconds: int = 60
) -> tuple[QueueSync, FakeHelpdesk, MovingClock]:
    helpdesk = helpdesk if helpdesk is not None else FlakyHelpdesk()
    clock = clock or MovingClock()
    desk = Desk(helpdesk, profile_name="test", clock=clock)
    return QueueSync(desk, clock=clock, refresh_seconds=refresh_seconds), helpdesk, clock


def ids(tickets: list[Ticket]) -> list[str]:
    return [ticket.id for ticket in tickets]


# -- freshness --------------------------------------------------------------------------------------------


async def test_a_view_is_fresh_until_its_refresh_interval_has_passed() -> None:
    sync, _, clock = make_sync(refresh_seconds=60)
    assert sync.is_stale("all") and sync.synced_at("all") is None
    assert not sync.auto_refresh_due("all")  # never loaded: the first load is not an automatic refresh

    loaded = await sync.load_view("all")

    assert loaded.first and loaded.count == 40 and sync.model_for("all").total == 40
    assert sync.synced_at("all") == FIXED_NOW
    assert not sync.is_stale("all") and not sync.auto_refresh_due("all")
    clock.advance(seconds=59)
    assert not sync.is_stale("all") and not sync.auto_refresh_due("all")
    clock.advance(seconds=1)
    assert sync.is_stale("all") and sync.auto_refresh_due("all")


async def test_each_view_keeps_its_own_sync_time() -> None:
    sync, helpdesk, clock = make_sync(refresh_seconds=600)
    await sync.load_view("all")
    clock.advance(minutes=3)
    await sync.load_view("mine")

    assert sync.synced_at("all") == FIXED_NOW
    assert sync.synced_at("mine") == FIXED_NOW + timedelta(minutes=3)
    clock.advance(minutes=8)  # "all" is 11 minutes old, "mine" 8: only "all" is past 10 minutes
    assert sync.is_stale("all") and not sync.is_stale("mine")
    assert sync.is_stale("urgent")  # never loaded
    await sync.load_view("all")
    assert sync.synced_at("all") == FIXED_NOW + timedelta(minutes=11) and not sync.is_stale("all")
    assert isinstance(helpdesk, FlakyHelpdesk) and helpdesk.loads == {"all": 2, "mine": 1}


async def test_a_big_view_refreshes_less_often_than_configured_to_stay_in_the_rate_limit() -> None:
    sync, _, clock = make_sync(SmallPagesHelpdesk(ticket_count=400), refresh_seconds=60)
    await sync.load_view("all")  # 400 tickets, 10 a page: 40 requests a reload
    await sync.load_view("mine")  # 134 tickets: 14 requests, within the configured interval's budget

    assert sync.desk.pages_per_view == {"all": 40, "mine": 14}
    assert sync.refresh_interval("all") == timedelta(seconds=120)  # 40 requests at the default 20 a minute
    assert sync.refresh_interval("mine") == timedelta(seconds=60)
    clock.advance(seconds=61)
    assert sync.auto_refresh_due("mine") and not sync.auto_refresh_due("all")
    assert not sync.is_stale("all")
    clock.advance(seconds=59)
    assert sync.auto_refresh_due("all") and sync.is_stale("all")


async def test_no_automatic_refresh_is_due_while_a_load_is_under_way() -> None:
    sync, helpdesk, clock = make_sync(refresh_seconds=60)
    assert isinstance(helpdesk, FlakyHelpdesk)
    await sync.load_view("all")
    clock.advance(minutes=5)
    assert sync.auto_refresh_due("all")
    helpdesk.gate = asyncio.Event()
    reload = asyncio.create_task(sync.load_view("all"))
    await asyncio.sleep(0)
    assert sync.loading and not sync.auto_refresh_due("all")
    helpdesk.gate.set()
    await reload
    assert not sync.loading and not sync.auto_refresh_due("all")


async def test_a_failed_load_keeps_the_rows_and_the_last_good_sync_time() -> None:
    sync, helpdesk, clock = make_sync(refresh_seconds=60)
    assert isinstance(helpdesk, FlakyHelpdesk)
    await sync.load_view("all")
    clock.advance(minutes=5)
    helpdesk.fail_with = Unavailable("The helpdesk did not answer.")

    with pytest.raises(Unavailable):
        await sync.load_view("all")

    assert sync.synced_at("all") == FIXED_NOW
    assert sync.sync_failed("all") and not sync.loading
    assert sync.model_for("all").total == 40 and sync.is_loaded("all")
    assert sync.is_stale("all")  # still due: the next check tries again
    helpdesk.fail_with = None
    await sync.load_view("all")
    assert not sync.sync_failed("all") and sync.synced_at("all") == FIXED_NOW + timedelta(minutes=5)


async def test_a_failed_first_load_leaves_the_view_unloaded() -> None:
    sync, helpdesk, _ = make_sync()
    assert isinstance(helpdesk, FlakyHelpdesk)
    helpdesk.fail_with = Unavailable("Connection refused.")
    with pytest.raises(Unavailable):
        await sync.load_view("mine")
    assert not sync.is_loaded("mine") and sync.synced_at("mine") is None
    assert sync.sync_failed("mine") and sync.is_stale("mine")
    assert "mine" not in sync.counts


# -- views, counts and sort ---------------------------------------------------------------------------


async def test_views_and_counts_for_the_tabs() -> None:
    sync, helpdesk, _ = make_sync()
    views = await sync.load_views()
    assert [view.id for view in views] == ["all", "mine", "urgent"]
    assert sync.view("mine") is not None and sync.view("nope") is None
    await sync.load_view("all")
    counted: list[tuple[str, int]] = []

    count_view = helpdesk.view_count

    async def urgent_fails(view_id: str) -> int | None:
        if view_id == "urgent":
            raise Unavailable("Timed out.")
        return await count_view(view_id)

    helpdesk.view_count = urgent_fails  # type: ignore[method-assign]
    await sync.load_counts(lambda view_id, count: counted.append((view_id, count)))

    assert counted == [("mine", 14)]  # "all" was counted by its load, "urgent" failed (skipped)
    assert sync.counts == {"all": 40, "mine": 14}


async def test_a_count_arriving_after_a_load_does_not_replace_the_loads_count() -> None:
    sync, helpdesk, _ = make_sync()
    await sync.load_views()
    counted: list[tuple[str, int]] = []

    async def slow_count(view_id: str) -> int | None:
        await sync.load_view(view_id)  # the view loads while its count is on the way
        return 999

    helpdesk.view_count = slow_count  # type: ignore[method-assign]
    await sync.load_counts(lambda view_id, count: counted.append((view_id, count)))

    assert counted == [] and sync.counts == {"all": 40, "mine": 14, "urgent": 20}


async def test_selecting_a_view_puts_it_in_the_shared_sort_mode() -> None:
    sync, _, _ = make_sync()
    await sync.load_view("all")
    assert sync.model_for("all").sort_mode == "sla"
    sync.sort_mode = "priority"
    model = sync.select("all")
    assert sync.current_view_id == "all" and model is sync.models["all"]
    assert model.sort_mode == "priority"
    ranks = [model.ticket_at(p).priority.rank for p in range(len(model))]  # type: ignore[union-attr]
    assert ranks == sorted(ranks)
    assert sync.model_for("urgent").sort_mode == "priority"  # new views start in it too


# -- local writes ------------------------------------------------------------------------------------------


async def loaded_both() -> tuple[QueueSync, FakeHelpdesk, Ticket, list[LocalWrite]]:
    """ "All unsolved" and "Your tickets" loaded, "Your tickets" on screen, writes followed."""
    sync, helpdesk, clock = make_sync(refresh_seconds=600)
    await sync.load_views()
    await sync.load_view("all")
    await sync.load_view("mine")
    sync.select("mine")
    target = next(t for t in sync.models["mine"].tickets if t.status is not Status.SOLVED)
    assert sync.models["all"].position_of(target.id) is not None
    writes: list[LocalWrite] = []
    sync.follow_local_writes(writes.append)
    clock.advance(minutes=1)
    return sync, helpdesk, target, writes


async def test_solving_a_ticket_drops_it_from_an_unsolved_view_and_updates_the_shown_one() -> None:
    sync, _, target, writes = await loaded_both()
    mine = sync.models["mine"]
    position = mine.position_of(target.id)

    await sync.desk.submit(target.id, TicketUpdate(status=Status.SOLVED))

    [write] = writes
    assert write.removed_from == ("all",)
    assert sync.models["all"].position_of(target.id) is None and sync.counts["all"] == 39
    # The view on screen keeps the row where it was (no jumping), with the new status.
    assert write.shown_position == position and mine.ticket_at(position or 0).status is Status.SOLVED
    assert mine.marker_at(position or 0) is None  # our own change is not "changed since you looked"
    assert sync.counts["mine"] == 14


async def test_a_local_write_marks_every_loaded_view_dirty_until_it_reloads() -> None:
    sync, _, target, _ = await loaded_both()
    assert not sync.is_stale("all") and not sync.is_stale("mine")

    await sync.desk.submit(target.id, TicketUpdate(priority=Priority.URGENT))

    assert sync.is_dirty("all") and sync.is_dirty("mine") and not sync.is_dirty("urgent")
    assert sync.is_stale("all") and sync.is_stale("mine")  # reload when next shown
    assert not sync.auto_refresh_due("mine")  # but the one on screen is not reloaded under the cursor
    await sync.load_view("all")
    assert not sync.is_dirty("all") and not sync.is_stale("all") and sync.is_dirty("mine")


async def test_a_change_that_keeps_the_ticket_in_a_view_updates_it_in_place_everywhere() -> None:
    sync, _, target, writes = await loaded_both()
    await sync.desk.submit(target.id, TicketUpdate(priority=Priority.URGENT))

    assert writes[0].removed_from == ()
    for view_id in ("all", "mine"):
        model = sync.models[view_id]
        assert model.ticket_at(model.position_of(target.id) or 0).priority is Priority.URGENT
    assert sync.counts == {"all": 40, "mine": 14}


async def test_the_unsolved_view_on_screen_keeps_a_solved_ticket_until_it_reloads() -> None:
    sync, _, target, writes = await loaded_both()
    sync.select("all")
    position = sync.models["all"].position_of(target.id)

    await sync.desk.submit(target.id, TicketUpdate(status=Status.SOLVED))

    assert writes[0].removed_from == () and writes[0].shown_position == position
    assert sync.models["all"].ticket_at(position or 0).status is Status.SOLVED
    await sync.load_view("all")
    assert sync.models["all"].position_of(target.id) is None and sync.counts["all"] == 39


async def test_writes_are_no_longer_applied_once_unfollowed() -> None:
    sync, _, _ = make_sync()
    await sync.load_view("all")
    writes: list[LocalWrite] = []
    stop = sync.follow_local_writes(writes.append)
    stop()
    await sync.desk.submit("1001", TicketUpdate(comment=CommentDraft(body="Hi", public=True)))
    assert writes == [] and not sync.is_dirty("all")


# -- customer replies ---------------------------------------------------------------------------------------


async def test_a_refresh_reports_the_tickets_customers_replied_to() -> None:
    sync, helpdesk, clock = make_sync()
    first = await sync.load_view("all")
    assert first.first and first.customer_replies == [] and first.refresh is None

    pending = [t for t in helpdesk.tickets.values() if t.status is Status.PENDING]
    replied, still_waiting = pending[0], pending[1]
    later = FIXED_NOW + timedelta(minutes=1)
    helpdesk.tickets[replied.id] = replied.replace(status=Status.OPEN, updated_at=later)
    answer = Comment(id=f"{replied.id}-3", author=replied.requester, body="Any news?", created_at=later)
    helpdesk.comments[replied.id].append(answer)
    helpdesk.tickets[still_waiting.id] = still_waiting.replace(updated_at=later)
    helpdesk.tickets["2000"] = helpdesk.tickets["1001"].replace(id="2000", key="#2000")
    clock.advance(minutes=2)

    again = await sync.load_view("all")

    assert not again.first and ids(again.customer_replies) == [replied.id]
    assert again.refresh is not None and again.refresh.new_ids == ["2000"]
    assert sorted(again.refresh.changed_ids) == sorted([replied.id, still_waiting.id])
    model = sync.models["all"]
    assert model.marker_at(model.position_of("2000") or 0) == "new"
    assert model.marker_at(model.position_of(replied.id) or 0) == "waiting"  # the customer waits on us
    assert model.marker_at(model.position_of(still_waiting.id) or 0) == "changed"


async def test_a_views_first_load_announces_nothing_but_marks_what_changed_since_seen_elsewhere() -> None:
    sync, helpdesk, _ = make_sync()
    await sync.load_view("all")
    pending = next(t for t in helpdesk.tickets.values() if t.status is Status.PENDING)
    helpdesk.tickets[pending.id] = pending.replace(
        status=Status.OPEN, updated_at=FIXED_NOW + timedelta(minutes=1)
    )
    helpdesk.tickets["2001"] = helpdesk.tickets["1000"].replace(id="2001", key="#2001")

    loaded = await sync.load_view("mine")  # first load of this view: a baseline, not a refresh

    assert loaded.first and loaded.customer_replies == [] and loaded.count == 15
    model = sync.models["mine"]
    markers = {model.ticket_at(p).id: model.marker_at(p) for p in range(len(model))}
    assert markers.pop(pending.id) == "changed"  # seen in "all" before the customer answered
    assert set(markers.values()) == {None}  # "2001" is met for the first time: not "new" yet


def test_few_replies_are_announced_one_by_one_and_many_as_a_count() -> None:
    tickets = list(FakeHelpdesk().tickets.values())
    hostile = tickets[4]  # its subject carries markup and an escape sequence
    few = reply_notices([tickets[0], hostile])
    assert [notice.title for notice in few] == ["Customer replied", "Customer replied"]
    assert few[0].message == f"Customer replied on #1000: {tickets[0].subject}"
    assert few[1].message == "Customer replied on #1004: [bold red]URGENT[/] red please help"
    assert len(reply_notices(tickets[:3])) == 3
    [many] = reply_notices(tickets[:4])
    assert many.title == "Customers replied" and many.message == "4 tickets have new customer replies."
    assert reply_notices([]) == []


async def test_between_two_seen_slices_a_chain_of_handlers_runs_to_its_end() -> None:
    """A timer tick or a key reaches its handler through several hops (task, message queue, handler); the
    seen-state pass lets them all run between two slices, not one hop per slice (14 ms stalls)."""
    handled_during: list[int] = []
    slices: list[int] = []

    async def hop(depth: int, wake: asyncio.Event) -> None:
        await wake.wait()
        if depth:
            following = asyncio.Event()
            task = asyncio.ensure_future(hop(depth - 1, following))
            following.set()
            await task
        else:
            handled_during.append(len(slices))

    first_hop = asyncio.Event()
    chain = asyncio.ensure_future(hop(6, first_hop))

    def work(part: object) -> None:
        slices.append(1)
        if len(slices) == 1:
            first_hop.set()  # the "key" arrives while the first slice runs

    ticket = Ticket(id="1", created_at=FIXED_NOW, updated_at=FIXED_NOW)
    await in_slices([ticket] * (4 * SEEN_SLICE), work)
    await chain

    assert len(slices) == 4
    assert handled_during == [1]  # handled before the second slice started
