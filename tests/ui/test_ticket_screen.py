"""The ticket screen with the in-memory helpdesk: conversation, hostile text, J/K and ticket actions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from support.fake_helpdesk import FIXED_NOW, ME, FakeHelpdesk
from support.ticket_app import ListNeighbours, TicketApp
from textual.widgets import Input, Static

from frontline.domain.models import Attachment, Comment, Priority, Status, Ticket
from frontline.domain.ports import HelpdeskCapabilities
from frontline.ui.screens.conversation import CommentCard, ShowMore
from frontline.ui.screens.pickers import ChoiceScreen, TextPromptScreen
from frontline.ui.screens.ticket import TicketScreen, parse_tags


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_header_and_conversation_show_public_and_internal_distinctly() -> None:
    helpdesk = FakeHelpdesk()
    helpdesk.comments["1000"][0] = helpdesk.comments["1000"][0].model_copy(
        update={
            "attachments": (Attachment(id="a1", file_name="trace.log", content_type="text/plain", size=2048),)
        }
    )
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        header = text_of(screen.query_one("#ticket-header", Static))
        assert "#1000" in header and "Cannot log in after password reset" in header
        assert "Grace Hopper <user0@example.com>" in header
        assert "Acme" in header and "Ada Agent" in header and "api" in header
        assert "SLA" in header
        cards = list(screen.query(CommentCard))
        assert [card.has_class("-customer") for card in cards] == [True, False]
        assert [card.has_class("-internal") for card in cards] == [False, True]
        assert cards[0].title_text == "CUSTOMER · Grace Hopper"
        assert cards[1].title_text == "INTERNAL NOTE · Ada Agent · customer does not see this"
        assert "Attachment: trace.log · text/plain · 2.0 KB" in text_of(
            cards[0].query_one(".comment-attachments", Static)
        )
        assert "Grace Hopper" in text_of(cards[0].query_one(".comment-meta", Static))


async def test_hostile_text_is_shown_literally() -> None:
    helpdesk = FakeHelpdesk()
    helpdesk.comments["1004"].append(
        Comment(
            id="x",
            author=ME,
            body="[bold red]not markup[/] \x1b]52;c;cGF5bG9hZA==\x07done \x1b[2J[link=http://evil]x[/link]",
            created_at=FIXED_NOW,
        )
    )
    app = TicketApp(helpdesk, ticket_id="1004")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        header = text_of(app.screen.query_one("#ticket-header", Static))
        assert "[bold red]URGENT[/] red please help" in header
        body = text_of(list(app.screen.query(CommentCard))[-1].query_one(".comment-body", Static))
        assert body == "[bold red]not markup[/] done [link=http://evil]x[/link]"


async def test_huge_body_is_truncated_with_show_more() -> None:
    helpdesk = FakeHelpdesk()
    huge = "line of customer text\n" * 50_000  # about 1.1 MB
    helpdesk.comments["1000"][0] = helpdesk.comments["1000"][0].model_copy(update={"body": huge})
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        card = next(iter(app.screen.query(CommentCard)))
        shown = text_of(card.query_one(".comment-body", Static))
        assert len(shown) < 25_000
        button = card.query_one(ShowMore)
        assert "hidden" in str(button.label)
        before = card.shown_chars
        button.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert card.shown_chars > before


async def test_next_and_previous_follow_the_queue_order() -> None:
    app = TicketApp(neighbours=ListNeighbours(["1002", "1000", "1007"]))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("J")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        assert screen.ticket is not None and screen.ticket.id == "1007"
        await pilot.press("J")  # the end: stays, says so
        await app.workers.wait_for_complete()
        assert screen.ticket.id == "1007"
        await pilot.press("K", "K")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.ticket.id == "1002"
        assert "API returns 500 on /orders" in text_of(screen.query_one("#ticket-header", Static))


class PlainHelpdesk(FakeHelpdesk):
    """A helpdesk without internal notes or macros."""

    capabilities = HelpdeskCapabilities(internal_notes=False, macros=False)


async def test_keys_without_support_are_hidden() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        assert app.screen.check_action("next_ticket", ()) is False, "no neighbours, no J/K"
        assert app.screen.check_action("macro", ()) is True
        assert app.screen.check_action("note", ()) is True
    plain = TicketApp(PlainHelpdesk())
    async with plain.run_test(size=(120, 40)) as pilot:
        await plain.workers.wait_for_complete()
        assert plain.screen.check_action("note", ()) is False
        assert plain.screen.check_action("macro", ()) is False
        await pilot.press("n", "m")
        assert isinstance(plain.screen, TicketScreen)


async def test_assign_to_me_status_priority_and_tags() -> None:
    app = TicketApp(ticket_id="1001")  # unassigned, open-ish, tags ("billing",)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("end", "enter")  # solved is the last status
        await app.workers.wait_for_complete()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("home", "enter")  # urgent
        await app.workers.wait_for_complete()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        prompt = app.screen.query_one(Input)
        assert prompt.value == "billing"
        prompt.value = "vip, escalated vip"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        sent = [update for _, update in app.helpdesk.updates]
        assert sent[0].assignee_id == ME.id
        assert sent[1].status is Status.SOLVED
        assert sent[2].priority is Priority.URGENT
        assert sent[3].tags_add == ("vip", "escalated") and sent[3].tags_remove == ("billing",)
        header = text_of(app.screen.query_one("#ticket-header", Static))
        assert "solved" in header and "urgent" in header and "vip · escalated" in header


async def test_conflict_on_a_field_change_is_reported_and_reloads() -> None:
    helpdesk = FakeHelpdesk(conflict_next_update=True)
    app = TicketApp(helpdesk, ticket_id="1001")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert helpdesk.updates == []
        messages = [n.message for n in app._notifications]
        assert any("409" in m for m in messages)


async def test_open_in_browser_copy_link_and_escalate() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("o", "y", "E")
        await pilot.pause()
        assert app.opened == ["https://fake.example/tickets/1000"]
        assert app.copied == ["https://fake.example/tickets/1000"]
        assert any(n.title == "Nowhere to escalate" for n in app._notifications)  # no targets here


async def test_missing_ticket_shows_what_to_do() -> None:
    app = TicketApp(ticket_id="nope")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = text_of(app.screen.query_one("#ticket-message", Static))
        assert "No ticket nope." in message and "R to try again" in message


async def test_escape_goes_back_and_j_scrolls() -> None:
    helpdesk = FakeHelpdesk()
    for n in range(30):
        helpdesk.comments["1000"].append(
            Comment(id=f"c{n}", author=ME, body=f"update {n}", created_at=FIXED_NOW + timedelta(minutes=n))
        )
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        conversation = app.screen.query_one("#conversation")
        await pilot.press("j", "j")
        await pilot.pause()
        assert conversation.scroll_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert conversation.scroll_y == conversation.max_scroll_y
        screens_before = len(app.screen_stack)
        await pilot.press("escape")
        assert len(app.screen_stack) == screens_before - 1


def test_parse_tags() -> None:
    assert parse_tags(" a, b  a\tc ") == ("a", "b", "c")


class SlowHelpdesk(FakeHelpdesk):
    """The ticket arrives only when the test says so."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.release = asyncio.Event()

    async def get_ticket(self, ticket_id: str) -> Ticket:
        await self.release.wait()
        return await super().get_ticket(ticket_id)


async def test_keys_pressed_while_the_ticket_loads_say_so_and_change_nothing() -> None:
    helpdesk = SlowHelpdesk()
    app = TicketApp(helpdesk)
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.press("t", "s")
        await pilot.pause()
        assert any("still loading" in note for note in notes)
        assert isinstance(app.screen, TicketScreen)
        assert helpdesk.updates == []
        helpdesk.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.thread is not None


class BuggyHelpdesk(FakeHelpdesk):
    async def get_ticket(self, ticket_id: str) -> Ticket:
        raise RuntimeError("a bug in an adapter")


async def test_an_unexpected_error_in_a_worker_is_shown_and_logged_not_swallowed() -> None:
    app = TicketApp(BuggyHelpdesk())
    notes: list[tuple[str, str]] = []
    app.notify = lambda message, **kw: notes.append((str(message), str(kw.get("title"))))  # type: ignore[method-assign]
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert any(title == "Unexpected error" and "a bug in an adapter" in message for message, title in notes)
    log = (app.data_dir / "errors.log").read_text(encoding="utf-8")
    assert "RuntimeError: a bug in an adapter" in log
