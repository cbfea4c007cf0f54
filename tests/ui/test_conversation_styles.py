"""Customer, agent reply and internal note look different; the ticket opens at the newest message."""

from __future__ import annotations

from datetime import timedelta

from support.fake_helpdesk import FIXED_NOW, ME, FakeHelpdesk
from support.ticket_app import TicketApp
from textual.widgets import Static

from frontline.domain.models import Comment, Person
from frontline.ui.screens.conversation import CommentCard


def thread_with_all_kinds(helpdesk: FakeHelpdesk, extra: int = 0) -> None:
    requester = helpdesk.tickets["1000"].requester
    assert requester is not None
    helpdesk.comments["1000"] = [
        Comment(id="c1", author=requester, body="My invoice is wrong.", created_at=FIXED_NOW),
        Comment(id="c2", author=ME, body="Looking into it.", created_at=FIXED_NOW + timedelta(minutes=5)),
        Comment(
            id="c3",
            author=ME,
            body="VAT bug again.",
            public=False,
            created_at=FIXED_NOW + timedelta(minutes=6),
        ),
    ]
    for n in range(extra):
        helpdesk.comments["1000"].append(
            Comment(
                id=f"x{n}", author=ME, body=f"update {n}\n" * 3, created_at=FIXED_NOW + timedelta(hours=n)
            )
        )
    helpdesk.comments["1000"].append(
        Comment(
            id="newest",
            author=Person(id="555", name="Cc Colleague", role="end-user"),
            body="Any news? newest-message",
            created_at=FIXED_NOW + timedelta(days=2),
        )
    )


async def test_three_styles_told_apart_by_label_and_class() -> None:
    helpdesk = FakeHelpdesk()
    thread_with_all_kinds(helpdesk)
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        cards = list(app.screen.query(CommentCard))
        assert [card.title_text for card in cards] == [
            "CUSTOMER · Grace Hopper",
            "REPLY · Ada Agent · customer sees this",
            "INTERNAL NOTE · Ada Agent · customer does not see this",
            "CUSTOMER · Cc Colleague",
        ]
        assert [card.classes & {"-customer", "-public", "-internal"} for card in cards] == [
            {"-customer"},
            {"-public"},
            {"-internal"},
            {"-customer"},
        ]
        customer, reply, note = (card.styles for card in cards[:3])
        assert len({customer.border_top[0], reply.border_top[0], note.border_top[0]}) == 3
        assert len({customer.border_top[1], reply.border_top[1], note.border_top[1]}) == 3
        assert note.background != reply.background


async def test_a_hostile_author_name_stays_one_label() -> None:
    helpdesk = FakeHelpdesk()
    helpdesk.comments["1000"][1] = helpdesk.comments["1000"][1].model_copy(
        update={"author": Person(id="9", name="[red]Boss[/] " + "x" * 5000, role="agent")}
    )
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        note = list(app.screen.query(CommentCard))[1]
        assert note.title_text.startswith("INTERNAL NOTE · [red]Boss[/] xxx")
        assert "…" in note.title_text and len(note.title_text) < 120


async def test_the_ticket_opens_at_the_newest_message_and_keys_still_scroll() -> None:
    helpdesk = FakeHelpdesk()
    thread_with_all_kinds(helpdesk, extra=20)
    app = TicketApp(helpdesk)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        conversation = app.screen.query_one("#conversation")
        newest = list(app.screen.query(CommentCard))[-1]
        assert conversation.max_scroll_y > 0
        assert conversation.scroll_y == conversation.max_scroll_y
        assert conversation.region.contains_region(newest.region)
        assert "newest-message" in str(newest.query_one(".comment-body", Static).render())
        await pilot.press("g")
        await pilot.pause()
        assert conversation.scroll_y == 0
        await pilot.press("j")
        await pilot.pause()
        assert conversation.scroll_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert conversation.scroll_y == conversation.max_scroll_y
