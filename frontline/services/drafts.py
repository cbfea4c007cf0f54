"""The life of one ticket's draft: restored when the composer opens, kept while the engineer types, and
deleted only once the helpdesk accepted the write. A ticket has two: the public reply and the internal
note (`DraftKind`); moving text from one to the other is explicit (`switch_kind`) and never overwrites.

The composer screen owns the timing (its debounce timer) and the rendering; every rule about what is kept
and when lives here, so it is tested without a terminal. Store failures (`StoreError`) are raised to the
caller and never touch the caller's `ComposerState`: what was typed stays in memory when the disk fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from frontline.domain.clock import Clock
from frontline.domain.compose import ComposerState, build_update
from frontline.domain.drafts import Draft, DraftKind
from frontline.domain.models import Ticket
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.ports import DraftRepository, HelpdeskCapabilities
from frontline.errors import (
    FrontlineError,
    InputError,
    PartiallyApplied,
    StoreError,
    Unsupported,
    WriteOutcomeUnknown,
    WriteQueued,
)
from frontline.services.desk import Desk

__all__ = ["DraftKeeper", "DraftNotKept", "OtherKindWaiting", "Unfinished", "unfinished", "unsent_drafts"]


class DraftNotKept(StoreError):
    """Sending failed and saving the draft failed too; `send_error` says why it was not sent."""

    def __init__(self, store_error: StoreError, send_error: FrontlineError) -> None:
        super().__init__(
            f"{store_error.message} The text is still in the composer: copy it somewhere safe.",
            store_error.title,
        )
        self.send_error = send_error


class OtherKindWaiting(InputError):
    """Switching public/internal was refused: the ticket already has a draft of the other kind."""

    def __init__(self, waiting: Draft) -> None:
        key = "r" if waiting.kind is DraftKind.REPLY else "n"
        super().__init__(
            f"This ticket already has an unsent {waiting.kind.label}; nothing was switched. "
            f"Close this one and press {key} to continue that one.",
            "Draft in the way",
        )
        self.waiting = waiting


class DraftKeeper:
    """One profile's draft of one kind for one ticket.

    Args:
        drafts: where drafts are kept; None when the local database is unusable (nothing is kept, and
            the composer still works).
        profile: the profile the draft belongs to.
        ticket_id: the ticket being answered.
        clock: stamps each save.
        capabilities: the helpdesk's; without internal notes every draft is a public reply.
        kind: the public reply or the internal note.
    """

    def __init__(
        self,
        drafts: DraftRepository | None,
        *,
        profile: str,
        ticket_id: str,
        clock: Clock,
        capabilities: HelpdeskCapabilities,
        kind: DraftKind = DraftKind.REPLY,
        subject: str = "",
    ) -> None:
        self.drafts = drafts
        self.subject = subject
        """The ticket's subject, kept with the draft for the drafts list."""
        self.kind = kind if capabilities.internal_notes else DraftKind.REPLY
        """Which of the ticket's drafts this is; changes only through `switch_kind`."""
        self.profile = profile
        self.ticket_id = ticket_id
        self.clock = clock
        self.capabilities = capabilities
        self.saved_at: datetime | None = None
        """When the kept draft was saved (restored or written here); None when none is kept."""
        self.closed = False
        """Sent or discarded: autosave (`flush`) writes nothing more."""
        self._kept: ComposerState | None = None
        """A copy of what the store holds, so autosave writes only when something changed."""

    @classmethod
    def for_desk(
        cls,
        desk: Desk,
        drafts: DraftRepository | None,
        ticket_id: str,
        kind: DraftKind = DraftKind.REPLY,
        *,
        subject: str = "",
    ) -> DraftKeeper:
        """The keeper for `ticket_id`'s draft of `kind` on `desk`'s profile, clock and capabilities."""
        return cls(
            drafts,
            profile=desk.profile_name,
            ticket_id=ticket_id,
            clock=desk.clock,
            capabilities=desk.capabilities,
            kind=kind,
            subject=subject,
        )

    def conform(self, state: ComposerState) -> ComposerState:
        """`state` aimed at this keeper's kind (a public reply when the helpdesk has no internal notes)."""
        if state.public == self.kind.public:
            return state
        return replace(state, public=self.kind.public)

    def _aimed(self, state: ComposerState) -> ComposerState:
        """`state`, checked to be this keeper's kind: a note is never kept or sent as the reply draft."""
        if state.public != self.kind.public:
            raise ValueError(f"a {DraftKind.of(state.public).label} given to the {self.kind.label} draft")
        return state

    def switch_kind(self, state: ComposerState) -> ComposerState:
        """Move what is written to the other kind's draft (the composer's tab) and return it re-aimed.

        The new draft is written before the old one is deleted: a crash in between leaves the text twice,
        never nowhere.

        Raises:
            Unsupported: this helpdesk has no internal notes.
            OtherKindWaiting: the ticket already has a draft of the other kind; nothing changed.
            StoreError: the local database failed; nothing changed.
        """
        if not self.capabilities.internal_notes:
            raise Unsupported("This helpdesk has no internal notes: every comment is a public reply.")
        target = self.kind.other
        if self.drafts is not None:
            waiting = self.drafts.load(self.profile, self.ticket_id, target)
            if waiting is not None and not waiting.is_blank():
                raise OtherKindWaiting(waiting)
        moved = replace(state, public=target.public)
        saved: Draft | None = None
        if self.drafts is not None:
            if not moved.is_blank():
                saved = moved.to_draft(self.profile, self.ticket_id, self.clock(), self.subject)
                self.drafts.put(saved)
            self.drafts.delete(self.profile, self.ticket_id, self.kind)
        self.kind = target
        self._kept = replace(moved) if saved is not None else None
        self.saved_at = saved.saved_at if saved is not None else None
        return moved

    def pending(self) -> Draft | None:
        """The unsent draft of this kind waiting for this ticket (blank ones do not count).

        Raises:
            StoreError: the local database failed.
        """
        if self.drafts is None:
            return None
        draft = self.drafts.load(self.profile, self.ticket_id, self.kind)
        return draft if draft is not None and not draft.is_blank() else None

    def restore(self) -> ComposerState | None:
        """The composer as the saved draft left it (`saved_at` says when), or None without one.

        Raises:
            StoreError: the local database failed.
        """
        draft = self.pending()
        if draft is None:
            return None
        state = self.conform(ComposerState.from_draft(draft))
        self._kept = replace(state)
        self.saved_at = draft.saved_at
        return state

    def save(self, state: ComposerState) -> Draft | None:
        """Keep `state` now, or delete the draft when `state` is blank; returns the draft kept.

        Raises:
            StoreError: the local database failed; `state` is untouched and the next save tries again.
        """
        if self.drafts is None:
            return None
        if state.is_blank():
            self._forget()
            return None
        draft = self._aimed(state).to_draft(self.profile, self.ticket_id, self.clock(), self.subject)
        self.drafts.put(draft)
        self._kept = replace(state)
        self.saved_at = draft.saved_at
        return draft

    def flush(self, state: ComposerState) -> bool:
        """The autosave tick, and leaving the composer: save `state` if it differs from what is kept.

        Returns True when the store was written (saved or deleted). Writes nothing once sent or
        discarded, so a late tick cannot bring a sent reply back.

        Raises:
            StoreError: the local database failed; the next flush tries again.
        """
        if self.closed or self.drafts is None:
            return False
        unchanged = state.is_blank() if self._kept is None else state == self._kept
        if unchanged:
            return False
        self.save(state)
        return True

    async def send(
        self,
        desk: Desk,
        ticket: Ticket,
        state: ComposerState,
        *,
        known_comment_ids: Iterable[str] = (),
        queue_if_unreachable: bool = False,
    ) -> Ticket:
        """Send `state` to `ticket` as one write, through the desk's outbox.

        The draft moves into the outbox in the same transaction that records the write, so after a crash
        it is never offered again for a reply that landed. When the write did not land (refused, or a
        read-back shows it missing) the draft is kept with `state` as it is then. When part of it landed,
        or nobody can tell yet, the draft is not kept: sending it again could reach the customer twice,
        and the outbox holds the text until the helpdesk says what happened.

        Raises:
            InputError: `state` changes nothing on the ticket.
            WriteQueued: the helpdesk is unreachable; the text waits in the outbox and goes out later.
            PartiallyApplied: part of it landed; the draft is gone (the comment is on the ticket).
            WriteOutcomeUnknown: nobody can tell yet; the text is in the outbox, not in the drafts.
            FrontlineError: it did not land (`NotSent`, a conflict ...); the draft is kept.
            DraftNotKept: it did not land and saving the draft failed too.
        """
        update = build_update(self._aimed(state), ticket)
        if update.is_empty():
            raise InputError("Nothing to send: write something or choose a status.")
        draft = state.to_draft(self.profile, self.ticket_id, self.clock(), self.subject)
        try:
            sent = await desk.submit(
                ticket.id,
                update,
                draft=draft,
                known_comment_ids=known_comment_ids,
                queue_if_unreachable=queue_if_unreachable,
            )
        except (PartiallyApplied, WriteOutcomeUnknown, WriteQueued):
            self._outboxed()
            raise
        except FrontlineError as error:
            self._keep_after_failure(state, error)
            raise
        except BaseException:
            self._outboxed()  # cancelled mid-send: the outbox holds it until a read-back says
            raise
        self._outboxed()
        return sent

    def _outboxed(self) -> None:
        """The text now lives in the outbox (sent, queued, partly sent, or not known yet): nothing to keep."""
        self.closed = True
        self._kept = None
        self.saved_at = None

    def discard(self) -> bool:
        """Delete the draft for good; True when one was kept.

        Raises:
            StoreError: the local database failed; the draft is still there and autosave goes on.
        """
        existed = self._forget()
        self.closed = True
        return existed

    def _keep_after_failure(self, state: ComposerState, error: FrontlineError) -> None:
        try:
            self.save(state)
        except StoreError as store_error:
            raise DraftNotKept(store_error, error) from error

    def _forget(self) -> bool:
        if self.drafts is None:
            return False
        existed = self.drafts.delete(self.profile, self.ticket_id, self.kind)
        self._kept = None
        self.saved_at = None
        return existed


def unsent_drafts(drafts: DraftRepository | None, profile: str, ticket_id: str | None = None) -> list[Draft]:
    """The profile's drafts worth keeping (of one ticket, when given), newest first.

    Raises:
        StoreError: the local database failed.
    """
    if drafts is None:
        return []
    return [
        draft
        for draft in drafts.list(profile)
        if not draft.is_blank() and ticket_id in (None, draft.ticket_id)
    ]


@dataclass(frozen=True)
class Unfinished:
    """What would be left behind by quitting: unsent drafts and writes the helpdesk has not confirmed."""

    drafts: tuple[Draft, ...] = ()
    waiting: tuple[OutboxEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.drafts or self.waiting)


UNCONFIRMED_STATES = frozenset({WriteState.QUEUED, WriteState.SENDING, WriteState.UNKNOWN})
"""Outbox states that mean "not on the helpdesk as far as anyone knows"."""


def unfinished(drafts: DraftRepository | None, profile: str, unsettled: Iterable[OutboxEntry]) -> Unfinished:
    """The profile's unsent drafts and its outbox entries not yet confirmed (from `unsettled`).

    Raises:
        StoreError: the local database failed.
    """
    waiting = tuple(entry for entry in unsettled if entry.state in UNCONFIRMED_STATES)
    return Unfinished(drafts=tuple(unsent_drafts(drafts, profile)), waiting=waiting)
