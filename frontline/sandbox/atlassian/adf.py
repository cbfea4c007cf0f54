"""Atlassian Document Format (ADF) as the fake Jira reads it: which documents it accepts, and their text.

Written from the ADF JSON schema (http://go.atlassian.com/adf-json-schema), not shared with the client's
codec in `frontline.connectors`: checking the client with its own code would hide a bug both share.
The rules kept are the ones Jira enforces on `description`, `environment` and comment bodies: a `doc` of
version 1, each node only where the schema allows it, non-empty text, marks with their attributes and no
marks inside code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_BLOCKS = frozenset(
    {
        "paragraph",
        "heading",
        "bulletList",
        "orderedList",
        "codeBlock",
        "blockquote",
        "rule",
        "panel",
        "expand",
        "table",
        "mediaSingle",
        "mediaGroup",
        "blockCard",
        "embedCard",
    }
)
_INLINES = frozenset({"text", "hardBreak", "mention", "inlineCard", "emoji", "date", "status"})
_QUOTE_BLOCKS = frozenset(
    {"paragraph", "bulletList", "orderedList", "codeBlock", "mediaSingle", "mediaGroup"}
)
_LIST_ITEM_FIRST = frozenset({"paragraph", "mediaSingle", "codeBlock"})
_LIST_ITEM_REST = _LIST_ITEM_FIRST | {"bulletList", "orderedList"}
_PANEL_BLOCKS = frozenset({"paragraph", "heading", "bulletList", "orderedList", "codeBlock", "rule"})
_CELL_BLOCKS = _BLOCKS - {"table", "expand"}


@dataclass(frozen=True)
class _NodeRule:
    """Where a node's children come from, and whether it needs at least one."""

    children: frozenset[str] = frozenset()
    """Allowed child types; empty for a leaf."""
    at_least_one: bool = False
    required_attrs: tuple[str, ...] = ()
    block_marks: frozenset[str] = frozenset()


_RULES: dict[str, _NodeRule] = {
    "paragraph": _NodeRule(_INLINES, block_marks=frozenset({"alignment", "indentation"})),
    "heading": _NodeRule(
        _INLINES, required_attrs=("level",), block_marks=frozenset({"alignment", "indentation"})
    ),
    "bulletList": _NodeRule(frozenset({"listItem"}), at_least_one=True),
    "orderedList": _NodeRule(frozenset({"listItem"}), at_least_one=True),
    "listItem": _NodeRule(_LIST_ITEM_REST, at_least_one=True),
    "codeBlock": _NodeRule(frozenset({"text"}), block_marks=frozenset({"breakout"})),
    "blockquote": _NodeRule(_QUOTE_BLOCKS, at_least_one=True),
    "rule": _NodeRule(),
    "panel": _NodeRule(_PANEL_BLOCKS, at_least_one=True, required_attrs=("panelType",)),
    "expand": _NodeRule(_BLOCKS - {"expand"}, at_least_one=True),
    "table": _NodeRule(frozenset({"tableRow"}), at_least_one=True),
    "tableRow": _NodeRule(frozenset({"tableHeader", "tableCell"}), at_least_one=True),
    "tableHeader": _NodeRule(_CELL_BLOCKS, at_least_one=True),
    "tableCell": _NodeRule(_CELL_BLOCKS, at_least_one=True),
    "mediaSingle": _NodeRule(frozenset({"media"}), at_least_one=True),
    "mediaGroup": _NodeRule(frozenset({"media"}), at_least_one=True),
    "media": _NodeRule(required_attrs=("id", "type")),
    "blockCard": _NodeRule(required_attrs=("url",)),
    "embedCard": _NodeRule(required_attrs=("url",)),
    "hardBreak": _NodeRule(),
    "mention": _NodeRule(required_attrs=("id",)),
    "inlineCard": _NodeRule(),
    "emoji": _NodeRule(required_attrs=("shortName",)),
    "date": _NodeRule(required_attrs=("timestamp",)),
    "status": _NodeRule(required_attrs=("text", "color")),
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PLAIN_MARKS = frozenset({"strong", "em", "strike", "underline", "code"})


# ---------------------------------------------------------------------------------------------- checking


def document_problems(value: Any) -> list[str]:
    """Every reason Jira would refuse `value` as a rich-text field; empty when it would accept it."""
    if not isinstance(value, dict):
        return ["not an Atlassian document: expected a JSON object with type 'doc'"]
    problems: list[str] = []
    if value.get("type") != "doc":
        problems.append("the root node must be of type 'doc'")
    if value.get("version") != 1:
        problems.append("the document version must be 1")
    content = value.get("content")
    if not isinstance(content, list):
        problems.append("the document needs a content array")
        return problems
    for index, child in enumerate(content):
        _check(child, _BLOCKS, f"doc.content[{index}]", problems)
    return problems


def _check(node: Any, allowed: frozenset[str], path: str, problems: list[str]) -> None:
    node_type = node.get("type") if isinstance(node, dict) else None
    if not isinstance(node_type, str):
        problems.append(f"{path}: a node is an object with a string 'type'")
        return
    if node_type not in allowed:
        problems.append(f"{path}: a '{node_type}' node is not allowed here")
        return
    if node_type == "text":
        problems.extend(f"{path}: {problem}" for problem in _text_problems(node, in_code=False))
        return
    rule = _RULES[node_type]
    attrs = node.get("attrs")
    if attrs is not None and not isinstance(attrs, dict):
        problems.append(f"{path}: attrs must be an object")
        attrs = {}
    problems.extend(f"{path}: {problem}" for problem in _attr_problems(node_type, rule, attrs or {}))
    problems.extend(f"{path}: {problem}" for problem in _block_mark_problems(node, rule))
    content = node.get("content")
    if not rule.children:
        if content not in (None, []):
            problems.append(f"{path}: a '{node_type}' node has no content")
        return
    if content is None and not rule.at_least_one:
        return
    if not isinstance(content, list):
        problems.append(f"{path}: content must be an array")
        return
    if rule.at_least_one and not content:
        problems.append(f"{path}: a '{node_type}' node needs at least one child")
    for index, child in enumerate(content):
        where = f"{path}.content[{index}]"
        if node_type == "codeBlock":
            if isinstance(child, dict) and child.get("type") == "text":
                problems.extend(f"{where}: {problem}" for problem in _text_problems(child, in_code=True))
            else:
                problems.append(f"{where}: a codeBlock holds text only")
        elif node_type == "listItem" and index == 0:
            _check(child, _LIST_ITEM_FIRST, where, problems)
        else:
            _check(child, rule.children, where, problems)


def _attr_problems(node_type: str, rule: _NodeRule, attrs: dict[str, Any]) -> list[str]:
    problems = [f"'{node_type}' needs attrs.{name}" for name in rule.required_attrs if name not in attrs]
    if node_type == "heading" and "level" in attrs and attrs["level"] not in range(1, 7):
        problems.append("a heading level is 1 to 6")
    if node_type == "mention" and "id" in attrs and not isinstance(attrs["id"], str):
        problems.append("a mention id is a string")
    if node_type == "inlineCard" and not isinstance(attrs.get("url"), str) and "data" not in attrs:
        problems.append("an inlineCard needs attrs.url or attrs.data")
    if node_type == "orderedList" and "order" in attrs:
        order = attrs["order"]
        if not isinstance(order, int) or isinstance(order, bool) or order < 0:
            problems.append("an orderedList order is a whole number from 0")
    if (
        node_type == "codeBlock"
        and attrs.get("language") is not None
        and not isinstance(attrs["language"], str)
    ):
        problems.append("a codeBlock language is a string")
    return problems


def _block_mark_problems(node: dict[str, Any], rule: _NodeRule) -> list[str]:
    marks = node.get("marks")
    if marks is None:
        return []
    if not isinstance(marks, list):
        return ["marks must be an array"]
    kinds = [mark.get("type") if isinstance(mark, dict) else None for mark in marks]
    return [
        f"a '{kind}' mark is not allowed on '{node['type']}'"
        for kind in kinds
        if kind not in rule.block_marks
    ]


def _text_problems(node: dict[str, Any], *, in_code: bool) -> list[str]:
    problems: list[str] = []
    text = node.get("text")
    if not isinstance(text, str) or not text:
        problems.append("a text node needs at least one character")
    marks = node.get("marks")
    if marks is None:
        return problems
    if not isinstance(marks, list):
        return [*problems, "marks must be an array"]
    if in_code and marks:
        return [*problems, "text in a codeBlock cannot have marks"]
    kinds: list[str] = []
    for mark in marks:
        kind = mark.get("type") if isinstance(mark, dict) else None
        if not isinstance(kind, str):
            problems.append("a mark is an object with a string 'type'")
            continue
        problem = _mark_problem(kind, mark.get("attrs"))
        if problem:
            problems.append(problem)
        if kind in kinds:
            problems.append(f"the '{kind}' mark appears twice")
        kinds.append(kind)
    if "code" in kinds and set(kinds) - {"code", "link"}:
        problems.append("the 'code' mark combines with 'link' only")
    return problems


def _mark_problem(kind: str, attrs: Any) -> str | None:
    attrs = attrs if isinstance(attrs, dict) else {}
    if kind in _PLAIN_MARKS:
        return None
    if kind == "link":
        return None if isinstance(attrs.get("href"), str) else "a link mark needs attrs.href"
    if kind == "subsup":
        return None if attrs.get("type") in ("sub", "sup") else "a subsup mark's type is 'sub' or 'sup'"
    if kind in ("textColor", "backgroundColor"):
        colour = attrs.get("color")
        ok = isinstance(colour, str) and _COLOUR.match(colour)
        return None if ok else f"a {kind} mark needs a #rrggbb colour"
    return f"unknown mark '{kind}'"


# ---------------------------------------------------------------------------------------------- text


def document_text(document: Any) -> str:
    """The plain text Jira shows for a document: blocks apart by a blank line, hardBreaks as newlines.

    Never fails: a node it does not know gives the text of its children.
    """
    if not isinstance(document, dict):
        return ""
    blocks = [text for text in (_block_text(node) for node in _children(document)) if text]
    return "\n\n".join(blocks).strip("\n")


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    content = node.get("content")
    return [child for child in content if isinstance(child, dict)] if isinstance(content, list) else []


def _block_text(node: dict[str, Any], depth: int = 0) -> str:
    node_type = node.get("type")
    if node_type in ("bulletList", "orderedList"):
        order = _attr(node, "order")
        first = int(order) if order.isdigit() else 1
        lines = []
        for number, item in enumerate(_children(node), start=first):
            bullet = f"{number}." if node_type == "orderedList" else "-"
            body = "\n".join(_block_text(child, depth + 1) for child in _children(item))
            lines.append(f"{'  ' * depth}{bullet} {body}")
        return "\n".join(lines)
    if node_type == "rule":
        return "---"
    if node_type == "blockquote":
        inner = "\n\n".join(_block_text(child, depth) for child in _children(node))
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    if node_type in ("paragraph", "heading", "codeBlock"):
        return "".join(_inline_text(child) for child in _children(node))
    if node_type in _INLINES:
        return _inline_text(node)
    if node_type in ("blockCard", "embedCard"):
        return _attr(node, "url")
    return "\n\n".join(text for text in (_block_text(child, depth) for child in _children(node)) if text)


def _inline_text(node: dict[str, Any]) -> str:
    node_type = node.get("type")
    if node_type == "text":
        text = node.get("text")
        return text if isinstance(text, str) else ""
    if node_type == "hardBreak":
        return "\n"
    if node_type == "mention":
        account = _attr(node, "id")
        return _attr(node, "text") or (f"@{account}" if account else "")
    if node_type == "inlineCard":
        return _attr(node, "url")
    if node_type == "emoji":
        return _attr(node, "text") or _attr(node, "shortName")
    if node_type == "status":
        return _attr(node, "text")
    if node_type == "date":
        return _date_text(_attr(node, "timestamp"))
    return "".join(_inline_text(child) for child in _children(node))


def _attr(node: dict[str, Any], name: str) -> str:
    attrs = node.get("attrs")
    value = attrs.get(name) if isinstance(attrs, dict) else None
    return str(value) if value is not None else ""


def _date_text(timestamp: str) -> str:
    """A `date` node holds epoch milliseconds; Jira shows the day."""
    try:
        return datetime.fromtimestamp(int(timestamp) / 1000, UTC).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, OSError):
        return timestamp


# ---------------------------------------------------------------------------------------------- building


def text_document(text: str) -> dict[str, Any]:
    """The document for plain text: a paragraph per run of non-blank lines, a hardBreak per newline.

    The sandbox stores seeded descriptions and JSM comments as text; the platform API shows them as this.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return {"type": "doc", "version": 1, "content": [_paragraph(paragraph) for paragraph in paragraphs]}


def _paragraph(lines: list[str]) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        if index:
            content.append({"type": "hardBreak"})
        content.append({"type": "text", "text": line})
    return {"type": "paragraph", "content": content}
