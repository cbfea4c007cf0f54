"""A token bucket shared by every frontline process of one profile's system, kept in a small file.

Helpdesk limits are per account, so two consoles and a CLI on the same machine must draw from one
bucket: its state (tokens, last refill, the pause a `Retry-After` imposed, an interactive claim) lives in
a JSON file of a few dozen bytes, read and rewritten under an exclusive lock for each decision: `flock`
on the file itself, kept open (a few microseconds), or `filelock` where there is no `fcntl` (Windows).
Each transaction is synchronous and short (no await inside), so holding the lock never spans a request.
Without a path the state stays in memory (tests, one-off tools). A state file that cannot be read is
started afresh; a lock that cannot be taken in `LOCK_TIMEOUT` is skipped (the server's 429s still
protect the account), so a broken data dir never stops the console.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from filelock import FileLock, Timeout

try:
    import fcntl
except ImportError:  # Windows: filelock's lock file instead
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

Clock = Callable[[], float]
"""Seconds since the epoch; wall time, since processes share the file across their own monotonic clocks."""

LOCK_TIMEOUT = 2.0
"""The longest wait for another process's transaction (each holds the lock for well under a millisecond)."""

INTERACTIVE_CLAIM = 0.5
"""Seconds an interactive waiter's claim on the next token outlives its expected wait, so background
work in other processes holds back meanwhile; a crashed claimer blocks nobody for longer."""

LONGEST_PAUSE = 3600.0
"""A pause further ahead than this (a clock that jumped, a garbled file) is not believed."""

_log = logging.getLogger("frontline.http")
_FIELDS = ("tokens", "updated", "paused_until", "interactive_until", "server_limit")


@dataclass
class BucketState:
    """What the processes share: all times are epoch seconds."""

    tokens: float
    updated: float
    paused_until: float = 0.0
    interactive_until: float = 0.0
    server_limit: float = 0.0
    """Requests a minute the server announced (`X-Rate-Limit`), 0 when it said nothing."""


class SharedBucket:
    """The token bucket of one profile's system, shared through `path` (or in memory when None).

    Args:
        path: the state file (`<data dir>/rate/<profile>.<system>.json`); its `.lock` sits beside it.
        per_minute: requests a minute when the server announces nothing (the configured rate).
        adopt_server_limit: follow the limit the server announces (`X-Rate-Limit`) up as well as down;
            otherwise `per_minute` is a ceiling that the announcement can only lower.
        burst: the most tokens kept; None: a minute's worth (see `capacity`).
        clock: wall-clock seconds, injected by tests.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        per_minute: float,
        adopt_server_limit: bool = False,
        burst: float | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.path = path
        self.per_minute = max(1.0, float(per_minute))
        self.burst = None if burst is None else max(1.0, float(burst))
        self.adopt_server_limit = adopt_server_limit
        self.clock = clock
        self._memory: BucketState | None = None
        self._lock: FileLock | None = None
        self._file: BinaryIO | None = None
        if path is not None and fcntl is None:
            self._lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT, thread_local=False)

    # --- the decisions ----------------------------------------------------------------------------

    def take(self, *, interactive: bool, claim: bool = False) -> float:
        """Take one token: 0.0 when taken, else the seconds to wait before asking again.

        Background work also waits while another waiter's interactive claim is live. An interactive
        request that must wait claims the next token (`claim` keeps the claim after taking, for the
        interactive requests still queued behind it in this process).
        """
        now = self.clock()

        def decide(state: BucketState) -> float:
            self._refill(state, now)
            if state.paused_until > now:
                return state.paused_until - now
            if not interactive and state.interactive_until > now:
                return state.interactive_until - now
            if state.tokens >= 1.0:
                state.tokens -= 1.0
                if interactive and not claim:
                    state.interactive_until = 0.0
                return 0.0
            wait = (1.0 - state.tokens) * 60.0 / self.rate(state)
            if interactive:
                state.interactive_until = max(state.interactive_until, now + wait + INTERACTIVE_CLAIM)
            return wait

        return self._transact(decide)

    def observe(
        self, *, remaining: int | None, limit: int | None, reset_in: float | None, retry_after: float | None
    ) -> None:
        """Learn from an answer: its announced limit and what is left, and pause everyone on a throttle.

        `remaining` caps the tokens (the account may be spent by others); at 0, with `reset_in`
        known, everyone waits for the window to reset. `retry_after` pauses the whole bucket.
        """
        if remaining is None and limit is None and retry_after is None:
            return
        now = self.clock()

        def learn(state: BucketState) -> None:
            self._refill(state, now)
            if limit is not None and limit > 0:
                state.server_limit = float(limit)
                state.tokens = min(state.tokens, self.capacity(state))
            if remaining is not None:
                state.tokens = min(state.tokens, float(max(remaining, 0)))
                if remaining <= 0 and reset_in is not None:
                    state.paused_until = max(state.paused_until, now + min(reset_in, LONGEST_PAUSE))
            if retry_after is not None:
                state.tokens = min(state.tokens, 0.0)
                state.paused_until = max(state.paused_until, now + min(retry_after, LONGEST_PAUSE))

        self._transact(learn)

    def snapshot(self) -> BucketState:
        """The state now (refilled), for tests and the debug log."""
        now = self.clock()

        def look(state: BucketState) -> BucketState:
            self._refill(state, now)
            return BucketState(*(getattr(state, name) for name in _FIELDS))

        return self._transact(look)

    # --- bucket math ------------------------------------------------------------------------------

    def rate(self, state: BucketState) -> float:
        """Requests a minute now: the configured rate, or what the server announced."""
        if state.server_limit <= 0:
            return self.per_minute
        if self.adopt_server_limit:
            return state.server_limit
        return min(self.per_minute, state.server_limit)

    def capacity(self, state: BucketState) -> float:
        """A full minute's worth: vendors count requests per minute, so one minute's burst is within
        their limit, and `remaining` caps it when others on the account have spent it."""
        return self.burst if self.burst is not None else max(1.0, self.rate(state))

    def _refill(self, state: BucketState, now: float) -> None:
        if state.updated > now or state.paused_until > now + LONGEST_PAUSE:  # the clock went back
            state.updated = now
            state.paused_until = min(state.paused_until, now + LONGEST_PAUSE)
            state.interactive_until = min(state.interactive_until, now + INTERACTIVE_CLAIM)
        elapsed = now - state.updated
        state.tokens = min(self.capacity(state), state.tokens + elapsed * self.rate(state) / 60.0)
        state.updated = now

    # --- the shared file --------------------------------------------------------------------------

    def _transact(self, change: Callable[[BucketState], T]) -> T:
        """Run `change` on the shared state under the lock and write it back."""
        if self.path is not None:
            try:
                if self._lock is not None:
                    with self._lock:
                        return self._in_file(self._open(), change)
                return self._flocked(change)
            except (Timeout, OSError) as error:
                _log.warning("rate bucket %s not shared this time: %s", self.path, error)
                self._file = None
        if self._memory is None:
            self._memory = self._fresh()
        return change(self._memory)

    def _flocked(self, change: Callable[[BucketState], T]) -> T:
        """`change` under `flock` on the state file (polled, so a stuck holder costs `LOCK_TIMEOUT`)."""
        file = self._open()
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Timeout(str(self.path)) from None
                time.sleep(0.0002)
        try:
            return self._in_file(file, change)
        finally:
            fcntl.flock(file.fileno(), fcntl.LOCK_UN)

    def _open(self) -> BinaryIO:
        """The state file, kept open; opened again if it was deleted or replaced meanwhile."""
        assert self.path is not None
        if self._file is not None:
            try:
                if os.fstat(self._file.fileno()).st_ino == os.stat(self.path).st_ino:
                    return self._file
            except OSError:
                pass
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        self._file = os.fdopen(fd, "r+b", buffering=0)
        return self._file

    def _in_file(self, file: BinaryIO, change: Callable[[BucketState], T]) -> T:
        fd = file.fileno()
        state = self._parse(os.pread(fd, 4096, 0))
        result = change(state)
        data = json.dumps({name: getattr(state, name) for name in _FIELDS}, separators=(",", ":")).encode()
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
        return result

    def _parse(self, raw: bytes) -> BucketState:
        try:
            data = json.loads(raw)
            values = [float(data[name]) for name in _FIELDS]
        except (ValueError, TypeError, KeyError):
            return self._fresh()
        return BucketState(*values) if all(map(math.isfinite, values)) else self._fresh()

    def _fresh(self) -> BucketState:
        return BucketState(tokens=self.burst or self.per_minute, updated=self.clock())
