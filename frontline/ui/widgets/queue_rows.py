"""Building the queue's lines: column layout, the header and one ticket row as a `Strip`, with caches.

Rows are cached by content (ticket, cursor, marker, countdown text), so a page of known rows costs a
few dict lookups. When the list is plain (no border, padding or effects) and every line filter only
maps each segment's style, the styles are mapped through the filters once and rows come out ready for
the compositor. Ticket text arrives cleaned (`QueueModel.row_text`) and becomes plain Segments, never
markup; widths are measured in terminal cells so CJK and emoji stay aligned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import ANSIToTruecolor, DimFilter, LineFilter, Monochrome, NoColor
from textual.strip import Strip

from frontline.domain.models import Ticket
from frontline.domain.presentation import format_age, format_sla
from frontline.domain.queue import QueueModel
from frontline.domain.queue_sort import sort_arrow

BugCell = Callable[[Ticket, int], "str | None"]
"""The `bug` cell of a ticket for a width (the escalation links), or None for the helpdesk's own link."""


@dataclass(frozen=True)
class Column:
    """One column: its cell width when there is room, and whether it is dropped first when narrow."""

    name: str
    title: str
    width: int
    drop_rank: int = 0  # 0 = always shown; higher ranks are dropped first


COLUMNS: tuple[Column, ...] = (
    Column("key", "id", 6),
    Column("priority", "prio", 8, drop_rank=5),
    Column("status", "status", 7),
    Column("sla", "sla", 9),  # "✗ -23h59m": the glyph says breached or at risk without colour
    Column("subject", "subject", 20),
    Column("requester", "requester", 18, drop_rank=4),
    Column("organization", "organization", 16, drop_rank=2),
    Column("assignee", "assignee", 14, drop_rank=3),
    Column("age", "updated", 9, drop_rank=6),  # time since the last update: what both time sorts use
    Column("linked_bug", "bug", 10, drop_rank=1),
)
TITLES = {column.name: column.title for column in COLUMNS}
CLOCK_COLUMNS = frozenset({"sla", "age"})  # formatted at paint time: they count down
UNIQUE_COLUMNS = frozenset({"key", "subject"})  # one ticket's own: the other cells repeat across rows
MAX_CACHED_ROWS = 1_500  # ~30 pages; every cached row is objects a full GC collection walks
SORTED_COLUMN = {"id": "key", "updated": "age"}
"""Sort modes named differently from their column (the others share the column's name)."""
MARKERS = {"new": "●", "changed": "◆", "waiting": "✉", "handoff": "⚑"}
MARKER_CLASSES = {marker: f"queue--marker-{marker}" for marker in MARKERS}
SLA_CLASSES = {state: f"queue--sla-{state}" for state in ("breached", "at-risk", "ok", "paused")}
MARK = "✓"
"""A ticket marked for a bulk action: in the gap after the new/changed marker, a column of its own."""
# Line filters that map each segment's style on its own: rows can be built with pre-mapped styles.
STYLE_MAP_FILTERS = (ANSIToTruecolor, DimFilter, Monochrome, NoColor)


def fit(text: str, width: int) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` terminal cells."""
    if width <= 0:
        return ""
    if text.isascii():
        if len(text) <= width:
            return text.ljust(width)
        return text[: width - 1] + "…"
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, width - 1) + "…"


def layout_columns(width: int, key_width: int, status_width: int = 0) -> list[tuple[str, int]]:
    """Column widths for a list `width` cells wide: drop optional columns until subject has room. The
    status column grows (up to 22 cells) for the account's own status names (`status_width`)."""
    widths = {column.name: column.width for column in COLUMNS}
    widths["key"] = min(max(key_width, 5), 14)
    widths["status"] = min(max(status_width, widths["status"]), 22)
    shown = list(COLUMNS)
    min_subject = COLUMNS[4].width

    def spare() -> int:
        fixed = sum(widths[c.name] for c in shown if c.name != "subject")
        return width - 2 - fixed - len(shown)  # marker + gap, then one gap per column

    for column in sorted((c for c in COLUMNS if c.drop_rank), key=lambda c: c.drop_rank):
        if spare() >= min_subject:
            break
        shown.remove(column)
    widths["subject"] = max(spare(), 1)
    return [(column.name, widths[column.name]) for column in shown]


class RowRenderer:
    """The header and ticket rows of one `QueueList`, with the caches that make repaints cheap.

    `styles` maps "" (plain), "cursor:" and each component class, with and without the "cursor:"
    prefix, to a resolved Rich style; the widget resolves them (that needs the DOM) and hands them in.
    """

    def __init__(self) -> None:
        self.styles: dict[str, Style] = {}
        self._row_styles: dict[str, Style] = {}
        self._by_cursor: tuple[dict[str, Style], dict[str, Style]] = ({}, {})
        """`_row_styles` by component class ("" plain), off the cursor and on it: no key made per cell."""
        self._mode: tuple[object, ...] | None = None
        self._styles_mode: tuple[object, ...] | None = None  # what `_row_styles` were mapped for
        self._header: tuple[tuple[object, ...], Strip] | None = None
        self._gutter: tuple[int, Style | None] = (0, None)  # scrollbar columns after each row, fill
        self._column_cache: tuple[tuple[int, int, int], list[tuple[str, int]]] | None = None
        self._used = 0
        self._cells: dict[int, tuple[list[str | None], str | None]] = {}
        self._strips: dict[tuple[object, ...], Strip] = {}
        self._fitted: dict[tuple[str, int], str] = {}
        self._owner: tuple[QueueModel, int] | None = None
        self.marked: set[str] = set()
        """Ids of the tickets marked for a bulk action (the list's own set, shared)."""
        self.bug_cell: BugCell | None = None
        """Set by the queue when the profile escalates; call `forget` when the links change."""

    # -- cache control ---------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Styles and a row mode are set: rows can be built (and prefetched)."""
        return bool(self.styles) and self._mode is not None

    @property
    def prefiltered(self) -> bool:
        """Rows come out already through the line filters (see `set_mode`)."""
        return self._mode is not None and bool(self._mode[0])

    def set_styles(self, styles: dict[str, Style]) -> None:
        """New resolved styles (CSS, theme or focus changed): forget every built row."""
        self.styles = styles
        self._set_row_styles(styles)
        self._mode = self._styles_mode = self._header = None
        self._strips.clear()

    def set_mode(
        self, plain: bool, filters: Sequence[LineFilter], background: Color, gutter: int, fill: Style
    ) -> None:
        """Choose the styles rows are built with; a change forgets every cached row.

        When the list is plain and every line filter only maps each segment's style (as Textual's
        truecolor, dim, monochrome and no-colour filters do), the styles are mapped through the
        filters once here instead of filtering every new row.
        """
        prefilter = plain and all(type(f) in STYLE_MAP_FILTERS for f in filters)
        mode = (prefilter, tuple(filters), background, gutter, fill)
        if mode == self._mode:
            return
        self._mode = mode
        self._strips.clear()

        def mapped(style: Style) -> Style:
            if not prefilter:
                return style
            segments = [Segment(" ", style)]
            for line_filter in filters:
                segments = line_filter.apply(segments, background)
            return segments[0].style or style

        # The scrollbar coming or going (the gutter) changes only the fill: the styles stay mapped.
        if mode[:3] != self._styles_mode:
            self._styles_mode = mode[:3]
            self._set_row_styles({name: mapped(style) for name, style in self.styles.items()})
        self._gutter = (gutter, mapped(fill))

    def _set_row_styles(self, styles: dict[str, Style]) -> None:
        self._row_styles = styles
        on_cursor = {name[7:]: style for name, style in styles.items() if name.startswith("cursor:")}
        off_cursor = {name: style for name, style in styles.items() if not name.startswith("cursor:")}
        self._by_cursor = (off_cursor, on_cursor)

    @property
    def filters(self) -> tuple[tuple[LineFilter, ...], Color | None]:
        """The line filters a row still needs after `row` (none when prefiltered), and their background."""
        mode = self._mode
        if mode is None or mode[0]:
            return (), None
        return mode[1], mode[2]  # type: ignore[return-value]

    def check_owner(self, model: QueueModel) -> None:
        """Forget rendered rows when they may belong to other tickets (another model, a reload)."""
        owner = self._owner
        if owner is None or owner[0] is not model or owner[1] != model.generation:
            self._cells.clear()
            self._strips.clear()
            self._owner = (model, model.generation)

    def forget_row(self, model: QueueModel, index: int) -> None:
        """Ticket `index` of `model` changed in place."""
        self._cells.pop(index, None)
        self._strips.clear()
        self._owner = (model, model.generation)

    def forget_layout(self) -> None:
        self._column_cache = None

    def forget(self) -> None:
        """Drop every cached row."""
        self._cells.clear()
        self._strips.clear()
        self._fitted.clear()

    # -- building --------------------------------------------------------------------------------------

    def columns(self, width: int, model: QueueModel) -> list[tuple[str, int]]:
        cache_key = (width, model.key_width, model.status_width)
        if self._column_cache is None or self._column_cache[0] != cache_key:
            columns = layout_columns(width, model.key_width, model.status_width)
            self._column_cache = (cache_key, columns)
            self._used = sum(cell_width + 1 for _, cell_width in columns) + 2
            self._cells.clear()
            self._strips.clear()
        return self._column_cache[1]

    def header(self, model: QueueModel, width: int) -> Strip:
        columns = self.columns(width, model)
        key = (width, model.key_width, model.status_width, model.sort_mode, model.sort_reverse)
        if self._header is not None and self._header[0] == key:
            return self._header[1]
        sorted_column = SORTED_COLUMN.get(model.sort_mode, model.sort_mode)
        arrow = sort_arrow(model.sort_mode, model.sort_reverse)
        parts = ["  "]
        for name, cell_width in columns:
            title = TITLES[name]
            if name == sorted_column:  # the arrow stays visible: the title gives way, not the arrow
                room = title if len(title) + 2 <= cell_width else title[: max(cell_width - 2, 0)]
                title = f"{room} {arrow}"
            parts.append(fit(title, cell_width))
            parts.append(" ")
        text = fit("".join(parts), width)
        strip = Strip([Segment(text, self.styles["queue--header"])], width)
        self._header = (key, strip)
        return strip

    def empty(self, text: str, width: int) -> Strip:
        return Strip([Segment(fit(" " + text, width), self.styles["queue--empty"])], width)

    def row(self, model: QueueModel, position: int, cursor: int, now: datetime, width: int) -> Strip:
        """One ticket line, cached until its ticket, marker, countdown text, layout or styles change."""
        index = model.visible[position]
        ticket = model.tickets[index]
        marker = model.seen.marker(ticket)
        sla_text, sla_state = format_sla(ticket.sla, now)
        age_text = format_age(ticket.updated_at, now)
        is_cursor = position == cursor
        marked = ticket.id in self.marked
        key = (index, is_cursor, marker, sla_text, sla_state, age_text, marked)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > MAX_CACHED_ROWS:
                self._strips.clear()
            strip = self._build(model, position, width, marker, is_cursor, sla_text, sla_state, age_text)
            if marked:
                mark = Strip([Segment(MARK, self._row_styles["cursor:" if is_cursor else ""])], 1)
                strip = Strip.join([strip.crop(0, 1), mark, strip.crop(2)])
            self._strips[key] = strip
        return strip

    def _cells_of(
        self, model: QueueModel, position: int, columns: list[tuple[str, int]]
    ) -> tuple[list[str | None], str | None]:
        """The cells of the ticket at `position` fitted to their columns, each with the gap after it
        (None for the columns that tick, formatted at paint time), and the component class of its
        priority when it is urgent or high."""
        index = model.visible[position]
        cached = self._cells.get(index)
        if cached is not None:
            return cached
        if len(self._cells) > MAX_CACHED_ROWS:
            self._cells.clear()
        row = model.row_text(position)
        fitted = self._fitted
        if len(fitted) > MAX_CACHED_ROWS:
            fitted.clear()
        cells: list[str | None] = []
        for name, cell_width in columns:
            if name in CLOCK_COLUMNS:
                cells.append(None)
                continue
            text = getattr(row, name)
            if name in UNIQUE_COLUMNS:  # caching these would only evict the others
                cells.append(fit(text, cell_width) + " ")
                continue
            if name == "linked_bug" and self.bug_cell is not None:
                text = self.bug_cell(model.tickets[index], cell_width) or text
            # Names, orgs, statuses repeat across thousands of rows: fit each once.
            cell = fitted.get((text, cell_width))
            if cell is None:
                cell = fitted[(text, cell_width)] = fit(text, cell_width) + " "
            cells.append(cell)
        priority = model.tickets[index].priority
        urgent = f"queue--priority-{priority.value}" if priority is not None and priority.rank <= 1 else None
        cached = self._cells[index] = (cells, urgent)
        return cached

    def _build(
        self,
        model: QueueModel,
        position: int,
        width: int,
        marker: str | None,
        is_cursor: bool,
        sla_text: str,
        sla_state: str,
        age_text: str,
    ) -> Strip:
        """Neighbouring cells of the same style are merged into one Segment (fewer segments to filter).

        The gap after a cell takes the cell's style: only colours and bold differ, invisible on a space.
        """
        columns = self.columns(width, model)
        cells, urgent = self._cells_of(model, position, columns)
        styles = self._by_cursor[is_cursor]
        plain = run_style = styles[""]
        segments: list[Segment] = []
        if marker is None:
            run_text, subject_style = "  ", plain
        else:
            segments.append(Segment(MARKERS[marker], styles[MARKER_CLASSES[marker]]))
            run_text, subject_style = " ", styles["queue--unseen"]
        for (name, cell_width), text in zip(columns, cells, strict=True):
            if text is None:  # a column that ticks
                if name == "sla":
                    text = fit(sla_text, cell_width) + " "
                    style = plain if sla_state == "none" else styles[SLA_CLASSES[sla_state]]
                else:
                    text = fit(age_text, cell_width) + " "
                    style = styles["queue--muted"]
            elif name == "subject":
                style = subject_style
            elif name == "priority" and urgent is not None:
                style = styles[urgent]
            else:
                style = plain
            if style is run_style:
                run_text += text
            else:
                segments.append(Segment(run_text, run_style))
                run_text, run_style = text, style
        used = self._used
        if used < width:
            run_text += " " * (width - used)
        segments.append(Segment(run_text, run_style))
        if used > width:
            return Strip(segments, width).crop(0, width)
        gutter, fill = self._gutter
        if gutter > 0:  # the scrollbar's columns, filled as Textual's styles cache would
            segments.append(Segment(" " * gutter, fill))
        return Strip(segments, width + max(gutter, 0))
