"""Plain text <-> the Jira wiki text JSM keeps comment bodies in, so the customer sees what was typed.

JSM renders a servicedeskapi comment body as wiki markup: a pasted log's `*`, `_`, `{`, `[` would turn into
bold, italics, "Unknown macro" boxes and links. `to_wiki` therefore sends:

- a Markdown code fence (```` ``` ````) as a `{noformat}` block, without the fences;
- a paragraph whose spacing or backslashes matter (an indented line, a tab, a run of spaces, a `\\`, an
  emoticon such as `(x)` or `(i)`) as a `{noformat}` block, verbatim;
- any other paragraph with each character that could start markup escaped with a backslash (`\\*`): always
  `{ } [ ] |`; `* _ + ^ ~ -` unless between letters or digits (`snake_case`, `e-mail`, `2026-11-23`,
  `reply+status`: there they cannot open or close an effect); `?` in `??`; `!` before a non-space; `#` and
  `h1.`/`bq.` at a line's start. URLs are left whole (Jira links them).

Smileys (`:)`, `:D`) are left alone: the customer sees the smiley icon. `from_wiki` reads a body back as
the plain text it stands for (blocks unwrapped, escapes dropped); other markup is left as it is.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^```[^\n`]*\n(.*?)\n?^```[ \t]*$", re.DOTALL | re.MULTILINE)
_URL = re.compile(r"https?://[^\s\[\]{}|<>\"\\]+")
_ALWAYS = frozenset("{}[]|")
_EFFECTS = frozenset("*_+^~-")
_EMOTICON = re.compile(r"\((?:y|n|i|/|x|!|\+|-|\?|on|off|\*[rgby]?|flag|flagoff)\)")
_VERBATIM = re.compile(r"(^[ \t])|\t|\S {2,}\S|\\", re.MULTILINE)
_LINE_START = re.compile(r"^(h[1-6]|bq)\.")
_BLOCK = re.compile(r"\{(noformat|code)(?::[^}\n]*)?\}\n?(.*?)\n?\{\1\}", re.DOTALL)
_ESCAPE = re.compile(r"\\([^\w\s\\]|_)")


def to_wiki(text: str) -> str:
    """Wiki text that JSM renders as `text` (code fences become blocks); see the module docstring."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    position = 0
    for fence in _FENCE.finditer(text):
        parts += _paragraphs(text[position : fence.start()])
        parts.append(_block(fence.group(1)))
        position = fence.end()
    parts += _paragraphs(text[position:])
    return "\n\n".join(part for part in parts if part)


def from_wiki(body: str) -> str:
    """The plain text a wiki body stands for: `{noformat}`/`{code}` blocks unwrapped, `\\X` escapes
    dropped; other markup stays as written."""
    parts: list[str] = []
    position = 0
    for block in _BLOCK.finditer(body):
        parts.append(_ESCAPE.sub(r"\1", body[position : block.start()]))
        parts.append(block.group(2))
        position = block.end()
    parts.append(_ESCAPE.sub(r"\1", body[position:]))
    return "".join(parts)


def _paragraphs(text: str) -> list[str]:
    out = []
    for paragraph in re.split(r"\n[ \t]*\n", text.strip("\n")):
        paragraph = "\n".join(line.rstrip() for line in paragraph.split("\n")).strip("\n")
        if not paragraph.strip():
            continue
        verbatim = _VERBATIM.search(paragraph) or _EMOTICON.search(paragraph)
        out.append(_block(paragraph) if verbatim else _escape_paragraph(paragraph))
    return out


def _block(text: str) -> str:
    """`text` shown exactly as it is, in a box; a text that would close the box is escaped instead."""
    if "{noformat}" not in text:
        return "{noformat}\n" + text + "\n{noformat}"
    if "{code" not in text:
        return "{code}\n" + text + "\n{code}"
    return _escape_paragraph(text)


def _escape_paragraph(paragraph: str) -> str:
    return "\n".join(_escape_line(line) for line in paragraph.split("\n"))


def _escape_line(line: str) -> str:
    out: list[str] = []
    position = 0
    for url in _URL.finditer(line):
        if url.start() > 0 and line[url.start() - 1].isalnum():
            continue
        out.append(_escape_text(line, position, url.start()))
        out.append(url.group(0))
        position = url.end()
    out.append(_escape_text(line, position, len(line)))
    escaped = "".join(out)
    if escaped.startswith("#"):
        escaped = "\\" + escaped
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\.", escaped)


def _escape_text(line: str, start: int, end: int) -> str:
    """`line[start:end]` with markup characters escaped (neighbours are read from the whole line)."""
    out: list[str] = []
    for index in range(start, end):
        char = line[index]
        before = line[index - 1] if index > 0 else ""
        after = line[index + 1] if index + 1 < len(line) else ""
        if (
            char in _ALWAYS
            or (char in _EFFECTS and not (before.isalnum() and after.isalnum()))
            or (char == "?" and "?" in (before, after))
            or (char == "!" and after != "" and not after.isspace())
        ):
            out.append("\\")
        out.append(char)
    return "".join(out)
