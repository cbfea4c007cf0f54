"""Taking, assigning and undoing on the ticket screen, with the in-memory helpdesk and a clock tests move."""

from __future__ import annotations

from datetime import datetime, timedelta

from support.fake_helpdesk import COLLEAGUE, FIXED_NOW, ME, FakeHelpdesk
from support.ticket_app import TicketApp
from textual.widgets import Input, OptionList

from frontline.domain.models import Status
from frontline.ui.screens.pickers import ChoiceScreen, ConfirmScreen, FilterChoiceScreen


class MovableClock:
    """A clock the test moves by hand: the undo window is measured on it, never by sleeping."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def colleague_ticket(helpdesk: FakeHelpdesk, ticket_id: str = "1001") -> FakeHelpdesk:
    helpdesk.tickets[ticket_id] = helpdesk.tickets[ticket_id].replace(assignee=COLLEAGUE)
    return helpdesk


async def test_take_asks_before_taking_a_colleagues_ticket_and_no_keeps_it_theirs() -> None:
    app = TicketApp(colleague_ticket(FakeHelpdesk()), ticket_id="1001")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Assigned to Priya Raman — take it?"
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert app.helpdesk.updates == []
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert [u.assignee_id for _, u in app.helpdesk.updates] == [ME.id]


async def test_take_on_an_unassigned_ticket_does_not_ask() -> None:
    app = TicketApp(ticket_id="1001")  # unassigned
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        assert not isinstance(app.screen, ConfirmScreen)
        assert [u.assignee_id for _, u in app.helpdesk.updates] == [ME.id]


async def test_assign_picker_filters_by_typing_and_assigns_to_a_group() -> None:
    app = TicketApp(ticket_id="1001")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FilterChoiceScreen)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 4  # two groups, two agents
        await pilot.press(*"tier")
        await pilot.pause()
        assert options.option_count == 1
        assert "Tier 2" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [(ticket_id, update)] = app.helpdesk.updates
        assert ticket_id == "1001" and update.group_id == "g2" and update.assignee_id is None
        assert app.helpdesk.tickets["1001"].group == "Tier 2"


async def test_assign_picker_says_nothing_matches_and_escape_sends_nothing() -> None:
    app = TicketApp(ticket_id="1001")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FilterChoiceScreen)
        app.screen.query_one(Input).value = "nobody-here"
        await pilot.pause()
        await pilot.press("enter")  # the "Nothing matches." line cannot be chosen
        await pilot.pause()
        assert isinstance(app.screen, FilterChoiceScreen)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert app.helpdesk.updates == []


async def test_undo_within_the_window_reverts_the_status_with_a_second_write() -> None:
    clock = MovableClock()
    app = TicketApp(ticket_id="1001", clock=clock)
    before = app.helpdesk.tickets["1001"].status
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("end", "enter")  # solved
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("u to undo" in n.message for n in app._notifications)
        clock.now += timedelta(seconds=5)
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        first, second = (update for _, update in app.helpdesk.updates)
        assert first.status is Status.SOLVED
        assert second.status is before  # the inverse, sent as its own write
        assert app.helpdesk.tickets["1001"].status is before
        await pilot.press("u")  # the undo itself is not undone
        await pilot.pause()
        assert len(app.helpdesk.updates) == 2
        assert any(n.message == "Nothing to undo." for n in app._notifications)


async def test_after_the_window_u_has_nothing_to_undo() -> None:
    clock = MovableClock()
    app = TicketApp(ticket_id="1001", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one(Input).value = "billing vip"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        clock.now += timedelta(seconds=9)
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.helpdesk.updates) == 1
        assert any(n.message == "Nothing to undo." for n in app._notifications)
        assert app.helpdesk.tickets["1001"].tags == ("billing", "vip")


async def test_undo_of_an_assignment_puts_the_colleague_back() -> None:
    clock = MovableClock()
    app = TicketApp(colleague_ticket(FakeHelpdesk()), ticket_id="1001", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.press("u")
        await app.workers.wait_for_complete()
        assert [u.assignee_id for _, u in app.helpdesk.updates] == [ME.id, COLLEAGUE.id]
        assignee = app.helpdesk.tickets["1001"].assignee
        assert assignee is not None and assignee.id == COLLEAGUE.id
