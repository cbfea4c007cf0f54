"""A virtual list of tickets: renders only the rows on screen through Textual's Line API.

`DataTable` builds a widget row per ticket and slows to seconds at 10,000 rows; this list keeps the data
in a `QueueModel` (sorted and filtered as plain lists) and formats only the visible lines on each paint,
which also lets the SLA countdown tick. Ticket text is cleaned (`one_line`) and emitted as plain
Segments, never parsed as markup; widths are measured in terminal cells so CJK and emoji stay aligned.
Rows are built and cached by `queue_rows.RowRenderer`; when the list has no border, padding or effects
they are handed to the compositor without Textual's generic per-line restyling.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from frontline.domain.clock import utc_now
from frontline.domain.queue import QueueModel
from frontline.ui.widgets.queue_marks import MarksTickets
from frontline.ui.widgets.queue_rows import COLUMNS as COLUMNS
from frontline.ui.widgets.queue_rows import Column as Column
from frontline.ui.widgets.queue_rows import RowRenderer
from frontline.ui.widgets.queue_rows import fit as fit
from frontline.ui.widgets.queue_rows import layout_columns as layout_columns

# Theme variables that, when a theme defines them, override the component-class colours below.
THEME_COLOURS = {
    "sla-breached": "queue--sla-breached",
    "sla-at-risk": "queue--sla-at-risk",
    "sla-paused": "queue--sla-paused",
    "priority-urgent": "queue--priority-urgent",
    "priority-high": "queue--priority-high",
    "marker-new": "queue--marker-new",
    "marker-changed": "queue--marker-changed",
}


class QueueList(MarksTickets, ScrollView, can_focus=True):
    """The ticket rows of one view, with a cursor, a fixed header line and new/changed markers."""

    ALLOW_SELECT = False
    """A double click opens the ticket; it does not select the rows' text."""

    BINDINGS = [
        # The vim/mutt keys carry the ids, so `[keymap]` rebinds them; arrows and paging keys are bound
        # on their own (no id, not listed, not rebindable) and keep working whatever the keymap says.
        Binding("j", "cursor_down", "Down", id="queue.down", show=False),
        Binding("k", "cursor_up", "Up", id="queue.up", show=False),
        Binding("g", "cursor_top", "Top", id="queue.top", show=False),
        Binding("G", "cursor_bottom", "Bottom", id="queue.bottom", show=False),
        Binding("ctrl+d", "half_page_down", "Half page down", id="queue.page-down", show=False),
        Binding("ctrl+u", "half_page_up", "Half page up", id="queue.page-up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("home", "cursor_top", show=False),
        Binding("end", "cursor_bottom", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("enter", "open", "Open", id="queue.open"),
        Binding("space", "toggle_mark", "Mark", id="queue.mark", show=False),
        Binding("ctrl+a", "mark_all", "Mark all shown", id="queue.mark-all", show=False),
        Binding("B", "bulk", "Bulk action", id="queue.bulk", show=False),
    ]

    COMPONENT_CLASSES = {
        "queue--header",
        "queue--cursor",
        "queue--marker-new",
        "queue--marker-changed",
        "queue--marker-waiting",
        "queue--marker-handoff",
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
        & > .queue--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .queue--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .queue--marker-new { color: $success; text-style: bold; }
        & > .queue--marker-changed { color: $warning; text-style: bold; }
        & > .queue--marker-waiting { color: $error; text-style: bold; }
        & > .queue--marker-handoff { color: $accent; text-style: bold; }
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
        self.rows = RowRenderer()
        self._styles_key: tuple[bool, str] | None = None
        self._prefetch_pending = False
        self._index_pending = False
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
        self.rows.forget_layout()
        self.rows.check_owner(self.model)  # rows are cached by ticket: a new filter or sort keeps them
        self.virtual_size = Size(0, len(self.model) + 1)
        self._move(position, force_scroll=True)
        self.refresh()
        self._schedule_index()

    def refresh_position(self, position: int) -> None:
        """Repaint one row after its ticket changed in place."""
        self.rows.forget_row(self.model, self.model.visible[position])
        self.refresh_line(position + 1)

    def _schedule_index(self) -> None:
        """Build the model's filter index once the rows are on screen, so it never delays them (none for
        rows shown `as_given`: the load that replaces them builds it, and calls `model_changed`)."""
        if not self._index_pending and not self.model.awaiting_load:
            self._index_pending = True
            self.call_after_refresh(self._prepare_index)

    def _prepare_index(self) -> None:
        self._index_pending = False
        self.model.prepare_index()

    def move_cursor(self, position: int) -> None:
        self._move(position)

    def forget_rendered_rows(self) -> None:
        """Drop every cached row, as a reload does (benchmarks use it to time cold pages)."""
        self.rows.forget()

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
        """Asked for by `render_lines` once the rows are painted: no message goes ahead of the paint."""
        self._prefetch_pending = True

    def _prefetch(self) -> None:
        """While idle after a scroll, build the page below and above so the next page key only blits.

        Not while another scroll or model waits for its paint (`_prefetch_pending`): those rows would be
        built ahead of the rows on screen, delaying them, and asked for again once they are painted."""
        if self._prefetch_pending:
            return
        width, rows, count = self._width, self._page_rows, len(self.model)
        if not width or self._styles_key is None or not count or not self.rows.ready:
            return
        top = round(self.scroll_y)
        below = range(min(top + rows, count), min(top + 2 * rows, count))
        above = range(max(top - rows, 0), min(top, count))
        filters, background = self.rows.filters
        for position in (*below, *above):
            strip = self.rows.row(self.model, position, self.cursor, self._now, width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)  # type: ignore[arg-type]

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

    def action_half_page_down(self) -> None:
        self._move(self.cursor + max(self._page_rows // 2, 1))

    def action_half_page_up(self) -> None:
        self._move(self.cursor - max(self._page_rows // 2, 1))

    def action_open(self) -> None:
        ticket_id = self.highlighted_ticket_id
        if ticket_id is not None:
            self.post_message(self.Opened(self, ticket_id))

    def on_click(self, event: events.Click) -> None:
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
        """Resolve every style once per CSS/theme/focus change: `rich_style` walks the DOM on each call.

        Translucent colours are blended over what they are painted on (the cursor over the list, a cell's
        colour over the cursor), as the compositor would; Rich styles cannot carry alpha. The cursor is a
        solid bar whose text all takes the bar's colour (the SLA glyphs, markers and words still say what
        the colours said), so every cell on it keeps the bar's contrast, focused or not.
        """
        key = (self.has_focus, self.app.theme)
        if key == self._styles_key:
            return
        base = self.rich_style
        _, background = self.background_colors
        cursor_part, cursor_background = self._component_style("queue--cursor", background)
        cursor = base + cursor_part
        one_colour = Style(color=cursor.color)
        styles: dict[str, Style] = {"": base, "cursor:": cursor}
        for name in self.COMPONENT_CLASSES:
            styles[name] = base + self._component_style(name, background)[0]
            styles["cursor:" + name] = cursor + self._component_style(name, cursor_background)[0] + one_colour
        interned: dict[Style, Style] = {}  # equal styles as one object: rows merge their cells by identity
        self.rows.set_styles({name: interned.setdefault(style, style) for name, style in styles.items()})
        self._styles_key = key

    def _component_style(self, name: str, under: Color) -> tuple[Style, Color]:
        """A component class as a Rich style blended over `under`, and the background it paints."""
        component = self.get_component_styles(name)
        background = under + component.background if component.has_rule("background") else under
        colour: Color | None = self._theme_colours().get(name)
        if colour is None and component.has_rule("color"):
            colour = component.color
            if component.auto_color:
                colour = background.get_contrast_text(colour.a)
        style = Style(
            color=None if colour is None else (background + colour).rich_color,
            bgcolor=background.rich_color if component.has_rule("background") else None,
        )
        return style + component.text_style, background

    def _theme_colours(self) -> dict[str, Color]:
        """Colours a theme sets through its own variables (`$sla-breached` ...) win over the defaults."""
        try:
            variables = {**self.app.get_theme_variable_defaults(), **self.app.current_theme.variables}
        except Exception:  # no app or theme yet: keep the CSS defaults
            return {}
        colours: dict[str, Color] = {}
        for variable, component in THEME_COLOURS.items():
            value = variables.get(variable)
            if not value:
                continue
            try:
                colours[component] = Color.parse(value)
            except ColorParseError:
                continue
        return colours

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._prefetch_pending:  # runs once this paint is out, before any later frame's work
            self._prefetch_pending = False
            self.call_later(self._prefetch)
        self._resolve_styles()
        self.rows.check_owner(self.model)
        self._now = self.clock()
        self._width = width = self.scrollable_content_region.width
        base_background, background = self.background_colors
        content_width = self.content_region.width
        fill = VisualStyle(background=base_background + background).rich_style
        filters = self.get_line_filters()
        plain = self._plain_box()
        self.rows.set_mode(plain, filters, background, content_width - width, fill)
        if not plain:
            return super().render_lines(crop)
        # What Textual's styles cache does for a widget without border, padding or effects: the
        # content line, sized to the content width, through the app's line filters. Rows come out
        # of the renderer already filtered (or with the filters' output cached on them).
        filtered_rows = self.rows.prefiltered
        offset, count = round(self.scroll_y) - 1, len(self.model)
        strips: list[Strip] = []
        for y in crop.line_range:
            position = y + offset
            if y and position < count:
                strip = self.rows.row(self.model, position, self.cursor, self._now, width)
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

    def render_line(self, y: int) -> Strip:
        if self._styles_key is None:
            self._resolve_styles()
        width = self._width or self.scrollable_content_region.width
        if y == 0:
            return self.rows.header(self.model, width)
        position = y - 1 + round(self.scroll_y)
        if position >= len(self.model):
            if position == 0:
                return self.rows.empty(self.empty_text, width)
            return Strip.blank(width, self.rows.styles[""])
        return self.rows.row(self.model, position, self.cursor, self._now, width)
