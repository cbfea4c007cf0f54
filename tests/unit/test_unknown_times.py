"""A time the helpdesk did not send reads "unknown" everywhere (issue 15), never 1970, "56y" or "20788d"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from frontline.cli.output import comment_json, format_queue, format_thread, ticket_json
from frontline.domain.compose import build_editor_buffer
from frontline.domain.models import Comment, Ticket, TicketThread, View
from frontline.domain.moments import UNKNOWN, UNKNOWN_TIME, is_known, known
from frontline.domain.presentation import format_age, format_stamp

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_sentinel_and_zero_timestamps_are_unknown() -> None:
    assert not is_known(UNKNOWN_TIME) and not is_known(None)
    assert not is_known(datetime(1969, 12, 31, 19, 0, tzinfo=timezone(timedelta(hours=-5))))  # 0 in UTC-5
    assert not is_known(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC))
    assert is_known(datetime(2009, 7, 20, 22, 55, tzinfo=UTC))
    assert known(UNKNOWN_TIME) is None and known(NOW) == NOW


def test_formatters_say_unknown() -> None:
    assert format_age(UNKNOWN_TIME, NOW) == UNKNOWN
    assert format_age(NOW - timedelta(days=3), NOW) == "3d"
    assert format_stamp(UNKNOWN_TIME) == UNKNOWN
    assert format_stamp(NOW) == "2026-12-01 09:00"


def test_cli_output_shows_unknown_and_json_null() -> None:
    ticket = Ticket(id="1", subject="No dates", created_at=UNKNOWN_TIME, updated_at=UNKNOWN_TIME)
    comment = Comment(id="c1", body="hello", created_at=UNKNOWN_TIME)
    shown = format_queue(View(id="v", title="V"), [ticket], NOW) + format_thread(ticket, [comment], NOW)
    assert "1970" not in shown and "56y" not in shown
    assert shown.count(UNKNOWN) == 2
    assert ticket_json(ticket)["created_at"] is None and ticket_json(ticket)["updated_at"] is None
    assert comment_json(comment)["created_at"] is None


def test_the_editor_quote_says_unknown() -> None:
    ticket = Ticket(id="1", created_at=NOW, updated_at=NOW)
    thread = TicketThread(ticket=ticket, comments=(Comment(id="c", body="hi", created_at=UNKNOWN_TIME),))
    buffer = build_editor_buffer("", thread, public=False)
    assert "# At an unknown time, unknown wrote (public):" in buffer and "1970" not in buffer
