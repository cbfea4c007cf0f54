"""Customer text as console `Content`: plain text (never markup) with invisible characters marked.

The markers (`⟨ZWSP⟩`, `⟨RLO⟩`) are styled so a reader sees at once that they are not the customer's
letters; searching and clamping work on the same marked string, so offsets line up.
"""

from __future__ import annotations

from textual.content import Content, Span

from frontline.domain.text import clamp, displayable, displayable_line, invisible_segments

MARKER_STYLE = "italic $text-warning"
"""How an invisible character's marker looks: loud enough to notice a spoofed `pay⟨ZWSP⟩pal.com`."""


def marked_text(text: str, *, line: bool = False) -> tuple[str, list[Span]]:
    """Cleaned `text` with markers for invisible characters, and the spans that style those markers."""
    base = displayable_line(text) if line else displayable(text)
    pieces: list[str] = []
    spans: list[Span] = []
    position = 0
    for piece, is_marker in invisible_segments(base):
        if is_marker:
            spans.append(Span(position, position + len(piece), MARKER_STYLE))
        pieces.append(piece)
        position += len(piece)
    return "".join(pieces), spans


def visible_content(text: str, *, line: bool = False, style: str = "") -> Content:
    """`text` as plain `Content`, markers styled; `line` folds it onto one line."""
    marked, spans = marked_text(text, line=line)
    if style and marked:
        spans.insert(0, Span(0, len(marked), style))
    return Content(marked, spans=spans)


def clamped_content(
    text: str, width: int, lines: int, *, first_line_used: int = 0, style: str = ""
) -> tuple[Content, bool]:
    """One-line `text` cut to `lines` lines of `width` (ending "…"), markers styled; True when cut."""
    folded = displayable_line(text)
    shortened = clamp(folded, width, lines, first_line_used=first_line_used)
    return visible_content(shortened, line=True, style=style), shortened != folded
