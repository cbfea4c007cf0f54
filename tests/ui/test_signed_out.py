"""A token refused mid-shift: one banner (no toast per tick), polling stops, `L` signs in again without
losing anything, and the token is shown nowhere. Also the refresh backoff after failed loads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from support.pilot import settle
from textual.pilot import Pilot
from textual.widgets import Input

from frontline.domain.models import Page, Person, Ticket
from frontline.domain.ports import ConnectionState
from frontline.errors import AuthError, FrontlineError, Unavailable
from frontline.services.desk import Desk
from frontline.services.queue_sync import QueueSync
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.pickers import TextPromptScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.widgets.signed_out_banner import SignedOutBanner
from frontline.ui.widgets.status_bar import StatusBar

TOKEN = "tok-Live-7f3a9c2e-L"
BANNER = "Signed out: Fake Helpdesk refused the token. Press L to sign in again."


class MovingClock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RevokingHelpdesk(FakeHelpdesk):
    """Answers 401 to everything while `revoked`; `use_token` records the new token and signs in again."""

    revoked: bool = False
    view_loads: int = 0
    tokens: list[str] = field(default_factory=list)

    def _check_token(self) -> None:
        if self.revoked:
            self.state = ConnectionState.SIGNED_OUT
            raise AuthError("Fake Helpdesk rejected the credentials (401).")
        self.state = ConnectionState.ONLINE

    async def whoami(self) -> Person:
        self._check_token()
        return await super().whoami()

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        self.view_loads += 1
        self._check_token()
        return await super().list_view_tickets(view_id, cursor, page_size)

    def use_token(self, token: str) -> None:
        self.tokens.append(token)
        self.revoked = False


def renewing_into(helpdesk: RevokingHelpdesk) -> Callable[[str], str]:
    def renew(token: str) -> str:
        helpdesk.use_token(token)
        return "Kept for this session only: there is no keyring here."

    return renew


def banner(app: FrontlineApp) -> SignedOutBanner:
    return app.screen.query_one(SignedOutBanner)


def everything_shown(app: FrontlineApp) -> str:
    toasts = [f"{n.title} {n.message}" for n in app._notifications]
    screen = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
    return "\n".join([*toasts, screen])


async def poll_for(app: FrontlineApp, pilot: Pilot[None], clock: MovingClock, *, minutes: int) -> None:
    """Let `minutes` pass, one refresh check every 10 seconds of it (the screen checks every second)."""
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    for _ in range(minutes * 6):
        clock.now += timedelta(seconds=10)
        screen.refresh_when_due()
        await settle(pilot)


async def test_a_refused_token_shows_one_banner_stops_polling_and_L_signs_in_again(tmp_path: Path) -> None:
    helpdesk = RevokingHelpdesk()
    clock = MovingClock()
    app = make_app(helpdesk, clock=clock, data_dir=tmp_path)
    app.session.renew_token = renewing_into(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert not banner(app).display
        helpdesk.revoked = True
        await poll_for(app, pilot, clock, minutes=2)  # the view goes stale: one refresh, refused
        assert banner(app).display and str(banner(app).render()) == BANNER
        refused_loads = helpdesk.view_loads
        await poll_for(app, pilot, clock, minutes=5)
        assert helpdesk.view_loads == refused_loads, "no background polling while signed out"
        await pilot.press("R")  # refused again by hand: the banner stays, no second toast
        await settle(pilot)
        assert helpdesk.view_loads == refused_loads + 1
        [told] = [n for n in app._notifications if n.severity == "error"]
        assert told.title == "Not signed in" and "(401)" in told.message, "the reason, once; then the banner"
        app.screen.query_one(StatusBar).tick()
        assert "not signed in" in app.screen.query_one(StatusBar).text

        await pilot.press("L")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, TextPromptScreen)
        field_ = prompt.query_one(Input)
        assert field_.password
        await pilot.press(*TOKEN)
        assert TOKEN not in everything_shown(app), "typed as dots"
        await pilot.press("enter")
        await settle(pilot)
        assert helpdesk.tokens == [TOKEN]
        assert isinstance(app.screen, QueueScreen) and not banner(app).display
        assert any(
            n.message == "Kept for this session only: there is no keyring here." for n in app._notifications
        )
        assert helpdesk.view_loads == refused_loads + 2, "refreshed at once after signing in"
        await poll_for(app, pilot, clock, minutes=1)
        assert helpdesk.view_loads == refused_loads + 3, "polling resumed: one refresh a minute"
        assert TOKEN not in everything_shown(app)


async def test_without_a_way_to_renew_the_banner_says_to_restart(tmp_path: Path) -> None:
    helpdesk = RevokingHelpdesk(revoked=True)
    app = make_app(helpdesk, data_dir=tmp_path)
    assert app.session.renew_token is None
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert "Restart frontline to sign in again." in str(banner(app).render())
        await pilot.press("L")
        await pilot.pause()
        assert not isinstance(app.screen, TextPromptScreen)
        assert any(n.message == "Restart frontline to sign in again." for n in app._notifications)


async def test_a_new_token_refused_too_keeps_the_banner(tmp_path: Path) -> None:
    helpdesk = RevokingHelpdesk(revoked=True)

    def renew(token: str) -> str:
        helpdesk.tokens.append(token)  # stored, but the helpdesk still refuses
        return "Stored in the test keyring."

    app = make_app(helpdesk, data_dir=tmp_path)
    app.session.renew_token = renew
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await pilot.pause()
        await pilot.press(*TOKEN, "enter")
        await settle(pilot)
        assert helpdesk.tokens == [TOKEN] and banner(app).display
        assert any("refused the new token too" in n.message for n in app._notifications)
        assert TOKEN not in everything_shown(app)


# -- the refresh rules behind it ---------------------------------------------------------------------------


@dataclass
class FailingHelpdesk(FakeHelpdesk):
    fail_with: FrontlineError | None = None
    attempts: int = 0

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        self.attempts += 1
        if self.fail_with is not None:
            raise self.fail_with
        return await super().list_view_tickets(view_id, cursor, page_size)


async def run_for(sync: QueueSync, clock: MovingClock, seconds: int) -> None:
    """The screen's once-a-second check, for `seconds` of the test's time."""
    for _ in range(seconds):
        clock.now += timedelta(seconds=1)
        if sync.auto_refresh_due("all"):
            with pytest.raises(FrontlineError):
                await sync.load_view("all")


async def test_failed_refreshes_back_off_instead_of_retrying_every_second() -> None:
    helpdesk = FailingHelpdesk()
    clock = MovingClock()
    sync = QueueSync(Desk(helpdesk, profile_name="test", clock=clock), clock=clock, refresh_seconds=60)
    await sync.load_view("all")
    helpdesk.fail_with = Unavailable("The helpdesk did not answer.")
    clock.now += timedelta(seconds=60)
    await run_for(sync, clock, 180)
    # after 60 s the view is due; then retries wait 10, 20, 40 s and at most the refresh interval
    assert 3 <= helpdesk.attempts - 1 <= 6
    helpdesk.fail_with = None
    clock.now += sync.retry_delay("all")
    assert sync.auto_refresh_due("all")
    await sync.load_view("all")
    assert not sync.auto_refresh_due("all") and sync.retry_delay("all") == timedelta(0)


async def test_a_refused_token_stops_automatic_refreshes_until_resumed() -> None:
    helpdesk = FailingHelpdesk()
    clock = MovingClock()
    sync = QueueSync(Desk(helpdesk, profile_name="test", clock=clock), clock=clock, refresh_seconds=60)
    await sync.load_view("all")
    helpdesk.fail_with = AuthError("Fake Helpdesk rejected the credentials (401).")
    clock.now += timedelta(seconds=60)
    await run_for(sync, clock, 180)
    assert helpdesk.attempts == 2 and sync.signed_out
    sync.resume()
    assert not sync.signed_out and sync.auto_refresh_due("all")
