"""The outbox's wording in the console: the quit question, the summary of what settled, the ticket banner."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

from support.fake_helpdesk import FIXED_NOW, ME

from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.ui.outbox_text import (
    MAX_NOTICE_LINES,
    Origin,
    banner_line,
    quit_question,
    settled_notice,
    ticket_label,
)


def write(state: WriteState, *, ticket_id: str = "41", **changes: object) -> OutboxEntry:
    made = OutboxEntry(
        id=secrets.token_hex(8),
        profile="test",
        ticket_id=ticket_id,
        update=TicketUpdate(comment=CommentDraft(body="Hello", public=True)),
        state=state,
        created_at=FIXED_NOW,
        author_id=ME.id,
        settled_at=FIXED_NOW if state.settled else None,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def test_the_quit_question_counts_queued_and_in_doubt_writes() -> None:
    waiting = [write(WriteState.QUEUED), write(WriteState.UNKNOWN), write(WriteState.SENT)]
    assert quit_question(waiting) == (
        "2 writes have not reached the helpdesk yet (1 queued, 1 in doubt).",
        "They are kept and sent or checked the next time frontline starts. Quit anyway?",
    )
    assert quit_question([write(WriteState.UNKNOWN)]) == (
        "1 write has not reached the helpdesk yet (1 in doubt).",
        "It is kept and checked the next time frontline starts. Quit anyway?",
    )
    assert quit_question([write(WriteState.SENT), write(WriteState.FAILED)]) is None


def test_one_notice_sums_up_what_settled_and_says_when_something_went_wrong() -> None:
    sent = write(WriteState.SENT)
    refused = write(WriteState.FAILED, ticket_id="42", outcome="Status [b]closed[/b] is not allowed.")
    notice = settled_notice(
        [(sent, Origin.RESTART), (refused, Origin.QUEUED), (write(WriteState.UNKNOWN), Origin.DOUBT)]
    )
    assert notice == (
        "The public reply to #41 that was being sent when frontline stopped is on the ticket.\n"
        "The public reply to #42 that waited in the outbox was refused: Status [b]closed[/b] is not allowed. "
        "Not sent; set it again if it is still needed.",
        True,
    )
    assert settled_notice([(write(WriteState.UNKNOWN), Origin.DOUBT)]) is None
    many = settled_notice([(write(WriteState.SENT), Origin.QUEUED)] * (MAX_NOTICE_LINES + 2))
    assert many is not None and many[0].endswith("…and 2 more: press O for the outbox.") and not many[1]


def test_banner_lines_for_each_state() -> None:
    both = TicketUpdate(comment=CommentDraft(body="Hi", public=False), status=Status.SOLVED)
    partial = write(WriteState.PARTIAL, update=both, not_applied=("status solved",))
    assert (
        banner_line(partial, FIXED_NOW)
        == "✓ Internal note posted; status solved not applied (s to set it again)"
    )
    assert banner_line(write(WriteState.SENDING), FIXED_NOW) == "↑ Public reply sending…"
    assert banner_line(write(WriteState.SENT), FIXED_NOW) is None
    old = write(WriteState.FAILED, settled_at=FIXED_NOW - timedelta(days=1))
    assert banner_line(old, FIXED_NOW) is None, "an old failure is history, for the outbox screen"
    assert ticket_label("41") == "#41" and ticket_label("SD-12") == "SD-12"
