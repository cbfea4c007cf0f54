"""One conversation entry as a card: who wrote it (three unmistakable styles), when, and its body.

`CommentCard` is the public piece for "render one message" (the ticket screen and the queue's preview pane
use it). Customer messages, agent public replies and internal notes differ in label, border and
background, so they cannot be confused even without colour:

- `CUSTOMER · Grace Hopper` (solid border, `$message-customer`),
- `REPLY · Ada Agent · customer sees this` (rounded border, `$reply-public`),
- `INTERNAL NOTE · Ada Agent · customer does not see this` (dashed, `$note-internal` on its background).

Everything from the ticket is plain `Content` with invisible characters marked (`visible_text`). A huge
body is laid out lazily, one chunk per `BodyPart`: opening lays out only the first chunk, "Show more"
appends the next and says how much remains, "Show all" appends the rest a chunk at a time.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content, Span
from textual.widgets import Button, Static

from frontline.domain.messages import MessageKind, message_kind
from frontline.domain.models import Attachment, Comment, Ticket
from frontline.domain.moments import is_known
from frontline.domain.text import clamp, one_line, visible_line
from frontline.ui.screens.ticket_header import short_duration
from frontline.ui.visible_text import marked_text

__all__ = [
    "BodyPart",
    "CommentCard",
    "ShowAll",
    "ShowMore",
    "attachments_content",
    "chunk_end",
    "format_amount",
    "format_size",
    "local_time",
    "message_title",
    "short_duration",
]

FIRST_CHUNK_CHARS = 8_000
"""What a card lays out on opening: a 1 MB body opens as fast as a short one."""
MORE_CHUNK_CHARS = 40_000
"""What one "Show more" adds."""
CHUNK_LINES = 400
MATCH_STYLE = "reverse"
CURRENT_MATCH_STYLE = "bold reverse $accent"
AUTHOR_CELLS = 40

_TITLES = {
    MessageKind.CUSTOMER: "CUSTOMER · {author}",
    MessageKind.REPLY: "REPLY · {author} · customer sees this",
    MessageKind.NOTE: "INTERNAL NOTE · {author} · customer does not see this",
}


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def format_size(size: int | None) -> str:
    """An attachment's size: `512 B`, `2.0 KB`, `1.3 MB`."""
    if size is None:
        return "size unknown"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def format_amount(size: int) -> str:
    """How much of a body is hidden: `512 B`, `40 KB`, `980 KB`, `12.5 MB`; whole kilobytes up to 10 MB,
    so the count reads differently after every chunk shown."""
    if size < 1024:
        return f"{size} B"
    if size < 10 * 1024 * 1024:
        return f"{max(round(size / 1024), 1)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def message_title(comment: Comment, kind: MessageKind) -> str:
    """The card's label: kind, author (shortened), and who sees it."""
    author = one_line(comment.author.name) if comment.author else "unknown author"
    return _TITLES[kind].format(author=clamp(visible_line(author), AUTHOR_CELLS, 1))


def chunk_end(text: str, start: int, size: int) -> int:
    """Where a chunk from `start` ends (exclusive): at most `size` characters and CHUNK_LINES lines, just
    after a newline when there is one, so parts stack like the lines they hold."""
    end = min(len(text), start + size)
    newline_at = start
    for _ in range(CHUNK_LINES):
        newline_at = text.find("\n", newline_at + 1, end)
        if newline_at == -1:
            break
    else:
        return newline_at + 1
    if end < len(text):
        last_newline = text.rfind("\n", start + size // 2, end)
        if last_newline != -1:
            return last_newline + 1
    return end


class ShowMore(Button):
    """Reveals the next chunk of a long comment body."""


class ShowAll(Button):
    """Reveals the rest of a long comment body, a chunk at a time."""


class BodyPart(Static):
    """The characters `start:end` of a card's (marked) body."""

    def __init__(self, card: CommentCard, start: int, end: int) -> None:
        super().__init__(card.part_content(start, end), classes="comment-body")
        self.card = card
        self.start = start
        self.end = end

    def redraw(self) -> None:
        self.update(self.card.part_content(self.start, self.end))


class CommentCard(Vertical):
    """One comment: its kind and author in the border, time, warnings, body, attachments.

    Args:
        comment: the entry to show.
        now: for "3h ago".
        ticket: its ticket, to tell the requester's messages from agents' (None: by author role only).
    """

    DEFAULT_CSS = """
    CommentCard {
        height: auto;
        margin: 0 1 1 0;
        padding: 0 1;
        border-title-style: bold;
    }
    CommentCard.-customer {
        border: heavy $message-customer;
        border-title-color: $message-customer;
    }
    CommentCard.-public {
        border: round $reply-public;
        border-title-color: $reply-public;
    }
    CommentCard.-internal {
        border: dashed $note-internal;
        background: $note-internal-background;
        border-title-color: $note-internal;
        border-title-style: bold reverse;
    }
    CommentCard .comment-meta { color: $text-muted; height: auto; }
    CommentCard .comment-body { height: auto; }
    CommentCard .comment-attachments { height: auto; color: $text-muted; }
    CommentCard .comment-warning { height: auto; color: $text-warning; text-style: bold; }
    CommentCard .comment-more { height: auto; margin-top: 1; }
    CommentCard .comment-more Button { margin-right: 2; }
    """

    def __init__(self, comment: Comment, now: datetime, ticket: Ticket | None = None) -> None:
        self.kind = message_kind(comment, ticket)
        classes = {
            MessageKind.CUSTOMER: "-customer",
            MessageKind.REPLY: "-public",
            MessageKind.NOTE: "-internal",
        }
        super().__init__(classes=f"comment {classes[self.kind]}")
        self.comment = comment
        self.now = now
        self.full_body, self._marker_spans = marked_text(comment.body)
        self._marker_starts = [span.start for span in self._marker_spans]
        self.shown_chars = chunk_end(self.full_body, 0, FIRST_CHUNK_CHARS)
        self.matches: list[tuple[int, int]] = []
        self.current_match: tuple[int, int] | None = None
        self.title_text = message_title(comment, self.kind)
        self.border_title = Content(self.title_text)

    def compose(self) -> ComposeResult:
        author = self.comment.author
        name = clamp(visible_line(author.name), 60, 1) if author else "unknown author"
        role = f" ({one_line(author.role)})" if author and author.role else ""
        created = self.comment.created_at
        when = (
            f"{local_time(created)} ({short_duration(self.now - created)} ago)"
            if is_known(created)
            else "time unknown"
        )
        yield Static(Content(f"{name}{role} · {when}"), classes="comment-meta")
        if self.comment.warnings:
            warnings = " · ".join(one_line(warning) for warning in self.comment.warnings)
            yield Static(Content(f"⚠ {warnings}"), classes="comment-warning")
        if self.full_body:
            yield BodyPart(self, 0, self.shown_chars)
        else:
            yield Static(Content("(empty)"), classes="comment-body")
        if self.comment.attachments:
            yield Static(attachments_content(self.comment.attachments), classes="comment-attachments")
        if self.hidden_chars:
            with Horizontal(classes="comment-more"):
                yield ShowMore(self._show_more_label(), compact=True)
                yield ShowAll(self._show_all_label(), compact=True)

    @property
    def marker_spans(self) -> list[tuple[int, int]]:
        """Where the body's invisible-character markers (`⟨ZWSP⟩`) stand."""
        return [(span.start, span.end) for span in self._marker_spans]

    @property
    def hidden_chars(self) -> int:
        return len(self.full_body) - self.shown_chars

    def _next_end(self) -> int:
        return chunk_end(self.full_body, self.shown_chars, MORE_CHUNK_CHARS)

    def _show_more_label(self) -> Content:
        step = self._next_end() - self.shown_chars
        if step >= self.hidden_chars:
            return Content(f"Show the last {format_amount(self.hidden_chars)}")
        return Content(f"Show {format_amount(step)} more ({format_amount(self.hidden_chars)} hidden)")

    def _show_all_label(self) -> Content:
        return Content(f"Show all ({format_amount(self.hidden_chars)})")

    def part_content(self, start: int, end: int) -> Content:
        """The body's characters `start:end`: invisible characters marked, search matches highlighted."""
        text = self.full_body[start:end].removesuffix("\n")
        end = start + len(text)
        spans: list[Span] = []
        first = bisect_left(self._marker_starts, start)
        for span in self._marker_spans[first:]:
            if span.start >= end:
                break
            spans.append(Span(span.start - start, span.end - start, span.style))
        for match in self.matches:
            if match[1] > start and match[0] < end:
                style = CURRENT_MATCH_STYLE if match == self.current_match else MATCH_STYLE
                spans.append(Span(max(match[0], start) - start, min(match[1], end) - start, style))
        return Content(text, spans=spans)

    def show_more(self) -> None:
        """Append the next chunk; the buttons say what is left, and go when everything is shown."""
        if not self.hidden_chars:
            return
        end = self._next_end()
        part = BodyPart(self, self.shown_chars, end)
        self.shown_chars = end
        more = self.query(".comment-more")
        if more:
            self.mount(part, before=more.first())
        else:
            self.mount(part)
        self._update_buttons()

    def _update_buttons(self) -> None:
        more = self.query(".comment-more")
        if not self.hidden_chars:
            more.remove()
            return
        for button in self.query(ShowMore):
            button.label = self._show_more_label()
        for all_button in self.query(ShowAll):
            all_button.label = self._show_all_label()

    async def reveal_until(self, index: int) -> None:
        """Show chunks until the character at `index` is shown, yielding between chunks so the screen
        keeps answering."""
        while self.hidden_chars and self.shown_chars <= index:
            self.show_more()
            await asyncio.sleep(0)

    @work(group="show-all", exclusive=True, exit_on_error=False)
    async def show_all(self) -> None:
        """Append the rest of the body, one chunk at a time."""
        await self.reveal_until(len(self.full_body))

    def set_matches(self, matches: list[tuple[int, int]], current: tuple[int, int] | None) -> None:
        """Highlight search `matches` (offsets in the marked body); redraw only the parts that change."""
        changed = set(self.matches).symmetric_difference(matches)
        if current != self.current_match:
            changed.update(match for match in (current, self.current_match) if match is not None)
        self.matches = matches
        self.current_match = current
        for part in self.query(BodyPart):
            if any(stop > part.start and begin < part.end for begin, stop in changed):
                part.redraw()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, ShowMore):
            event.stop()
            self.show_more()
        elif isinstance(event.button, ShowAll):
            event.stop()
            self.show_all()


def attachments_content(attachments: tuple[Attachment, ...]) -> Content:
    lines = [
        " · ".join(
            (
                f"{'Inline image' if a.inline else 'Attachment'}: {visible_line(a.file_name)}",
                one_line(a.content_type or "unknown type"),
                format_size(a.size),
            )
        )
        for a in attachments
    ]
    return Content("\n".join(lines))
