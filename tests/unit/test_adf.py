"""ADF helpers: plain text and Markdown in, text out, and the rules Jira enforces."""

from __future__ import annotations

import random
from typing import Any

from frontline.connectors.atlassian.adf import adf_to_text, markdown_to_adf, text_to_adf, validate_adf
from frontline.sandbox.atlassian.adf import document_problems


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


# --- Markdown in ----------------------------------------------------------------------------------------


def md(text: str) -> list[dict[str, Any]]:
    """The blocks of `markdown_to_adf(text)`, after checking the document as Jira (the sandbox's
    independent checker) and the client's own validator would."""
    doc = markdown_to_adf(text)
    assert document_problems(doc) == [] and validate_adf(doc) == []
    return list(doc["content"])


def texts(node: dict[str, Any]) -> list[str]:
    if node.get("type") == "text":
        return [node["text"]]
    return [t for child in node.get("content", []) for t in texts(child)]


def test_markdown_headings_paragraphs_and_hard_breaks() -> None:
    blocks = md("# Title\n\nfirst line\nsecond line\n\n###### Six ###\n#hashtag\n####### seven")
    assert blocks[0] == {
        "type": "heading",
        "attrs": {"level": 1},
        "content": [{"type": "text", "text": "Title"}],
    }
    assert [n["type"] for n in blocks[1]["content"]] == ["text", "hardBreak", "text"]
    assert blocks[2]["attrs"] == {"level": 6} and texts(blocks[2]) == ["Six"]
    assert blocks[3]["type"] == "paragraph" and texts(blocks[3]) == ["#hashtag", "####### seven"]


def test_markdown_quotes_hold_only_what_jira_allows_in_them() -> None:
    (quote,) = md("> ## Heading in a quote\n> text\n>\n> > nested\n> - item\n> ```\n> code\n> ```")
    assert quote["type"] == "blockquote"
    kinds = [block["type"] for block in quote["content"]]
    assert kinds == ["paragraph", "paragraph", "paragraph", "bulletList", "codeBlock"]
    assert quote["content"][0]["content"][0]["marks"] == [{"type": "strong"}]
    assert texts(quote["content"][2]) == ["nested"]
    assert md(">\n>") == []


def test_markdown_lists_nest_and_number() -> None:
    bullets, numbers = md("- one\n  continued\n- two\n  - nested *em*\n-\n\n3. three\n4) four")
    assert bullets["type"] == "bulletList" and len(bullets["content"]) == 3
    first, second, empty = bullets["content"]
    assert [n["type"] for n in first["content"][0]["content"]] == ["text", "hardBreak", "text"]
    assert [b["type"] for b in second["content"]] == ["paragraph", "bulletList"]
    assert empty["content"] == [{"type": "paragraph", "content": []}]
    assert numbers["type"] == "orderedList" and numbers["attrs"] == {"order": 3}
    assert [texts(item) for item in numbers["content"]] == [["three"], ["four"]]
    assert [b["type"] for b in md("- a\n---\n* b")] == ["bulletList", "rule", "bulletList"]
    assert md("***")[0] == {"type": "rule"}


def test_markdown_code_blocks_keep_their_text_without_marks() -> None:
    fenced, tilde, indented, empty = md(
        "```python\ndef f(**kw): *x*\n\n    `y`\n```\n~~~\n[not](https://link)\n~~~\n\n"
        "    indented\n\tmore\n\n```\n```"
    )
    assert fenced["attrs"] == {"language": "python"}
    assert fenced["content"] == [{"type": "text", "text": "def f(**kw): *x*\n\n    `y`"}]
    assert tilde["content"] == [{"type": "text", "text": "[not](https://link)"}]
    assert indented["content"] == [{"type": "text", "text": "indented\nmore"}]
    assert "content" not in empty
    (unclosed,) = md("```\nnever closed\n## still code")
    assert texts(unclosed) == ["never closed\n## still code"]


def test_markdown_links_and_marks() -> None:
    (paragraph,) = md(
        "See [the **docs**](https://x.example/a_(b)) or <https://y.example>, https://z.example/p?q=1. "
        "[bad](javascript:alert(1)) **bold `code`** *em* \\*not em\\* snake_case_name 2 * 3 * 4"
    )
    nodes = paragraph["content"]
    link = {"type": "link", "attrs": {"href": "https://x.example/a_(b"}}
    assert {
        "type": "text",
        "text": "docs",
        "marks": [{"type": "strong"}, link],
    } not in nodes  # no nested parens
    links = [n for n in nodes if any(m["type"] == "link" for m in n.get("marks", []))]
    assert [n["text"] for n in links][-2:] == ["https://y.example", "https://z.example/p?q=1"]
    code = next(n for n in nodes if n["text"] == "code")
    assert code["marks"] == [{"type": "code"}]  # code combines with link only
    assert any(n["text"] == "em" and n["marks"] == [{"type": "em"}] for n in nodes)
    flat = "".join(texts(paragraph))
    assert "[bad](javascript:alert(1))" in flat and "*not em*" in flat and "snake_case_name 2 * 3 * 4" in flat


def test_markdown_link_text_keeps_its_marks_and_the_marker_stays_text() -> None:
    (paragraph, marker) = md("[`api` docs](https://x.example)\n\n<!-- frontline:zendesk:acme:35436 -->")
    href = {"type": "link", "attrs": {"href": "https://x.example"}}
    assert paragraph["content"] == [
        {"type": "text", "text": "api", "marks": [{"type": "code"}, href]},
        {"type": "text", "text": " docs", "marks": [href]},
    ]
    assert marker["content"] == [{"type": "text", "text": "<!-- frontline:zendesk:acme:35436 -->"}]


def test_markdown_never_emits_an_invalid_document() -> None:
    rng = random.Random(7)
    alphabet = ["#", "##", ">", "-", "*", "**", "`", "```", "~~~", "[", "]", "(", ")", "<", ">", "\\", "_"]
    alphabet += [
        "1.",
        "    ",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "a",
        "word",
        "https://x.example",
        "---",
        "\x00",
    ]
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        doc = markdown_to_adf(text)
        assert document_problems(doc) == [], (text, doc)
    assert markdown_to_adf("") == {"type": "doc", "version": 1, "content": []}
    assert markdown_to_adf("a\r\nb") == markdown_to_adf("a\nb")
