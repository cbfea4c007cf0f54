"""Merging a delta into a loaded view, the watermark, and the rule for a full reload (pure domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontline.domain.models import Ticket
from frontline.domain.watermark import (
    OVERLAP,
    ViewChanges,
    delta_since,
    full_reload_reason,
    is_changed,
    known_versions,
    merge,
    watermark,
)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ticket(ticket_id: str, minutes: int, subject: str = "") -> Ticket:
    return Ticket(
        id=ticket_id, subject=subject or ticket_id, created_at=T0, updated_at=T0 + timedelta(minutes=minutes)
    )


def ids(tickets: list[Ticket]) -> list[str]:
    return [t.id for t in tickets]


def test_watermark_is_the_newest_update_and_a_delta_reads_back_the_overlap() -> None:
    held = [ticket("1", 5), ticket("2", 9), ticket("3", 1)]
    assert watermark(held) == T0 + timedelta(minutes=9)
    assert delta_since(held) == T0 + timedelta(minutes=9) - OVERLAP
    assert delta_since(held, timedelta(0)) == T0 + timedelta(minutes=9)
    assert watermark([]) is None and delta_since([]) is None


def test_changed_tickets_replace_their_copy_in_place_and_new_ones_join_on_top() -> None:
    held = [ticket("1", 1), ticket("2", 2), ticket("3", 3)]
    delta = [ticket("9", 20, "new"), ticket("2", 10, "edited")]

    merged = merge(held, delta)

    assert ids(merged) == ["9", "1", "2", "3"]
    assert merged[2].subject == "edited"
    assert merged[1] is held[0] and merged[3] is held[2]  # untouched tickets are the same objects


def test_departed_tickets_leave_but_a_departed_id_back_in_the_delta_stays() -> None:
    held = [ticket("1", 1), ticket("2", 2), ticket("3", 3)]
    assert ids(merge(held, [], departed={"2"})) == ["1", "3"]
    assert ids(merge(held, [ticket("2", 9)], departed={"2"})) == ["1", "2", "3"]


def test_an_empty_delta_changes_nothing_and_a_repeated_ticket_keeps_its_newest_copy() -> None:
    held = [ticket("1", 1), ticket("2", 2)]
    assert merge(held, []) == held
    merged = merge(held, [ticket("3", 9, "newest"), ticket("3", 8, "older")])
    assert [t.subject for t in merged if t.id == "3"] == ["newest"]


def test_only_new_or_updated_tickets_count_as_changed() -> None:
    known = known_versions([ticket("1", 1), ticket("2", 2)])
    assert not is_changed(ticket("1", 1), known)
    assert is_changed(ticket("1", 4), known)
    assert is_changed(ticket("7", 1), known)


def test_the_full_reload_rule() -> None:
    fine = ViewChanges(total=3)
    assert full_reload_reason(fine, 3, refreshes_since_full=0, every=20) is None
    assert full_reload_reason(ViewChanges(), 3, refreshes_since_full=5, every=20) is None  # no count: trust
    assert "every 20th" in (full_reload_reason(fine, 3, refreshes_since_full=19, every=20) or "")
    assert "too long" in (full_reload_reason(ViewChanges(complete=False), 3, refreshes_since_full=0) or "")
    assert "holds 2 tickets, the merged list 3" in (
        full_reload_reason(ViewChanges(total=2), 3, refreshes_since_full=0) or ""
    )
