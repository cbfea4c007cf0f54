"""The local cache in the SQLite store: views, their tickets and the conversations read (`CacheRepository`).

A view's tickets are kept in pages of `PAGE_SIZE`, one row each: the page's ticket ids and the tickets
as one JSON array. Chosen by measuring at 50,000 tickets against one row per ticket and one blob per view
(2-core machine): all three read back in about 0.55 s, the time pydantic takes to build the tickets, but
only with the cyclic garbage collector paused (1.4 s with it on: every new ticket triggers passes over
the whole heap). Pages write fastest (0.47 s: one JSON dump per page, against 0.68 s for a row per
ticket), and unlike a blob per view a local write rewrites only the pages holding the ticket. A view's
pages are written one short transaction each under a staging name and put in place in one last one, and
read one at a time: one page's JSON is held at once, not the view's (~35 MB at 50,000), and readers
see the old pages or the new ones, never a mix. Both directions hold the GIL one page (~10 ms) at a time,
so the UI runs between. Equal people and organizations of the tickets read are held once (`shared`).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from pydantic import TypeAdapter, ValidationError

from frontline.domain.cached import CachedQueue, CachedThread, CachedView, CachedViewTickets
from frontline.domain.models import TICKETS, Person, Ticket, TicketThread, View
from frontline.domain.sharing import shared_all
from frontline.store.db import Store, stored_time

__all__ = ["MAX_THREADS", "PAGE_SIZE", "CacheStore", "parse_pages"]

MAX_THREADS = 1_000
"""Conversations kept per profile; the ones read longest ago are forgotten first."""
_STAGING = "\x00staged"
"""Appended to a view's id for its pages while a new set of them is written (`CacheStore.save_view`)."""
_PERSON = TypeAdapter(Person)
PAGE_SIZE = 1_000
"""Tickets per stored page: about 10 ms to parse or write, so a thread holding the GIL for one page at a
time lets the UI in between; a local write rewrites one such page per view holding the ticket."""


class CacheStore:
    """The cache in the local database (`frontline.store.db.Store`); implements `CacheRepository`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading ---------------------------------------------------------------------------------------

    def load_queue(self, profile: str) -> CachedQueue | None:
        views = self._views(profile)
        if not views:
            return None
        synced = [v for v in views if v.synced_at is not None]
        shown = self._meta(profile, "shown_view")
        first = next((v for v in synced if v.view.id == shown), synced[0] if synced else None)
        tickets = self.load_view(profile, first.view.id) if first is not None else None
        return CachedQueue(views=views, first=tickets, me=self._me(profile))

    def load_view(self, profile: str, view_id: str) -> CachedViewTickets | None:
        synced_text = self._synced_text(profile, view_id)
        synced_at = stored_time(synced_text)
        if synced_at is None:
            return None
        numbers = self.store.fetch_all(
            "SELECT page FROM cache_tickets WHERE profile = ? AND view_id = ? ORDER BY page",
            (profile, view_id),
        )
        tickets = parse_pages(self._page_blobs(profile, view_id, [n[0] for n in numbers]))
        if tickets is None or self._synced_text(profile, view_id) != synced_text:
            return None  # unreadable, or the view was written again while it was read
        return CachedViewTickets(view_id=view_id, tickets=tickets, synced_at=synced_at)

    def _synced_text(self, profile: str, view_id: str) -> str | None:
        row = self.store.fetch_one(
            "SELECT synced_at FROM cache_views WHERE profile = ? AND view_id = ?", (profile, view_id)
        )
        return row[0] if row is not None else None

    def _page_blobs(self, profile: str, view_id: str, numbers: list[int]) -> Iterator[bytes | str]:
        """Each page's JSON, read when the previous one is parsed: one page's text is held at a time
        (a 50,000-ticket view is ~35 MB of it). A page gone meanwhile reads as empty; the caller then
        sees `synced_at` moved, as every whole write of the view moves it."""
        for number in numbers:
            row = self.store.fetch_one(
                "SELECT tickets_json FROM cache_tickets WHERE profile = ? AND view_id = ? AND page = ?",
                (profile, view_id, number),
            )
            yield row[0] if row is not None else b"[]"

    def load_thread(self, profile: str, ticket_id: str) -> CachedThread | None:
        row = self.store.fetch_one(
            "SELECT read_at, thread_json FROM cache_threads WHERE profile = ? AND ticket_id = ?",
            (profile, ticket_id),
        )
        read_at = stored_time(row[0]) if row is not None else None
        if row is None or read_at is None:
            return None
        try:
            return CachedThread(TicketThread.model_validate_json(row[1]), read_at)
        except ValidationError:
            return None  # written by a frontline whose models differed: read it again from the helpdesk

    def thread_ids(self, profile: str) -> set[str]:
        rows = self.store.fetch_all("SELECT ticket_id FROM cache_threads WHERE profile = ?", (profile,))
        return {row[0] for row in rows}

    def _views(self, profile: str) -> list[CachedView]:
        rows = self.store.fetch_all(
            "SELECT view_json, count, synced_at FROM cache_views WHERE profile = ? AND view_json IS NOT NULL "
            "ORDER BY position",
            (profile,),
        )
        views: list[CachedView] = []
        for view_json, count, synced_at in rows:
            try:
                views.append(CachedView(View.model_validate_json(view_json), count, stored_time(synced_at)))
            except ValidationError:
                return []
        return views

    def _me(self, profile: str) -> Person | None:
        value = self._meta(profile, "me")
        try:
            return _PERSON.validate_json(value) if value is not None else None
        except ValidationError:
            return None

    def _meta(self, profile: str, key: str) -> str | None:
        row = self.store.fetch_one(
            "SELECT value FROM cache_meta WHERE profile = ? AND key = ?", (profile, key)
        )
        return str(row[0]) if row is not None else None

    # -- writing ---------------------------------------------------------------------------------------

    def save_views(self, profile: str, views: Sequence[View], counts: dict[str, int]) -> None:
        ids = [view.id for view in views]
        rows = [
            (profile, view.id, position, view.model_dump_json(), counts.get(view.id, view.count))
            for position, view in enumerate(views)
        ]
        marks = ", ".join("?" for _ in ids)
        with self.store.transaction() as connection:
            connection.execute(
                f"DELETE FROM cache_tickets WHERE profile = ? AND view_id NOT IN ({marks})", (profile, *ids)
            )
            connection.execute(
                f"DELETE FROM cache_views WHERE profile = ? AND view_id NOT IN ({marks})", (profile, *ids)
            )
            connection.executemany(
                """
                INSERT INTO cache_views (profile, view_id, position, view_json, count)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (profile, view_id) DO UPDATE SET
                    position = excluded.position, view_json = excluded.view_json,
                    count = COALESCE(excluded.count, cache_views.count)
                """,
                rows,
            )

    def save_view(self, profile: str, view_id: str, tickets: Sequence[Ticket], synced_at: datetime) -> None:
        """Each page is written as soon as its JSON is made, under a staging name, one short transaction
        each (one page's JSON held at a time: a 50,000-ticket view is ~35 MB of it); one last transaction
        puts them in place of the view's pages. When the staged pages are not all there at the end
        (another frontline of the profile dropped them), the view keeps what it had."""
        staging = f"{view_id}{_STAGING}"
        self.store.execute("DELETE FROM cache_tickets WHERE profile = ? AND view_id = ?", (profile, staging))
        starts = range(0, len(tickets), PAGE_SIZE)
        for page, start in enumerate(starts):
            self.store.execute(
                "INSERT INTO cache_tickets (profile, view_id, page, ticket_ids, tickets_json) "
                "VALUES (?, ?, ?, ?, ?)",
                (profile, staging, page, *_page(tickets[start : start + PAGE_SIZE])),
            )
        with self.store.transaction() as connection:
            staged = connection.execute(
                "SELECT COUNT(*) FROM cache_tickets WHERE profile = ? AND view_id = ?", (profile, staging)
            ).fetchone()[0]
            if staged != len(starts):
                connection.execute(
                    "DELETE FROM cache_tickets WHERE profile = ? AND view_id = ?", (profile, staging)
                )
                return
            connection.execute(
                "DELETE FROM cache_tickets WHERE profile = ? AND view_id = ?", (profile, view_id)
            )
            connection.execute(
                "UPDATE cache_tickets SET view_id = ? WHERE profile = ? AND view_id = ?",
                (view_id, profile, staging),
            )
            connection.execute(
                """
                INSERT INTO cache_views (profile, view_id, position, count, synced_at)
                VALUES (?, ?, (SELECT COUNT(*) FROM cache_views WHERE profile = ?), ?, ?)
                ON CONFLICT (profile, view_id) DO UPDATE SET
                    count = excluded.count, synced_at = excluded.synced_at
                """,
                (profile, view_id, profile, len(tickets), synced_at.isoformat()),
            )

    def save_view_time(self, profile: str, view_id: str, synced_at: datetime) -> None:
        self.store.execute(
            "UPDATE cache_views SET synced_at = ? WHERE profile = ? AND view_id = ?",
            (synced_at.isoformat(), profile, view_id),
        )

    def save_thread(self, profile: str, thread: TicketThread, read_at: datetime) -> None:
        with self.store.transaction() as connection:
            connection.execute(
                """
                INSERT INTO cache_threads (profile, ticket_id, read_at, thread_json) VALUES (?, ?, ?, ?)
                ON CONFLICT (profile, ticket_id) DO UPDATE SET
                    read_at = excluded.read_at, thread_json = excluded.thread_json
                """,
                (profile, thread.ticket.id, read_at.isoformat(), thread.model_dump_json()),
            )
            connection.execute(
                """
                DELETE FROM cache_threads WHERE profile = ? AND ticket_id NOT IN (
                    SELECT ticket_id FROM cache_threads WHERE profile = ? ORDER BY read_at DESC LIMIT ?
                )
                """,
                (profile, profile, MAX_THREADS),
            )

    def save_me(self, profile: str, me: Person) -> None:
        self._save_meta(profile, "me", _PERSON.dump_json(me).decode())

    def save_shown_view(self, profile: str, view_id: str) -> None:
        self._save_meta(profile, "shown_view", view_id)

    def _save_meta(self, profile: str, key: str, value: str) -> None:
        self.store.execute(
            "INSERT INTO cache_meta (profile, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (profile, key) DO UPDATE SET value = excluded.value",
            (profile, key, value),
        )

    def apply_write(self, profile: str, ticket: Ticket, left_views: Sequence[str]) -> None:
        with self.store.transaction() as connection:
            pages = connection.execute(
                "SELECT view_id, page, tickets_json FROM cache_tickets "
                "WHERE profile = ? AND instr(ticket_ids, ?) > 0",
                (profile, json.dumps(ticket.id)),
            ).fetchall()
            for view_id, page, tickets_json in pages:
                held = parse_pages([tickets_json]) or []
                left = view_id in left_views
                kept = (
                    [t for t in held if t.id != ticket.id]
                    if left
                    else [ticket if t.id == ticket.id else t for t in held]
                )
                connection.execute(
                    "UPDATE cache_tickets SET ticket_ids = ?, tickets_json = ? "
                    "WHERE profile = ? AND view_id = ? AND page = ?",
                    (*_page(kept), profile, view_id, page),
                )
                if left and len(kept) < len(held):
                    connection.execute(
                        "UPDATE cache_views SET count = count - 1 "
                        "WHERE profile = ? AND view_id = ? AND count > 0",
                        (profile, view_id),
                    )
            row = connection.execute(
                "SELECT thread_json FROM cache_threads WHERE profile = ? AND ticket_id = ?",
                (profile, ticket.id),
            ).fetchone()
            thread = _thread_with(row[0], ticket) if row is not None else None
            if row is not None and thread is None:
                connection.execute(
                    "DELETE FROM cache_threads WHERE profile = ? AND ticket_id = ?", (profile, ticket.id)
                )
            elif thread is not None:
                connection.execute(
                    "UPDATE cache_threads SET thread_json = ? WHERE profile = ? AND ticket_id = ?",
                    (thread, profile, ticket.id),
                )


def _page(tickets: Sequence[Ticket]) -> tuple[str, bytes]:
    """A page's row values: its ticket ids (JSON, found with `instr`) and the tickets as one JSON array,
    kept as UTF-8 bytes (a BLOB): written and parsed without converting to and from `str`."""
    ids = json.dumps([ticket.id for ticket in tickets])
    return ids, TICKETS.dump_json(list(tickets), exclude_defaults=True)


def parse_pages(pages: Iterable[bytes | str]) -> list[Ticket] | None:
    """Tickets from their stored pages, one parse per page with the cyclic GC paused, equal people and
    organizations held once (`shared`); None when they were written by a frontline whose ticket model
    differed (the view is then as good as not cached)."""
    tickets: list[Ticket] = []
    try:
        with _gc_paused():
            for page in pages:
                tickets.extend(shared_all(TICKETS.validate_json(page)))
    except (ValidationError, ValueError):
        return None
    return tickets


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic collector: tickets hold no cycles, and its passes over the heap cost more than
    the parse itself. Process-wide, so it is put back as it was (a nested pause leaves it paused)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _thread_with(thread_json: str, ticket: Ticket) -> str | None:
    """A stored thread with its ticket replaced; None when it cannot be read (it is forgotten)."""
    try:
        thread = TicketThread.model_validate_json(thread_json)
    except ValidationError:
        return None
    return thread.model_copy(update={"ticket": ticket}).model_dump_json()
