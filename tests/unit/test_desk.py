"""Desk logic that is not vendor-specific: paging, the opening message, change listeners, reconciliation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline.domain.clock import fixed_clock
from frontline.domain.models import CommentDraft, Status, Ticket, TicketUpdate
from frontline.domain.ports import HelpdeskCapabilities
from frontline.errors import ConflictError, PartiallyApplied, ValidationFailed
from frontline.services.desk import Desk


def make_desk(helpdesk: FakeHelpdesk | None = None) -> Desk:
    return Desk(helpdesk or FakeHelpdesk(), profile_name="test", clock=fixed_clock(FIXED_NOW))


async def test_load_view_follows_every_page() -> None:
    helpdesk = FakeHelpdesk(ticket_count=250)
    desk = make_desk(helpdesk)
    progress: list[int] = []
    tickets = await desk.load_view("all", on_progress=progress.append)
    assert len(tickets) == len(helpdesk._view_members("all"))
    assert progress == sorted(progress) and len(progress) >= 2


async def test_load_view_stops_at_limit() -> None:
    assert len(await make_desk(FakeHelpdesk(ticket_count=250)).load_view("all", limit=10)) == 10


@dataclass
class SeparateDescriptionHelpdesk(FakeHelpdesk):
    capabilities = HelpdeskCapabilities(description_in_comments=False)

    async def get_ticket(self, ticket_id: str) -> Ticket:
        ticket = await super().get_ticket(ticket_id)
        return ticket.replace(description="It broke after the upgrade.")


async def test_description_opens_the_thread_where_it_is_kept_apart() -> None:
    thread = await make_desk(SeparateDescriptionHelpdesk()).open_ticket("1000")
    opening = thread.comments[0]
    assert opening.body == "It broke after the upgrade."
    assert opening.author == thread.ticket.requester and opening.public
    assert len(thread.comments) == 3


async def test_description_is_not_repeated_where_it_is_the_first_comment() -> None:
    thread = await make_desk().open_ticket("1000")
    assert len(thread.comments) == 2


async def test_listeners_hear_about_submitted_changes() -> None:
    desk = make_desk()
    heard: list[Ticket] = []
    unsubscribe = desk.subscribe(heard.append)
    await desk.submit("1000", TicketUpdate(status=Status.PENDING))
    unsubscribe()
    await desk.submit("1000", TicketUpdate(status=Status.OPEN))
    assert [t.status for t in heard] == [Status.PENDING]


@dataclass
class PostsCommentThenFailsHelpdesk(FakeHelpdesk):
    """Like JSM: the comment is posted first, then a status change the workflow refuses."""

    refuse_status: bool = True

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        if update.comment is not None:
            await super().update_ticket(ticket_id, TicketUpdate(comment=update.comment))
        if update.status is not None and self.refuse_status:
            raise ValidationFailed("No transition to solved from here.")
        rest = update.model_copy(update={"comment": None})
        return await super().update_ticket(ticket_id, rest)


async def test_a_refusal_after_the_comment_was_posted_is_reported_as_partial() -> None:
    """Even from a connector that does not say so itself: the reply landed, so it is not "not sent"."""
    helpdesk = PostsCommentThenFailsHelpdesk()
    desk = make_desk(helpdesk)
    update = TicketUpdate(comment=CommentDraft(body="Shipped the fix.", public=True), status=Status.SOLVED)
    with pytest.raises(PartiallyApplied) as caught:
        await desk.submit("1000", update)
    assert caught.value.not_applied == ("status solved",)
    assert isinstance(caught.value.cause, ValidationFailed)
    assert len(helpdesk.comments["1000"]) == 3

    helpdesk.refuse_status = False
    ticket = await desk.submit("1000", TicketUpdate(status=Status.SOLVED))
    assert ticket.status is Status.SOLVED
    assert len(helpdesk.comments["1000"]) == 3, "the reply must not be posted twice"


async def test_resend_after_a_failure_that_posted_nothing_sends_the_comment() -> None:
    helpdesk = FakeHelpdesk(conflict_next_update=True)
    desk = make_desk(helpdesk)
    update = TicketUpdate(comment=CommentDraft(body="Checking.", public=False))
    with pytest.raises(ConflictError):
        await desk.submit("1000", update)
    await desk.submit("1000", update)
    assert [c.body for c in helpdesk.comments["1000"]][-1] == "Checking."
    assert len(helpdesk.comments["1000"]) == 3


async def test_big_views_refresh_less_often_to_stay_within_rate_limits() -> None:
    desk = make_desk(FakeHelpdesk(ticket_count=250))
    assert desk.refresh_seconds("all", 60) == 60
    await desk.load_view("all")
    small = desk.refresh_seconds("all", 60)
    desk.pages_per_view["huge"] = 350  # a 35,000-ticket view
    assert small == 60
    assert desk.refresh_seconds("huge", 60) == 1050  # 350 requests at the default 20 a minute
    assert desk.refresh_seconds("huge", 3600) == 3600
