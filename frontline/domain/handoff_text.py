"""The handoff as plain text: what the console previews and copies, and what reads well anywhere it is pasted.

Same outline as the Markdown (`handoff_render.outline`), without the escaping Markdown needs: a subject is
shown as the customer wrote it (cleaned and folded onto one line), and a link as its text followed by the
address. The console shows it as plain text, never as markup.
"""

from __future__ import annotations

from frontline.domain.handoff import Handoff
from frontline.domain.handoff_markup import safe_ref
from frontline.domain.handoff_render import NONE, Line, outline, ref_line


def render_text(h: Handoff) -> str:
    """Headings, bullets and links as plain text; deterministic like the other renderers."""
    title, shift, sections = outline(h)
    blocks = [f"# {_text(title)}", _text(shift)]
    for section in sections:
        blocks.append(f"{'#' * section.level} {section.heading}")
        if section.intro:
            blocks.append(_text(section.intro))
        if section.items is None:
            continue
        blocks.append("\n".join(f"- {_text(item)}" for item in section.items) if section.items else NONE)
    ref = safe_ref(h.ref)
    if ref:
        blocks.append(ref_line(ref))
    return "\n\n".join(blocks) + "\n"


def _text(line: Line) -> str:
    return "".join(f"{piece.text} <{piece.url}>" if piece.url else piece.text for piece in line)
