"""Render a `Handoff` as GitHub-flavoured Markdown, Slack mrkdwn and Atlassian Document Format.

The three formats share one outline (`outline`), so every section appears in each of them, in the same
order. Text that came from a customer, an engineer or a tracker is marked `user`: folded onto one line and
capped here, escaped for the format by `handoff_markup`. Relative times count from `h.as_of`, never the
wall clock, so the same handoff always renders the same text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from frontline.domain.handoff import Handoff, HandoffEscalation, HandoffTicket, WaitingOn
from frontline.domain.handoff_markup import (
    cap,
    md_escape,
    safe_ref,
    safe_url,
    slack_entities,
    slack_escape,
    slack_label,
    slack_url,
)

SUBJECT_CHARS = 120
NOTE_CHARS = 500
NAME_CHARS = 120
"""Keys, statuses, names and each action: short words, but a hostile one must not swamp the post."""
MAX_ACTIONS = 10
"""Actions listed per ticket; the rest are counted."""
SLACK_MAX_CHARS = 39_000
"""Slack truncates a message's text at 40,000 characters; stay clear of it."""
REF_PREFIX = "frontline handoff ref "
"""The visible footer a read-back looks for to recognise a handoff already posted."""
NONE = "None."


@dataclass(frozen=True)
class Piece:
    """A run of text in a line: `user` text is escaped, `url` (already vetted) makes it a link."""

    text: str
    user: bool = False
    url: str | None = None
    strong: bool = False


Line = tuple[Piece, ...]


@dataclass(frozen=True)
class Section:
    """A heading with an optional intro line and a list; `items` None is a heading over subsections."""

    heading: str
    level: int = 2
    intro: Line = ()
    items: tuple[Line, ...] | None = ()


def outline(h: Handoff) -> tuple[Line, Line, tuple[Section, ...]]:
    """The handoff's title, shift line and sections, in the order every format shows them."""
    title = (
        Piece("Shift handoff: "),
        Piece(cap(h.profile, NAME_CHARS) or "unnamed profile", user=bool(h.profile.strip())),
        Piece(" ("),
        Piece(cap(h.helpdesk, NAME_CHARS) or "helpdesk not named", user=bool(h.helpdesk)),
        Piece(")"),
    )
    hours = h.horizon.total_seconds() / 3600
    waiting = h.waiting
    sections = [
        Section("Counts", intro=(Piece("Each count is a number of tickets."),), items=_counts(h)),
        Section("Escalations", items=tuple(_escalation_line(e, h) for e in h.escalations)),
        Section("Waiting", items=None),
        _tickets("On the customer", waiting.get(WaitingOn.CUSTOMER, ()), level=3),
        _tickets("On us", waiting.get(WaitingOn.US, ()), level=3),
        _tickets("On engineering", waiting.get(WaitingOn.ENGINEERING, ()), level=3),
        Section(
            "SLA at risk",
            intro=(
                Piece(
                    f"Breached, or breaching within {hours:g} hour{'' if hours == 1 else 's'}"
                    f" of {format_time(h.as_of)}."
                ),
            ),
            items=tuple(_ticket_line(t, _sla_phrase(t, h.as_of)) for t in h.sla_at_risk),
        ),
        Section(
            "Customer replied since last touched",
            items=tuple(
                _ticket_line(t, (Piece(f"customer wrote {format_time(t.customer_replied_at)}"),))
                for t in h.customer_replied
                if t.customer_replied_at is not None
            ),
        ),
        Section("Notes for the next shift", items=tuple(_note_line(n.ticket, n.text, n.at) for n in h.notes)),
    ]
    if h.pending:
        sections.append(_tickets("Not confirmed yet", h.pending))
    if h.unreadable:
        sections.append(_tickets("Could not be read", h.unreadable))
    return title, _shift_line(h), tuple(sections)


def ref_line(ref: str) -> str:
    """The footer line a read-back searches for: the same text, unescaped, in every format."""
    return f"{REF_PREFIX}{safe_ref(ref)}"


def format_time(moment: datetime) -> str:
    """`YYYY-MM-DD HH:MM UTC` (a naive time is taken as UTC, never as this machine's zone)."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M UTC")


def format_duration(delta: timedelta) -> str:
    """`Xh Ym`, whole minutes, sign dropped."""
    hours, minutes = divmod(int(abs(delta.total_seconds()) // 60), 60)
    return f"{hours}h {minutes}m"


def _shift_line(h: Handoff) -> Line:
    start = format_time(h.started_at)
    window = (
        f"Shift: {start} to {format_time(h.ended_at)} (ended). Engineer: "
        if h.ended_at is not None
        else f"Shift: from {start}, still running as of {format_time(h.as_of)}. Engineer: "
    )
    engineer = cap(h.engineer, NAME_CHARS)
    return (Piece(window), Piece(engineer or "not recorded", user=bool(engineer)), Piece("."))


def _counts(h: Handoff) -> tuple[Line, ...]:
    c = h.counts
    rows = (
        ("Touched", c.touched),
        ("Replied to", c.replied),
        ("Internal note added", c.noted),
        ("Solved", c.solved),
        ("Escalated", c.escalated),
    )
    return tuple((Piece(f"{label}:", strong=True), Piece(f" {count}")) for label, count in rows)


def _tickets(heading: str, tickets: Sequence[HandoffTicket], *, level: int = 2) -> Section:
    return Section(heading, level=level, items=tuple(_ticket_line(t) for t in tickets))


def _ticket_ref(key: str, ticket_id: str, url: str | None) -> Piece:
    return Piece(cap(key, NAME_CHARS) or f"#{ticket_id}", user=True, url=safe_url(url))


def _subject(subject: str) -> Piece:
    text = cap(subject, SUBJECT_CHARS)
    return Piece(text, user=True) if text else Piece("(no subject)")


def _ticket_line(t: HandoffTicket, extra: Line = ()) -> Line:
    """Key (linked), subject, status, priority, then `extra` and what was done to it this shift."""
    pieces = [_ticket_ref(t.key, t.id, t.url), Piece(" "), _subject(t.subject)]
    pieces += [Piece(" · "), Piece(cap(t.status, NAME_CHARS), user=True)]
    if t.priority:
        pieces += [Piece(" · "), Piece(cap(t.priority, NAME_CHARS), user=True)]
    if extra:
        pieces += [Piece(" · "), *extra]
    if t.actions:
        shown = "; ".join(cap(action, NAME_CHARS) for action in t.actions[:MAX_ACTIONS])
        pieces += [Piece(" · this shift: "), Piece(shown, user=True)]
        if len(t.actions) > MAX_ACTIONS:
            pieces.append(Piece(f" (and {len(t.actions) - MAX_ACTIONS} more)"))
    return tuple(pieces)


def _sla_phrase(t: HandoffTicket, as_of: datetime) -> Line:
    due = t.sla_due_at
    if not t.sla_breached:
        if due is None:
            return (Piece("SLA at risk"),)
        return (Piece(f"SLA due in {format_duration(due - as_of)} ({format_time(due)})"),)
    if due is None:
        return (Piece("SLA breached", strong=True),)
    ago = f" {format_duration(as_of - due)} ago" if due <= as_of else ""
    return (Piece("SLA breached", strong=True), Piece(f"{ago} (due {format_time(due)})"))


def _escalation_line(e: HandoffEscalation, h: Handoff) -> Line:
    ticket = next((t for t in h.touched if t.id == e.ticket), None)
    key = ticket.key if ticket is not None else ""
    url = e.ticket_url or (ticket.url if ticket is not None else None)
    pieces = [_ticket_ref(key, e.ticket, url), Piece(" "), _subject(e.subject)]
    pieces += [Piece(" · escalated to " if e.created else " · linked to ")]
    bug = cap(e.key, NAME_CHARS)
    pieces.append(Piece(bug, user=True, url=safe_url(e.url)) if bug else Piece("a bug with no key"))
    pieces += [Piece(" · "), Piece(cap(e.status, NAME_CHARS) or "unknown", user=True)]
    title = cap(e.title, SUBJECT_CHARS)
    if title:
        pieces += [Piece(" · "), Piece(title, user=True)]
    return tuple(pieces)


def _note_line(t: HandoffTicket, text: str, at: datetime) -> Line:
    note = cap(text, NOTE_CHARS)
    return (
        _ticket_ref(t.key, t.id, t.url),
        Piece(" "),
        _subject(t.subject),
        Piece(f" · {format_time(at)}: "),
        Piece(note, user=True) if note else Piece("(empty note)"),
    )


def _shown(section: Section, max_items: int | None) -> tuple[tuple[Line, ...], int]:
    """The section's items within `max_items`, with a closing "and N more" line; and how many were cut."""
    items = section.items or ()
    if max_items is None or len(items) <= max_items:
        return items, 0
    left_out = len(items) - max_items
    return (*items[:max_items], (Piece(f"… and {left_out} more"),)), left_out


def _left_out_line(left_out: int) -> str:
    return f"{left_out} more item{'' if left_out == 1 else 's'} left out to fit the message size limit."


def _best_cap(
    size: Callable[[int | None], int], sections: Sequence[Section], max_chars: int | None
) -> int | None:
    """No per-list cap (None) when everything fits `max_chars`, else the longest cap that fits (or 0)."""
    if max_chars is None or size(None) <= max_chars:
        return None
    low, high = 0, max((len(s.items or ()) for s in sections), default=0)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if size(middle) <= max_chars else (low, middle - 1)
    return low


def _cut(text: str, max_chars: int | None) -> str:
    """A last resort when even the headings alone are too long (names are capped, so never in practice)."""
    return text if max_chars is None or len(text) <= max_chars else text[: max_chars - 1] + "…"


# Markdown


def render_markdown(h: Handoff, *, max_chars: int | None = None) -> str:
    """GitHub-flavoured Markdown (the terminal preview, helpdesk notes, GitHub comments)."""
    title, shift, sections = outline(h)

    def render(max_items: int | None) -> str:
        return _markdown(h, title, shift, sections, max_items)

    return _cut(render(_best_cap(lambda n: len(render(n)), sections, max_chars)), max_chars)


def _markdown(
    h: Handoff, title: Line, shift: Line, sections: Sequence[Section], max_items: int | None
) -> str:
    blocks = [f"# {_md(title)}", _md(shift)]
    total_left_out = 0
    for section in sections:
        blocks.append(f"{'#' * section.level} {section.heading}")
        if section.intro:
            blocks.append(_md(section.intro))
        if section.items is None:
            continue
        items, left_out = _shown(section, max_items)
        total_left_out += left_out
        blocks.append("\n".join(f"- {_md(item)}" for item in items) if items else NONE)
    if total_left_out:
        blocks.append(f"*{_left_out_line(total_left_out)}*")
    ref = safe_ref(h.ref)
    if ref:
        blocks.append(f"<!-- frontline-handoff:{ref} -->\n*{ref_line(ref)}*")
    return "\n\n".join(blocks) + "\n"


def _md(line: Line) -> str:
    return "".join(_md_piece(piece) for piece in line)


def _md_piece(piece: Piece) -> str:
    text = md_escape(piece.text, in_link=piece.url is not None) if piece.user else piece.text
    if piece.strong:
        text = f"**{text}**"
    return f"[{text}]({piece.url})" if piece.url else text


# Slack


def render_slack(h: Handoff, *, max_chars: int = SLACK_MAX_CHARS) -> str:
    """Slack mrkdwn for an incoming webhook's `text`, cut to fit `max_chars`."""
    title, shift, sections = outline(h)

    def render(max_items: int | None) -> str:
        return _slack(h, title, shift, sections, max_items)

    return _cut(render(_best_cap(lambda n: len(render(n)), sections, max_chars)), max_chars)


def _slack(h: Handoff, title: Line, shift: Line, sections: Sequence[Section], max_items: int | None) -> str:
    lines = [f"*{_sl(title)}*", _sl(shift)]
    total_left_out = 0
    for section in sections:
        lines += ["", f"*{section.heading}*"]
        if section.intro:
            lines.append(_sl(section.intro))
        if section.items is None:
            continue
        items, left_out = _shown(section, max_items)
        total_left_out += left_out
        lines += [f"• {_sl(item)}" for item in items] if items else [NONE]
    if total_left_out:
        lines += ["", f"_{_left_out_line(total_left_out)}_"]
    ref = safe_ref(h.ref)
    if ref:
        lines += ["", ref_line(ref)]
    return "\n".join(lines)


def _sl(line: Line) -> str:
    return "".join(_sl_piece(piece) for piece in line)


def _sl_piece(piece: Piece) -> str:
    in_link = piece.url is not None
    if piece.user:
        text = slack_escape(piece.text, in_link=in_link)
    else:
        text = slack_label(slack_entities(piece.text)) if in_link else slack_entities(piece.text)
    if piece.strong:
        text = f"*{text}*"
    return f"<{slack_url(piece.url)}|{text}>" if piece.url else text


# Atlassian Document Format


def render_adf(h: Handoff, *, max_chars: int | None = None) -> dict[str, Any]:
    """An ADF document for a Jira comment; `max_chars` bounds its JSON length."""
    title, shift, sections = outline(h)

    def render(max_items: int | None) -> dict[str, Any]:
        return _adf(h, title, shift, sections, max_items)

    return render(_best_cap(lambda n: len(json.dumps(render(n))), sections, max_chars))


def _adf(
    h: Handoff, title: Line, shift: Line, sections: Sequence[Section], max_items: int | None
) -> dict[str, Any]:
    strong_title = tuple(Piece(p.text, p.user, p.url, strong=True) for p in title)
    content = [_paragraph(strong_title), _paragraph(shift)]
    total_left_out = 0
    for section in sections:
        heading = {"type": "text", "text": section.heading}
        content.append({"type": "heading", "attrs": {"level": section.level}, "content": [heading]})
        if section.intro:
            content.append(_paragraph(section.intro))
        if section.items is None:
            continue
        items, left_out = _shown(section, max_items)
        total_left_out += left_out
        if items:
            list_items = [{"type": "listItem", "content": [_paragraph(item)]} for item in items]
            content.append({"type": "bulletList", "content": list_items})
        else:
            content.append(_paragraph((Piece(NONE),)))
    if total_left_out:
        content.append(_paragraph((Piece(_left_out_line(total_left_out)),)))
    ref = safe_ref(h.ref)
    if ref:
        content.append(_paragraph((Piece(ref_line(ref)),)))
    return {"type": "doc", "version": 1, "content": content}


def _paragraph(line: Line) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    for piece in line:
        if not piece.text:
            continue
        node: dict[str, Any] = {"type": "text", "text": piece.text}
        marks: list[dict[str, Any]] = []
        if piece.strong:
            marks.append({"type": "strong"})
        if piece.url:
            marks.append({"type": "link", "attrs": {"href": piece.url}})
        if marks:
            node["marks"] = marks
        nodes.append(node)
    return {"type": "paragraph", "content": nodes or [{"type": "text", "text": NONE}]}
