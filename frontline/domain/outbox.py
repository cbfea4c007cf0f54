"""The outbox: every write to the helpdesk, recorded before it is sent and settled only by the answer.

A write's life: `SENDING` (recorded, then sent) -> `SENT` (the helpdesk accepted it, or a read-back found it),
`PARTIAL` (a multi-step write stopped midway: what landed stays landed), `FAILED` (it did not land; a draft it
came from is restored), or `UNKNOWN` (nobody could tell yet; checked against the helpdesk on start and before
anything is sent to that ticket again). `QUEUED` writes wait for the helpdesk to be reachable.

What matters is on disk before the request leaves, so a crash between sending and the answer is settled by
reading the ticket back, never by guessing, and a reply is never shown as unsent when it landed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from frontline.domain.drafts import Draft
from frontline.domain.models import Comment, TicketThread, TicketUpdate

RECONCILE_SLACK = timedelta(minutes=5)
"""How far our clock and the helpdesk's may disagree when matching a comment we sent."""


class WriteState(StrEnum):
    """Where one write stands."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    PARTIAL = "partial"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def settled(self) -> bool:
        """Nothing more will happen to it: sent, partly sent, or given back to the engineer."""
        return self in (WriteState.SENT, WriteState.PARTIAL, WriteState.FAILED)


@dataclass(frozen=True)
class OutboxEntry:
    """One write, with everything needed to send it, to recognise it on the helpdesk, and to give it back.

    Args:
        id: the write's identity (a random hex string), stable across retries and restarts.
        author_id: the signed-in agent who sends it; only their comments can be this write.
        known_comment_ids: comments already on the ticket when it was written, which cannot be it.
        draft: the draft it was sent from; restored if the write turns out not to have landed.
        comment_id: the helpdesk comment that is this write, once known (so no later write claims it).
    """

    id: str
    profile: str
    ticket_id: str
    update: TicketUpdate
    state: WriteState
    created_at: datetime
    author_id: str | None = None
    known_comment_ids: frozenset[str] = frozenset()
    draft: Draft | None = None
    attempts: int = 0
    sent_at: datetime | None = None
    settled_at: datetime | None = None
    outcome: str = ""
    comment_id: str | None = None
    not_applied: tuple[str, ...] = field(default=())
    subject: str = ""
    """The ticket's subject when written, for the shift journal (not kept in the outbox itself)."""
    purpose: str = "reply"
    """Why it was sent (`frontline.domain.shift.WritePurpose`): a reply, a field change, an escalation's
    note, a handoff posted to a ticket."""

    def describe(self) -> str:
        """What this write is, in words: "public reply", "internal note + status solved", "status solved"."""
        return " + ".join(self.parts()) or "no change"

    def parts(self) -> list[str]:
        """Each change in words, the comment first."""
        parts: list[str] = []
        update = self.update
        if update.comment is not None:
            parts.append("public reply" if update.comment.public else "internal note")
        if update.status is not None:
            parts.append(f"status {update.status.label}")
        if update.priority is not None:
            parts.append(f"priority {update.priority.value}")
        if update.assignee_id is not None:
            parts.append("assignee")
        if update.group_id is not None:
            parts.append("group")
        if update.tags_add or update.tags_remove:
            parts.append("tags")
        return parts

    def settle(self, state: WriteState, at: datetime, outcome: str = "", **changes: object) -> OutboxEntry:
        """This entry in `state` as of `at`."""
        settled_at = at if state.settled else None
        return replace(self, state=state, settled_at=settled_at, outcome=outcome, **changes)  # type: ignore[arg-type]


def comment_matches(entry: OutboxEntry, comment: Comment) -> bool:
    """True when `comment` could be this entry's comment: by its author, same visibility and text, not on
    the ticket when it was written, and within the time window."""
    wanted = entry.update.comment
    if wanted is None or entry.author_id is None or entry.sent_at is None:
        return False
    if comment.author is None or comment.author.id != entry.author_id:
        return False
    if comment.public != wanted.public or comment.id in entry.known_comment_ids:
        return False
    if comment.created_at < entry.sent_at - RECONCILE_SLACK:
        return False
    sent = comparable_text(wanted.body)
    return any(comparable_text(text) == sent for text in (comment.body, comment.source_body) if text)


def fields_applied(thread: TicketThread, update: TicketUpdate) -> bool:
    """True when the ticket already shows every field change in `update`."""
    ticket = thread.ticket
    if update.status is not None and ticket.status is not update.status:
        return False
    if update.priority is not None and ticket.priority is not update.priority:
        return False
    assignee_id = ticket.assignee.id if ticket.assignee is not None else None
    if update.assignee_id is not None and assignee_id != (update.assignee_id or None):
        return False
    return all(tag in ticket.tags for tag in update.tags_add) and not any(
        tag in ticket.tags for tag in update.tags_remove
    )


def find_comment(entry: OutboxEntry, thread: TicketThread, history: list[OutboxEntry]) -> Comment | None:
    """The comment on the ticket that is this entry's write, if it landed.

    `history` is every outbox entry for the ticket. Comments already claimed by another entry are not this
    one; and when the same words were sent earlier and landed without their comment being identified, the
    oldest matching comments belong to those earlier writes, one each.
    """
    others = [other for other in history if other.id != entry.id]
    claimed = {other.comment_id for other in others if other.comment_id is not None}
    candidates = sorted(
        (c for c in thread.comments if c.id not in claimed and comment_matches(entry, c)),
        key=lambda c: c.created_at,
    )
    earlier_unidentified = sum(
        1
        for other in others
        if other.comment_id is None
        and other.state in (WriteState.SENT, WriteState.PARTIAL)
        and other.created_at <= entry.created_at
        and _within_reach(other, entry)
        and _same_comment(other, entry)
    )
    return candidates[earlier_unidentified] if len(candidates) > earlier_unidentified else None


def _within_reach(earlier: OutboxEntry, entry: OutboxEntry) -> bool:
    """Whether `earlier`'s comment can be among the comments matched for `entry` (the time window)."""
    if earlier.sent_at is None or entry.sent_at is None:
        return False
    return earlier.sent_at >= entry.sent_at - 2 * RECONCILE_SLACK


def _same_comment(one: OutboxEntry, other: OutboxEntry) -> bool:
    a, b = one.update.comment, other.update.comment
    return (
        a is not None
        and b is not None
        and a.public == b.public
        and one.author_id == other.author_id
        and comparable_text(a.body) == comparable_text(b.body)
    )


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def comparable_text(text: str) -> str:
    """Text reduced to its words, the way every helpdesk rendering keeps them.

    Zendesk stores the Markdown an agent sent and shows a rendered `plain_body` (no `**`, link text without
    its target); helpdesks re-wrap and trim. Links, URLs, punctuation, markup and spacing are dropped, case
    is folded; the words and their order are what must match.
    """
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    return " ".join(_NOT_WORD.sub(" ", text).casefold().split())
