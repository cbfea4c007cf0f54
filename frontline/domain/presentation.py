"""How times, SLAs and cells read, in one place: the console and the CLI print the same rules.

Every function here is pure and cheap (the queue calls them for each visible row on every repaint).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Literal

from frontline.domain.models import SlaTarget
from frontline.domain.moments import UNKNOWN, is_known
from frontline.domain.text import one_line

SlaState = Literal["breached", "at-risk", "ok", "paused", "none"]
AT_RISK = timedelta(hours=1)
"""An SLA due within this is shown as at risk (amber)."""


def format_duration(delta: timedelta) -> str:
    """A compact duration for narrow columns: "<1m", "45m", "3h05m", "2d4h"."""
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours}h"


SLA_GLYPHS: dict[SlaState, str] = {"breached": "✗", "at-risk": "◷"}
"""Marks that say what the SLA colour says, for colour-blind eyes, 256-colour terminals and plain text."""


def format_sla(sla: SlaTarget | None, now: datetime) -> tuple[str, SlaState]:
    """The SLA countdown cell and its state: "✗ -2h05m" breached (how long ago), "◷ 40m" at risk,
    "4h00m" on track, "paused", or "—" when there is no SLA. The glyph never relies on colour."""
    if sla is None:
        return "—", "none"
    if sla.paused:
        return "paused", "paused"
    if sla.is_breached(now):
        since = sla.due_at if sla.due_at is not None and sla.due_at <= now else sla.breached_at
        overdue = format_duration(now - since if since is not None else timedelta(0))
        return f"{SLA_GLYPHS['breached']} -{overdue}", "breached"
    remaining = sla.remaining(now)
    if remaining is None:
        return "—", "none"
    if remaining < AT_RISK:
        return f"{SLA_GLYPHS['at-risk']} {format_duration(remaining)}", "at-risk"
    return format_duration(remaining), "ok"


def format_age(moment: datetime, now: datetime) -> str:
    """How long ago, in one unit: "now", "5m", "3h", "2d", "1y"; "unknown" when the helpdesk did not say."""
    if not is_known(moment):
        return UNKNOWN
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 365 * 86400:
        return f"{int(seconds // 86400)}d"
    return f"{int(seconds // (365 * 86400))}y"


def format_stamp(moment: datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """`moment` in `pattern` (in its own zone), or "unknown" when the helpdesk did not say."""
    return moment.strftime(pattern) if is_known(moment) else UNKNOWN


def cell_text(text: str) -> str:
    """`one_line`, skipping the regexes for the common already-clean single-line text."""
    if text.isprintable() and "  " not in text and text == text.strip():
        return text
    return one_line(text)


def cell_width(text: str) -> int:
    """Terminal columns `text` takes: wide East Asian characters count two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def fit_cell(text: str, width: int) -> str:
    """Cut to `width` columns (with an ellipsis) and pad to exactly `width`."""
    if cell_width(text) > width:
        while text and cell_width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - cell_width(text))
