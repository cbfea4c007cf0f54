"""Jira wiki markup as JSM renders a comment for the customer (`renderedBody`), and the text they then see.

JSM keeps servicedeskapi comment bodies as Jira wiki text. This renderer covers what turns typed text into
something else: `{noformat}`/`{code}` blocks (verbatim), backslash escapes, `*bold*`, `_emphasis_`,
`-deleted-`, `+inserted+`, `^sup^`, `~sub~`, `??citation??`, `{{monospace}}`, `{macro}` (unknown ones show
"Unknown macro"), `[links]`, `!images!`, headings (`h1.`), quotes (`bq.`), lists (`*`, `#`, `-`), tables
(`|`), rules (`----`), dashes (`--`, `---`), `\\\\` line breaks and emoticons (`:)`, `(x)`, `(i)` ...).
`visible_text` reads the HTML back the way a browser shows it (runs of spaces collapse outside `<pre>`).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = re.compile(r"\{(noformat|code)(?::[^}\n]*)?\}(.*?)\{\1\}", re.DOTALL)
_URL = re.compile(r"https?://[^\s\[\]{}|<>\"\\]+")
_EFFECTS = {"*": "b", "_": "em", "-": "del", "+": "ins", "^": "sup", "~": "sub"}
_EMOTICONS = (
    ":)", ":(", ":P", ":D", ";)", "(y)", "(n)", "(i)", "(/)", "(x)", "(!)", "(+)", "(-)", "(?)", "(on)",
    "(off)", "(*r)", "(*g)", "(*b)", "(*y)", "(*)", "(flagoff)", "(flag)",
)  # fmt: skip
_HEADING = re.compile(r"h([1-6])\. ")
_LIST = re.compile(r"([*#-]+) ")
_MACROS = {"color", "quote", "panel", "anchor"}


def render(text: str) -> str:
    """The HTML a customer gets for a wiki `text`."""
    parts: list[str] = []
    position = 0
    for match in _BLOCK.finditer(text):
        parts += _paragraphs(text[position : match.start()])
        body = match.group(2).removeprefix("\n").removesuffix("\n")
        parts.append(f"<pre>{html.escape(body, quote=False)}</pre>")
        position = match.end()
    parts += _paragraphs(text[position:])
    return "".join(parts)


def _paragraphs(text: str) -> list[str]:
    blocks = []
    for paragraph in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines = paragraph.split("\n")
        if not any(line.strip() for line in lines):
            continue
        blocks.append(_paragraph(lines))
    return blocks


def _paragraph(lines: list[str]) -> str:
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.append("<p>" + "<br/>".join(prose) + "</p>")
            prose.clear()

    for line in lines:
        stripped = line.lstrip()
        heading, listed = _HEADING.match(stripped), _LIST.match(stripped)
        if heading:
            flush()
            out.append(f"<h{heading.group(1)}>{_inline(stripped[heading.end() :])}</h{heading.group(1)}>")
        elif stripped.startswith("bq. "):
            flush()
            out.append(f"<blockquote>{_inline(stripped[4:])}</blockquote>")
        elif stripped.strip() == "----":
            flush()
            out.append("<hr/>")
        elif listed:
            flush()
            tag = "ol" if listed.group(1).endswith("#") else "ul"
            out.append(f"<{tag}><li>{_inline(stripped[listed.end() :])}</li></{tag}>")
        elif stripped.startswith("|"):
            flush()
            cells = [c for c in re.split(r"\|\|?", stripped.strip()) if c]
            out.append("<table><tr>" + "".join(f"<td>{_inline(c)}</td>" for c in cells) + "</tr></table>")
        else:
            prose.append(_inline(line))
    flush()
    return "".join(out)


def _inline(text: str) -> str:
    """One line of wiki text as HTML."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        rest = text[i:]
        if char == "\\":
            if rest.startswith("\\\\"):
                out.append("<br/>")
                i += 2
            elif len(rest) > 1 and not rest[1].isalnum() and not rest[1].isspace():
                out.append(html.escape(rest[1]))
                i += 2
            else:
                out.append("\\")
                i += 1
            continue
        url = _URL.match(text, i)
        if url and (i == 0 or not text[i - 1].isalnum()):
            link = html.escape(url.group(0))
            out.append(f'<a href="{link}">{link}</a>')
            i = url.end()
            continue
        emoticon = next((e for e in _EMOTICONS if rest.startswith(e)), None)
        if emoticon:
            out.append(f'<img class="emoticon" alt="{html.escape(emoticon)}"/>')
            i += len(emoticon)
            continue
        if rest.startswith("{{") and (end := text.find("}}", i + 2)) > i + 2:
            out.append(f"<tt>{html.escape(text[i + 2 : end])}</tt>")
            i = end + 2
            continue
        if char == "{" and (end := text.find("}", i + 1)) > i:
            name = text[i + 1 : end].split(":", 1)[0]
            if name not in _MACROS:
                out.append(f'<span class="error">Unknown macro: {{{html.escape(name)}}}</span>')
            i = end + 1
            continue
        if char == "[" and (end := text.find("]", i + 1)) > i:
            label, _, target = text[i + 1 : end].rpartition("|")
            target = target or label
            out.append(f'<a href="{html.escape(target)}">{html.escape(label or target)}</a>')
            i = end + 1
            continue
        if rest.startswith("---") or rest.startswith("--"):
            long = rest.startswith("---")
            out.append("&mdash;" if long else "&ndash;")
            i += 3 if long else 2
            continue
        effect = _effect(text, i)
        if effect is not None:
            tag, end, width = effect
            inner = text[i + width : end]
            if tag == "img":
                out.append(f'<img src="{html.escape(inner)}"/>')
            else:
                out.append(f"<{tag}>{_inline(inner)}</{tag}>")
            i = end + width
            continue
        out.append(html.escape(char))
        i += 1
    return "".join(out)


def _effect(text: str, i: int) -> tuple[str, int, int] | None:
    """(tag, where the closing mark starts, mark width) when a text effect or an image opens at `i`."""
    if text.startswith("??", i):
        mark, tag = "??", "cite"
    elif text[i] == "!":
        mark, tag = "!", "img"
    elif text[i] in _EFFECTS:
        mark, tag = text[i], _EFFECTS[text[i]]
    else:
        return None
    width = len(mark)
    opens = (i == 0 or not text[i - 1].isalnum()) and i + width < len(text)
    if not opens or text[i + width].isspace():
        return None
    search = i + width + 1
    while (end := text.find(mark, search)) != -1:
        after = end + width
        if not text[end - 1].isspace() and (after >= len(text) or not text[after].isalnum()):
            return tag, end, width
        search = end + 1
    return None


class _Reader(HTMLParser):
    _BLOCKS = frozenset({"p", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.in_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.current.append("\n")
        elif tag == "pre":
            self.in_pre = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            text = "".join(self.current)
            if not self.in_pre:
                lines = (" ".join(line.split()) for line in text.split("\n"))
                text = "\n".join(lines).strip("\n")
            self.blocks.append(text)
            self.current = []
            self.in_pre = False

    def handle_data(self, data: str) -> None:
        self.current.append(data)


def visible_text(rendered: str) -> str:
    """What a customer reads in the rendered HTML: blocks apart by a blank line, spaces collapsed outside
    `<pre>`, images and emoticons gone."""
    reader = _Reader()
    reader.feed(rendered)
    reader.close()
    if reader.current:
        reader.handle_endtag("p")
    return "\n\n".join(block for block in reader.blocks if block)
