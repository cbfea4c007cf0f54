"""Make customer-written text safe and honest in a terminal.

Ticket text is hostile input: it may carry ANSI/OSC escape sequences (which could retitle the terminal,
write to the clipboard or move the cursor), other C0/C1 control characters, bidi controls that reorder
what is shown, and invisible format characters (`pay\\u200bpal.com` looks like `paypal.com`).

- `clean_text`/`one_line` strip escapes and controls: for text that goes on somewhere (a quote in a reply,
  a bug report), where markers would be noise.
- `visible_text`/`visible_line` also turn every invisible format character into a marker (`⟨ZWSP⟩`), for
  everything a person reads (console and CLI output); `invisible_segments` tells a renderer which parts
  are markers so it can dim them.
- `strip_invisible` drops them, so the queue filter finds `paypal` in `pay\\u200bpal`.
- `clamp` shortens a field to a few terminal lines, so a 20,000-character subject stays a header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI ... final byte
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC ... BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?     # DCS, SOS, PM, APC ... ST
    | \x9b[0-?]*[ -/]*[@-~]            # 8-bit CSI
    | \x9d[^\x07\x9c]*[\x07\x9c]?      # 8-bit OSC
    | \x1b[@-Z\\-_]                    # two-byte escapes
    | \x1b                             # a lone ESC
    """,
    re.VERBOSE,
)
_BIDI = "\u202a-\u202e\u2066-\u2069"
# C0 controls except tab and newline, DEL and C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_AND_BIDI = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")

_FORMAT_CHARACTERS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    f"{_BIDI}\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_BLANK_LETTERS = "\u115f\u1160\u3164\uffa0"
"""Hangul fillers: letters (not format characters) that every font draws as nothing."""
INVISIBLE = re.compile(f"[{_FORMAT_CHARACTERS}{_BLANK_LETTERS}]")
"""Every Unicode format character (category Cf) and the blank fillers: what a reader cannot see."""

_NAMES = {
    "\u00ad": "SHY",
    "\u061c": "ALM",
    "\u180e": "MVS",
    "\u200b": "ZWSP",
    "\u200c": "ZWNJ",
    "\u200d": "ZWJ",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2060": "WJ",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
    "\ufeff": "BOM",
}
_JOINERS = frozenset("\u200c\u200d")
MARKER_OPEN = "⟨"
MARKER_CLOSE = "⟩"


def clean_text(text: str) -> str:
    """Strip terminal escape sequences, control characters and bidi controls, keeping newlines and tabs."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL_AND_BIDI.sub("", text)


def one_line(text: str) -> str:
    """`clean_text`, folded onto one line for table cells and headers."""
    return " ".join(clean_text(text).split())


def invisible_name(character: str) -> str:
    """What a marker calls an invisible character: `ZWSP`, `RLO`, `tag:A`, else `U+XXXX`."""
    if character in _NAMES:
        return _NAMES[character]
    code = ord(character)
    if 0xE0020 <= code <= 0xE007E:
        return f"tag:{chr(code - 0xE0000)}"
    return f"U+{code:04X}"


def marker(character: str) -> str:
    """`⟨ZWSP⟩`: how an invisible character is shown."""
    return f"{MARKER_OPEN}{invisible_name(character)}{MARKER_CLOSE}"


def _is_script_joiner(text: str, index: int) -> bool:
    """A ZWJ/ZWNJ doing its job: inside an emoji sequence, or between letters of a joining script
    (Persian, Devanagari...), where marking it would break words a customer legitimately wrote."""
    if text[index] not in _JOINERS or index == 0 or index + 1 >= len(text):
        return False
    before, after = text[index - 1], text[index + 1]
    if text[index] == "\u200d" and _emoji_like(before) and _emoji_like(after):
        return True
    return ord(before) >= 0x0590 and ord(after) >= 0x0590 and before.isalpha() and after.isalpha()


def _emoji_like(character: str) -> bool:
    code = ord(character)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or code == 0xFE0F


def invisible_segments(text: str) -> Iterator[tuple[str, bool]]:
    """`text` (already cleaned) as runs of (piece, is_marker): each invisible character becomes its marker.

    Joiners inside emoji sequences and joining scripts are kept as they are.
    """
    start = 0
    for found in INVISIBLE.finditer(text):
        index = found.start()
        if _is_script_joiner(text, index):
            continue
        if index > start:
            yield text[start:index], False
        yield marker(found.group()), True
        start = index + 1
    if start < len(text):
        yield text[start:], False


def reveal_invisible(text: str) -> str:
    """`text` with each invisible character replaced by its marker (`pay⟨ZWSP⟩pal.com`)."""
    if not INVISIBLE.search(text):
        return text
    return "".join(piece for piece, _ in invisible_segments(text))


def _strip_controls(text: str) -> str:
    """`clean_text` without removing bidi controls, which `visible_text` marks instead."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def visible_text(text: str) -> str:
    """Customer text for reading: controls stripped, invisible characters shown as markers."""
    return reveal_invisible(_strip_controls(text))


def visible_line(text: str) -> str:
    """`visible_text` folded onto one line."""
    return reveal_invisible(" ".join(_strip_controls(text).split()))


def displayable(text: str) -> str:
    """Cleaned text whose invisible characters are still there, for `invisible_segments` to mark."""
    return _strip_controls(text)


def displayable_line(text: str) -> str:
    """`displayable`, folded onto one line."""
    return " ".join(_strip_controls(text).split())


def strip_invisible(text: str) -> str:
    """`text` without its invisible characters: what a search compares, so `pay\\u200bpal` is `paypal`."""
    return INVISIBLE.sub("", text)


def cell_width(text: str) -> int:
    """Terminal cells `text` takes as shown: wide (CJK, emoji) characters count two, combining marks none,
    an invisible character its marker."""
    width = 0
    for character in text:
        if INVISIBLE.match(character):
            width += len(marker(character))
            continue
        if unicodedata.combining(character):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


def clamp(text: str, width: int, lines: int = 2, *, first_line_used: int = 0) -> str:
    """`text` cut to fit `lines` terminal lines of `width` cells, ending in "…" when cut.

    `first_line_used` is what already stands before it on the first line (a label). A little room is
    left for word wrapping, so the result wraps onto `lines` lines or fewer.
    """
    budget = max(width, 1) * max(lines, 1) - first_line_used
    budget -= (lines - 1) * max(width // 5, 1)  # words wrapped early leave the ends of lines empty
    budget = max(budget, 8)
    if len(text) <= budget // 2 or cell_width(text) <= budget:
        return text
    kept: list[str] = []
    used = 0
    for character in text:
        size = cell_width(character)
        if used + size > budget - 1:
            break
        kept.append(character)
        used += size
    return "".join(kept).rstrip() + "…"
