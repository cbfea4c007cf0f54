"""The console on a sandbox playing every real-account hard part (`--jsm-mode all`, `--zendesk-mode all`):
the queue and the ticket screen show what the adapter reads (status and its label, priority, update time,
SLA, organization), which tests/adapters/test_*_real_accounts.py check against the sandbox's own record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from support.apps import make_app
from support.pilot import settle
from textual.widgets import Static

from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.sandbox.server import SandboxServer
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_list import QueueList

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SIZE = (160, 45)


@pytest.fixture(scope="module")
def hard_sandbox() -> Iterator[SandboxServer]:
    modes = {"jsm": "all", "zendesk": "all"}
    systems = ("zendesk", "jsm")
    with SandboxServer(seed=7, tickets=80, systems=systems, clock=lambda: NOW, modes=modes) as server:
        yield server


async def _no_sleep(_: float) -> None:
    return None


def adapter_for(server: SandboxServer, kind: str):  # type: ignore[no-untyped-def]
    build = build_zendesk_adapter if kind == "zendesk" else build_jsm_adapter
    return build(server.urls[kind], server.email, server.token, sleep=_no_sleep)


def painted(app: object) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", ["zendesk", "jsm"])
async def test_queue_and_ticket_screen_show_the_accounts_own_facts(
    hard_sandbox: SandboxServer, kind: str
) -> None:
    reference = adapter_for(hard_sandbox, kind)
    views = await reference.list_views()
    truth = {t.id: t for t in (await reference.list_view_tickets(views[0].id, None, 100)).items}
    await reference.aclose()

    app = make_app(adapter_for(hard_sandbox, kind), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(QueueList)
        shown = [queue.model.ticket_at(p) for p in range(len(queue.model))]
        assert shown, "the first view shows tickets"
        for ticket in shown[:20]:
            expected = truth[ticket.id]
            assert (ticket.status, ticket.priority, ticket.updated_at) == (
                expected.status,
                expected.priority,
                expected.updated_at,
            )
            assert ticket.status_label == expected.status_label
        first = shown[0]
        screen_text = painted(app)
        assert (first.status_label or first.status.label) in screen_text
        queue.move_cursor(0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        header = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert first.subject[:20] in header or first.display_key in header
        if first.organization is not None:
            assert first.organization.name in header
        if first.sla is not None and first.sla.due_at is not None:
            assert "SLA" in header
