"""How Zendesk shows a comment whose `body` was written in Markdown (the `markdown` mode).

Zendesk formats a Markdown `body`: `html_body` is the formatted HTML and `plain_body` its text, without the
markup (`**Fixed** in [v2](https://...)` reads "Fixed in v2"), while `body` stays as sent. A client that
compares what it sent with `plain_body` finds a difference. The HTML comes from markdown-it (CommonMark,
installed with Textual); the text follows the HTML's blocks, one line each.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
_PARAGRAPHS = frozenset({"p", "pre", "blockquote", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
"""Blocks followed by a blank line; other blocks (`li`, `div`, `tr`) end their line only."""
_LINES = frozenset({"li", "div", "tr"})


def markdown_html(body: str) -> str:
    """The comment's `html_body`: its Markdown formatted, inside Zendesk's comment `div`."""
    return f'<div class="zd-comment" dir="auto">{_RENDERER.render(body).strip()}</div>'


def plain_text(markup: str) -> str:
    """The comment's `plain_body`: the text of `markup`, one line per block, markup gone."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Text(HTMLParser):
    """Text of an HTML body: block ends and `<br>` become newlines, everything else is dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in _LINES:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self._pre else data.replace("\n", " "))
