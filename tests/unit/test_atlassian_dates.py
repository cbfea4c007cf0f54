"""Jira and JSM times (issue 15): one tolerant parser; absurd `epochMillis` is None, never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from frontline.connectors.atlassian.dates import millis_time, parse_time
from frontline.connectors.jsm.mapping import map_comment, map_issue
from frontline.domain.moments import UNKNOWN_TIME, is_known

MOMENT = datetime(2015, 10, 9, 3, 22, tzinfo=UTC)
MILLIS = 1_444_360_920_000


@pytest.mark.parametrize(
    "millis",
    [
        -2_140_826_000_000_000,  # datetime.fromtimestamp: ValueError "year -65870 is out of range"
        253_402_300_800_000,  # year 10000
        10**23,  # OverflowError: timestamp out of range for platform time_t
        -(10**23),
        9_223_372_036_854_775_807,
        10**99,
        float("inf"),
        float("-inf"),
        float("nan"),
        -1e300,
        True,
        "1444360920000",
        None,
        [MILLIS],
    ],
)
def test_absurd_epoch_millis_read_as_none(millis: Any) -> None:
    assert millis_time(millis) is None
    assert parse_time({"epochMillis": millis}) is None
    assert parse_time({"epochMillis": millis, "friendly": "Today 10:22 AM"}) is None


def test_the_iso_text_is_preferred_then_jira_then_epoch_millis() -> None:
    dto = {
        "epochMillis": MILLIS,
        "iso8601": "2015-10-09T10:22:00+0700",
        "jira": "2015-10-09T10:22:00.000+0700",
    }
    assert parse_time(dto) == MOMENT
    assert parse_time({**dto, "epochMillis": -2_140_826_000_000_000}) == MOMENT  # absurd millis ignored
    assert parse_time({**dto, "epochMillis": 0}) == MOMENT  # the ISO text wins over a disagreeing number
    assert parse_time({**dto, "iso8601": "junk"}) == MOMENT  # `jira` next
    assert parse_time({"iso8601": "junk", "jira": None, "epochMillis": MILLIS}) == MOMENT  # then the number
    assert parse_time({"iso8601": "2015-13-45T99:00:00+0700", "epochMillis": 10**23}) is None


@pytest.mark.parametrize(
    "text",
    [
        "2015-10-09T03:22:00.000+0000",
        "2015-10-09T10:22:00.000+0700",
        "2015-10-08T22:22:00-0500",
        "2015-10-09T03:22:00Z",
        "2015-10-09T03:22:00+00:00",
    ],
)
def test_jira_timestamps_with_any_offset_form(text: str) -> None:
    assert parse_time(text) == MOMENT


@pytest.mark.parametrize(
    "junk", ["", "yesterday", "9999-99-99T99:99", "0001-01-01T00:00:00+0100", "9" * 100, 12, {"x": 1}, []]
)
def test_junk_reads_as_none(junk: Any) -> None:
    assert parse_time(junk) is None


def test_milliseconds_after_a_start() -> None:
    assert millis_time(3_600_000, since=MOMENT) == datetime(2015, 10, 9, 4, 22, tzinfo=UTC)
    assert millis_time(10**99, since=MOMENT) is None


def test_an_issue_without_a_readable_created_is_unknown_not_1970() -> None:
    ticket = map_issue({"key": "SD-1", "fields": {"created": {"epochMillis": 10**23}}}, "https://x.example")
    assert ticket is not None and ticket.created_at == UNKNOWN_TIME and not is_known(ticket.updated_at)
    comment = map_comment({"id": 7, "created": {"epochMillis": -2_140_826_000_000_000}})
    assert comment is not None and not is_known(comment.created_at)
