"""The one way tests build a frontline app: the composition root's session around a fake helpdesk.

Every UI test and snapshot goes through `make_app` (or `TicketApp`, which opens on one ticket), so the app
under test is wired exactly as the console wires it, themes and keymap included.
"""

from __future__ import annotations

from pathlib import Path

from frontline.bootstrap import Session, session_for_helpdesk
from frontline.config import Settings
from frontline.domain.clock import Clock, fixed_clock
from frontline.domain.ports import Helpdesk
from frontline.ui.app import FrontlineApp
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk


def make_session(
    helpdesk: Helpdesk | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    data_dir: Path | None = None,
) -> Session:
    """A session for profile "test" on `helpdesk` (a seeded `FakeHelpdesk` by default), at a fixed time."""
    return session_for_helpdesk(
        helpdesk if helpdesk is not None else FakeHelpdesk(),
        profile_name="test",
        settings=settings,
        data_dir=data_dir,
        clock=clock or fixed_clock(FIXED_NOW),
    )


def make_app(
    helpdesk: Helpdesk | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    data_dir: Path | None = None,
) -> FrontlineApp:
    """The console on the queue, as `frontline` starts it."""
    return FrontlineApp(make_session(helpdesk, settings=settings, clock=clock, data_dir=data_dir))
