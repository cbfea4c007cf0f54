"""WCAG 2.x contrast of what the compositor actually put on screen, cell by cell.

A theme can look right in its TOML file and still be unreadable once Textual blends a translucent cursor
over a surface, dims a placeholder or downgrades colours for a 256-colour terminal. So this measures the
rendered screen: every segment's foreground against the background it sits on, after `dim` and `reverse`
are resolved the way a terminal resolves them, optionally with both colours downgraded to 8-bit first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.constants import DIM_FACTOR
from textual.filter import dim_color
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton

AA_TEXT = 4.5
"""WCAG 2.x level AA for normal-size text: a terminal cell is never "large text"."""

GRAPHICS = ((0x2500, 0x259F), (0x1F300, 0x1FAFF))
"""Box drawing and block elements (borders, scrollbars, tab underlines): shapes, not text; and emoji
pictographs (the palette's 🔎), which terminals draw in their own colours whatever the foreground."""


@dataclass(frozen=True)
class Cell:
    """One run of text with a single style, where it was, and how well it reads."""

    screen: str
    row: int
    text: str
    foreground: str
    background: str
    ratio: float

    def __str__(self) -> str:
        return (
            f"{self.screen} row {self.row}: {self.text!r} {self.foreground} on {self.background} "
            f"= {self.ratio:.2f}:1"
        )


def luminance(colour: tuple[int, int, int]) -> float:
    """Relative luminance as WCAG 2.x defines it (sRGB, linearised)."""

    def channel(value: int) -> float:
        scaled = value / 255
        return scaled / 12.92 if scaled <= 0.04045 else ((scaled + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio, 1.0 (invisible) to 21.0 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_graphic(text: str) -> bool:
    return all(any(low <= ord(char) <= high for low, high in GRAPHICS) or char.isspace() for char in text)


def screen_strips(app: App[Any]) -> list[Strip]:
    """The whole screen as the app would write it, modal backgrounds blended in."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines: Iterable[Iterable[Strip]] = getattr(update, "strips", [])
    return [Strip.join(line) for line in lines]


def dialog_regions(app: App[Any]) -> list[Region] | None:
    """Where a modal dialog's own widgets are, or None when the top screen is not modal.

    The screens under a modal are dimmed on purpose and cannot be used until it closes: inactive text,
    which WCAG exempts, so only the dialog itself is measured.
    """
    screen = app.screen
    if not isinstance(screen, ModalScreen):
        return None
    visible = screen._compositor.visible_widgets
    return [region for widget, (region, _) in visible.items() if widget is not screen]


def unchecked_toggles(app: App[Any]) -> set[tuple[int, int]]:
    """The (x, row) of each unchecked checkbox's or radio button's inner glyph (`toggle--button`).

    Textual draws that "X" in nearly the button's own colour on purpose: it is the picture of an empty box,
    not text, so WCAG's text minimum does not apply to it. The toggle's label is measured as usual.
    """
    cells: set[tuple[int, int]] = set()
    visible = app.screen._compositor.visible_widgets
    for widget, (region, clip) in visible.items():
        if not isinstance(widget, (Checkbox, RadioButton)) or widget.value:
            continue
        gutter = widget.styles.gutter
        left, row = region.x + gutter.left, region.y + gutter.top
        if widget._button_first:
            x = left + cell_len(widget.BUTTON_LEFT)
        else:
            x = region.right - gutter.right - cell_len(widget.BUTTON_RIGHT + widget.BUTTON_INNER)
        cells |= {
            (x + offset, row) for offset in range(cell_len(widget.BUTTON_INNER)) if clip.contains(x, row)
        }
    return cells


def _triplet(colour: RichColor, system: ColorSystem | None) -> tuple[int, int, int]:
    if system is not None:
        colour = colour.downgrade(system)
    red, green, blue = colour.get_truecolor()
    return red, green, blue


def resolve(style: Style, fallback: tuple[RichColor, RichColor]) -> tuple[RichColor, RichColor]:
    """The (foreground, background) a terminal shows for `style`: default colours, reverse, then dim."""
    foreground = style.color if style.color is not None and not style.color.is_default else fallback[0]
    background = style.bgcolor if style.bgcolor is not None and not style.bgcolor.is_default else fallback[1]
    if style.reverse:
        foreground, background = background, foreground
    if style.dim:
        foreground = dim_color(background, foreground, DIM_FACTOR)
    return foreground, background


def measure(app: App[Any], screen: str, *, system: ColorSystem | None = None) -> list[Cell]:
    """Every non-blank run of text on the current screen with its contrast ratio.

    On a modal screen only the dialog is measured (see `dialog_regions`); an unchecked toggle's empty box
    is a picture, not text (see `unchecked_toggles`).
    `system=ColorSystem.EIGHT_BIT` measures what a 256-colour terminal shows: each colour is downgraded
    as Rich downgrades it on output, then measured.
    """
    regions = dialog_regions(app)
    toggles = unchecked_toggles(app)
    theme = app.current_theme
    fallback = (
        Color.parse(theme.foreground or "#ffffff").rich_color,
        Color.parse(theme.background or "#000000").rich_color,
    )
    cells: list[Cell] = []
    for row, strip in enumerate(screen_strips(app)):
        x = 0
        for segment in strip:
            text, style, control = segment
            width = cell_len(text)
            x += width
            if control or not text.strip() or is_graphic(text):
                continue
            if regions is not None and not any(
                region.overlaps(Region(x - width, row, width, 1)) for region in regions
            ):
                continue
            if all((column, row) in toggles for column in range(x - width, x)):
                continue
            foreground, background = resolve(style or Style(), fallback)
            fg = _triplet(foreground, system)
            bg = _triplet(background, system)
            cells.append(
                Cell(
                    screen=screen,
                    row=row,
                    text=text.strip(),
                    foreground="#{:02x}{:02x}{:02x}".format(*fg),
                    background="#{:02x}{:02x}{:02x}".format(*bg),
                    ratio=round(contrast(fg, bg), 2),
                )
            )
    return cells


def failing(cells: Iterable[Cell], minimum: float = AA_TEXT) -> list[Cell]:
    """The cells under `minimum`, each listed once (the same text in the same colours is one finding)."""
    seen: set[tuple[str, str, str, str]] = set()
    result = []
    for cell in cells:
        key = (cell.screen, cell.text, cell.foreground, cell.background)
        if cell.ratio < minimum and key not in seen:
            seen.add(key)
            result.append(cell)
    return result
