"""Make customer-written text safe for a terminal.

Ticket text is hostile input: it may carry ANSI/OSC escape sequences (which could retitle the terminal,
write to the clipboard or move the cursor), other C0/C1 control characters, or bidi overrides that
reorder what is shown. Everything rendered from a ticket passes through `clean_text` first and is then
shown as plain text (never parsed as Rich/Textual markup).
"""

from __future__ import annotations

import re

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
# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Strip terminal escape sequences and control characters, keeping newlines and tabs."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """`clean_text`, folded onto one line for table cells and headers."""
    return " ".join(clean_text(text).split())
