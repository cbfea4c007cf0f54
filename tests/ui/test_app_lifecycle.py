"""The console owns its session: leaving the app closes the HTTP clients and the local database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from support.apps import make_app
from support.fake_helpdesk import FakeHelpdesk
from support.pilot import settle

from frontline.errors import StoreError


@dataclass
class ClosingHelpdesk(FakeHelpdesk):
    closed: int = 0

    async def aclose(self) -> None:
        self.closed += 1


async def test_quitting_closes_the_helpdesk_and_the_database(tmp_path: Path) -> None:
    helpdesk = ClosingHelpdesk()
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test() as pilot:
        await settle(pilot)
        drafts = app.drafts()
        assert drafts is not None
        assert helpdesk.closed == 0
        await pilot.press("q")
        await pilot.pause()
    assert helpdesk.closed == 1
    with pytest.raises(StoreError):
        drafts.list("test")
