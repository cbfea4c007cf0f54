"""The seen state in the domain: markers (new, changed, waiting on us, handoff), which tickets need their
conversation read, customer replies announced once, and the state handed to and restored from a store."""

from __future__ import annotations

from datetime import timedelta

from support.fake_helpdesk import FIXED_NOW

from frontline.domain.models import Comment, Person, Status, Ticket
from frontline.domain.seen import CommentMark, SeenState, SeenTickets, is_customer, newest_public

CUSTOMER = Person(id="20", name="Grace Customer", role="end-user")
AGENT = Person(id="1", name="Ada Agent", role="agent")
COLLEAGUE = Person(id="2", name="Bo Colleague", role="admin")


def ticket(ticket_id: str = "7", *, updated: int = 0, status: Status = Status.OPEN) -> Ticket:
    return Ticket(
        id=ticket_id,
        key=f"#{ticket_id}",
        subject="Export is empty",
        status=status,
        requester=Person(id="20", name="Grace Customer"),
        created_at=FIXED_NOW - timedelta(days=1),
        updated_at=FIXED_NOW + timedelta(minutes=updated),
    )


def comment(comment_id: str, author: Person, minutes: int, *, public: bool = True) -> Comment:
    return Comment(
        id=comment_id, author=author, public=public, created_at=FIXED_NOW + timedelta(minutes=minutes)
    )


OPENING = comment("c1", CUSTOMER, -60)
ANSWER = comment("c2", AGENT, -30)


def test_a_first_load_is_the_baseline_and_a_later_update_is_changed() -> None:
    seen = SeenTickets()
    seen.baseline([ticket()])
    assert seen.marker(ticket()) is None
    assert seen.marker(ticket(updated=1)) == "changed"
    assert seen.marker(ticket("8")) == "new"


def test_only_tickets_updated_since_their_conversation_was_read_are_to_check_newest_first() -> None:
    seen = SeenTickets()
    seen.baseline([ticket("1"), ticket("2"), ticket("3")])
    due = seen.to_check([ticket("1"), ticket("2", updated=2), ticket("3", updated=9), ticket("4", updated=9)])
    assert [t.id for t in due] == ["3", "2"], "unchanged and first-met tickets are not read"
    assert seen.to_check([ticket("4", updated=9)]) == [], "a ticket met once is known up to that update"
    assert [t.id for t in seen.to_check([ticket("4", updated=10)])] == ["4"]


def test_a_customer_reply_on_an_open_ticket_is_announced_once_and_waits_on_us() -> None:
    seen = SeenTickets()
    seen.baseline([ticket()])
    updated = ticket(updated=5)  # still open: no status change
    reply = comment("c3", CUSTOMER, 5)

    assert seen.read_conversation(updated, [OPENING, ANSWER, reply]) == reply
    assert seen.marker(updated) == "waiting"
    assert seen.read_conversation(updated, [OPENING, ANSWER, reply]) is None, "never announced twice"
    assert seen.marker(updated) == "waiting"

    seen.mark(updated)  # the engineer opened it
    assert seen.marker(updated) is None
    assert seen.read_conversation(updated, [OPENING, ANSWER, reply]) is None


def test_an_agent_or_an_internal_note_is_not_a_customer_reply() -> None:
    seen = SeenTickets()
    seen.baseline([ticket()])
    colleague = comment("c3", COLLEAGUE, 5)
    assert seen.read_conversation(ticket(updated=5), [OPENING, colleague]) is None
    assert seen.marker(ticket(updated=5)) == "changed"
    note = comment("c4", CUSTOMER, 6, public=False)
    assert seen.read_conversation(ticket(updated=6), [OPENING, ANSWER, note]) is None


def test_a_public_answer_from_an_agent_ends_the_wait_and_a_note_does_not() -> None:
    seen = SeenTickets()
    seen.baseline([ticket()])
    reply = comment("c3", CUSTOMER, 5)
    assert seen.read_conversation(ticket(updated=5), [OPENING, reply]) == reply
    note = comment("c4", AGENT, 6, public=False)
    assert seen.read_conversation(ticket(updated=6), [OPENING, reply, note]) is None
    assert seen.marker(ticket(updated=6)) == "waiting", "an internal note does not answer the customer"
    answer = comment("c5", COLLEAGUE, 7)
    assert seen.read_conversation(ticket(updated=7), [OPENING, reply, note, answer]) is None
    assert seen.marker(ticket(updated=7)) == "changed", "answered in the helpdesk's own UI"


def test_a_customer_comment_older_than_the_conversation_as_last_read_is_not_news() -> None:
    seen = SeenTickets()
    seen.baseline([ticket(updated=5)])
    old = comment("c3", CUSTOMER, 4)  # already there when the view first loaded
    assert seen.read_conversation(ticket(updated=8), [OPENING, old]) is None
    assert seen.marker(ticket(updated=8)) == "changed"


def test_who_counts_as_the_customer() -> None:
    requester_without_role = Person(id="20", name="Grace")
    stranger_without_role = Person(id="99", name="Someone")
    assert is_customer(CUSTOMER, ticket())
    assert is_customer(Person(id="qm:1", name="JSM customer", role="customer"), ticket())
    assert is_customer(requester_without_role, ticket()), "role unknown: the requester is the customer"
    assert not is_customer(stranger_without_role, ticket())
    assert not is_customer(AGENT, ticket()) and not is_customer(None, ticket())
    assert not is_customer(CUSTOMER, ticket(), me_id=CUSTOMER.id), "never the signed-in engineer"
    assert newest_public([OPENING, ANSWER, comment("n", AGENT, 9, public=False)]) == ANSWER
    assert newest_public([]) is None


def test_the_state_survives_a_round_trip_through_a_store() -> None:
    seen = SeenTickets()
    seen.baseline([ticket("1"), ticket("2"), ticket("3")])
    seen.to_check([ticket("4", updated=1)])  # met on a refresh, never looked at: "new"
    reply = comment("c3", CUSTOMER, 5)
    seen.read_conversation(ticket("2", updated=5), [OPENING, reply])
    seen.mark(ticket("3", updated=2))
    states = seen.take_changes()
    assert {state.ticket_id for state in states} == {"1", "2", "3", "4"}
    assert seen.take_changes() == [], "handed over once"

    restored = SeenTickets(states)
    assert restored.marker(ticket("1")) is None
    assert restored.marker(ticket("2", updated=5)) == "waiting"
    assert restored.read_conversation(ticket("2", updated=5), [OPENING, reply]) is None
    assert restored.marker(ticket("3", updated=2)) is None
    assert restored.marker(ticket("3", updated=3)) == "changed"
    assert restored.marker(ticket("4", updated=1)) == "new"
    assert restored.state("2").reply == CommentMark("c3", reply.created_at)


def test_memory_wins_over_the_store_and_a_failed_write_is_given_back() -> None:
    seen = SeenTickets()
    seen.mark(ticket(updated=9))
    seen.restore([SeenState(ticket_id="7", looked_at=FIXED_NOW, checked_at=FIXED_NOW)])
    assert seen.marker(ticket(updated=9)) is None
    changes = seen.take_changes()
    seen.give_back(changes)
    assert [state.ticket_id for state in seen.take_changes()] == ["7"]


def test_the_handoff_mark_comes_first_until_opened() -> None:
    seen = SeenTickets()
    seen.baseline([ticket()])
    seen.read_conversation(ticket(updated=5), [OPENING, comment("c3", CUSTOMER, 5)])
    seen.name_in_handoff(["7"])
    assert seen.marker(ticket(updated=5)) == "handoff"
    seen.mark(ticket(updated=5))
    assert seen.marker(ticket(updated=5)) is None
