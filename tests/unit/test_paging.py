"""Page walks end: the desk's `PageGuard` and the connectors' `PageTrail` refuse loops and endless lists."""

from __future__ import annotations

import pytest

from frontline.connectors.decode import MAX_CURSOR_CHARS, PageTrail
from frontline.errors import MalformedResponse
from frontline.services.paging import MAX_VIEW_PAGES, PageGuard


def test_a_normal_walk_passes_its_cursors_through_and_ends_on_none() -> None:
    guard = PageGuard("Zendesk")
    assert [guard.next(c) for c in ("a", "b", "c", None)] == ["a", "b", "c", None]
    assert guard.pages == 4


def test_the_same_cursor_twice_is_a_malformed_answer() -> None:
    guard = PageGuard("Zendesk")
    guard.next("abc")
    with pytest.raises(MalformedResponse, match=r"Zendesk kept saying there are more pages \(same cursor"):
        guard.next("abc")


def test_a_cursor_that_never_changes_from_the_first_page_is_caught_on_the_second() -> None:
    guard = PageGuard()
    calls = 0
    cursor: str | None = guard.next("stuck")
    with pytest.raises(MalformedResponse, match="same cursor twice"):
        while cursor is not None:
            calls += 1
            cursor = guard.next("stuck")
    assert calls == 1


def test_endless_new_cursors_stop_at_the_page_cap() -> None:
    guard = PageGuard("Jira Service Management", max_pages=5)
    for number in range(4):
        guard.next(str(number))
    with pytest.raises(MalformedResponse, match="after 5 pages"):
        guard.next("4")
    assert MAX_VIEW_PAGES >= 500


def test_a_single_page_view_never_trips_the_cap() -> None:
    assert PageGuard(max_pages=1).next(None) is None


def test_an_absurd_cursor_is_refused() -> None:
    with pytest.raises(MalformedResponse, match="longer than"):
        PageGuard().next("x" * 5000)


def test_connector_trail_refuses_repeats_caps_and_unusable_links() -> None:
    trail = PageTrail("Zendesk", "comments", max_pages=3)
    assert trail.follow("https://acme.zendesk.com/x?page=2") == "https://acme.zendesk.com/x?page=2"
    with pytest.raises(MalformedResponse, match="same cursor twice"):
        trail.follow("https://acme.zendesk.com/x?page=2")
    trail.follow("https://acme.zendesk.com/x?page=3")
    with pytest.raises(MalformedResponse, match="after 3 pages"):
        trail.follow("https://acme.zendesk.com/x?page=4")
    for bad in ("https://acme.zendesk.com/x?\x00", "y" * (MAX_CURSOR_CHARS + 1)):
        with pytest.raises(MalformedResponse, match="not usable"):
            PageTrail("Zendesk", "comments").follow(bad)
