"""The refresh budget: configured per profile, halved while the helpdesk rate limits, grown back after."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline.connectors.zendesk import ZendeskSettings
from frontline.services.desk import Desk
from frontline.services.refresh_budget import DEFAULT_REFRESH_BUDGET, RECOVERY_AFTER, RefreshBudget


class ThrottledHelpdesk(FakeHelpdesk):
    """A fake whose connection has counted `hits` 429 answers."""

    hits = 0

    @property
    def rate_limit_hits(self) -> int:
        return self.hits


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


def test_the_default_is_the_account_limit_over_twice_the_engineers() -> None:
    assert ZendeskSettings().refresh_budget() == DEFAULT_REFRESH_BUDGET == 200 // (5 * 2)
    enterprise = ZendeskSettings(account_rate_limit=700, engineers_sharing=10)
    assert enterprise.refresh_budget() == 35
    assert ZendeskSettings(account_rate_limit=10, engineers_sharing=8).refresh_budget() == 1  # Essential
    assert ZendeskSettings(account_rate_limit=700, refresh_budget_per_minute=50).refresh_budget() == 50


def test_the_settings_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        ZendeskSettings(engineers_sharing=0)


def test_429s_halve_the_budget_and_quiet_spells_double_it_back() -> None:
    clock = Clock()
    budget = RefreshBudget(20, clock=clock)
    assert budget.current(0) == 20
    assert budget.current(3) == 10  # throttled since last asked: halved once
    assert budget.current(3) == 10  # nothing new
    assert budget.current(4) == 5
    clock.now += RECOVERY_AFTER - timedelta(seconds=1)
    assert budget.current(4) == 5
    clock.now += timedelta(seconds=1)
    assert budget.current(4) == 10
    clock.now += RECOVERY_AFTER
    assert budget.current(4) == 20 and not budget.lowered
    clock.now += RECOVERY_AFTER
    assert budget.current(4) == 20  # never above what was configured


def test_the_budget_never_reaches_zero() -> None:
    budget = RefreshBudget(2)
    for hits in range(1, 10):
        assert budget.current(hits) >= 1


async def test_the_desk_refreshes_big_views_less_often_while_throttled() -> None:
    helpdesk = ThrottledHelpdesk(ticket_count=10)
    clock = Clock()
    desk = Desk(helpdesk, profile_name="t", clock=clock, refresh_budget=40)
    desk.pages_per_view["big"] = 40
    assert desk.refresh_seconds("big", 60) == 60  # 40 requests at 40 a minute
    helpdesk.hits = 1
    assert desk.refresh_seconds("big", 60) == 120
    helpdesk.hits = 2
    assert desk.refresh_seconds("big", 60) == 240
    clock.now += RECOVERY_AFTER * 2
    assert desk.refresh_seconds("big", 60) == 120
