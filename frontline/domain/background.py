"""Keeping the UI thread responsive while a worker thread does CPU work in the same process.

A worker thread holding the GIL makes the UI thread wait up to `sys.getswitchinterval()` (5 ms) each time
it wants to run, and a Textual frame wants it several times (the select wake-up, the timer callback, the
message pump): measured, 13-27 ms frames at every refresh of 50,000 tickets. The worker's allocations also
trigger cyclic collections (8 ms for a generation-1 pass) that run on whichever thread allocates, holding
the GIL. `courteous` lowers the switch interval and pauses the cyclic collector for the work's duration,
then restores both as they were (nested and concurrent uses are counted, the last one out restores).

What lives is then frozen out of the collector's generations (`gc.freeze`), so no pass walks 50,000
tickets again. Cyclic garbage frozen with it is never freed: frozen blindly after every refresh, the
console grew ~3.6 MB a minute (a refresh every 10 s, 10,000 tickets: 1.7 GB over an eight-hour shift), so
what was made since the last freeze is collected first: when `courteous` work starts (not when it ends,
when the pass would walk all the work made: 7-9 ms at 50,000) and in `settle`. That pass walks only what
is not frozen yet; after 50,000 fresh tickets it would take ~120 ms, so they freeze without it
(`settle(collect=False)`, once per full load).
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

WORKER_SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits for it, while background work runs."""

_lock = threading.Lock()
_depth = 0
_saved: tuple[float, bool] = (0.005, True)


@contextmanager
def courteous() -> Iterator[None]:
    """Run a block of background CPU work with a short GIL switch interval and the cyclic GC paused.

    Tickets and their derived data hold no reference cycles, so pausing the collector costs nothing but
    that what the work made is moved out of the collector's generations at the end (`settle`, as
    `queue_apply` does after every load): else the first pass after the collector resumes walks all of
    it on the UI thread (15-20 ms at 50,000 tickets).
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = (sys.getswitchinterval(), gc.isenabled())
            if _saved[1]:
                gc.collect()  # the garbage made since the last freeze: a few ms, not the work's walk after
            sys.setswitchinterval(min(WORKER_SWITCH_INTERVAL, _saved[0]))
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                interval, enabled = _saved
                sys.setswitchinterval(interval)
                if enabled:
                    settle(collect=False)  # else the first pass after `enable` walks all the work made
                    gc.enable()


def settle(*, collect: bool = True) -> None:
    """Freeze what lives now out of the cyclic collector's generations, after collecting the cyclic
    garbage made since the last freeze (`collect` False: not, for a fresh batch of tens of thousands of
    objects whose walk would hold the thread ~120 ms; their window's garbage stays)."""
    if collect:
        gc.collect()
    gc.freeze()


def collect_frozen() -> bool:
    """Unfreeze everything, collect, freeze again; False (nothing done) while background work runs.

    Objects frozen while alive and dropped later inside a reference cycle (rendered rows and their
    caches, finished workers) are never freed otherwise. The pass walks every object: ~150 ms at 50,000
    tickets, so the console runs it rarely and only when the engineer is idle (`ui.memory_keeper`).
    """
    with _lock:
        if _depth:
            return False  # a worker is mid-work with the collector paused: the next pass does it
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        return True
