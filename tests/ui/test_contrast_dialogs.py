"""WCAG AA (4.5:1) on every other screen and dialog of a shift, in every shipped theme and both colour depths.

`test_contrast.py` covers the queue, the ticket and the composer; this walks the rest in three app runs per
theme (queue-side dialogs, ticket-side dialogs, a refused token) and measures each step as the compositor
drew it, in truecolor and in 256 colours at once, so the runs stay few.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from rich.color import ColorSystem
from support.apps import make_app
from support.contrast import AA_TEXT, Cell, failing, measure
from support.fake_helpdesk import COLLEAGUE, FakeHelpdesk
from support.fake_tracker import FakeTracker
from support.pilot import settle
from support.ticket_app import TicketApp
from textual.app import App
from textual.command import CommandList
from textual.pilot import Pilot

from frontline import locations
from frontline.config import Settings
from frontline.domain.models import Page, Person, Ticket
from frontline.domain.ports import ConnectionState
from frontline.errors import AuthError
from frontline.services.escalation import Escalations, Target
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.themes import load_themes
from frontline.ui.widgets.queue_list import QueueList

THEMES = sorted(load_themes(locations.builtin_themes_dir(), None).names)
SYSTEMS: dict[str, ColorSystem | None] = {"truecolor": None, "256-colour": ColorSystem.EIGHT_BIT}
WIDE = (160, 40)
"""Wide enough for the queue's preview pane beside the list."""


@dataclass
class Walk:
    """Measures each step of one app run in both colour depths."""

    app: App[Any]
    pilot: Pilot[Any]
    cells: list[Cell] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.press(*text)

    async def measure(self, name: str, screen: str | None = None) -> None:
        """Measure what is on screen now as step `name`; `screen` is the class expected on top."""
        await settle(self.pilot)
        if screen is not None:
            assert type(self.app.screen).__name__ == screen, f"{name}: on {type(self.app.screen).__name__}"
        for system_name, system in SYSTEMS.items():
            self.cells += measure(self.app, f"{name} [{system_name}]", system=system)
        self.steps.append(name)


def escalating(app: FrontlineApp) -> FrontlineApp:
    session = app.session
    target = Target(name="eng", kind="jira", display_name="Jira", project="ENG", labels=("from-support",))
    tracker = FakeTracker()
    session.escalations = Escalations(
        session.desk,
        (target,),
        lambda _: tracker,
        session.escalation_records,
        helpdesk_kind="zendesk",
        helpdesk_url="https://acme.zendesk.com",
        clock=session.clock,
    )
    return app


async def queue_walk(walk: Walk) -> None:
    """Queue-side: preview pane, filter hint, sort, go-to error, search, help, palette, drafts, outbox,
    bulk, handoff, toasts and the quit confirmation."""
    await walk.measure("queue with preview pane", "QueueScreen")
    await walk.press("slash")
    await walk.type("colour:red")
    await walk.measure("queue (filter hint)", "QueueScreen")
    await walk.press("escape")
    await walk.press("s")
    await walk.measure("sort picker")
    await walk.press("escape")
    await walk.press("number_sign")
    await walk.type("#99999")
    await walk.press("enter")
    await walk.measure("go-to (not found)", "LookupScreen")
    await walk.press("escape")
    await walk.press("S")
    await walk.measure("helpdesk search input")
    await walk.type("status:open")
    await walk.press("enter")
    await walk.measure("queue (Search: tab)", "QueueScreen")
    await walk.press("x")
    await walk.press("question_mark")
    await walk.measure("help", "HelpScreen")
    await walk.press("escape")
    await walk.press("ctrl+p")
    await walk.type("queue")
    results = walk.app.screen.query_one(CommandList)
    for _ in range(100):
        if results.option_count:
            break
        await walk.pilot.pause()
    assert results.option_count, "the palette found commands"
    await walk.measure("command palette", "CommandPalette")
    await walk.press("escape")
    await walk.press("enter")  # a draft, so the drafts list and the quit confirmation have something
    await walk.press("r")
    await walk.type("Still looking into it.")
    await walk.press("escape", "escape")
    await walk.press("D")
    await walk.measure("drafts list", "DraftsScreen")
    await walk.press("escape")
    await walk.press("O")
    await walk.measure("outbox", "OutboxScreen")
    await walk.press("escape")
    await walk.press("space", "down", "space", "B")
    await walk.measure("bulk chooser")
    await walk.press("enter")
    await walk.press("enter")
    await walk.measure("bulk review", "BulkScreen")
    await walk.press("escape")
    walk.app.screen.query_one(QueueList).focus()
    await walk.press("H")
    await walk.measure("handoff", "HandoffScreen")
    await walk.press("escape")
    await walk.press("h")
    await walk.measure("handoff note (queue)", "HandoffNoteScreen")
    await walk.press("escape")
    walk.app.notify("Customer replied on #1002: Export to CSV is empty", title="Customer replied")
    walk.app.notify("The draft is kept on this machine.", title="Postponed", severity="warning")
    walk.app.notify("Fake Helpdesk did not answer (timeout).", title="Offline", severity="error")
    await walk.measure("toasts", "QueueScreen")
    walk.app.clear_notifications()
    await walk.press("ctrl+q")
    await walk.measure("quit confirmation")
    await walk.press("n")


def colleagues_ticket() -> FakeHelpdesk:
    helpdesk = FakeHelpdesk()
    helpdesk.tickets["1001"] = helpdesk.tickets["1001"].replace(assignee=COLLEAGUE)
    return helpdesk


async def ticket_walk(walk: Walk) -> None:
    """Ticket-side: details, conversation search, pickers, take-it, escalation, handoff note, reviews."""
    await walk.press("i")
    await walk.measure("ticket details", "TicketDetailsScreen")
    await walk.press("escape")
    await walk.press("slash")
    await walk.type("e")
    await walk.press("enter")
    assert any(card.matches for card in walk.app.screen.query(CommentCard)), "the search highlighted"
    await walk.measure("conversation search", "TicketScreen")
    await walk.press("escape")
    for key, name in (("s", "status picker"), ("p", "priority picker"), ("a", "assign picker")):
        await walk.press(key)
        await walk.measure(name)
        await walk.press("escape")
    await walk.press("t")
    await walk.measure("take-it confirmation")
    await walk.press("n")
    await walk.press("E")
    await walk.measure("escalation form", "EscalationScreen")
    await walk.press("escape")
    await walk.press("h")
    await walk.measure("handoff note (ticket)", "HandoffNoteScreen")
    await walk.press("escape")
    await walk.press("r")
    await walk.type("Hello {{ticket.requester.nickname}}, done.")
    await walk.press("ctrl+s")
    await walk.measure("review (public reply, placeholder warning)", "ReviewScreen")
    await walk.press("escape", "escape")
    await walk.press("n")
    await walk.type("Checked the logs.")
    await walk.press("ctrl+s")
    await walk.measure("review (internal note)", "ReviewScreen")
    await walk.press("escape", "escape")


@dataclass
class RefusingHelpdesk(FakeHelpdesk):
    """Answers 401 to view loads once `revoked`."""

    revoked: bool = False

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        if self.revoked:
            self.state = ConnectionState.SIGNED_OUT
            raise AuthError("Fake Helpdesk rejected the credentials (401).")
        return await super().list_view_tickets(view_id, cursor, page_size)

    async def whoami(self) -> Person:
        return await super().whoami()


async def signed_out_walk(walk: Walk) -> None:
    """A refused token: the banner and the error toast."""
    assert isinstance(walk.app, FrontlineApp)
    helpdesk = walk.app.session.helpdesk
    assert isinstance(helpdesk, RefusingHelpdesk)
    helpdesk.revoked = True
    await walk.press("R")
    await walk.measure("signed-out banner and toast", "QueueScreen")
    assert walk.app.screen.query_one("SignedOutBanner").display, "the banner is shown"


Run = Callable[[Walk], Awaitable[None]]


def build(run: str, theme: str) -> App[Any]:
    settings = Settings(ui={"theme": theme})
    if run == "queue":
        return make_app(FakeHelpdesk(), settings=settings)
    if run == "ticket":
        return escalating(TicketApp(colleagues_ticket(), ticket_id="1001", settings=settings))
    return make_app(RefusingHelpdesk(), settings=settings)


RUNS: dict[str, Run] = {"queue": queue_walk, "ticket": ticket_walk, "signed-out": signed_out_walk}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("run", list(RUNS))
async def test_every_dialog_meets_wcag_aa(run: str, theme: str) -> None:
    app = build(run, theme)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        walk = Walk(app, pilot)
        await RUNS[run](walk)

    assert len(walk.cells) > 20 * len(walk.steps), "every step rendered text"
    lines = [str(cell) for cell in failing(walk.cells)]
    assert not lines, f"{theme}: {len(lines)} runs of text under {AA_TEXT}:1\n" + "\n".join(lines)
