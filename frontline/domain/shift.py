"""The shift and its journal: what the engineer did through frontline, when, and on which ticket.

A write's journal line is recorded in the same transaction as its outbox entry and read back beside the
entry's state, so the journal claims a reply only once the helpdesk has it, and never misses one that
landed after a crash. Journal lines hold what was done (reply, note, status ...), never the reply's text,
tokens or anything else a customer or an attacker could use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from frontline.domain.escalation import EscalationRecord
from frontline.domain.models import Status
from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.text import one_line

SHIFT_IDLE_GAP = timedelta(hours=12)
"""A shift with nothing done for this long is over: the day's first action starts the next one."""

MAX_NOTE_CHARS = 2_000
"""A handoff note is a line or two for the next engineer, not a document."""

MAX_SUBJECT_CHARS = 300
"""A subject kept in the journal (a hostile 20,000-character one would swamp the handoff)."""


class JournalKind(StrEnum):
    """What one journal line records."""

    OPENED = "opened"
    WRITE = "write"
    ESCALATED = "escalated"
    LINKED = "linked"
    NOTE = "note"
    PUBLISHED = "published"


class WritePurpose(StrEnum):
    """Why a write was sent: the handoff counts replies, not the notes escalation or handoff post."""

    REPLY = "reply"
    CHANGE = "change"
    ESCALATION = "escalation"
    HANDOFF = "handoff"
    HANDOFF_NOTE = "handoff_note"


@dataclass(frozen=True)
class Shift:
    """One stint on the rotation; `ended_at` is None while it runs."""

    id: str
    profile: str
    started_at: datetime
    ended_at: datetime | None = None
    engineer: str = ""
    started_by: str = "auto"
    """`command` (`frontline shift start`) or `auto` (the first action of the day)."""

    def is_open(self) -> bool:
        return self.ended_at is None

    def until(self, now: datetime) -> datetime:
        """When the shift ends, or `now` while it runs."""
        return self.ended_at or now


@dataclass(frozen=True)
class JournalEntry:
    """One thing the engineer did.

    Args:
        kind: what it was.
        at: when (the shift's clock).
        ticket_id: the ticket it was done to, if any.
        subject: the ticket's subject then (one line, capped).
        detail: what changed, as short words (`public`, `status`, `priority`, `assignee`, `macro`,
            `purpose` for writes; `bug`, `url`, `target` for escalations; `destination` for publications).
        text: the engineer's own words (a handoff note); never a reply's text.
        outbox_id: the outbox entry a write belongs to.
        write_state: that entry's state when read (None for lines that are not writes).
        not_applied: the parts of a partly applied write that did not land.
    """

    kind: JournalKind
    at: datetime
    profile: str
    ticket_id: str | None = None
    subject: str = ""
    detail: Mapping[str, str] = field(default_factory=dict)
    text: str = ""
    outbox_id: str | None = None
    shift_id: str = ""
    id: int | None = None
    write_state: WriteState | None = None
    not_applied: tuple[str, ...] = ()

    @property
    def purpose(self) -> WritePurpose | None:
        return purpose_named(self.detail.get("purpose", ""))

    @property
    def landed(self) -> bool:
        """True unless this is a write the helpdesk does not have (yet): failed, queued or unknown."""
        if self.kind is not JournalKind.WRITE:
            return True
        return self.write_state in (WriteState.SENT, WriteState.PARTIAL)

    @property
    def pending(self) -> bool:
        """A write that may still land: queued, in flight, or not known yet."""
        return self.kind is JournalKind.WRITE and self.write_state in (
            WriteState.QUEUED,
            WriteState.SENDING,
            WriteState.UNKNOWN,
        )

    def applied(self, part: str) -> bool:
        """Whether the write's `part` (`comment`, `status`, `priority`, `assignee`) is on the ticket."""
        if not self.landed or part not in self.detail:
            return False
        words = _PART_WORDS.get(part, part)
        if part == "public":
            words = "public reply" if self.detail["public"] == "yes" else "internal note"
        return not any(missing.startswith(words) for missing in self.not_applied)

    @property
    def replied(self) -> bool:
        return self._comment(public=True)

    @property
    def noted(self) -> bool:
        return self._comment(public=False)

    @property
    def solved(self) -> bool:
        status = self.detail.get("status")
        return status in (Status.SOLVED.value, Status.CLOSED.value) and self.applied("status")

    def _comment(self, *, public: bool) -> bool:
        if self.purpose not in (WritePurpose.REPLY, None) or "public" not in self.detail:
            return False
        return (self.detail["public"] == "yes") == public and self.applied("public")

    def describe(self) -> str:
        """The line in words, for `shift status` and the journal view: "public reply + status solved"."""
        if self.kind is JournalKind.WRITE:
            words = self.detail.get("what", "write")
            purpose = self.purpose
            if purpose is not None:
                words = _PURPOSE_WORDS.get(purpose, "{}").format(words)
            if self.write_state is WriteState.FAILED:
                return f"{words} (not sent)"
            if self.pending:
                return f"{words} (not confirmed yet)"
            if self.write_state is WriteState.PARTIAL and self.not_applied:
                return f"{words} (not applied: {', '.join(self.not_applied)})"
            return words
        if self.kind in (JournalKind.ESCALATED, JournalKind.LINKED):
            verb = "escalated to" if self.kind is JournalKind.ESCALATED else "linked to"
            return f"{verb} {self.detail.get('bug', '?')}"
        if self.kind is JournalKind.NOTE:
            return f"handoff note: {one_line(self.text)}"
        if self.kind is JournalKind.PUBLISHED:
            return f"handoff published to {self.detail.get('destination', '?')}"
        return "opened"


_PURPOSE_WORDS = {
    WritePurpose.ESCALATION: "{} naming the bug",
    WritePurpose.HANDOFF_NOTE: "handoff note posted as an {}",
    WritePurpose.HANDOFF: "handoff posted as an {}",
}
"""How a write that is not a reply reads in the journal ("internal note + tags naming the bug")."""

_PART_WORDS = {"status": "status", "priority": "priority", "assignee": "assignee"}
"""How each detail key begins in an outbox entry's `not_applied` parts ("status solved", "assignee")."""


def purpose_named(value: str) -> WritePurpose | None:
    """The purpose an outbox entry or a journal line names, or None for an unknown word."""
    return WritePurpose(value) if value in WritePurpose._value2member_map_ else None


def write_entry(entry: OutboxEntry) -> JournalEntry:
    """The journal line for an outbox write (recorded with it, in the same transaction); an entry
    naming no known purpose counts as a reply."""
    purpose = purpose_named(entry.purpose) or WritePurpose.REPLY
    update = entry.update
    detail: dict[str, str] = {"purpose": purpose.value, "what": entry.describe()}
    if update.comment is not None:
        detail["public"] = "yes" if update.comment.public else "no"
    if update.status is not None:
        detail["status"] = update.status.value
    if update.priority is not None:
        detail["priority"] = update.priority.value
    if update.assignee_id is not None:
        detail["assignee"] = update.assignee_id
    if entry.draft is not None and entry.draft.macro_id:
        detail["macro"] = entry.draft.macro_id
        detail["what"] += " (macro applied)"
    return JournalEntry(
        kind=JournalKind.WRITE,
        at=entry.created_at,
        profile=entry.profile,
        ticket_id=entry.ticket_id,
        subject=journal_subject(entry.subject),
        detail=detail,
        outbox_id=entry.id,
        write_state=entry.state,
    )


def escalation_line(previous: EscalationRecord | None, record: EscalationRecord) -> JournalEntry | None:
    """The journal line for an escalation that has just learnt its bug (filed or linked), else None."""
    if record.bug_key is None or (previous is not None and previous.bug_key == record.bug_key):
        return None
    return JournalEntry(
        kind=JournalKind.ESCALATED if record.created else JournalKind.LINKED,
        at=record.updated_at,
        profile=record.profile,
        ticket_id=record.ticket_id,
        subject=journal_subject(record.ticket_subject),
        detail={"bug": record.bug_key, "url": record.bug_url or "", "target": record.target},
    )


def journal_subject(subject: str) -> str:
    """A subject as the journal keeps it: one clean line, capped."""
    line = one_line(subject)
    return line if len(line) <= MAX_SUBJECT_CHARS else line[: MAX_SUBJECT_CHARS - 1] + "…"


def clean_note(text: str) -> str:
    """A handoff note as kept: control characters stripped, trimmed, capped."""
    from frontline.domain.text import clean_text

    note = clean_text(text).strip()
    return note if len(note) <= MAX_NOTE_CHARS else note[: MAX_NOTE_CHARS - 1] + "…"


def shift_is_stale(shift: Shift, last_activity: datetime | None, now: datetime) -> bool:
    """An open shift nothing happened in for `SHIFT_IDLE_GAP`: the next action starts a new one."""
    latest = max(shift.started_at, last_activity) if last_activity is not None else shift.started_at
    return shift.is_open() and now - latest >= SHIFT_IDLE_GAP
