"""The sandbox's own ADF rules: what Jira accepts as rich text, and the plain text it keeps of it.

Checked against the client's codec too, so the sandbox and the client agree on what they exchange
without sharing code.
"""

from __future__ import annotations

from typing import Any

import pytest

from frontline.connectors.atlassian.adf import text_to_adf
from frontline.sandbox.atlassian.adf import document_problems, document_text, text_document


def doc(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": list(blocks)}


def para(*inlines: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(inlines)}


def text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def item(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "listItem", "content": list(blocks)}


@pytest.mark.parametrize(
    ("sample", "read_back"),
    [
        ("", ""),
        ("one line", "one line"),
        ("two\nlines", "two\nlines"),
        ("para one\n\npara two", "para one\n\npara two"),
        ("  indented\r\nwindows\r\n\r\n\n\nlast  ", "  indented\nwindows\n\nlast  "),
        ("\u202eexe", "\u202eexe"),
    ],
)
def test_plain_text_documents_match_the_clients_and_read_back(sample: str, read_back: str) -> None:
    document = text_document(sample)
    assert document == text_to_adf(sample)
    assert document_problems(document) == []
    assert document_text(document) == read_back


def test_a_rich_document_is_accepted_and_flattened() -> None:
    document = doc(
        {"type": "heading", "attrs": {"level": 2}, "content": [text("Impact")]},
        para(
            text("see ", {"type": "strong"}),
            text("docs", {"type": "link", "attrs": {"href": "https://x.example"}}, {"type": "em"}),
            {"type": "hardBreak"},
            {"type": "mention", "attrs": {"id": "abc", "text": "@Sam"}},
            text(" and "),
            {"type": "inlineCard", "attrs": {"url": "https://card.example"}},
        ),
        {
            "type": "bulletList",
            "content": [
                item(para(text("one")), {"type": "orderedList", "content": [item(para(text("deep")))]}),
                item(para(text("two"))),
            ],
        },
        {"type": "orderedList", "attrs": {"order": 3}, "content": [item(para(text("third")))]},
        {"type": "codeBlock", "attrs": {"language": "python"}, "content": [text("print(1)\nprint(2)")]},
        {"type": "blockquote", "content": [para(text("quoted"))]},
        {"type": "rule"},
    )
    assert document_problems(document) == []
    assert document_text(document) == (
        "Impact\n\nsee docs\n@Sam and https://card.example\n\n- one\n  1. deep\n- two\n\n3. third\n\n"
        "print(1)\nprint(2)\n\n> quoted\n\n---"
    )


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("plain string", "not an Atlassian document"),
        ({"type": "doc", "version": 2, "content": []}, "version must be 1"),
        ({"type": "paragraph", "version": 1, "content": []}, "root node"),
        ({"type": "doc", "version": 1}, "content array"),
        (doc(para(text(""))), "at least one character"),
        (doc(text("bare")), "'text' node is not allowed here"),
        (doc(item(para(text("x")))), "'listItem' node is not allowed here"),
        (doc({"type": "bulletList", "content": []}), "at least one child"),
        (
            doc({"type": "bulletList", "content": [item({"type": "bulletList", "content": []})]}),
            "not allowed",
        ),
        (doc({"type": "heading", "attrs": {"level": 7}, "content": []}), "heading level"),
        (doc({"type": "heading", "content": [text("x")]}), "attrs.level"),
        (doc({"type": "codeBlock", "content": [text("x", {"type": "strong"})]}), "cannot have marks"),
        (doc({"type": "codeBlock", "content": [{"type": "hardBreak"}]}), "text only"),
        (doc({"type": "rule", "content": [para(text("x"))]}), "has no content"),
        (doc(para({"type": "mention", "attrs": {}})), "attrs.id"),
        (doc(para({"type": "inlineCard", "attrs": {}})), "attrs.url"),
        (doc(para(text("x", {"type": "link"}))), "attrs.href"),
        (doc(para(text("x", {"type": "sparkle"}))), "unknown mark"),
        (doc(para(text("x", {"type": "em"}, {"type": "em"}))), "appears twice"),
        (doc(para(text("x", {"type": "code"}, {"type": "strong"}))), "combines with 'link' only"),
        (doc(para(text("x", {"type": "textColor", "attrs": {"color": "red"}}))), "#rrggbb"),
        (doc({"type": "paragraph", "marks": [{"type": "strong"}], "content": []}), "not allowed on"),
    ],
)
def test_what_jira_refuses(document: Any, problem: str) -> None:
    problems = document_problems(document)
    assert any(problem in found for found in problems), problems


def test_reading_never_fails_on_unknown_or_broken_nodes() -> None:
    odd = {"type": "doc", "content": [{"type": "futureNode", "content": [text("kept")]}, "junk", {"x": 1}]}
    assert document_text(odd) == "kept"
    assert document_text("not a document") == ""
    date = doc(para({"type": "date", "attrs": {"timestamp": "1767225600000"}}))
    assert document_text(date) == "2026-01-01"
