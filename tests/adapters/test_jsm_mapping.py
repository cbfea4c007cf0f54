"""JSM mapping tolerates sparse and garbled answers and maps statuses, priorities and SLAs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontline.connectors.jsm.mapping import (
    choose_transition,
    map_comment,
    map_issue,
    map_person,
    map_sla,
    map_status,
    merge_request,
    parse_time,
)
from frontline.domain.models import Priority, Status
from frontline.domain.moments import UNKNOWN_TIME

SITE = "https://acme.atlassian.net"


def test_parse_time_handles_jira_offsets_and_date_dtos() -> None:
    expected = datetime(2021, 1, 17, 12, 34, tzinfo=UTC)
    assert parse_time("2021-01-17T12:34:00.000+0000") == expected
    assert parse_time("2021-01-17T19:34:00.000+0700") == expected
    assert parse_time({"epochMillis": int(expected.timestamp() * 1000), "jira": "garbage"}) == expected
    assert parse_time({"iso8601": "2021-01-17T12:34:00+0000"}) == expected
    assert parse_time("not a date") is None and parse_time(None) is None


def test_sparse_issue_and_comment() -> None:
    ticket = map_issue({"key": "SUP-9", "fields": {}}, SITE)
    assert ticket is not None and ticket.status is Status.OPEN and ticket.priority is None
    assert ticket.requester is None and ticket.tags == () and ticket.url == f"{SITE}/browse/SUP-9"
    assert map_issue({"id": "1"}, SITE) is None
    assert map_person({"displayName": "No id"}) is None
    person = map_person({"accountId": "qm:1"})
    assert person is not None and person.name == "qm:1" and person.email is None
    comment = map_comment({"id": 5, "created": {"epochMillis": 0}})
    assert comment is not None and comment.body == "" and comment.public is True and comment.author is None
    undated = map_comment({"id": "1"})  # kept, its time unknown (shown as such), not silently dropped
    assert undated is not None and undated.created_at == UNKNOWN_TIME
    assert map_comment({"created": "2021-01-17T12:34:00.000+0000"}) is None


def test_statuses_and_priorities() -> None:
    assert map_status("Waiting for customer", "indeterminate") is Status.PENDING
    assert map_status("Waiting for support", "new") is Status.OPEN
    assert map_status("Something custom", "done") is Status.SOLVED
    assert map_status("Canceled", "done") is Status.CLOSED
    ticket = map_issue({"key": "A-1", "fields": {"priority": {"name": "Highest"}}}, SITE)
    assert ticket is not None and ticket.priority is Priority.URGENT


def test_sla_picks_the_earliest_running_cycle_then_paused() -> None:
    def cycle(millis: int, **extra: object) -> dict:
        return {
            "ongoingCycle": {
                "breachTime": {"epochMillis": millis},
                "breached": False,
                "paused": False,
                **extra,
            }
        }

    soon = map_sla([{"name": "Later", **cycle(2_000_000)}, {"name": "Soon", **cycle(1_000_000)}])
    assert soon is not None and soon.metric == "Soon"
    paused = map_sla([{"name": "Resolution", "ongoingCycle": {"paused": True, "breached": False}}])
    assert paused is not None and paused.paused
    assert map_sla([]) is None and map_sla(None) is None
    assert map_sla([{"completedCycles": [{"breached": False}]}]) is None


def test_choose_transition_by_target_status() -> None:
    transitions = [
        {"id": "11", "to": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}}},
        {"id": "21", "to": {"name": "Waiting for customer", "statusCategory": {"key": "indeterminate"}}},
        {"id": "51", "to": {"name": "Resolved", "statusCategory": {"key": "done"}}},
    ]
    assert choose_transition(transitions, Status.PENDING) == "21"
    assert choose_transition(transitions, Status.SOLVED) == "51"
    assert choose_transition(transitions, Status.OPEN) == "11"
    assert choose_transition(transitions[:1], Status.SOLVED) is None
    assert choose_transition(None, Status.OPEN) is None


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00.000+0100",
        "9999-12-31T23:59:59.000-0100",
        {"epochMillis": 10**99},
        {"epochMillis": -(10**30)},
        {"epochMillis": float("nan")},
        {"epochMillis": float("inf")},
        {"epochMillis": True, "iso8601": "not a date"},
        {"iso8601": "9999-12-31T23:59:59+1400"},
        "9" * 5000,
    ],
)
def test_times_out_of_range_are_none_never_an_overflow(value: object) -> None:
    assert parse_time(value) is None


def test_sla_with_absurd_goal_or_times_is_skipped_not_a_crash() -> None:
    cycle = {"startTime": {"epochMillis": 0}, "goalDuration": {"millis": 10**99}, "paused": False}
    assert map_sla([{"name": "Resolution", "ongoingCycle": cycle}]) is None
    assert map_sla([{"name": "Done", "completedCycles": 5}, {"completedCycles": "abc"}]) is None


def test_garbled_structures_in_an_issue_and_request_map_or_are_ignored() -> None:
    issue = {
        "key": "SUP-1",
        "fields": {
            "created": "0001-01-01T00:00:00.000+0100",
            "labels": "not-a-list",
            "description": {"type": "doc", "content": [{"type": ["x"], "content": 5}, {"type": {}}]},
        },
    }
    ticket = map_issue(issue, SITE)
    assert ticket is not None and ticket.created_at == datetime(1970, 1, 1, tzinfo=UTC)
    merged = merge_request(ticket, {"requestFieldValues": 7, "sla": {"values": "x"}})
    assert merged.sla is None
