"""`?` help: the live bindings of the screen underneath, with the keys as the person has bound them.

The rows are read from `Screen.active_bindings` of the screen the help was opened from, which Textual
computes after applying the keymap: a rebinding in `[keymap]` shows here, never the default. Bindings the
screen disables (`check_action` returning None) are listed dimmed; hidden ones (False) are left out, and so
are Textual's own hidden bindings without an id (scrolling, focus cycling).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

if TYPE_CHECKING:  # the app imports this module for its binding: the table loads when help first opens
    from textual.widgets import DataTable

from frontline.ui.keymap import live_bindings

HELP_BINDING = Binding("question_mark", "show_help", "Help", id="app.help")
"""The app-level binding that opens this screen; the app's `action_show_help` calls `show_help(self)`."""


@dataclass(frozen=True)
class HelpRow:
    """One action: its keys as bound now, what it does, its binding id, and whether it applies now."""

    keys: str
    description: str
    binding_id: str
    app_wide: bool
    enabled: bool = True


def _describe_action(binding: Binding) -> str:
    if binding.description:
        return binding.description
    return binding.action.rpartition(".")[2].replace("_", " ").capitalize()


def help_rows(screen: Screen[object]) -> list[HelpRow]:
    """The rows for `screen`: one per binding (several keys joined), screen bindings before app ones."""
    return [
        HelpRow(
            keys=" / ".join(live.keys),
            description=_describe_action(live.active.binding),
            binding_id=live.active.binding.id or "",
            app_wide=live.app_wide,
            enabled=live.active.enabled,
        )
        for live in live_bindings(screen)
    ]


class HelpScreen(ModalScreen[None]):
    """A modal table of the bindings; `escape`, `q` or `?` closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90%; max-width: 100; height: 85%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen Label.section { text-style: bold; color: $accent; margin-top: 1; }
    HelpScreen DataTable { height: auto; max-height: 60%; }
    HelpScreen Label.hint { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close help", id="help.close")]

    def __init__(self, rows: list[HelpRow], *, title: str = "Keys") -> None:
        super().__init__()
        self.rows = rows
        self.help_title = title

    @classmethod
    def for_screen(cls, screen: Screen[object]) -> HelpScreen:
        """The help for `screen`, read now, before the modal covers it."""
        title = screen.title or screen.app.title or "frontline"
        return cls(help_rows(screen), title=f"Keys: {title}")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.help_title), classes="section")
            screen_rows = [row for row in self.rows if not row.app_wide]
            app_rows = [row for row in self.rows if row.app_wide]
            if screen_rows:
                yield Label("On this screen", classes="section")
                yield self._table(screen_rows, "help-screen")
            if app_rows:
                yield Label("Everywhere", classes="section")
                yield self._table(app_rows, "help-app")
            yield Label(
                'Rebind any key in the config file: [keymap] then "binding.id" = "key".',
                classes="hint",
                markup=False,
            )

    def _table(self, rows: list[HelpRow], table_id: str) -> DataTable[Text]:
        from textual.widgets import DataTable

        table: DataTable[Text] = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
        table.add_columns("Key", "Action", "Binding id")
        for row in rows:
            style = "" if row.enabled else "dim"
            table.add_row(
                Text(row.keys, style=f"bold {style}".strip()),
                Text(row.description, style=style),
                Text(row.binding_id or "-", style="italic"),
            )
        return table

    def action_close(self) -> None:
        self.dismiss(None)


def show_help(app: App[Any]) -> None:
    """Open the help for the current screen (does nothing when it is already open)."""
    if isinstance(app.screen, HelpScreen):
        return
    app.push_screen(HelpScreen.for_screen(app.screen))
