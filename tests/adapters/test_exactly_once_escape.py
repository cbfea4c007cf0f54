"""Escape while "Sending…", in the real console on the sandbox over HTTP: the composer closes, the reply
still lands exactly once (counted in the sandbox's request log), and its draft is not offered again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.exactly_once import Probe, drafts_of, entries_for, probe_for, target, wait_until_async
from support.pilot import settle
from textual.widgets import TextArea

from frontline.cli.demo import demo_session
from frontline.domain.outbox import WriteState
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_list import QueueList


@pytest.fixture
def jsm(sandbox: SandboxServer) -> Iterator[Probe]:
    with probe_for(sandbox, "jsm") as probe:
        yield probe


async def test_escape_while_sending_lands_the_reply_once(sandbox: SandboxServer, jsm: Probe) -> None:
    text = "Cleared the stuck export; it should arrive within the hour."
    app = FrontlineApp(demo_session(sandbox, "jsm"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ticket_id = app.screen.query_one(QueueList).highlighted_ticket_id
        assert ticket_id is not None
        probe = Probe(sandbox, target("jsm", ticket_id))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        composer.query_one(TextArea).insert(text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        probe.arm_on("latency:ms=1200", probe.target.comment_write)
        await pilot.press("y")
        await wait_until_async(lambda: bool(probe.comment_writes(text)), "the reply to reach the sandbox")
        assert composer.sending

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen), "the composer closed"
        assert app.writes.in_flight(), "while the reply was still in flight"
        await settle(pilot)  # the send finishes in the background

        assert probe.landed_comments(text) == probe.comments_with(text) == 1
        assert len(probe.comment_writes(text)) == 1, "sent once, never again"
        session = app.session
        assert drafts_of(session).load(probe.target.profile, ticket_id) is None
        assert [e.state for e in entries_for(session, probe.target)] == [WriteState.SENT]
        await pilot.press("r")
        await settle(pilot)
        reopened = app.screen
        assert isinstance(reopened, ComposerScreen) and reopened is not composer
        assert reopened.query_one(TextArea).text == "", "a reply that landed is not offered again"
    await app.session.aclose()
