"""One request scheduler per system: bounded concurrency, a shared token bucket, interactive work first.

Every request an `ApiClient` sends to a profile's helpdesk (or one of its trackers) first takes a `slot()`:
- at most `concurrency` requests of this process are in flight at once;
- each takes a token from the system's `SharedBucket`, which every frontline process of the profile on
  this machine shares through a small file, sized from the `rate_limit_per_minute` setting and adapted
  to what the server announces (`X-Rate-Limit`, `X-Rate-Limit-Remaining`, `ratelimit-*`,
  `X-RateLimit-*`);
- a throttled answer (`Retry-After`) pauses the whole bucket, for every process, until it has passed;
- requests made inside `frontline.domain.priority.interactive()` (open a ticket, send a reply, search)
  go ahead of background refresh: they are served first in this process, and while one waits for a
  token it claims the next one, so background requests of other processes hold back too.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from frontline.connectors.decode import reset_seconds
from frontline.connectors.rate_bucket import Clock, SharedBucket
from frontline.domain.priority import is_interactive

DEFAULT_CONCURRENCY = 4
"""Requests of one process in flight at once per system: enough to overlap a page walk with the reads
an engineer asks for, few enough to stay clear of per-second burst limits (Jira) and concurrency caps."""

LONGEST_NAP = 5.0
"""A waiter looks at the shared state again at least this often (another process may have changed it)."""

_REMAINING = ("x-rate-limit-remaining", "ratelimit-remaining", "x-ratelimit-remaining")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(order=True)
class _Waiter:
    rank: tuple[int, int]
    interactive: bool = field(compare=False)


class RequestScheduler:
    """Decides when each request of one system may go (see the module docstring).

    Args:
        bucket: the system's shared token bucket.
        concurrency: requests of this process in flight at once.
    """

    def __init__(self, bucket: SharedBucket, *, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        self.bucket = bucket
        self.concurrency = max(1, concurrency)
        self._queue: list[_Waiter] = []
        self._in_flight = 0
        self._order = itertools.count()
        self._wakers: list[asyncio.Future[None]] = []

    @property
    def waiting(self) -> int:
        """Requests of this process waiting for their turn."""
        return len(self._queue)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for this request's turn (interactive if `is_interactive()`), then hold a slot for it."""
        await self._acquire(is_interactive())
        try:
            yield
        finally:
            self._in_flight -= 1
            self.wake()

    def observe(self, headers: Mapping[str, str], *, retry_after: float | None = None) -> None:
        """Learn from an answer's rate-limit headers; `retry_after` (a throttle) pauses everyone."""
        remaining: int | None = None
        for name in _REMAINING:
            value = _count(headers.get(name))
            if value is not None:
                remaining = value if remaining is None else min(remaining, value)
        limit = _count(headers.get("x-rate-limit"))
        reset_in = reset_seconds(headers, time.time()) if remaining == 0 else None
        self.bucket.observe(remaining=remaining, limit=limit, reset_in=reset_in, retry_after=retry_after)
        if retry_after is not None or remaining == 0:
            self.wake()

    def wake(self) -> None:
        """Let waiters look again (a slot came free, the queue changed, or a test moved the clock)."""
        wakers, self._wakers = self._wakers, []
        for waker in wakers:
            if not waker.done():
                waker.set_result(None)

    async def _acquire(self, interactive: bool) -> None:
        waiter = _Waiter((0 if interactive else 1, next(self._order)), interactive)
        self._queue.append(waiter)
        self._queue.sort()
        self.wake()
        try:
            while True:
                nap: float | None = None
                if self._queue[0] is waiter and self._in_flight < self.concurrency:
                    more_interactive = any(other.interactive for other in self._queue[1:])
                    nap = self.bucket.take(interactive=interactive, claim=more_interactive)
                    if nap <= 0:
                        self._in_flight += 1
                        return
                await self._nap(nap)
        finally:
            self._queue.remove(waiter)
            self.wake()

    async def _nap(self, seconds: float | None) -> None:
        """Sleep until woken, or `seconds` (capped at `LONGEST_NAP`) have passed."""
        waker: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._wakers.append(waker)
        try:
            await asyncio.wait({waker}, timeout=LONGEST_NAP if seconds is None else min(seconds, LONGEST_NAP))
        finally:
            if not waker.done():
                waker.cancel()


def state_file(data_dir: Path, profile: str, system: str) -> Path:
    """Where a profile's system keeps its shared bucket: `<data dir>/rate/<profile>.<system>.json`."""
    return data_dir / "rate" / f"{_UNSAFE.sub('_', profile)}.{_UNSAFE.sub('_', system)}.json"


def scheduler_for(
    data_dir: Path | None,
    profile: str,
    system: str,
    *,
    per_minute: float,
    adopt_server_limit: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    burst: float | None = None,
    clock: Clock = time.time,
) -> RequestScheduler:
    """The scheduler of `profile`'s `system` (`helpdesk`, or `tracker-<name>`), shared on this machine
    through its state file under `data_dir` (in memory only when `data_dir` is None)."""
    path = state_file(data_dir, profile, system) if data_dir is not None else None
    bucket = SharedBucket(
        path, per_minute=per_minute, adopt_server_limit=adopt_server_limit, burst=burst, clock=clock
    )
    return RequestScheduler(bucket, concurrency=concurrency)


def _count(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None
