"""The seen keeper: the stored state is put in the form it is kept in on the worker thread that reads it
(the UI thread only takes it in), and a failed write goes out again with the next one."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import timedelta

from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline.domain.models import Ticket
from frontline.domain.seen import SeenState
from frontline.errors import StoreError
from frontline.services.desk import Desk
from frontline.services.seen_keeper import SeenKeeper


class ReadOn(list[SeenState]):
    """Stored states that note the thread they are read on."""

    def __init__(self, states: Sequence[SeenState]) -> None:
        super().__init__(states)
        self.threads: list[threading.Thread] = []

    def __iter__(self) -> Iterator[SeenState]:
        self.threads.append(threading.current_thread())
        return super().__iter__()


class Repository:
    """A `SeenRepository` in memory whose next `fail_writes` writes fail."""

    def __init__(self, states: Sequence[SeenState] = ()) -> None:
        self.states = ReadOn(states)
        self.written: list[list[SeenState]] = []
        self.fail_writes = 0

    def load(self, profile: str) -> list[SeenState]:
        return self.states

    def put_many(self, profile: str, states: Sequence[SeenState]) -> None:
        if self.fail_writes:
            self.fail_writes -= 1
            raise StoreError("disk full")
        self.written.append(list(states))


def keeper_on(repository: Repository) -> SeenKeeper:
    return SeenKeeper(Desk(FakeHelpdesk(), profile_name="test", clock=lambda: FIXED_NOW), lambda: repository)


def ticket(ticket_id: str, minutes: int = 0) -> Ticket:
    return Ticket(id=ticket_id, created_at=FIXED_NOW, updated_at=FIXED_NOW + timedelta(minutes=minutes))


async def test_the_stored_state_is_put_in_form_off_the_ui_thread() -> None:
    repository = Repository([SeenState("7", FIXED_NOW, FIXED_NOW), SeenState("8", checked_at=FIXED_NOW)])
    keeper = keeper_on(repository)
    await keeper.restore()
    assert repository.states.threads and threading.current_thread() not in repository.states.threads
    assert keeper.seen.marker(ticket("7")) is None
    assert keeper.seen.marker(ticket("7", 1)) == "changed"
    assert keeper.seen.marker(ticket("8")) == "new"


async def test_a_failed_write_goes_out_with_the_next() -> None:
    repository = Repository()
    keeper = keeper_on(repository)
    await keeper.restore()
    keeper.seen.baseline([ticket("1"), ticket("2")])
    repository.fail_writes = 1
    await keeper.save()
    assert repository.written == []
    keeper.seen.mark(ticket("3"))
    await keeper.save()
    [written] = repository.written
    assert sorted(state.ticket_id for state in written) == ["1", "2", "3"]
