"""Atlassian Document Format (ADF): plain text and Markdown in, text out, and the rules Jira enforces.

Jira platform v3 takes rich text (descriptions, comments) as ADF JSON, never as a string. These helpers
build the smallest valid document from plain text (or a structured one from Markdown, in
`atlassian.markdown`), read any document back as text (tolerating node types we do not know), and list
the rule violations the sandbox rejects the way Jira does.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.atlassian.markdown import markdown_to_adf

__all__ = ["adf_to_text", "markdown_to_adf", "text_to_adf", "validate_adf"]

BLOCK_NODES = frozenset(
    {
        "paragraph",
        "heading",
        "bulletList",
        "orderedList",
        "listItem",
        "codeBlock",
        "blockquote",
        "rule",
        "panel",
        "table",
        "tableRow",
        "tableHeader",
        "tableCell",
        "mediaSingle",
        "mediaGroup",
        "media",
        "expand",
        "nestedExpand",
        "blockCard",
        "embedCard",
    }
)
INLINE_NODES = frozenset(
    {"text", "hardBreak", "emoji", "inlineCard", "date", "status", "mention", "mediaInline"}
)
MARKS = frozenset(
    {"strong", "em", "code", "strike", "underline", "link", "subsup", "textColor", "backgroundColor"}
)
_TEXT_CONTAINERS = frozenset({"paragraph", "heading", "codeBlock"})
_LEAF_NODES = frozenset({"rule", "hardBreak", "emoji", "inlineCard", "date", "status", "mention", "media"})


def text_to_adf(text: str) -> dict[str, Any]:
    """A document with one paragraph per blank-line-separated block and hardBreaks for single newlines."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[dict[str, Any]] = []
    for block in _split_blocks(normalized):
        content: list[dict[str, Any]] = []
        for index, line in enumerate(block.split("\n")):
            if index:
                content.append({"type": "hardBreak"})
            if line:
                content.append({"type": "text", "text": line})
        paragraphs.append({"type": "paragraph", "content": content})
    return {"type": "doc", "version": 1, "content": paragraphs}


def _split_blocks(text: str) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def adf_to_text(doc: Any) -> str:
    """Plain text of a document: blocks separated by blank lines, hardBreaks as newlines.

    Unknown nodes contribute their children's text (or their `attrs.text`/`attrs.url`), never an error:
    Jira adds node types over time and a reader must not break on them.
    """
    if isinstance(doc, str):
        return doc
    if not isinstance(doc, dict):
        return ""
    return "\n\n".join(part for part in _blocks_text(doc.get("content")) if part).strip("\n")


def _blocks_text(content: Any, depth: int = 0) -> list[str]:
    if not isinstance(content, list):
        return []
    parts: list[str] = []
    for node in content:
        if not isinstance(node, dict):
            continue
        kind = _kind(node)
        if kind in ("bulletList", "orderedList"):
            children = node.get("content")
            items = [n for n in children if isinstance(n, dict)] if isinstance(children, list) else []
            lines = []
            for number, item in enumerate(items, start=1):
                bullet = f"{number}." if kind == "orderedList" else "-"
                text = "\n".join(_blocks_text(item.get("content"), depth + 1))
                lines.append("  " * depth + f"{bullet} {text}")
            parts.append("\n".join(lines))
        elif kind == "rule":
            parts.append("---")
        elif kind in BLOCK_NODES or kind == "doc" or _has_block_children(node):
            if _has_block_children(node):
                parts.append("\n\n".join(p for p in _blocks_text(node.get("content"), depth) if p))
            else:
                parts.append(_inline_text(node.get("content")))
        else:
            parts.append(_inline_text([node]))
    return parts


def _kind(node: dict[str, Any]) -> str | None:
    """A node's `type`, if it is a string (a garbled document may hold anything there)."""
    kind = node.get("type")
    return kind if isinstance(kind, str) else None


def _has_block_children(node: dict[str, Any]) -> bool:
    children = node.get("content")
    return isinstance(children, list) and any(
        isinstance(child, dict) and _kind(child) in BLOCK_NODES for child in children
    )


def _inline_text(content: Any) -> str:
    if not isinstance(content, list):
        return ""
    out: list[str] = []
    for node in content:
        if not isinstance(node, dict):
            continue
        kind = _kind(node)
        raw_attrs = node.get("attrs")
        attrs = raw_attrs if isinstance(raw_attrs, dict) else {}
        if kind == "text":
            out.append(str(node.get("text") or ""))
        elif kind == "hardBreak":
            out.append("\n")
        elif kind in ("mention", "emoji", "status"):
            out.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif kind in ("inlineCard", "blockCard", "embedCard"):
            out.append(str(attrs.get("url") or ""))
        elif kind == "date":
            out.append(str(attrs.get("timestamp") or ""))
        else:
            out.append(_inline_text(node.get("content")))
    return "".join(out)


def validate_adf(doc: Any) -> list[str]:
    """Every rule violation in `doc`, as readable messages; an empty list means Jira would accept it."""
    if not isinstance(doc, dict):
        return ["the value is not an Atlassian Document (a JSON object with type 'doc')"]
    problems: list[str] = []
    if doc.get("type") != "doc":
        problems.append("the top-level node must have type 'doc'")
    if doc.get("version") != 1:
        problems.append("the document must have version 1")
    content = doc.get("content")
    if not isinstance(content, list):
        problems.append("the document must have a content array")
        return problems
    for index, node in enumerate(content):
        _check_node(node, f"content[{index}]", problems, block=True)
    return problems


def _check_node(node: Any, where: str, problems: list[str], *, block: bool, in_code: bool = False) -> None:
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        problems.append(f"{where}: a node must be an object with a type")
        return
    kind = node["type"]
    allowed = BLOCK_NODES if block else INLINE_NODES
    if kind not in allowed:
        problems.append(f"{where}: '{kind}' is not allowed here")
        return
    if kind == "text":
        _check_text(node, where, problems, in_code=in_code)
        return
    if kind == "heading":
        level = (node.get("attrs") or {}).get("level") if isinstance(node.get("attrs"), dict) else None
        if level not in (1, 2, 3, 4, 5, 6):
            problems.append(f"{where}: heading needs attrs.level between 1 and 6")
    if kind == "mention" and not isinstance((node.get("attrs") or {}).get("id"), str):
        problems.append(f"{where}: mention needs attrs.id")
    children = node.get("content")
    if kind in _LEAF_NODES:
        return
    if children is None:
        if kind in _TEXT_CONTAINERS:
            return
        problems.append(f"{where}: '{kind}' needs a content array")
        return
    if not isinstance(children, list):
        problems.append(f"{where}: content must be an array")
        return
    inline_children = kind in _TEXT_CONTAINERS
    for index, child in enumerate(children):
        _check_node(
            child,
            f"{where}.content[{index}]",
            problems,
            block=not inline_children,
            in_code=kind == "codeBlock",
        )


def _check_text(node: dict[str, Any], where: str, problems: list[str], *, in_code: bool) -> None:
    text = node.get("text")
    if not isinstance(text, str) or not text:
        problems.append(f"{where}: a text node needs at least one character")
    marks = node.get("marks")
    if marks is None:
        return
    if in_code and marks:
        problems.append(f"{where}: text inside a codeBlock cannot have marks")
    if not isinstance(marks, list):
        problems.append(f"{where}: marks must be an array")
        return
    for mark in marks:
        kind = mark.get("type") if isinstance(mark, dict) else None
        if not isinstance(kind, str) or kind not in MARKS:
            problems.append(f"{where}: unknown mark {kind!r}")
        elif kind == "link" and not isinstance((mark.get("attrs") or {}).get("href"), str):
            problems.append(f"{where}: a link mark needs attrs.href")
