"""The outbox in words, for the console: notices when writes settle, the ticket's banner, the quit question.

Kept apart from the widgets so the wording is one place and plain tests can pin it. Everything returned is
plain text (outcomes may quote a server's error message): callers show it with `Content(...)` or
`markup=False`, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.text import one_line

RECENT_TROUBLE = timedelta(hours=1)
"""How long a failed or partly sent write stays on its ticket's banner after it settled."""
MAX_NOTICE_LINES = 5
"""A notification names this many settled writes; more are counted (the outbox screen lists them all)."""
MAX_BANNER_LINES = 4

STATE_LABELS = {
    WriteState.QUEUED: "queued",
    WriteState.SENDING: "sending",
    WriteState.SENT: "sent",
    WriteState.PARTIAL: "partly sent",
    WriteState.FAILED: "not sent",
    WriteState.UNKNOWN: "in doubt",
}
FIELD_KEYS = {"status": "s", "priority": "p", "tags": "l", "assignee": "t"}
"""The ticket screen's key that sets each field again (its default binding)."""


class Origin(StrEnum):
    """Where a settled write was waiting, which decides how its notice starts."""

    RESTART = "restart"
    """In flight when frontline last stopped (settled by the check on start)."""
    DOUBT = "doubt"
    """Sent in this session with no clear answer (settled by a later check)."""
    QUEUED = "queued"
    """Queued while the helpdesk was unreachable, and just sent by the outbox."""


def ticket_label(ticket_id: str) -> str:
    """ "#41" for a numeric id, the key itself otherwise ("SD-12")."""
    label = one_line(ticket_id)
    return f"#{label}" if label.isdigit() else label


def state_label(state: WriteState) -> str:
    return STATE_LABELS[state]


def _where(origin: Origin) -> str:
    return {
        Origin.RESTART: " that was being sent when frontline stopped",
        Origin.DOUBT: " that had no clear answer",
        Origin.QUEUED: " that waited in the outbox",
    }[origin]


def settled_line(entry: OutboxEntry, origin: Origin) -> str | None:
    """One sentence on how `entry` settled, or None while it has not."""
    subject = f"The {entry.describe()} to {ticket_label(entry.ticket_id)}{_where(origin)}"
    if entry.state is WriteState.SENT:
        return f"{subject} went out." if origin is Origin.QUEUED else f"{subject} is on the ticket."
    if entry.state is WriteState.PARTIAL:
        first, *_ = entry.parts() or ["write"]
        missing = " and ".join(entry.not_applied) or "rest"
        return f"{subject} partly arrived: the {missing} did not apply. Do not send the {first} again."
    if entry.state is WriteState.FAILED:
        back = "your draft is back." if entry.draft is not None else "set it again if it is still needed."
        if origin is Origin.QUEUED:
            return f"{subject} was refused: {one_line(entry.outcome)} Not sent; {back}"
        return f"{subject} did not arrive: {back}"
    return None


def settled_notice(settled: Iterable[tuple[OutboxEntry, Origin]]) -> tuple[str, bool] | None:
    """One notification for the writes that settled: (text, whether any went wrong), or None for none."""
    lines: list[str] = []
    trouble = False
    for entry, origin in settled:
        line = settled_line(entry, origin)
        if line is None:
            continue
        lines.append(line)
        trouble = trouble or entry.state is not WriteState.SENT
    if not lines:
        return None
    shown = lines[:MAX_NOTICE_LINES]
    if len(lines) > len(shown):
        shown.append(f"…and {len(lines) - len(shown)} more: press O for the outbox.")
    return "\n".join(shown), trouble


def banner_line(entry: OutboxEntry, now: datetime) -> str | None:
    """How one of a ticket's writes stands, for its banner; None when there is nothing to say."""
    what = entry.describe()
    state = entry.state
    if state is WriteState.QUEUED:
        return f"⧗ {what.capitalize()} queued — goes out when the helpdesk is back"
    if state is WriteState.SENDING:
        return f"↑ {what.capitalize()} sending…"
    if state is WriteState.UNKNOWN:
        return f"? Not sure the {what} arrived — checking (do not send it again)"
    recent = entry.settled_at is not None and now - entry.settled_at <= RECENT_TROUBLE
    if not recent:
        return None
    if state is WriteState.PARTIAL:
        first, *_ = entry.parts() or ["write"]
        missing = " and ".join(entry.not_applied) or "the rest"
        keys = [FIELD_KEYS[field.split()[0]] for field in entry.not_applied if field.split()[0] in FIELD_KEYS]
        again = f" ({' / '.join(keys)} to set it again)" if keys else ""
        return f"✓ {first.capitalize()} posted; {missing} not applied{again}"
    if state is WriteState.FAILED:
        if entry.draft is not None:
            key = "r" if entry.update.comment is None or entry.update.comment.public else "n"
            return f"✗ {what.capitalize()} not sent: your draft is back ({key} to continue it)"
        return f"✗ {what.capitalize()} not applied: {one_line(entry.outcome)}"
    return None


def banner_lines(entries: Sequence[OutboxEntry], now: datetime) -> list[str]:
    """The banner for one ticket's writes (oldest first in, newest kept), at most MAX_BANNER_LINES."""
    lines = [line for entry in entries if (line := banner_line(entry, now)) is not None]
    return lines[-MAX_BANNER_LINES:]


def is_waiting(entry: OutboxEntry) -> bool:
    """Not yet on the helpdesk as far as anyone knows: queued, or sent with no answer (in doubt)."""
    return entry.state in (WriteState.QUEUED, WriteState.SENDING, WriteState.UNKNOWN)


def quit_question(entries: Iterable[OutboxEntry]) -> tuple[str, str] | None:
    """(question, detail) before quitting with writes that have not reached the helpdesk; None if none."""
    waiting = [entry for entry in entries if is_waiting(entry)]
    if not waiting:
        return None
    queued = sum(1 for entry in waiting if entry.state is WriteState.QUEUED)
    doubt = len(waiting) - queued
    counts = ", ".join(
        part for part in (f"{queued} queued" if queued else "", f"{doubt} in doubt" if doubt else "") if part
    )
    total = len(waiting)
    head = "1 write has" if total == 1 else f"{total} writes have"
    verb = "sent or checked" if queued and doubt else ("sent" if queued else "checked")
    kept = "It is kept" if total == 1 else "They are kept"
    return (
        f"{head} not reached the helpdesk yet ({counts}).",
        f"{kept} and {verb} the next time frontline starts. Quit anyway?",
    )
