"""The console reads its cached queue in a thread before the UI starts; the queue screen takes that read."""

from __future__ import annotations

import threading
from typing import Any

from support.fake_helpdesk import FIXED_NOW

from frontline.domain.cached import CachedQueue
from frontline.domain.clock import fixed_clock
from frontline.errors import StoreError
from frontline.services.cache import QueueCache


class Repository:
    """Answers `load_queue` (or fails it), saying on which thread and how often it was asked."""

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.threads: list[str] = []
        self.queue = CachedQueue(views=[], first=None, me=None)

    def load_queue(self, profile: str) -> CachedQueue:
        self.threads.append(threading.current_thread().name)
        if self.fail:
            raise StoreError("The local database is damaged.")
        return self.queue


def cache_over(repository: Any) -> QueueCache:
    return QueueCache(lambda: repository, profile="test", clock=fixed_clock(FIXED_NOW))


async def test_the_early_read_is_the_one_the_queue_gets() -> None:
    repository = Repository()
    cache = cache_over(repository)
    cache.read_queue_early()
    cache.read_queue_early()  # asked twice: read once

    assert await cache.queue() is repository.queue
    assert len(repository.threads) == 1 and repository.threads[0] != threading.main_thread().name
    assert await cache.queue() is repository.queue  # a later ask reads again, as without the early read
    assert len(repository.threads) == 2


async def test_a_failed_early_read_is_nothing_cached_and_the_failure_is_kept() -> None:
    cache = cache_over(Repository(fail=True))
    cache.read_queue_early()
    assert await cache.queue() is None
    assert isinstance(cache.error, StoreError)
