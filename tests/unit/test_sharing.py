"""Equal people and organizations of many tickets are held once, and the tickets read exactly the same."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontline.connectors.zendesk.mapping import to_ticket
from frontline.domain.models import TICKETS, Organization, Person, SlaTarget, Ticket
from frontline.domain.sharing import shared
from frontline.store.cache import CacheStore
from frontline.store.db import Store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ticket(number: int, *, requester: str = "Grace") -> Ticket:
    return Ticket(
        id=str(number),
        subject=f"Ticket {number}",
        requester=Person(id="7", name=requester, email="grace@example.com"),
        assignee=Person(id="a1", name="Agent"),
        organization=Organization(id="o1", name="Acme"),
        sla=SlaTarget(due_at=NOW),
        created_at=NOW,
        updated_at=NOW,
    )


def test_tickets_read_from_the_cache_share_equal_people_and_read_the_same(tmp_path: Path) -> None:
    written = [ticket(n) for n in range(3)] + [ticket(9, requester="Grace Hopper")]
    with Store(tmp_path / "db.sqlite") as store:
        cache = CacheStore(store)
        cache.save_view("p", "all", written, NOW)
        cached = cache.load_view("p", "all")
    assert cached is not None
    read = cached.tickets
    assert read == written
    assert TICKETS.dump_json(read) == TICKETS.dump_json(written)
    assert read[0].requester is read[1].requester is read[2].requester
    assert read[0].organization is read[2].organization and read[0].assignee is read[1].assignee
    assert read[3].requester is not read[0].requester
    assert read[3].requester is not None and read[3].requester.name == "Grace Hopper"


def test_a_copy_of_a_shared_ticket_leaves_the_others_as_they_were() -> None:
    first, second = shared(ticket(1)), shared(ticket(2))
    assert first.requester is second.requester
    changed = first.replace(linked_bug="BUG-1", requester=Person(id="8", name="Linus"))
    assert changed.linked_bug == "BUG-1" and first.linked_bug is None and second.linked_bug is None
    assert first.requester is second.requester and first.requester is not None
    assert first.requester.name == "Grace"
    assert hash(first) == hash(ticket(1)) and first == ticket(1)


def test_a_shared_ticket_is_still_frozen() -> None:
    first = shared(ticket(1))
    with pytest.raises(FrozenInstanceError):
        first.subject = "changed"  # type: ignore[misc]


def test_zendesk_rows_share_their_requester_and_organization() -> None:
    users = {"7": {"id": 7, "name": "Grace", "email": "grace@example.com", "role": "end-user"}}
    orgs = {"3": {"id": 3, "name": "Acme"}}
    rows = [
        to_ticket(
            {"id": n, "requester_id": 7, "organization_id": 3, "updated_at": "2026-11-23T09:00:00Z"},
            users,
            orgs,
        )
        for n in (1, 2)
    ]
    assert rows[0].requester is rows[1].requester
    assert rows[0].organization is rows[1].organization
    assert rows[0].requester is not None and rows[0].requester.email == "grace@example.com"
