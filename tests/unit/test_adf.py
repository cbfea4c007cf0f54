"""ADF helpers: plain text in and out, and the rules Jira enforces."""

from __future__ import annotations

from frontline.connectors.atlassian.adf import adf_to_text, text_to_adf, validate_adf


def test_text_to_adf_paragraphs_and_hard_breaks() -> None:
    doc = text_to_adf("Hello\nworld\n\n\nSecond paragraph")
    assert doc["type"] == "doc" and doc["version"] == 1
    first, second = doc["content"]
    assert [n["type"] for n in first["content"]] == ["text", "hardBreak", "text"]
    assert second["content"] == [{"type": "text", "text": "Second paragraph"}]
    assert validate_adf(doc) == []


def test_text_to_adf_never_emits_empty_text_nodes() -> None:
    doc = text_to_adf("a\n\nb\n\n\n")
    texts = [n for p in doc["content"] for n in p["content"] if n["type"] == "text"]
    assert all(n["text"] for n in texts)
    assert validate_adf(text_to_adf("")) == []
    assert validate_adf(text_to_adf("line\n\nline2\r\n")) == []


def test_round_trip_keeps_the_text() -> None:
    text = "Line one\nline two\n\nParagraph [bold]two[/bold] \x1b[31m"
    assert adf_to_text(text_to_adf(text)) == text


def test_adf_to_text_tolerates_unknown_nodes_and_reads_rich_ones() -> None:
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Title"}]},
            {
                "type": "bulletList",
                "content": [
                    {
                        "type": "listItem",
                        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "one"}]}],
                    },
                ],
            },
            {
                "type": "paragraph",
                "content": [
                    {"type": "mention", "attrs": {"id": "abc", "text": "@Ada"}},
                    {"type": "futureNode", "content": [{"type": "text", "text": " hi"}]},
                    {"type": "inlineCard", "attrs": {"url": "https://x.example"}},
                ],
            },
            {"type": "somethingNew"},
            "garbage",
        ],
    }
    assert adf_to_text(doc) == "Title\n\n- one\n\n@Ada hihttps://x.example"
    assert adf_to_text(None) == ""
    assert adf_to_text("already text") == "already text"


def test_validate_adf_reports_what_jira_rejects() -> None:
    assert validate_adf("plain string")
    assert validate_adf({"type": "doc", "version": 1})
    empty_text = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
    }
    assert any("at least one character" in p for p in validate_adf(empty_text))
    inline_at_top = {"type": "doc", "version": 1, "content": [{"type": "text", "text": "x"}]}
    assert validate_adf(inline_at_top)
    marked_code = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "codeBlock", "content": [{"type": "text", "text": "x", "marks": [{"type": "strong"}]}]}
        ],
    }
    assert any("codeBlock" in p for p in validate_adf(marked_code))
    bad_link = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "x", "marks": [{"type": "link"}]}]}
        ],
    }
    assert validate_adf(bad_link)
