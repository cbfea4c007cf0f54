"""The request scheduler: token bucket math, interactive first, shared pauses and one bucket per file."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import httpx
import pytest

from frontline.connectors.http import ApiClient
from frontline.connectors.rate_bucket import INTERACTIVE_CLAIM, SharedBucket
from frontline.connectors.scheduler import RequestScheduler, scheduler_for, state_file
from frontline.connectors.settings import TrackerSettings
from frontline.connectors.zendesk import ZendeskSettings
from frontline.domain.priority import interactive, interactive_work, is_interactive
from frontline.errors import RateLimited


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the scheduler never got there")


def test_bucket_refills_at_the_rate_and_keeps_at_most_a_minute() -> None:
    clock = FakeClock()
    bucket = SharedBucket(None, per_minute=60, clock=clock)
    assert [bucket.take(interactive=False) for _ in range(60)] == [0.0] * 60
    assert bucket.take(interactive=False) == pytest.approx(1.0)
    clock.advance(0.25)
    assert bucket.take(interactive=False) == pytest.approx(0.75)
    clock.advance(0.75)
    assert bucket.take(interactive=False) == 0.0
    clock.advance(3600)  # an idle hour refills one minute's worth, no more
    assert bucket.snapshot().tokens == pytest.approx(60)


def test_announced_limits_and_remaining_shape_the_bucket() -> None:
    clock = FakeClock()
    ceiling = SharedBucket(None, per_minute=200, clock=clock)
    ceiling.observe(remaining=None, limit=700, reset_in=None, retry_after=None)
    assert ceiling.rate(ceiling.snapshot()) == 200  # a configured rate is a ceiling
    ceiling.observe(remaining=5, limit=100, reset_in=None, retry_after=None)
    state = ceiling.snapshot()
    assert (ceiling.rate(state), state.tokens) == (100, 5)  # lowered, and others spent the account

    adopting = SharedBucket(None, per_minute=200, adopt_server_limit=True, clock=clock)
    adopting.observe(remaining=None, limit=700, reset_in=None, retry_after=None)
    assert adopting.rate(adopting.snapshot()) == 700

    adopting.observe(remaining=0, limit=None, reset_in=12, retry_after=None)
    assert adopting.take(interactive=True) == pytest.approx(12)  # spent: wait for the window's reset


async def test_interactive_request_queued_after_ten_background_ones_goes_first() -> None:
    clock = FakeClock()
    scheduler = scheduler_for(None, "p", "helpdesk", per_minute=1, clock=clock)
    async with scheduler.slot():  # the only token
        pass
    served: list[str] = []

    async def request(name: str, marked: bool) -> None:
        with interactive() if marked else nullcontext():
            async with scheduler.slot():
                served.append(name)

    tasks = [asyncio.create_task(request(f"refresh-{n}", False)) for n in range(10)]
    await until(lambda: scheduler.waiting == 10)
    tasks.append(asyncio.create_task(request("open-ticket", True)))
    await until(lambda: scheduler.waiting == 11)
    for count in range(1, 12):
        clock.advance(60)  # one more token
        scheduler.wake()
        await until(lambda count=count: len(served) == count)
    await asyncio.gather(*tasks)
    assert served == ["open-ticket", *(f"refresh-{n}" for n in range(10))]


async def test_at_most_concurrency_requests_are_in_flight() -> None:
    scheduler = scheduler_for(None, "p", "helpdesk", per_minute=1000, concurrency=2)
    release = asyncio.Event()
    running: list[int] = []

    async def request(n: int) -> None:
        async with scheduler.slot():
            running.append(n)
            await release.wait()

    tasks = [asyncio.create_task(request(n)) for n in range(3)]
    await until(lambda: len(running) == 2 and scheduler.waiting == 1)
    release.set()
    await asyncio.gather(*tasks)
    assert running == [0, 1, 2]


def test_retry_after_pauses_every_process_sharing_the_file(tmp_path: Path) -> None:
    clock = FakeClock()
    path = state_file(tmp_path, "work", "helpdesk")
    console = RequestScheduler(SharedBucket(path, per_minute=100, clock=clock))
    cli = RequestScheduler(SharedBucket(path, per_minute=100, clock=clock))
    assert cli.bucket.take(interactive=False) == 0.0
    console.observe(httpx.Headers({"Retry-After": "7"}), retry_after=7.0)
    assert cli.bucket.take(interactive=False) == pytest.approx(7)
    assert cli.bucket.take(interactive=True) == pytest.approx(7)  # interactive work waits it out too
    clock.advance(7)
    assert cli.bucket.take(interactive=False) == 0.0


def test_two_instances_on_one_file_share_one_bucket(tmp_path: Path) -> None:
    clock = FakeClock()
    path = state_file(tmp_path, "work", "helpdesk")
    first = SharedBucket(path, per_minute=3, clock=clock)
    second = SharedBucket(path, per_minute=3, clock=clock)
    assert first.take(interactive=False) == 0.0
    assert second.take(interactive=False) == 0.0
    assert first.take(interactive=False) == 0.0
    assert second.take(interactive=False) == pytest.approx(20)  # 3 a minute: the next in 20 s


def test_an_interactive_claim_holds_back_background_work_elsewhere(tmp_path: Path) -> None:
    clock = FakeClock()
    path = state_file(tmp_path, "work", "helpdesk")
    console = SharedBucket(path, per_minute=60, burst=1, clock=clock)
    refresher = SharedBucket(path, per_minute=60, burst=1, clock=clock)
    assert refresher.take(interactive=False) == 0.0
    assert console.take(interactive=True) == pytest.approx(1)  # empty: it claims the next token
    clock.advance(1)
    assert refresher.take(interactive=False) == pytest.approx(INTERACTIVE_CLAIM)
    assert console.take(interactive=True) == 0.0
    clock.advance(1)
    assert refresher.take(interactive=False) == 0.0  # the claim ended with the interactive request


def test_a_garbled_state_file_starts_afresh(tmp_path: Path) -> None:
    path = state_file(tmp_path, "odd/name", "tracker-eng jira")
    path.parent.mkdir(parents=True)
    path.write_text('{"tokens": "NaN", "updated": 1}')
    assert path.name == "odd_name.tracker-eng_jira.json"
    bucket = SharedBucket(path, per_minute=10)
    assert bucket.take(interactive=False) == 0.0
    assert bucket.snapshot().tokens == pytest.approx(9, abs=0.01)


def test_separate_processes_draw_from_one_bucket(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from frontline.connectors.rate_bucket import SharedBucket
        bucket = SharedBucket(Path({str(tmp_path / "shared.json")!r}), per_minute=10)
        print(sum(bucket.take(interactive=False) == 0.0 for _ in range(10)))
        """
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    taken = [int(run.communicate(timeout=60)[0]) for run in runs]
    assert sum(taken) == 10, taken  # ten a minute between them, not ten each


async def test_the_mark_follows_the_work_into_its_tasks() -> None:
    @interactive_work
    async def open_ticket() -> list[bool]:
        return list(await asyncio.gather(asyncio.to_thread(is_interactive), _marked()))

    assert await open_ticket() == [True, True]
    assert not is_interactive()


async def _marked() -> bool:
    return is_interactive()


async def test_api_client_shares_a_throttle_with_the_other_client(tmp_path: Path) -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "30"}), httpx.Response(200, json={})])
    path = state_file(tmp_path, "work", "helpdesk")
    throttled = ApiClient(
        "https://acme.zendesk.com",
        service="Zendesk",
        transport=httpx.MockTransport(lambda request: next(answers)),
        scheduler=RequestScheduler(SharedBucket(path, per_minute=100)),
        max_retries=0,
    )
    other = RequestScheduler(SharedBucket(path, per_minute=100))
    with pytest.raises(RateLimited):
        await throttled.get_json("/api/v2/users/me")
    await throttled.aclose()
    assert other.bucket.take(interactive=True) == pytest.approx(30, abs=1)


def test_settings_size_the_bucket() -> None:
    assert ZendeskSettings().scheduler_rate() == (200, True)  # Team's documented limit, then the server's
    assert ZendeskSettings(rate_limit_per_minute=50).scheduler_rate() == (50, False)
    assert ZendeskSettings(rate_limit_per_minute=10).refresh_budget() == 10  # never above the machine's
    assert TrackerSettings(kind="github").scheduler_rate() == 80
    assert TrackerSettings(kind="jira", rate_limit_per_minute=30).scheduler_rate() == 30
