"""Hostile tickets on the ticket screen: huge header fields, a 1 MB body, invisible characters, search."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from support.fake_helpdesk import FIXED_NOW, ME, FakeHelpdesk
from support.ticket_app import TicketApp
from textual.widgets import Button, Input, Static

from frontline.cli.output import format_thread
from frontline.domain.models import Comment, Person
from frontline.ui.screens.conversation import BodyPart, CommentCard, ShowAll, ShowMore, format_amount
from frontline.ui.screens.conversation_search import ConversationSearch
from frontline.ui.screens.ticket_details import TicketDetailsScreen
from frontline.ui.visible_text import MARKER_STYLE

HUGE_SUBJECT = "Refund " + "subject " * 2500  # 20,007 characters
HUGE_NAME = "Name" + "n" * 20_000


def rendered(widget: Static) -> str:
    return str(widget.render())


def hostile_helpdesk() -> FakeHelpdesk:
    helpdesk = FakeHelpdesk()
    ticket = helpdesk.tickets["1000"]
    requester = Person(id="100", name=HUGE_NAME, email="x@example.com", role="end-user")
    helpdesk.tickets["1000"] = ticket.replace(subject=HUGE_SUBJECT, requester=requester)
    helpdesk.comments["1000"].append(
        Comment(id="last", author=ME, body="the newest message", created_at=FIXED_NOW + timedelta(days=1))
    )
    return helpdesk


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_huge_subject_and_name_leave_the_newest_message_on_screen(size: tuple[int, int]) -> None:
    app = TicketApp(hostile_helpdesk())
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        header = app.screen.query_one("#ticket-header", Static)
        assert header.outer_size.height <= 9
        assert "…" in rendered(header) and "(i: full details)" in rendered(header)
        conversation = app.screen.query_one("#conversation")
        assert conversation.region.height >= 5
        newest = list(app.screen.query(CommentCard))[-1]
        assert newest.comment.id == "last"
        visible = conversation.region.intersection(newest.region)
        assert visible.height >= 3, "the newest message's body is on screen"
        await pilot.press("i")
        await pilot.pause()
        details = app.screen
        assert isinstance(details, TicketDetailsScreen)
        values = [rendered(value) for value in details.query(".details-value").results(Static)]
        assert HUGE_SUBJECT in values and f"{HUGE_NAME} <x@example.com>" in values
        await pilot.press("escape")
        assert not isinstance(app.screen, TicketDetailsScreen)


def megabyte_helpdesk(tail: str = "") -> FakeHelpdesk:
    helpdesk = FakeHelpdesk()
    body = "line of customer text with words\n" * 31_000 + tail  # about 1 MB
    helpdesk.comments["1000"][0] = helpdesk.comments["1000"][0].model_copy(update={"body": body})
    return helpdesk


async def test_a_megabyte_body_says_what_show_more_reveals_and_can_show_all() -> None:
    app = TicketApp(megabyte_helpdesk())
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        card = next(iter(app.screen.query(CommentCard)))
        assert len(card.query(BodyPart)) == 1 and card.shown_chars <= 8_000
        labels = []
        for _ in range(3):
            more = card.query_one(ShowMore)
            hidden = card.hidden_chars
            label = str(more.label)
            labels.append(label)
            assert label.endswith(f"more ({format_amount(hidden)} hidden)")
            more.press()
            await pilot.pause()
            assert card.hidden_chars < hidden
        assert len(set(labels)) == 3, "the label changes with every press"
        assert len(card.query(BodyPart)) == 4
        show_all = card.query_one(ShowAll)
        assert str(show_all.label) == f"Show all ({format_amount(card.hidden_chars)})"
        show_all.press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert card.hidden_chars == 0
        assert not card.query(Button)
        parts = list(card.query(BodyPart))
        assert parts[-1].end == len(card.full_body)
        assert all(a.end == b.start for a, b in pairwise(parts))


async def test_invisible_characters_are_marked_in_the_console_and_the_cli() -> None:
    helpdesk = FakeHelpdesk()
    ticket = helpdesk.tickets["1000"]
    helpdesk.tickets["1000"] = ticket.replace(subject="Login at pay\u200bpal.com")
    comment = helpdesk.comments["1000"][0].model_copy(
        update={"body": "Go to pay\u200bpal.com\ufeff now \u202eexe"}
    )
    helpdesk.comments["1000"][0] = comment
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "pay⟨ZWSP⟩pal.com" in rendered(app.screen.query_one("#ticket-header", Static))
        body = next(iter(app.screen.query(CommentCard))).query_one(BodyPart)
        content = body.card.part_content(body.start, body.end)
        assert content.plain == "Go to pay⟨ZWSP⟩pal.com⟨BOM⟩ now ⟨RLO⟩exe"
        marked = {
            content.plain[span.start : span.end] for span in content.spans if span.style == MARKER_STYLE
        }
        assert marked == {"⟨ZWSP⟩", "⟨BOM⟩", "⟨RLO⟩"}
    text = format_thread(helpdesk.tickets["1000"], helpdesk.comments["1000"], FIXED_NOW)
    assert "Login at pay⟨ZWSP⟩pal.com" in text.splitlines()[0]
    assert "Go to pay⟨ZWSP⟩pal.com⟨BOM⟩ now ⟨RLO⟩exe" in text
    assert "\u200b" not in text and "\u202e" not in text


async def test_search_finds_text_in_collapsed_bodies_and_steps_between_matches() -> None:
    helpdesk = megabyte_helpdesk(tail="the needle at the end\n")
    helpdesk.comments["1000"][1] = helpdesk.comments["1000"][1].model_copy(
        update={"body": "a Needle in a note"}
    )
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        huge, note = list(app.screen.query(CommentCard))
        assert huge.hidden_chars > 900_000
        await pilot.press("slash")
        search = app.screen.query_one(ConversationSearch)
        assert isinstance(app.focused, Input)
        await pilot.press(*"needle", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = rendered(search.query_one("#search-status", Static))
        assert status.endswith("of 2")
        assert len(huge.matches) == 1 and len(note.matches) == 1
        first = search.matches[search.position or 0]
        conversation = app.screen.query_one("#conversation")
        await pilot.press("down")
        await app.workers.wait_for_complete()
        await pilot.pause()
        second = search.matches[search.position or 0]
        assert {first[0], second[0]} == {huge, note}
        await pilot.press("down")  # wraps round
        await app.workers.wait_for_complete()
        await pilot.pause()
        if search.matches[search.position or 0][0] is not huge:
            await pilot.press("up")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert search.matches[search.position or 0][0] is huge
        assert huge.hidden_chars == 0, "the collapsed body was shown up to the match"
        assert huge.current_match is not None
        part = next(p for p in huge.query(BodyPart) if p.start <= huge.current_match[0] < p.end)
        assert conversation.region.overlaps(part.region), "scrolled to the match"
        assert conversation.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
        assert not huge.matches and not note.matches
        assert app.focused is conversation


async def test_search_ignores_invisible_characters_and_case() -> None:
    """A search with a zero-width space in it finds "PayPal" split by invisible characters (shown as
    markers), whatever the case, and highlights across the markers."""
    helpdesk = FakeHelpdesk()
    helpdesk.comments["1000"][0] = helpdesk.comments["1000"][0].model_copy(
        update={"body": "Log in at Pay\u200bPal.com please"}
    )
    helpdesk.comments["1000"][1] = helpdesk.comments["1000"][1].model_copy(
        update={"body": "plain paypal\ufeff and p\u200ba\u200dypal too"}
    )
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        first = app.screen.query(CommentCard).first()
        assert "Pay⟨ZWSP⟩Pal.com" in first.full_body
        await pilot.press("slash", *"pay\u200bpal", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        search = app.screen.query_one(ConversationSearch)
        assert rendered(search.query_one("#search-status", Static)).endswith("of 3")
        highlighted = [card.full_body[start:end] for card, start, end in search.matches]
        assert highlighted == ["Pay⟨ZWSP⟩Pal", "paypal", "p⟨ZWSP⟩a⟨ZWJ⟩ypal"]
