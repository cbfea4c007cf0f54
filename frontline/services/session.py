"""A profile's object graph as one value: what the console and the CLI work with.

Built only by `frontline.bootstrap` (the composition root), which knows the concrete connectors and stores;
everything here is typed by the domain's ports, so the UI depends on this module and never on bootstrap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from frontline.config import Settings
from frontline.domain.clock import Clock
from frontline.domain.ports import DraftRepository, Helpdesk, Tracker
from frontline.errors import StoreError
from frontline.services.desk import Desk


class Closable(Protocol):
    """A local resource (the SQLite store) the session closes on exit."""

    def close(self) -> None: ...


@dataclass
class Session:
    """One profile's object graph: the helpdesk and its desk, trackers, local stores and clock.

    The local database is opened on first use (`drafts`), so a command that never needs it (`queue`,
    `show`) never touches the disk, and a database that cannot be opened is reported once
    (`store_error`) while the rest keeps working.
    """

    profile_name: str
    settings: Settings
    helpdesk: Helpdesk
    desk: Desk
    clock: Clock
    data_dir: Path
    open_drafts: Callable[[], tuple[DraftRepository, Closable | None]]
    """Opens the draft store (and what to close with it); called once, on first use."""
    trackers: Mapping[str, Tracker] = field(default_factory=dict)
    store_error: StoreError | None = None
    _drafts: DraftRepository | None = None
    _drafts_opened: bool = False
    _closables: list[Closable] = field(default_factory=list)

    @property
    def drafts(self) -> DraftRepository | None:
        """The draft store, or None when the local database is unusable (see `store_error`)."""
        if not self._drafts_opened:
            self._drafts_opened = True
            try:
                self._drafts, closable = self.open_drafts()
            except StoreError as error:
                self.store_error = error
                return None
            if closable is not None:
                self._closables.append(closable)
        return self._drafts

    async def aclose(self) -> None:
        """Close HTTP clients and the database; safe to call more than once."""
        await self.desk.close()
        for tracker in self.trackers.values():
            await tracker.aclose()
        while self._closables:
            self._closables.pop().close()
