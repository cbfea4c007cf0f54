"""Unfilled `{{placeholders}}` are found and listed on review; a public reply needs a second yes."""

from __future__ import annotations

import pytest
from support.pilot import settle
from support.ticket_app import TicketApp
from textual.widgets import Static

from frontline.domain.compose import render_template, unfilled_placeholders
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.pickers import ConfirmScreen
from frontline.ui.screens.review import ReviewScreen


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Hi {{ticket.requester.first_name}},", ("{{ticket.requester.first_name}}",)),
        ("{{ agent_name }} and {{agent_name}} {{ agent_name }}", ("{{ agent_name }}", "{{agent_name}}")),
        ("Plain text, {single} braces and }} {{ stray", ()),
        ("{{}} empty", ("{{}}",)),
    ],
)
def test_unfilled_placeholders_are_found_once_each_in_order(text: str, found: tuple[str, ...]) -> None:
    assert unfilled_placeholders(text) == found


def test_a_filled_template_leaves_only_the_unknown_ones() -> None:
    rendered = render_template(
        "Hi {{requester_name}}, {{ticket.requester.first_name}}", {"requester_name": "Ada"}
    )
    assert unfilled_placeholders(rendered.text) == ("{{ticket.requester.first_name}}",)


async def review_of(app: TicketApp, pilot: object, key: str, text: str) -> ReviewScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, ComposerScreen)
    app.screen.body_area.replace_text(text)
    app.screen.state.body = text
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def test_a_public_reply_with_placeholders_warns_and_needs_an_explicit_confirm() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        review = await review_of(app, pilot, "r", "Hi {{ticket.requester.first_name}}, fixed.")
        warning = str(review.query_one("#review-placeholders", Static).render())
        assert "{{ticket.requester.first_name}}" in warning
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "y alone does not send it"
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is review and app.helpdesk.updates == []
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        [(_ticket_id, update)] = app.helpdesk.updates
        assert update.comment is not None and "{{ticket.requester.first_name}}" in update.comment.body


async def test_a_reply_without_placeholders_sends_on_the_first_y() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        review = await review_of(app, pilot, "r", "All fixed.")
        assert not review.query("#review-placeholders")
        await pilot.press("y")
        await settle(pilot)
        assert len(app.helpdesk.updates) == 1
