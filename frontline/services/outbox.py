"""Sending through the outbox: record, send once, settle from the answer or from the helpdesk's own record.

Three honest outcomes reach the caller: the write landed (the ticket is returned), it did not (`NotSent` or
the helpdesk's refusal; a draft it came from is back), or part of it did (`PartiallyApplied`), and a fourth
while nobody can tell (`WriteOutcomeUnknown`: the entry stays in the outbox and is checked against the
helpdesk on the next start and before anything else is sent to that ticket). A write is never sent twice:
non-idempotent requests are never retried blindly, only after a read-back shows they did not land.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import timedelta

from frontline.domain.clock import Clock
from frontline.domain.drafts import Draft
from frontline.domain.models import Comment, Person, Ticket, TicketThread, TicketUpdate
from frontline.domain.outbox import OutboxEntry, WriteState, fields_applied, find_comment
from frontline.domain.ports import ConnectionState, DraftRepository, Helpdesk, OutboxRepository
from frontline.errors import (
    FrontlineError,
    MalformedResponse,
    NotDelivered,
    NotSent,
    PartiallyApplied,
    RateLimited,
    Unavailable,
    WriteOutcomeUnknown,
    WriteQueued,
)

__all__ = ["MemoryOutbox", "Outbox"]

IN_FLIGHT_ELSEWHERE = timedelta(minutes=2)
"""A write younger than this may still be in flight: another frontline process awaiting its answer, or a
slow helpdesk still applying a request whose answer timed out. Not finding it yet proves nothing."""

_UNCERTAIN = (WriteOutcomeUnknown, MalformedResponse, Unavailable)
_UNREACHABLE = (ConnectionState.OFFLINE, ConnectionState.RATE_LIMITED)
_MAY_HAVE_LANDED = (WriteOutcomeUnknown, MalformedResponse)
"""Failures of a request that may have been applied all the same (sent, then no answer or a garbled one)."""


class Outbox:
    """One profile's writes to one helpdesk.

    Args:
        helpdesk: where writes go.
        repository: a callable giving where they are recorded (opened on the first write).
        profile: the profile the entries belong to.
        clock: stamps entries.
        whoami: the signed-in agent (loaded once); a write is matched only against their comments.
        read_thread: reads a ticket and its whole conversation back.
    """

    def __init__(
        self,
        helpdesk: Helpdesk,
        repository: Callable[[], OutboxRepository],
        *,
        profile: str,
        clock: Clock,
        whoami: Callable[[], Awaitable[Person]],
        read_thread: Callable[[str], Awaitable[TicketThread]],
    ) -> None:
        self.helpdesk = helpdesk
        self._repository = repository
        self.profile = profile
        self.clock = clock
        self._whoami = whoami
        self._read_thread = read_thread
        self._in_flight: set[str] = set()

    @property
    def repository(self) -> OutboxRepository:
        return self._repository()

    async def submit(
        self,
        ticket_id: str,
        update: TicketUpdate,
        *,
        draft: Draft | None = None,
        known_comment_ids: Iterable[str] = (),
        queue_if_unreachable: bool = False,
        subject: str = "",
        purpose: str = "reply",
        entry_id: str | None = None,
    ) -> Ticket:
        """Record `update`, send it once, and settle it; returns the ticket as it is now.

        With `queue_if_unreachable` (the console), a write made while the helpdesk is offline or rate
        limiting, or whose connection cannot be made, waits in the outbox (`flush` sends it) instead of
        failing.

        Raises:
            WriteQueued: it waits in the outbox for the helpdesk to be reachable.
            PartiallyApplied: some of it landed (say the reply) and the rest did not.
            WriteOutcomeUnknown: nobody can tell yet; it stays in the outbox and is checked later.
            NotSent: it did not land (a read-back, or no connection); a draft it came from is back.
            FrontlineError: the helpdesk refused it (conflict, validation, auth ...): it did not land.
        """
        unreachable = self.helpdesk.connection_state in _UNREACHABLE
        if not (queue_if_unreachable and unreachable):
            await self.reconcile(ticket_id)
        me = await self._whoami()
        now = self.clock()
        entry = OutboxEntry(
            id=entry_id or secrets.token_hex(16),
            profile=self.profile,
            ticket_id=ticket_id,
            update=update,
            state=WriteState.SENDING,
            created_at=now,
            author_id=me.id,
            known_comment_ids=frozenset(known_comment_ids),
            draft=draft,
            attempts=1,
            sent_at=now,
            subject=subject,
            purpose=purpose,
        )
        if queue_if_unreachable and unreachable:
            queued = replace(entry, state=WriteState.QUEUED, attempts=0, sent_at=None)
            self.repository.record(queued, consume_draft=draft is not None)
            raise self._queued(queued)
        self.repository.record(entry, consume_draft=draft is not None)
        return await self._send_tracked(entry, queueable=queue_if_unreachable)

    async def flush(self) -> list[OutboxEntry]:
        """Send the writes waiting in the outbox, oldest first, each once; returns them as they stand now.

        Stops at the first one that finds the helpdesk still unreachable (the rest keep waiting).

        Raises:
            StoreError: the local database failed.
        """
        done: list[OutboxEntry] = []
        for entry in self.repository.unsettled(self.profile):
            if entry.state is not WriteState.QUEUED:
                continue
            await self.reconcile(entry.ticket_id)
            now = self.clock()
            sending = replace(entry, state=WriteState.SENDING, attempts=entry.attempts + 1, sent_at=now)
            self.repository.update(sending)
            try:
                await self._send_tracked(sending, queueable=True)
            except WriteQueued:
                done.append(self.repository.get(sending.id) or sending)
                break
            except FrontlineError:
                pass  # settled (and said) by `_send`; the entry below tells how
            done.append(self.repository.get(sending.id) or sending)
        return done

    async def _send_tracked(self, entry: OutboxEntry, *, queueable: bool) -> Ticket:
        self._in_flight.add(entry.id)
        try:
            return await self._send(entry, queueable=queueable)
        finally:
            self._in_flight.discard(entry.id)

    def _queued(self, entry: OutboxEntry) -> WriteQueued:
        return WriteQueued(
            f"The {entry.describe()} to #{entry.ticket_id} waits in the outbox: the helpdesk is unreachable "
            "or rate limiting right now. It goes out once, by itself, when the helpdesk is back."
        )

    async def _send(self, entry: OutboxEntry, *, queueable: bool) -> Ticket:
        try:
            ticket = await self.helpdesk.update_ticket(entry.ticket_id, entry.update)
        except (NotDelivered, RateLimited) as unreachable:
            # Never processed: no connection, or throttled for longer than is worth waiting in place.
            if queueable:
                queued = replace(entry, state=WriteState.QUEUED, outcome=unreachable.message)
                self.repository.update(queued)
                raise self._queued(queued) from unreachable
            self._settle(entry, WriteState.FAILED, unreachable.message, restore_draft=True)
            raise NotSent(
                f"{unreachable.message} The {entry.describe()} to #{entry.ticket_id} was not sent; your "
                "draft is kept and sending again is safe.",
                unreachable.title,
            ) from unreachable
        except PartiallyApplied as partial:
            if partial.not_applied and isinstance(partial.cause, _MAY_HAVE_LANDED):
                return await self._read_back_partial(entry, partial)
            # Nothing missing: every step landed and only reading the ticket back failed.
            state = WriteState.PARTIAL if partial.not_applied else WriteState.SENT
            self._settle(entry, state, partial.message, not_applied=partial.not_applied)
            raise
        except _UNCERTAIN as uncertain:
            return await self._read_back_after(entry, uncertain)
        except FrontlineError as refused:
            if entry.update.comment is not None and len(entry.parts()) > 1:
                await self._check_comment_after_refusal(entry, refused)
            self._settle(entry, WriteState.FAILED, refused.message, restore_draft=True)
            raise
        except BaseException:
            # Cancelled or interrupted mid-request: the request may have reached the helpdesk.
            self._settle(entry, WriteState.UNKNOWN, "Interrupted while sending; frontline will check.")
            raise
        self._settle(entry, WriteState.SENT, "Sent.")
        return ticket

    async def _read_back_after(self, entry: OutboxEntry, cause: FrontlineError) -> Ticket:
        """The answer was lost or garbled: decide from the helpdesk's record of the ticket."""
        try:
            thread = await self._read_thread(entry.ticket_id)
        except FrontlineError:
            message = (
                f"Sending the {entry.describe()} to #{entry.ticket_id} failed ({cause.title.lower()}), and "
                "the ticket could not be read back, so frontline cannot tell yet whether it arrived. It is "
                "kept in the outbox and checked before anything else is sent to this ticket; do not send "
                "it again by hand."
            )
            self._settle(entry, WriteState.UNKNOWN, message)
            raise WriteOutcomeUnknown(message) from None
        # A garbled answer means the helpdesk finished; a lost one (timeout, reset, 5xx from a gateway)
        # may mean it is still applying the write, so not seeing it yet is not proof it did not land.
        may_still_land = isinstance(cause, WriteOutcomeUnknown)
        verdict = self._judge(entry, thread, may_still_land=may_still_land)
        if verdict.state is WriteState.SENT:
            return thread.ticket
        if verdict.state is WriteState.PARTIAL:
            raise PartiallyApplied(
                verdict.outcome,
                applied=tuple(entry.parts()[:1]),
                not_applied=verdict.not_applied,
                cause=cause,
            )
        if verdict.state is WriteState.UNKNOWN:
            raise WriteOutcomeUnknown(verdict.outcome)
        raise NotSent(
            f"Sending the {entry.describe()} to #{entry.ticket_id} failed ({cause.title.lower()}), and the "
            "ticket shows it did not arrive. Your draft is kept; sending again is safe."
        )

    async def _read_back_partial(self, entry: OutboxEntry, partial: PartiallyApplied) -> Ticket:
        """A multi-step write whose next step lost its answer: that step may have landed too, so the
        ticket decides between sent and partly sent; until it can be read, nobody can tell."""
        try:
            thread = await self._read_thread(entry.ticket_id)
        except FrontlineError:
            done, rest = " and ".join(partial.applied), " and ".join(partial.not_applied)
            message = (
                f"#{entry.ticket_id}: the {done} went through, but whether the {rest} did cannot be told "
                f"yet ({partial.cause.title.lower() if partial.cause else 'no answer'}). It is kept in the "
                "outbox and checked before anything else is sent to this ticket; do not send it again."
            )
            self._settle(entry, WriteState.UNKNOWN, message)
            raise WriteOutcomeUnknown(message) from partial
        comment = None
        if entry.update.comment is not None:
            comment = self._comment_on(thread, entry)
        comment_id = comment.id if comment is not None else None
        if fields_applied(thread, entry.update.model_copy(update={"comment": None})):
            self._settle(entry, WriteState.SENT, "Found on the ticket.", comment_id=comment_id)
            return thread.ticket
        self._settle(
            entry, WriteState.PARTIAL, partial.message, comment_id=comment_id, not_applied=partial.not_applied
        )
        raise partial

    async def _check_comment_after_refusal(self, entry: OutboxEntry, refused: FrontlineError) -> None:
        """A refusal of a comment plus field changes: helpdesks that write them in several requests may
        have posted the comment before refusing the rest. Raise `PartiallyApplied` if the ticket shows it."""
        try:
            thread = await self._read_thread(entry.ticket_id)
        except FrontlineError:
            return
        comment = self._comment_on(thread, entry)
        if comment is None:
            return
        comment_part, *rest = entry.parts()
        message = (
            f"#{entry.ticket_id}: the {comment_part} went through, but the {' and '.join(rest)} did not: "
            f"{refused.message} Do not send the {comment_part} again."
        )
        self._settle(entry, WriteState.PARTIAL, message, comment_id=comment.id, not_applied=tuple(rest))
        raise PartiallyApplied(
            message, applied=(comment_part,), not_applied=tuple(rest), cause=refused
        ) from refused

    def _comment_on(self, thread: TicketThread, entry: OutboxEntry) -> Comment | None:
        """The ticket's comment that is `entry`'s write, told apart from this ticket's other writes."""
        return find_comment(entry, thread, self.repository.for_ticket(self.profile, entry.ticket_id))

    async def reconcile(self, ticket_id: str | None = None) -> list[OutboxEntry]:
        """Settle what was in flight (a crash, a lost answer) from the helpdesk's record; returns the
        entries whose state changed. Entries that still cannot be read stay as they are.

        Raises:
            StoreError: the local database failed.
        """
        changed: list[OutboxEntry] = []
        for entry in self.repository.unsettled(self.profile, ticket_id):
            if self._not_ours_to_check(entry):
                continue
            try:
                thread = await self._read_thread(entry.ticket_id)
            except FrontlineError:
                continue
            sent_at = entry.sent_at or entry.created_at
            verdict = self._judge(entry, thread, may_still_land=self.clock() - sent_at < IN_FLIGHT_ELSEWHERE)
            if verdict != entry:
                changed.append(verdict)
        return changed

    def _not_ours_to_check(self, entry: OutboxEntry) -> bool:
        """Queued writes wait to be sent; a write in flight here or, recently, elsewhere is not checked."""
        if entry.state is WriteState.QUEUED or entry.id in self._in_flight:
            return True
        sent_at = entry.sent_at or entry.created_at
        return entry.state is WriteState.SENDING and self.clock() - sent_at < IN_FLIGHT_ELSEWHERE

    def _judge(self, entry: OutboxEntry, thread: TicketThread, *, may_still_land: bool) -> OutboxEntry:
        """Settle `entry` from what the ticket shows, and return it as it now stands.

        With `may_still_land`, a write not on the ticket yet stays `unknown` (checked again later)
        instead of being given back as not sent.
        """
        update = entry.update
        fields_only = update.model_copy(update={"comment": None})
        fields_ok = fields_only.is_empty() or fields_applied(thread, fields_only)
        if update.comment is None:
            if fields_ok:
                return self._settle(entry, WriteState.SENT, "The helpdesk shows the change.")
            return self._missing(entry, "The change did not arrive.", may_still_land)
        comment = self._comment_on(thread, entry)
        if comment is None:
            return self._missing(entry, f"The {entry.describe()} did not arrive.", may_still_land)
        if fields_ok:
            return self._settle(entry, WriteState.SENT, "Found on the ticket.", comment_id=comment.id)
        comment_part, *missing = entry.parts()
        outcome = (
            f"#{entry.ticket_id}: the {comment_part} arrived, but the {' and '.join(missing)} did not. "
            "Do not send the comment again; apply the rest once more."
        )
        return self._settle(
            entry, WriteState.PARTIAL, outcome, comment_id=comment.id, not_applied=tuple(missing)
        )

    def _missing(self, entry: OutboxEntry, outcome: str, may_still_land: bool) -> OutboxEntry:
        """Not on the ticket: given back as not sent, or, while it may still land, left to check again."""
        if not may_still_land:
            return self._settle(entry, WriteState.FAILED, outcome, restore_draft=True)
        if entry.state is WriteState.UNKNOWN:
            return entry
        wait = round(IN_FLIGHT_ELSEWHERE.total_seconds() / 60)
        message = (
            f"The {entry.describe()} to #{entry.ticket_id} got no clear answer and is not on the ticket yet, "
            f"but the helpdesk may still be applying it. frontline checks again before anything else is sent "
            f"to this ticket and gives your draft back if it has not arrived within {wait} minutes; do not "
            "send it again by hand."
        )
        return self._settle(entry, WriteState.UNKNOWN, message)

    def _settle(
        self,
        entry: OutboxEntry,
        state: WriteState,
        outcome: str,
        *,
        restore_draft: bool = False,
        comment_id: str | None = None,
        not_applied: tuple[str, ...] = (),
    ) -> OutboxEntry:
        settled = entry.settle(
            state, self.clock(), outcome, comment_id=comment_id or entry.comment_id, not_applied=not_applied
        )
        self.repository.update(settled, restore_draft=restore_draft)
        return settled


class MemoryOutbox:
    """The outbox when there is no local database: the same protocol, forgotten on exit."""

    def __init__(self, drafts: DraftRepository | None = None) -> None:
        self.entries: dict[str, OutboxEntry] = {}
        self.drafts = drafts
        self.journal: Callable[[OutboxEntry], object] | None = None
        """Records each write's shift journal line (set by the session)."""

    def record(self, entry: OutboxEntry, *, consume_draft: bool) -> None:
        self.entries[entry.id] = entry
        if consume_draft and self.drafts is not None:
            self.drafts.delete(entry.profile, entry.ticket_id, entry.draft.kind if entry.draft else None)
        if self.journal is not None:
            self.journal(entry)

    def update(self, entry: OutboxEntry, *, restore_draft: bool = False) -> None:
        self.entries[entry.id] = entry
        drafts, draft = self.drafts, entry.draft
        wanted = restore_draft and drafts is not None and draft is not None
        if wanted and drafts.load(entry.profile, entry.ticket_id, draft.kind) is None:  # type: ignore[union-attr]
            drafts.put(draft)  # type: ignore[union-attr, arg-type]

    def get(self, entry_id: str) -> OutboxEntry | None:
        return self.entries.get(entry_id)

    def unsettled(self, profile: str, ticket_id: str | None = None) -> list[OutboxEntry]:
        return sorted(
            (
                e
                for e in self.entries.values()
                if e.profile == profile and not e.state.settled and ticket_id in (None, e.ticket_id)
            ),
            key=lambda e: e.created_at,
        )

    def recent(self, profile: str, limit: int = 50) -> list[OutboxEntry]:
        mine = [e for e in self.entries.values() if e.profile == profile]
        return sorted(mine, key=lambda e: e.created_at, reverse=True)[:limit]

    def for_ticket(self, profile: str, ticket_id: str) -> list[OutboxEntry]:
        mine = [e for e in self.entries.values() if e.profile == profile and e.ticket_id == ticket_id]
        return sorted(mine, key=lambda e: e.created_at)
