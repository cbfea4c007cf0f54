"""How many requests a minute automatic refreshes may spend, shrinking while the helpdesk says "slow down".

Helpdesk rate limits are per account and shared by everyone on it (Zendesk Team: 200 a minute for every
agent, app and integration together), so each frontline takes a configured share (the profile's
`refresh_budget_per_minute`, by default the account limit over twice the engineers sharing it). A 429
means the account is already over: the share halves at once, and grows back, doubling, after quiet spells.

This budget only plans how often automatic refreshes start. Every request, background or not, also waits
for the system's request scheduler (`frontline.connectors.scheduler`), which holds all of the profile's
processes on this machine to `rate_limit_per_minute`, honours `Retry-After` for all of them, and serves
what an engineer is waiting for (`frontline.domain.priority.interactive`) ahead of these refreshes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from frontline.domain.clock import Clock, utc_now

DEFAULT_REFRESH_BUDGET = 20
"""Requests a minute when the profile does not say: Zendesk Team's 200 over (5 engineers * 2)."""

MIN_REFRESH_BUDGET = 1
"""However often the helpdesk throttles, a view still refreshes now and then."""

RECOVERY_AFTER = timedelta(minutes=10)
"""A quiet spell this long (no new 429) doubles a lowered budget again, up to the configured one."""


class RefreshBudget:
    """The current per-minute budget: the configured one, halved on each new rate-limit answer seen.

    Args:
        per_minute: the configured budget.
        clock: the source of "now" for recovery.
    """

    def __init__(self, per_minute: int = DEFAULT_REFRESH_BUDGET, *, clock: Clock = utc_now) -> None:
        self.configured = max(MIN_REFRESH_BUDGET, per_minute)
        self.clock = clock
        self._current = self.configured
        self._hits_seen = 0
        self._changed_at: datetime | None = None

    def current(self, rate_limit_hits: int) -> int:
        """The budget now, given how many 429s the helpdesk connection has counted so far."""
        now = self.clock()
        if rate_limit_hits > self._hits_seen:
            self._hits_seen = rate_limit_hits
            self._current = max(MIN_REFRESH_BUDGET, self._current // 2)
            self._changed_at = now
        elif self._current < self.configured and self._quiet_since(now):
            self._current = min(self.configured, self._current * 2)
            self._changed_at = now
        return self._current

    @property
    def lowered(self) -> bool:
        """True while rate limiting keeps the budget under the configured one."""
        return self._current < self.configured

    def _quiet_since(self, now: datetime) -> bool:
        return self._changed_at is None or now - self._changed_at >= RECOVERY_AFTER
