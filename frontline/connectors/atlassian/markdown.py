"""Markdown to Atlassian Document Format, for bug reports and comments filed in Jira.

Covers what frontline's bug reports use: `#` headings, paragraphs (a single newline is a hardBreak, as
the reports are line-oriented), `> ` quotes, `-`/`1.` lists with nesting, fenced or indented code (text
only: Jira refuses marks in a codeBlock), `---` rules, links (`[text](url)`, `<url>`, bare URLs; only
http(s) and mailto), `**strong**`, `*em*` and `` `code` ``. Anything else, an HTML comment marker
included, stays text. Jira's rules are kept: no empty text node, `code` combines with `link` only, and
a quote or list item holds only paragraphs, lists and code (a heading there becomes a strong paragraph).
"""

from __future__ import annotations

import re
from typing import Any

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ ]?(.*)$")
_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|(?P<ticks>`+)(?P<code>.+?)(?P=ticks)"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>(?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)"
    r"|<(?P<auto>(?:https?|mailto):[^>\s]+)>"
    r"|(?P<url>https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])"
    r"|\*\*(?=\S)(?P<strong>.+?)(?<=\S)\*\*"
    r"|\*(?=[^\s*])(?P<em>.+?)(?<=[^\s*])\*"
)
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:)\S+$", re.IGNORECASE)

MAX_DEPTH = 8
"""Quotes and lists nested deeper than this become plain paragraphs (no recursion without end)."""

Node = dict[str, Any]


def markdown_to_adf(markdown: str) -> dict[str, Any]:
    """A valid ADF document for `markdown` (see the module docstring for what is understood)."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return {"type": "doc", "version": 1, "content": _md_blocks(lines, depth=0)}


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _starts_block(line: str) -> bool:
    return any(p.match(line) for p in (_FENCE, _HEADING, _RULE, _QUOTE, _ITEM))


def _md_blocks(lines: list[str], *, depth: int) -> list[Node]:
    """Block nodes for `lines`. Nested (`depth` > 0: in a quote or list item), only paragraphs, lists
    and code; deeper than `MAX_DEPTH`, paragraphs only."""
    nested = depth > 0
    out: list[Node] = []
    paragraph: list[str] = []
    if depth > MAX_DEPTH:
        blocks = "\n".join(line.strip() for line in lines).split("\n\n")
        return [
            {"type": "paragraph", "content": _md_lines(b.strip("\n").split("\n"))}
            for b in blocks
            if b.strip()
        ]

    def flush() -> None:
        if paragraph:
            out.append({"type": "paragraph", "content": _md_lines(paragraph)})
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        fence, heading, item = _FENCE.match(line), _HEADING.match(line), _ITEM.match(line)
        if not line.strip():
            flush()
            index += 1
        elif fence:
            flush()
            end = next(
                (j for j in range(index + 1, len(lines)) if lines[j].strip().startswith(fence[1])), None
            )
            body = lines[index + 1 : end]
            out.append(_code_block(body, fence[2]))
            index = len(lines) if end is None else end + 1
        elif not paragraph and _indent(line) >= 4:
            end = index
            while end < len(lines) and (_indent(lines[end]) >= 4 or not lines[end].strip()):
                end += 1
            out.append(_code_block([raw.expandtabs(4)[4:] for raw in lines[index:end]], ""))
            index = end
        elif heading or _RULE.match(line):
            flush()
            text = (heading[2] or "").strip() if heading else ""
            if heading and text and not nested:
                out.append(
                    {"type": "heading", "attrs": {"level": len(heading[1])}, "content": _md_inline(text)}
                )
            elif heading and text:
                out.append({"type": "paragraph", "content": _marked(_md_inline(text), {"type": "strong"})})
            elif not nested and not heading:
                out.append({"type": "rule"})
            index += 1
        elif _QUOTE.match(line):
            flush()
            quoted: list[str] = []
            while index < len(lines) and (match := _QUOTE.match(lines[index])):
                quoted.append(match[1])
                index += 1
            inner = _md_blocks(quoted, depth=depth + 1)
            if nested:
                out += inner
            elif inner:
                out.append({"type": "blockquote", "content": inner})
        elif item:
            flush()
            index = _md_list(lines, index, out, depth)
        else:
            paragraph.append(line)
            index += 1
    flush()
    return out


def _md_list(lines: list[str], index: int, out: list[Node], depth: int) -> int:
    """Parse the list starting at `lines[index]` into `out`; return the index after it."""
    first = _ITEM.match(lines[index])
    assert first is not None
    ordered = first[2][0].isdigit()
    node: Node = {"type": "orderedList" if ordered else "bulletList", "content": []}
    if ordered and int(first[2][:-1]) != 1:
        node["attrs"] = {"order": int(first[2][:-1])}
    while index < len(lines) and (match := _ITEM.match(lines[index])) and match[2][0].isdigit() == ordered:
        if match[2][0] in "-*+" and _RULE.match(lines[index]):
            break
        base = len(match[1])
        body = [match[3] or ""]
        index += 1
        while index < len(lines):
            line = lines[index]
            if not line.strip():
                following = next((j for j in range(index, len(lines)) if lines[j].strip()), len(lines))
                if following == len(lines) or _indent(lines[following]) < base + 2:
                    break
                body += [""] * (following - index)
                index = following
                continue
            if _indent(line) >= base + 2:
                body.append(line.expandtabs(4)[min(_indent(line), base + 2) :])
            elif _starts_block(line):
                break
            else:
                body.append(line.strip())
            index += 1
        blocks = _md_blocks(body, depth=depth + 1) or [{"type": "paragraph", "content": []}]
        if blocks[0]["type"] not in ("paragraph", "codeBlock"):
            blocks.insert(0, {"type": "paragraph", "content": []})
        node["content"].append({"type": "listItem", "content": blocks})
    out.append(node)
    return index


def _code_block(lines: list[str], language: str) -> Node:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    lines = lines[:end]
    node: Node = {"type": "codeBlock", "attrs": {"language": language or "text"}}
    text = "\n".join(lines)
    if text:
        node["content"] = [{"type": "text", "text": text}]
    return node


def _md_lines(lines: list[str]) -> list[Node]:
    content: list[Node] = []
    for number, line in enumerate(lines):
        if number:
            content.append({"type": "hardBreak"})
        content += _md_inline(line.strip())
    return content


def _md_inline(text: str) -> list[Node]:
    """Inline nodes for one line: text with marks, adjacent runs with the same marks merged."""
    nodes: list[Node] = []
    position = 0
    for match in _INLINE.finditer(text):
        nodes += _text(text[position : match.start()])
        position = match.end()
        kind = match.lastgroup
        if kind == "escaped":
            nodes += _text(match["escaped"])
        elif kind == "code":
            nodes += _text(match["code"], {"type": "code"})
        elif kind == "href" and _SAFE_HREF.match(match["href"]):
            nodes += _marked(_md_inline(match["label"]), {"type": "link", "attrs": {"href": match["href"]}})
        elif kind in ("auto", "url"):
            nodes += _text(match[kind], {"type": "link", "attrs": {"href": match[kind]}})
        elif kind in ("strong", "em"):
            nodes += _marked(_md_inline(match[kind]), {"type": kind})
        else:
            nodes += _text(match[0])
    nodes += _text(text[position:])
    merged: list[Node] = []
    for node in nodes:
        previous = merged[-1] if merged else None
        if (
            previous
            and node["type"] == previous["type"] == "text"
            and node.get("marks") == previous.get("marks")
        ):
            previous["text"] += node["text"]
        else:
            merged.append(node)
    return merged


def _text(text: str, mark: Node | None = None) -> list[Node]:
    if not text:
        return []
    return [{"type": "text", "text": text, "marks": [mark]}] if mark else [{"type": "text", "text": text}]


def _marked(nodes: list[Node], mark: Node) -> list[Node]:
    """`nodes` with `mark` added (Jira's `code` combines with `link` only, so it wins over the rest)."""
    for node in nodes:
        if node["type"] != "text":
            continue
        marks = node.get("marks", [])
        has_code = any(m["type"] == "code" for m in marks)
        if all(m["type"] != mark["type"] for m in marks) and (not has_code or mark["type"] == "link"):
            node["marks"] = [*marks, dict(mark)]
    return nodes
