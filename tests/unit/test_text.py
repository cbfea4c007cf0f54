from __future__ import annotations

import pytest

from frontline.domain.text import clean_text, one_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("title\x1b]0;pwned\x07 after", "title after"),
        ("clip\x1b]52;c;ZXZpbA==\x1b\\board", "clipboard"),
        ("wipe\x1b[2Jscreen", "wipescreen"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("c1 \x9b31m csi", "c1  csi"),
        ("rtl \u202eevil\u202c", "rtl evil"),
        ("keep\ttabs\nand lines", "keep\ttabs\nand lines"),
        ("crlf\r\nline", "crlf\nline"),
        ("[bold red]markup stays literal[/]", "[bold red]markup stays literal[/]"),
        ("שלום עולם مرحبا 你好 🎉", "שלום עולם مرحبا 你好 🎉"),
    ],
)
def test_clean_text_strips_terminal_controls(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_one_line_folds_whitespace() -> None:
    assert one_line("  a\n\nb\t c \x1b[1m") == "a b c"
