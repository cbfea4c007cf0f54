"""`/` on the ticket screen: find text inside the conversation, huge collapsed bodies included.

Type and press enter: every match is highlighted and the first one from the top of the view is scrolled
to; enter or down goes to the next, up (or shift+enter) to the previous, escape closes and clears. The
search runs over each card's whole body, shown or not, and a match in a collapsed part of a huge body
shows the chunks up to it (a chunk at a time, so the screen keeps answering).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Input, Static

from frontline.domain.text import INVISIBLE, strip_invisible
from frontline.ui.screens.conversation import BodyPart, CommentCard

MAX_MATCHES = 10_000
"""Enough to step through; more would only slow highlighting down."""

Match = tuple[CommentCard, int, int]


def searchable(body: str, hidden: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """`body` without the `hidden` spans (invisible-character markers) or any invisible character left in
    it, and the runs that map it back: (offset in the result, offset in `body`) where each run starts."""
    removed = sorted([*hidden, *((found.start(), found.end()) for found in INVISIBLE.finditer(body))])
    if not removed:
        return body, [(0, 0)]
    pieces: list[str] = []
    runs: list[tuple[int, int]] = []
    kept = position = 0
    for start, end in removed:
        if start > position:
            runs.append((kept, position))
            pieces.append(body[position:start])
            kept += start - position
        position = max(position, end)
    runs.append((kept, position))
    pieces.append(body[position:])
    return "".join(pieces), runs


def _original(runs: list[tuple[int, int]], index: int) -> int:
    """Where the searchable text's character `index` stands in the body."""
    kept, original = runs[bisect_right(runs, index, key=lambda run: run[0]) - 1]
    return original + index - kept


def find_matches(cards: list[CommentCard], query: str) -> list[Match]:
    """Case-insensitive matches of `query` in each card's whole body, in conversation order.

    Invisible format characters are ignored on both sides (as the queue filter ignores them), so
    "paypal" finds `pay\u200bpal.com`; the match then spans the character's marker.
    """
    query = strip_invisible(query)
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    found: list[Match] = []
    for card in cards:
        text, runs = searchable(card.full_body, card.marker_spans)
        for match in pattern.finditer(text):
            start = _original(runs, match.start())
            found.append((card, start, _original(runs, match.end() - 1) + 1))
            if len(found) >= MAX_MATCHES:
                return found
    return found


def lines_before(text: str, width: int) -> int:
    """Screen lines `text` takes before its end when wrapped at `width` (an estimate: character wrap)."""
    width = max(width, 1)
    lines = text.split("\n")
    full = sum(max(1, -(-cell_len(line) // width)) for line in lines[:-1])
    return full + cell_len(lines[-1]) // width


class ConversationSearch(Horizontal):
    """The search line above the conversation; hidden until `/`."""

    DEFAULT_CSS = """
    ConversationSearch { height: auto; display: none; padding: 0 1; background: $panel; }
    ConversationSearch.-visible { display: block; }
    ConversationSearch Input { width: 1fr; }
    ConversationSearch #search-status { width: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close search", id="ticket.search-close"),
        Binding("down", "step(1)", "Next match", id="ticket.search-next"),
        Binding("up,shift+enter", "step(-1)", "Previous match", id="ticket.search-previous"),
    ]

    def __init__(self, conversation: VerticalScroll) -> None:
        super().__init__(id="conversation-search", disabled=True)  # disabled: never focused while hidden
        self.conversation = conversation
        self.query_text = ""
        self.matches: list[Match] = []
        self.position: int | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search this conversation · enter next · up previous", compact=True)
        yield Static(id="search-status")

    def open(self) -> None:
        self.disabled = False
        self.add_class("-visible")
        self.query_one(Input).focus()

    def action_close(self) -> None:
        self.clear()
        self.remove_class("-visible")
        self.disabled = True
        self.conversation.focus()

    def clear(self) -> None:
        """Drop the highlights (the cards may be gone: a reload replaces them)."""
        for card in {match[0] for match in self.matches}:
            if card.is_attached:
                card.set_matches([], None)
        self.matches = []
        self.position = None
        self.query_text = ""
        self._say("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value != self.query_text or not self.matches:
            self.search(event.value)
        else:
            self.action_step(1)

    def search(self, query: str) -> None:
        """Highlight every match of `query` and go to the first at or below the top of the view."""
        self.clear()
        self.query_text = query
        cards = list(self.conversation.query(CommentCard))
        self.matches = find_matches(cards, query)
        if not self.matches:
            self._say("no matches" if query else "")
            return
        by_card: dict[CommentCard, list[tuple[int, int]]] = {}
        for card, start, end in self.matches:
            by_card.setdefault(card, []).append((start, end))
        for card, spans in by_card.items():
            card.set_matches(spans, None)
        top = self.conversation.content_region.y
        first = next((i for i, m in enumerate(self.matches) if m[0].region.bottom > top), 0)
        self.go_to(first)

    def action_step(self, step: int) -> None:
        if not self.matches:
            return
        position = 0 if self.position is None else (self.position + step) % len(self.matches)
        self.go_to(position)

    def go_to(self, position: int) -> None:
        """Make match `position` the current one: show its chunk, highlight it, scroll to it."""
        if self.position is not None:
            old_card = self.matches[self.position][0]
            old_card.set_matches(old_card.matches, None)
        self.position = position
        card, start, end = self.matches[position]
        card.set_matches(card.matches, (start, end))
        more = "+" if len(self.matches) >= MAX_MATCHES else ""
        self._say(f"{position + 1} of {len(self.matches)}{more}")
        self.run_worker(self._reveal(card, start, end), group="conversation-search", exclusive=True)

    async def _reveal(self, card: CommentCard, start: int, end: int) -> None:
        await card.reveal_until(end)
        self.call_after_refresh(self._scroll_to_match, card, start)

    def _scroll_to_match(self, card: CommentCard, start: int) -> None:
        part = next((p for p in card.query(BodyPart) if p.start <= start < p.end), None)
        if part is None or not card.is_attached:
            return
        offset = lines_before(card.full_body[part.start : start], part.size.width)
        conversation = self.conversation
        y = int(conversation.scroll_y) + part.region.y - conversation.content_region.y + offset
        conversation.scroll_to_region(Region(0, y, 1, 1), center=True, animate=False, force=True)

    def _say(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Content(text))
