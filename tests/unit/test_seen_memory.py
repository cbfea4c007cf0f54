"""The seen state's memory form: a restored ticket is kept under the ticket's own id string and with its
own `updated_at` once met (the store's copies are let go), the store's copy shrinks as its tickets are met,
and every marker, announcement and stored state is what the previous form (two dicts of moments, two of
comments; `Reference` below) gave for the same calls."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from support.fake_helpdesk import FIXED_NOW

from frontline.domain.models import Comment, Person, Ticket
from frontline.domain.seen import (
    CommentMark,
    KeptStates,
    Marker,
    SeenState,
    SeenTickets,
    is_customer,
    newest_public,
)

CUSTOMER = Person(id="20", name="Grace Customer", role="end-user")
AGENT = Person(id="1", name="Ada Agent", role="agent")
STORE_ZONE = UTC
"""What `datetime.fromisoformat` gives for "+00:00"; the helpdesk's parse gives another zone object."""
OTHER_ZONES = (timezone(timedelta(0), "UTC+0"), timezone(timedelta(hours=2)))


def ticket(ticket_id: str, minutes: int = 0, zone: timezone = OTHER_ZONES[0]) -> Ticket:
    """A ticket as a fresh load makes it: its own id string and its own moment (in any zone)."""
    moment = (FIXED_NOW + timedelta(minutes=minutes)).astimezone(zone)
    return Ticket(id="".join(ticket_id), requester=CUSTOMER, created_at=FIXED_NOW, updated_at=moment)


def stored(ticket_id: str, minutes: int = 0) -> SeenState:
    """A state as the store reads it back: its own id string, its moment parsed from text."""
    moment = datetime.fromisoformat((FIXED_NOW + timedelta(minutes=minutes)).isoformat())
    return SeenState(ticket_id="".join(ticket_id), looked_at=moment, checked_at=moment)


def key_held_for(seen: SeenTickets, ticket_id: str) -> str:
    return next(key for key in seen._met if key == ticket_id)


def test_a_restored_ticket_is_kept_under_its_own_id_and_moment_once_met() -> None:
    state = stored("1234", 5)
    met = ticket("1234", 5)
    assert met.id is not state.ticket_id and met.updated_at is not state.looked_at
    seen = SeenTickets([state])
    assert seen.marker(met) is None, "restored, not met yet: the stored state answers"

    seen.baseline([met])  # a view's first load, then the pass every load runs
    assert seen.to_check([met]) == []

    assert key_held_for(seen, "1234") is met.id
    assert seen.state("1234").looked_at is met.updated_at
    assert seen.state("1234").checked_at is met.updated_at
    assert seen.marker(met) is None and "1234" in seen
    assert seen.take_changes() == [], "the same moment: nothing to write"


def test_a_ticket_first_met_by_a_refresh_is_kept_under_its_own_id() -> None:
    seen = SeenTickets([stored("77", 1)])
    later = ticket("77", 9)
    assert seen.to_check([later]) == [later]
    assert key_held_for(seen, "77") is later.id
    assert seen.marker(later) == "changed"


def test_a_new_copy_of_a_ticket_at_the_same_moment_replaces_the_one_held() -> None:
    """A full reload parses every ticket again: the state lets the old copy's moment go."""
    seen = SeenTickets()
    first = ticket("31", 3)
    seen.baseline([first])
    seen.take_changes()
    reloaded = ticket("31", 3, OTHER_ZONES[1])
    assert reloaded.updated_at is not first.updated_at
    assert seen.to_check([reloaded]) == []
    assert seen.state("31").looked_at is reloaded.updated_at
    assert seen.marker(reloaded) is None and seen.take_changes() == []
    assert seen.to_check([ticket("31", 4)]) != [] and seen.marker(ticket("31", 4)) == "changed"


def test_the_stores_copy_shrinks_as_its_tickets_are_met_and_goes_when_all_are() -> None:
    states = [stored(str(n), n % 50) for n in range(1000, 3000)]
    seen = SeenTickets(states)
    full = sys.getsizeof(seen._restored)
    tickets = [ticket(str(n), n % 50) for n in range(1000, 2990)]
    for start in range(0, len(tickets), 100):
        seen.baseline(tickets[start : start + 100])
    assert len(seen._restored) == 10
    assert sys.getsizeof(seen._restored) < full / 10
    assert seen.marker(ticket("2995", 2995 % 50)) is None, "not met: still known"
    assert seen.marker(ticket("2995", 99)) == "changed"
    seen.to_check([ticket(str(n), n % 50) for n in range(2990, 3000)])
    assert seen._restored == {} and sys.getsizeof(seen._restored) < full / 20
    assert seen.take_changes() == []


def test_stored_states_can_be_put_in_form_before_they_are_taken_in() -> None:
    kept = KeptStates([stored("5", 1), SeenState("6", checked_at=FIXED_NOW)])
    assert len(kept) == 2
    seen = SeenTickets(kept)
    assert len(kept) == 0, "handed over whole, once"
    assert seen.marker(ticket("5", 1)) is None and seen.marker(ticket("6")) == "new"


# -- the same answers as the previous form ------------------------------------------------------------


class Reference:
    """`SeenTickets` as it was (frontline 5cff5db): one dict per thing remembered, nothing shared."""

    def __init__(self, states: Iterable[SeenState] = ()) -> None:
        self.looked: dict[str, datetime] = {}
        self.checked: dict[str, datetime] = {}
        self.comments: dict[str, CommentMark] = {}
        self.replies: dict[str, CommentMark] = {}
        self.changed: set[str] = set()
        self.named: set[str] = set()
        self.restore(states)

    def restore(self, states: Iterable[SeenState]) -> None:
        for state in states:
            key = state.ticket_id
            if key in self.looked or key in self.checked:
                continue
            if state.looked_at is not None:
                self.looked[key] = state.looked_at
            if state.checked_at is not None:
                self.checked[key] = state.checked_at
            if state.seen_comment is not None:
                self.comments[key] = state.seen_comment
            if state.reply is not None:
                self.replies[key] = state.reply

    def mark(self, t: Ticket) -> None:
        self.looked[t.id] = t.updated_at
        if t.id not in self.checked or t.updated_at > self.checked[t.id]:
            self.checked[t.id] = t.updated_at
        if t.id in self.replies and self.waiting(t.id):
            self.comments[t.id] = self.replies[t.id]
        self.named.discard(t.id)
        self.changed.add(t.id)

    def baseline(self, tickets: Iterable[Ticket]) -> None:
        for t in tickets:
            if t.id not in self.looked and t.id not in self.checked:
                self.looked[t.id] = self.checked[t.id] = t.updated_at
                self.changed.add(t.id)

    def to_check(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        due = []
        for t in tickets:
            known = self.checked.get(t.id)
            if known is None:
                self.checked[t.id] = t.updated_at
                self.changed.add(t.id)
            elif t.updated_at > known:
                due.append(t)
        return sorted(due, key=lambda t: t.updated_at, reverse=True)

    def read_conversation(self, t: Ticket, comments: Sequence[Comment]) -> Comment | None:
        known = self.checked.get(t.id)
        if known is None or t.updated_at > known:
            self.checked[t.id] = t.updated_at
        self.changed.add(t.id)
        newest = newest_public(comments)
        if newest is None:
            return None
        mark = CommentMark.of(newest)
        if not is_customer(newest.author, t):
            if self.waiting(t.id):
                self.comments[t.id] = mark
            return None
        announced, seen = self.replies.get(t.id), self.comments.get(t.id)
        if announced is not None and (announced.id == mark.id or mark.at < announced.at):
            return None
        if seen is not None and (seen.id == mark.id or mark.at <= seen.at):
            return None
        if known is not None and mark.at <= known:
            return None
        self.replies[t.id] = mark
        return newest

    def waiting(self, key: str) -> bool:
        reply, seen = self.replies.get(key), self.comments.get(key)
        return reply is not None and (seen is None or (seen.id != reply.id and seen.at <= reply.at))

    def marker(self, t: Ticket) -> Marker | None:
        if t.id in self.named:
            return "handoff"
        looked = self.looked.get(t.id)
        if looked is None:
            return "new"
        if self.waiting(t.id):
            return "waiting"
        return "changed" if t.updated_at > looked else None

    def state(self, key: str) -> SeenState:
        return SeenState(
            key, self.looked.get(key), self.checked.get(key), self.comments.get(key), self.replies.get(key)
        )

    def take_changes(self) -> list[SeenState]:
        changed, self.changed = self.changed, set()
        return [self.state(key) for key in changed]


IDS = ("10", "11", "12", "13")
MINUTES = st.integers(0, 4)
tickets_drawn = st.builds(ticket, st.sampled_from(IDS), MINUTES, st.sampled_from((STORE_ZONE, *OTHER_ZONES)))
moments = st.one_of(st.none(), MINUTES.map(lambda m: stored("x", m).looked_at))
marks = st.one_of(st.none(), st.builds(CommentMark, st.sampled_from(("c1", "c2")), moments.filter(bool)))
states_drawn = st.builds(SeenState, st.sampled_from(IDS), moments, moments, marks, marks)
comments_drawn = st.lists(
    st.builds(
        Comment,
        id=st.sampled_from(("c1", "c2", "c3")),
        author=st.sampled_from((CUSTOMER, AGENT)),
        public=st.booleans(),
        created_at=MINUTES.map(lambda m: FIXED_NOW + timedelta(minutes=m)),
    ),
    max_size=3,
)
steps = st.one_of(
    st.tuples(st.just("baseline"), st.lists(tickets_drawn, max_size=4)),
    st.tuples(st.just("to_check"), st.lists(tickets_drawn, max_size=4)),
    st.tuples(st.just("mark"), tickets_drawn),
    st.tuples(st.just("read"), tickets_drawn, comments_drawn),
    st.tuples(st.just("restore"), st.lists(states_drawn, max_size=4)),
    st.tuples(st.just("handoff"), st.lists(st.sampled_from(IDS), max_size=2)),
    st.tuples(st.just("take"), st.booleans()),
    st.tuples(st.just("restart"), st.booleans()),
)


def same_answers(seen: SeenTickets, reference: Reference) -> None:
    for key in IDS:
        assert seen.state(key) == reference.state(key), key
        assert (key in seen) == (key in reference.looked)
        assert seen.waiting(key) == reference.waiting(key)
        for minutes in range(5):
            probe = ticket(key, minutes)
            assert seen.marker(probe) == reference.marker(probe), (key, minutes)


@settings(max_examples=300, deadline=None)
@given(st.lists(states_drawn, max_size=5), st.lists(steps, max_size=12))
def test_every_answer_is_the_previous_forms(start: list[SeenState], plan: list[tuple[Any, ...]]) -> None:
    seen, reference = SeenTickets(start), Reference(start)
    same_answers(seen, reference)
    for step in plan:
        kind = step[0]
        if kind == "baseline":
            seen.baseline(step[1])
            reference.baseline(step[1])
        elif kind == "to_check":
            assert [t.id for t in seen.to_check(step[1])] == [t.id for t in reference.to_check(step[1])]
        elif kind == "mark":
            seen.mark(step[1])
            reference.mark(step[1])
        elif kind == "read":
            assert seen.read_conversation(step[1], step[2]) == reference.read_conversation(step[1], step[2])
        elif kind == "restore":
            seen.restore(step[1])
            reference.restore(step[1])
        elif kind == "handoff":
            seen.name_in_handoff(step[1])
            reference.named.update(step[1])
        elif kind == "take":
            taken = seen.take_changes()
            assert sorted(taken, key=str) == sorted(reference.take_changes(), key=str)
            if step[1]:  # the write failed
                seen.give_back(taken)
                reference.changed.update(state.ticket_id for state in taken)
        else:  # a restart: what is known now, back from the store (in the form a worker thread makes)
            states = [seen.state(key) for key in IDS]
            seen = SeenTickets(KeptStates(states) if step[1] else states)
            reference = Reference([reference.state(key) for key in IDS])
        same_answers(seen, reference)
