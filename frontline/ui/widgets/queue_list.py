"""A virtual list of tickets: renders only the rows on screen through Textual's Line API.

`DataTable` builds a widget row per ticket and slows to seconds at 10,000 rows; this list keeps the data
in a `QueueModel` (sorted and filtered as plain lists) and formats only the visible lines on each paint,
which also lets the SLA countdown tick. Ticket text is cleaned (`one_line`) and emitted as plain
Segments, never parsed as markup; widths are measured in terminal cells so CJK and emoji stay aligned.
Rendered rows are cached by content (ticket, cursor, marker, countdown text) and, when the list has no
border, padding or effects, handed to the compositor without Textual's generic per-line restyling, so
the line filters' output is cached on the row too and a page of known rows costs a few dict lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.filter import ANSIToTruecolor, DimFilter, LineFilter, Monochrome, NoColor
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from frontline.domain.clock import utc_now
from frontline.domain.queue import QueueModel, format_age, format_sla


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
    Column("sla", "sla", 7),
    Column("subject", "subject", 20),
    Column("requester", "requester", 18, drop_rank=4),
    Column("organization", "organization", 16, drop_rank=2),
    Column("assignee", "assignee", 14, drop_rank=3),
    Column("age", "age", 4, drop_rank=6),
    Column("linked_bug", "bug", 10, drop_rank=1),
)
TITLES = {column.name: column.title for column in COLUMNS}
CLOCK_COLUMNS = frozenset({"sla", "age"})  # formatted at paint time: they count down
MAX_CACHED_ROWS = 1_500  # ~30 pages; every cached row is objects a full GC collection walks
SORTED_COLUMN = {"sla": "sla", "priority": "priority", "updated": "age", "waiting": "age"}
MARKERS = {"new": "●", "changed": "◆"}
# Theme variables that, when a theme defines them, override the component-class colours below.
# Line filters that map each segment's style on its own: rows can be built with pre-mapped styles.
STYLE_MAP_FILTERS = (ANSIToTruecolor, DimFilter, Monochrome, NoColor)
THEME_COLOURS = {
    "sla-breached": "queue--sla-breached",
    "sla-at-risk": "queue--sla-at-risk",
    "sla-paused": "queue--sla-paused",
    "priority-urgent": "queue--priority-urgent",
    "priority-high": "queue--priority-high",
}


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


def layout_columns(width: int, key_width: int) -> list[tuple[str, int]]:
    """Column widths for a list `width` cells wide: drop optional columns until subject has room."""
    widths = {column.name: column.width for column in COLUMNS}
    widths["key"] = min(max(key_width, 5), 14)
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


class QueueList(ScrollView, can_focus=True):
    """The ticket rows of one view, with a cursor, a fixed header line and new/changed markers."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", id="queue.down", show=False),
        Binding("k,up", "cursor_up", "Up", id="queue.up", show=False),
        Binding("g,home", "cursor_top", "Top", id="queue.top", show=False),
        Binding("G,end", "cursor_bottom", "Bottom", id="queue.bottom", show=False),
        Binding("ctrl+d,pagedown", "page_down", "Page down", id="queue.page-down", show=False),
        Binding("ctrl+u,pageup", "page_up", "Page up", id="queue.page-up", show=False),
        Binding("enter", "open", "Open", id="queue.open"),
    ]

    COMPONENT_CLASSES = {
        "queue--header",
        "queue--cursor",
        "queue--marker-new",
        "queue--marker-changed",
        "queue--unseen",
        "queue--sla-breached",
        "queue--sla-at-risk",
        "queue--sla-paused",
        "queue--sla-ok",
        "queue--priority-urgent",
        "queue--priority-high",
        "queue--muted",
        "queue--empty",
    }

    DEFAULT_CSS = """
    QueueList {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
        & > .queue--header { text-style: bold; color: $text-muted; background: $panel; }
        & > .queue--cursor { background: $boost; }
        &:focus > .queue--cursor { background: $accent 40%; }
        & > .queue--marker-new { color: $success; text-style: bold; }
        & > .queue--marker-changed { color: $warning; text-style: bold; }
        & > .queue--unseen { text-style: bold; }
        & > .queue--sla-breached { color: $error; text-style: bold; }
        & > .queue--sla-at-risk { color: $warning; }
        & > .queue--sla-paused { color: $text-disabled; }
        & > .queue--sla-ok { color: $success; }
        & > .queue--priority-urgent { color: $error; text-style: bold; }
        & > .queue--priority-high { color: $warning; }
        & > .queue--muted { color: $text-muted; }
        & > .queue--empty { color: $text-muted; text-style: italic; }
    }
    """

    class Highlighted(Message):
        """The cursor moved to a ticket (None when the list is empty)."""

        def __init__(self, queue_list: QueueList, ticket_id: str | None, position: int) -> None:
            super().__init__()
            self.queue_list = queue_list
            self.ticket_id = ticket_id
            self.position = position

        @property
        def control(self) -> QueueList:
            return self.queue_list

    class Opened(Message):
        """The engineer asked to open a ticket (enter or double click)."""

        def __init__(self, queue_list: QueueList, ticket_id: str) -> None:
            super().__init__()
            self.queue_list = queue_list
            self.ticket_id = ticket_id

        @property
        def control(self) -> QueueList:
            return self.queue_list

    def __init__(
        self,
        model: QueueModel | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.model = model if model is not None else QueueModel()
        self.clock = clock
        self.cursor = 0
        self.empty_text = "No tickets in this view."
        self._column_cache: tuple[tuple[int, int], list[tuple[str, int]]] | None = None
        self._styles: dict[str, Style] = {}
        self._styles_key: tuple[bool, str] | None = None
        self._cells: dict[int, list[tuple[str, str]]] = {}
        self._strips: dict[tuple[object, ...], Strip] = {}
        self._fitted: dict[tuple[str, int], str] = {}
        self._used = 0
        self._gutter: tuple[int, Style | None] = (0, None)  # scrollbar columns after each row, fill
        self._row_styles: dict[str, Style] = {}
        self._row_mode: tuple[object, ...] | None = None
        self._prefetch_pending = False
        self._index_pending = False
        self._cache_owner: tuple[QueueModel, int] | None = None
        self._width = 0
        self._now = clock()

    # -- public API for the screen ---------------------------------------------------------------------

    @property
    def highlighted_ticket_id(self) -> str | None:
        if not self.model.visible:
            return None
        return self.model.ticket_at(self.cursor).id

    def set_model(self, model: QueueModel, *, keep_ticket_id: str | None = None) -> None:
        """Show another view's model (or a reloaded one)."""
        self.model = model
        self.cursor = 0
        self.model_changed(keep_ticket_id=keep_ticket_id)

    def model_changed(self, *, keep_ticket_id: str | None = None, fallback: int | None = None) -> None:
        """The model was sorted, filtered or refreshed: resize, keep the cursor on its ticket, repaint.

        When the kept ticket is gone the cursor goes to `fallback` (or stays at its row number).
        """
        position = self.model.position_of(keep_ticket_id) if keep_ticket_id is not None else None
        if position is None:
            position = fallback if fallback is not None else self.cursor
        self._column_cache = None
        self._check_cache_owner()  # rows are cached by ticket: a new filter or sort keeps them
        self.virtual_size = Size(0, len(self.model) + 1)
        self._move(position, force_scroll=True)
        self.refresh()
        self._schedule_index()

    def refresh_position(self, position: int) -> None:
        """Repaint one row after its ticket changed in place."""
        self._cells.pop(self.model.visible[position], None)
        self._strips.clear()
        self._cache_owner = (self.model, self.model.generation)
        self.refresh_line(position + 1)

    def _check_cache_owner(self) -> None:
        """Forget rendered rows when they may belong to other tickets (another model, a reload)."""
        cached = self._cache_owner
        if cached is None or cached[0] is not self.model or cached[1] != self.model.generation:
            self._cells.clear()
            self._strips.clear()
            self._cache_owner = (self.model, self.model.generation)

    def _schedule_index(self) -> None:
        """Build the model's filter index once the rows are on screen, so it never delays them."""
        if not self._index_pending:
            self._index_pending = True
            self.call_after_refresh(self._prepare_index)

    def _prepare_index(self) -> None:
        self._index_pending = False
        self.model.prepare_index()

    def move_cursor(self, position: int) -> None:
        self._move(position)

    def forget_rendered_rows(self) -> None:
        """Drop every cached row, as a reload does (benchmarks use it to time cold pages)."""
        self._cells.clear()
        self._strips.clear()
        self._fitted.clear()

    # -- cursor ----------------------------------------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _move(self, position: int, *, force_scroll: bool = False) -> None:
        count = len(self.model)
        position = max(0, min(position, count - 1)) if count else 0
        previous = self.cursor
        self.cursor = position
        rows = self._page_rows
        top = round(self.scroll_y)
        if position < top:
            top = position
        elif position >= top + rows:
            top = position - rows + 1
        if top != round(self.scroll_y) or force_scroll:
            self.scroll_to(y=top, animate=False, force=True)
            self._schedule_prefetch()
        if position != previous:
            self.refresh_line(previous + 1)
            self.refresh_line(position + 1)
        if position != previous or force_scroll:
            self.post_message(self.Highlighted(self, self.highlighted_ticket_id, position))

    def _schedule_prefetch(self) -> None:
        if not self._prefetch_pending:
            self._prefetch_pending = True
            self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        """While idle after a scroll, build the page below and above so the next page key only blits."""
        self._prefetch_pending = False
        width, rows, count = self._width, self._page_rows, len(self.model)
        if not width or self._styles_key is None or not count:
            return
        top = round(self.scroll_y)
        below = range(min(top + rows, count), min(top + 2 * rows, count))
        above = range(max(top - rows, 0), min(top, count))
        mode = self._row_mode
        if mode is None:
            return
        filters, background = ((), None) if mode[0] else (mode[1], mode[2])
        for position in (*below, *above):
            strip = self._render_row(position, width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_top(self) -> None:
        self._move(0)

    def action_cursor_bottom(self) -> None:
        self._move(len(self.model) - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._page_rows)

    def action_page_up(self) -> None:
        self._move(self.cursor - self._page_rows)

    def action_open(self) -> None:
        ticket_id = self.highlighted_ticket_id
        if ticket_id is not None:
            self.post_message(self.Opened(self, ticket_id))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        position = offset.y - 1 + round(self.scroll_y)
        if position < len(self.model):
            self._move(position)
            if event.chain >= 2:
                self.action_open()

    def on_mount(self) -> None:
        self.virtual_size = Size(0, len(self.model) + 1)
        self._schedule_index()

    def on_resize(self) -> None:
        self._column_cache = None
        self._move(self.cursor, force_scroll=True)

    # -- rendering -------------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_key = None  # CSS or theme changed: resolve the styles again on the next paint

    def _resolve_styles(self) -> None:
        """Resolve every style once per CSS/theme/focus change: `rich_style` walks the DOM on each call."""
        key = (self.has_focus, self.app.theme)
        if key == self._styles_key:
            return
        base = self.rich_style
        cursor = base + self.get_component_rich_style("queue--cursor", partial=True)
        styles: dict[str, Style] = {"": base, "cursor:": cursor}
        overrides = self._theme_overrides()
        for name in self.COMPONENT_CLASSES:
            colour = self.get_component_rich_style(name, partial=True) + overrides.get(name, Style())
            styles[name] = base + colour
            styles["cursor:" + name] = cursor + colour
        styles["queue--header"] = base + self.get_component_rich_style("queue--header", partial=True)
        self._styles = self._row_styles = styles
        self._styles_key = key
        self._row_mode = None
        self._strips.clear()

    def _theme_overrides(self) -> dict[str, Style]:
        """Colours a theme sets through its own variables (`$sla-breached` ...) win over the defaults."""
        try:
            variables = {**self.app.get_theme_variable_defaults(), **self.app.current_theme.variables}
        except Exception:  # no app or theme yet: keep the CSS defaults
            return {}
        overrides: dict[str, Style] = {}
        for variable, component in THEME_COLOURS.items():
            value = variables.get(variable)
            if not value:
                continue
            try:
                overrides[component] = Style(color=Color.parse(value).rich_color)
            except ColorParseError:
                continue
        return overrides

    def render_lines(self, crop: Region) -> list[Strip]:
        self._resolve_styles()
        self._check_cache_owner()
        self._now = self.clock()
        self._width = width = self.scrollable_content_region.width
        base_background, background = self.background_colors
        content_width = self.content_region.width
        fill = VisualStyle(background=base_background + background).rich_style
        filters = self.get_line_filters()
        plain = self._plain_box()
        self._set_row_mode(plain, filters, background, content_width - width, fill)
        if not plain:
            return super().render_lines(crop)
        # What Textual's styles cache does for a widget without border, padding or effects: the
        # content line, sized to the content width, through the app's line filters. Rows come out
        # of `_render_row` already filtered (or with the filters' output cached on them).
        filtered_rows = self._row_mode is not None and self._row_mode[0]
        offset, count = round(self.scroll_y) - 1, len(self.model)
        strips: list[Strip] = []
        for y in crop.line_range:
            position = y + offset
            if y and position < count:
                strip = self._render_row(position, width)
                if filtered_rows:
                    strips.append(strip)
                    continue
            else:
                strip = self.render_line(y)
            if strip.cell_length != content_width:
                strip = strip.adjust_cell_length(content_width, fill)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        if crop.column_span != (0, content_width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _set_row_mode(
        self, plain: bool, filters: Sequence[LineFilter], background: Color, gutter: int, fill: Style
    ) -> None:
        """Choose the styles rows are built with; a change forgets every cached row.

        When the list is plain and every line filter only maps each segment's style (as Textual's
        truecolor, dim, monochrome and no-colour filters do), the styles are mapped through the
        filters once here instead of filtering every new row.
        """
        prefilter = plain and all(type(f) in STYLE_MAP_FILTERS for f in filters)
        mode = (prefilter, tuple(filters), background, gutter, fill)
        if mode == self._row_mode:
            return
        self._row_mode = mode
        self._strips.clear()
        if not prefilter:
            self._row_styles, self._gutter = self._styles, (gutter, fill)
            return

        def mapped(style: Style) -> Style:
            segments = [Segment(" ", style)]
            for line_filter in filters:
                segments = line_filter.apply(segments, background)
            return segments[0].style or style

        self._row_styles = {name: mapped(style) for name, style in self._styles.items()}
        self._gutter = (gutter, mapped(fill))

    def _plain_box(self) -> bool:
        """No border, outline, padding, tint, hatch, opacity or link hover: lines need no restyling."""
        styles = self.styles
        return (
            not any(edge for edge, _ in styles.border)
            and not any(edge for edge, _ in styles.outline)
            and styles.padding == (0, 0, 0, 0)
            and not styles.tint.a
            and styles.text_opacity == 1.0
            and self.opacity == 1.0
            and (not styles.has_rule("hatch") or styles.hatch == "none")
            and self._border_title is None
            and self._border_subtitle is None
        )

    def _columns(self, width: int) -> list[tuple[str, int]]:
        cache_key = (width, self.model.key_width)
        if self._column_cache is None or self._column_cache[0] != cache_key:
            columns = layout_columns(width, self.model.key_width)
            self._column_cache = (cache_key, columns)
            self._used = sum(cell_width + 1 for _, cell_width in columns) + 2
            self._cells.clear()
            self._strips.clear()
        return self._column_cache[1]

    def render_line(self, y: int) -> Strip:
        if self._styles_key is None:
            self._resolve_styles()
        width = self._width or self.scrollable_content_region.width
        if y == 0:
            return self._render_header(width)
        position = y - 1 + round(self.scroll_y)
        if position >= len(self.model):
            if position == 0:
                text = fit(" " + self.empty_text, width)
                return Strip([Segment(text, self._styles["queue--empty"])], width)
            return Strip.blank(width, self._styles[""])
        return self._render_row(position, width)

    def _render_header(self, width: int) -> Strip:
        sorted_column = SORTED_COLUMN.get(self.model.sort_mode, "")
        parts = ["  "]
        for name, cell_width in self._columns(width):
            title = TITLES[name] + (" ▾" if name == sorted_column else "")
            parts.append(fit(title, cell_width))
            parts.append(" ")
        text = fit("".join(parts), width)
        return Strip([Segment(text, self._styles["queue--header"])], width)

    def _row_cells(self, position: int, width: int) -> list[tuple[str, str]]:
        """(column, text fitted to its width) for the columns that do not tick (those get "")."""
        columns = self._columns(width)
        index = self.model.visible[position]
        cells = self._cells.get(index)
        if cells is None:
            if len(self._cells) > MAX_CACHED_ROWS:
                self._cells.clear()
            row = self.model.row_text(position)
            fitted = self._fitted
            if len(fitted) > MAX_CACHED_ROWS:
                fitted.clear()
            cells = []
            for name, cell_width in columns:
                if name in CLOCK_COLUMNS:
                    cells.append((name, ""))
                    continue
                text = getattr(row, name)
                if name == "subject":  # nearly always unique: caching it would only evict the others
                    cells.append((name, fit(text, cell_width)))
                    continue
                # Names, orgs, statuses repeat across thousands of rows: fit each once.
                cell = fitted.get((text, cell_width))
                if cell is None:
                    cell = fitted[(text, cell_width)] = fit(text, cell_width)
                cells.append((name, cell))
            self._cells[index] = cells
        return cells

    def _render_row(self, position: int, width: int) -> Strip:
        """One ticket line, cached until its ticket, marker, countdown text, layout or styles change."""
        model = self.model
        ticket = model.ticket_at(position)
        marker = model.seen.marker(ticket)
        sla_text, sla_state = format_sla(ticket.sla, self._now)
        age_text = format_age(ticket.updated_at, self._now)
        is_cursor = position == self.cursor
        index = model.visible[position]
        key = (index, is_cursor, marker, sla_text, sla_state, age_text)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > MAX_CACHED_ROWS:
                self._strips.clear()
            strip = self._build_row(position, width, marker, is_cursor, sla_text, sla_state, age_text)
            self._strips[key] = strip
        return strip

    def _build_row(
        self,
        position: int,
        width: int,
        marker: str | None,
        is_cursor: bool,
        sla_text: str,
        sla_state: str,
        age_text: str,
    ) -> Strip:
        """Neighbouring cells of the same style are merged into one Segment (fewer segments to filter)."""
        ticket = self.model.ticket_at(position)
        self._columns(width)
        prefix = "cursor:" if is_cursor else ""
        styles = self._row_styles
        plain = styles[prefix]
        segments: list[Segment] = []
        if marker is None:
            run_text, run_style = "  ", plain
        else:
            segments.append(Segment(MARKERS[marker], styles[f"{prefix}queue--marker-{marker}"]))
            run_text, run_style = " ", plain
        cells = self._row_cells(position, width)
        used = self._used
        for (name, text), (_, cell_width) in zip(cells, self._column_cache[1], strict=True):  # type: ignore[index]
            style = plain
            if name == "subject":
                if marker is not None:
                    style = styles[prefix + "queue--unseen"]
            elif name == "sla":
                text = fit(sla_text, cell_width)
                if sla_state != "none":
                    style = styles[f"{prefix}queue--sla-{sla_state}"]
            elif name == "priority":
                priority = ticket.priority
                if priority is not None and priority.rank <= 1:
                    style = styles[f"{prefix}queue--priority-{priority.value}"]
            elif name == "age":
                text = fit(age_text, cell_width)
                style = styles[prefix + "queue--muted"]
            # The gap after a cell takes the cell's style: only colours and bold differ, invisible on a space.
            if style is run_style:
                run_text += text + " "
            else:
                segments.append(Segment(run_text, run_style))
                run_text, run_style = text + " ", style
        if used < width:
            run_text += " " * (width - used)
        segments.append(Segment(run_text, run_style))
        if used > width:
            return Strip(segments, width).crop(0, width)
        gutter, fill = self._gutter
        if gutter > 0:  # the scrollbar's columns, filled as Textual's styles cache would
            segments.append(Segment(" " * gutter, fill))
        return Strip(segments, width + max(gutter, 0))
