"""A start from the local cache over the real sandbox: a view opened before its cached tickets are read
asks the helpdesk only what changed (no full read of the view), views that overlap hold their common
tickets once, and a refresh that finds the cached tickets unchanged writes no page of them again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from support.cached_start import queue_of, until
from support.pilot import settle
from support.sandbox_control import control_client

from frontline.bootstrap import session_for_helpdesk
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.domain.cached import CachedViewTickets
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp

SIZE = (140, 40)
YOURS, ALL_UNSOLVED = "360001", "360006"
ALL_UNSOLVED_KEY = "6"


def sandbox_app(sandbox: SandboxServer, data_dir: Path) -> FrontlineApp:
    async def no_sleep(_: float) -> None:
        return None

    adapter = build_zendesk_adapter(sandbox.urls["zendesk"], sandbox.email, sandbox.token, sleep=no_sleep)
    return FrontlineApp(session_for_helpdesk(adapter, profile_name="sandbox", data_dir=data_dir))


def view_pages(control: httpx.Client, view_id: str) -> list[dict[str, Any]]:
    logged: list[dict[str, Any]] = control.get(
        "/requests", params={"path": f"/api/v2/views/{view_id}/tickets"}
    ).json()["requests"]
    return logged


async def first_start(sandbox: SandboxServer, data_dir: Path) -> None:
    """Online once: "Your unsolved tickets" loads, then "All unsolved tickets"; both are cached, and the
    engineer goes back to the first (so the next start opens on it, and reads the other later)."""
    app = sandbox_app(sandbox, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(ALL_UNSOLVED_KEY)
        await settle(pilot)
        assert queue_of(app).sync.is_loaded(ALL_UNSOLVED) and queue_of(app).sync.is_loaded(YOURS)
        await pilot.press("1")
        await settle(pilot)
        await app.session.cache.settle()


async def test_a_view_opened_before_its_cached_tickets_are_in_asks_only_what_changed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    with control_client(sandbox, "zendesk") as control:
        await first_start(sandbox, tmp_path)
        app = sandbox_app(sandbox, tmp_path)
        cache = app.session.cache
        read_view, gate = cache.view, asyncio.Event()

        async def slow_read(view_id: str, **options: Any) -> CachedViewTickets | None:
            await gate.wait()  # a big view takes seconds to read back
            return await read_view(view_id, **options)

        cache.view = slow_read  # type: ignore[method-assign]
        control.delete("/requests")
        async with app.run_test(size=SIZE) as pilot:
            screen = queue_of(app)
            await until(pilot, lambda: len(screen.queue_list.model) > 0 and bool(screen.query("#view-5")))
            await pilot.press(ALL_UNSOLVED_KEY)
            for _ in range(10):
                await pilot.pause(0.02)
            assert screen.sync.current_view_id == ALL_UNSOLVED
            assert view_pages(control, ALL_UNSOLVED) == [], "nothing asked while its cached tickets are read"

            gate.set()
            await until(pilot, lambda: ALL_UNSOLVED in screen.sync.incremental.reports)
            await settle(pilot)
            pages = view_pages(control, ALL_UNSOLVED)
            assert len(pages) == 1 and "sort_by=updated" in str(pages[0]["query"]), pages
            assert screen.sync.incremental.reports[ALL_UNSOLVED].kind == "delta"

            yours = screen.sync.models[YOURS].tickets
            everyone = {ticket.id: ticket for ticket in screen.sync.models[ALL_UNSOLVED].tickets}
            assert yours and all(ticket is everyone[ticket.id] for ticket in yours), "held once"


async def test_an_unchanged_refresh_after_a_cached_start_writes_no_page(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    await first_start(sandbox, tmp_path)
    app = sandbox_app(sandbox, tmp_path)
    written: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        repository = app.session.cache._repository()
        assert repository is not None
        save_view = repository.save_view

        def counted(profile: str, view_id: str, *args: Any) -> None:
            written.append(view_id)
            save_view(profile, view_id, *args)

        repository.save_view = counted  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.press(ALL_UNSOLVED_KEY)
        await settle(pilot)
        assert queue_of(app).sync.incremental.reports[ALL_UNSOLVED].kind == "delta"
        await app.session.cache.settle()
    assert written == [], "the pages hold these tickets already: only their time moves"
