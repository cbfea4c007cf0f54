"""The `ctrl+p` command palette: every action of the current screen, every view, template and theme, and
the previous shift's handoff when one was kept.

Titles read "namespace: verb" ("queue: refresh", "view: Urgent & high", "template: refund",
"theme: frontline-light"). Actions come from the live bindings of the screen the palette was opened
from, so the key shown next to each is the person's own (after `[keymap]`).

Screens opt in to views and templates through two small duck-typed methods (see the Protocols below): the
palette looks for them on the screens of the stack, top first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape
from textual.screen import Screen

from frontline import locations
from frontline.domain.models import View
from frontline.domain.text import one_line
from frontline.ui.keymap import live_bindings
from frontline.ui.themes import switch_theme

if TYPE_CHECKING:
    from frontline.domain.compose import Template


@runtime_checkable
class ViewsScreen(Protocol):
    """A screen that shows views (the queue): the palette lists `views` and calls `show_view`."""

    views: list[View]
    """The views the screen can show, in its order."""

    def show_view(self, view_id: str) -> None:
        """Switch to the view `view_id`."""
        ...


@runtime_checkable
class TemplateScreen(Protocol):
    """A screen with a composer: the palette hands it the chosen template."""

    def use_template(self, template: Template) -> None:
        """Insert `template` (its variables filled by the screen) into the reply being written."""
        ...


@dataclass(frozen=True)
class PaletteCommand:
    """One entry of the palette."""

    title: str
    help: str
    run: Callable[[], Any]


_SKIPPED_ACTIONS = {"command_palette", "show_help"}
PALETTE_TITLES = {
    "app.outbox": "outbox: show",
    "app.drafts": "Drafts and outbox",
    "app.sign_in": "helpdesk: sign in again",
    "queue.handoff": "shift: handoff",
    "queue.handoff-note": "shift: handoff note on the highlighted ticket",
    "ticket.handoff-note": "shift: handoff note on this ticket",
}
"""Titles that read better than the binding id's namespace and description."""


def action_commands(app: App[Any], screen: Screen[object]) -> list[PaletteCommand]:
    """The enabled bindings of `screen` (screen ones, then app-wide), titled "namespace: verb"."""
    commands: list[PaletteCommand] = []
    for live in live_bindings(screen):
        active = live.active
        binding = active.binding
        if not active.enabled or binding.action in _SKIPPED_ACTIONS:
            continue
        if binding.id:
            namespace = binding.id.partition(".")[0]
        elif isinstance(active.node, App):
            namespace = "app"
        else:
            namespace = type(active.node).__name__.removesuffix("Screen").lower() or "screen"
        verb = (binding.description or binding.action.replace("_", " ")).lower()
        title = PALETTE_TITLES.get(binding.id or "", f"{namespace}: {verb}")
        help_text = f"{' / '.join(live.keys)}  {binding.id or ''}".strip()
        run = partial(app.run_action, binding.action, active.node)
        commands.append(PaletteCommand(title, help_text, run))
    return commands


def _find_screen(app: App[Any], protocol: type[Any]) -> Screen[object] | None:
    for screen in reversed(app.screen_stack):
        if isinstance(screen, protocol):
            return screen
    return None


def view_commands(app: App[Any]) -> list[PaletteCommand]:
    """One entry per view of the queue screen, wherever it is in the stack."""
    screen = _find_screen(app, ViewsScreen)
    if screen is None:
        return []

    def show(view_id: str) -> None:
        while app.screen is not screen and len(app.screen_stack) > 1:
            app.pop_screen()
        screen.show_view(view_id)  # type: ignore[attr-defined]

    return [
        PaletteCommand(f"view: {one_line(view.title)}", f"show view {view.id}", partial(show, view.id))
        for view in screen.views  # type: ignore[attr-defined]
    ]


def template_commands(app: App[Any]) -> list[PaletteCommand]:
    """One entry per template file in the config dir's `templates/`."""
    from frontline.domain.compose import discover_templates  # the palette opens after the first paint

    templates = discover_templates(locations.templates_dir())

    def use(template: Template) -> None:
        screen = _find_screen(app, TemplateScreen)
        if screen is None or screen is not app.screen:
            app.notify("Open a reply (r) or a note first, then pick the template.", title="No composer open")
            return
        screen.use_template(template)  # type: ignore[attr-defined]

    return [
        PaletteCommand(f"template: {one_line(t.name)}", "insert into the reply", partial(use, t))
        for t in templates
    ]


def shift_commands(app: App[Any]) -> list[PaletteCommand]:
    """The previous shift's handoff, when the console found one on start."""
    show = getattr(app, "show_previous_handoff", None)
    if getattr(app, "previous_handoff", None) is None or show is None:
        return []
    return [PaletteCommand("shift: previous handoff", "the last shift's handoff, as it was published", show)]


def theme_commands(app: App[Any]) -> list[PaletteCommand]:
    """One entry per registered theme; choosing one switches and remembers it."""
    config_path = getattr(app, "config_path", None)
    names = sorted(app.available_themes, key=lambda name: (not name.startswith("frontline"), name))
    return [
        PaletteCommand(
            f"theme: {name}",
            "current theme" if name == app.theme else "switch theme (saved in the config file)",
            partial(switch_theme, app, name, config_path=config_path),
        )
        for name in names
    ]


class FrontlineCommands(Provider):
    """Add to `App.COMMANDS`; gathers its entries when the palette opens."""

    commands: list[PaletteCommand]

    async def startup(self) -> None:
        app = self.app
        self.commands = [
            *action_commands(app, self.screen),
            *view_commands(app),
            *shift_commands(app),
            *template_commands(app),
            *theme_commands(app),
        ]

    async def discover(self) -> Hits:
        for command in self.commands:
            yield DiscoveryHit(
                Content(command.title), command.run, text=command.title, help=escape(command.help)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    plain_highlight(matcher, command.title),
                    command.run,
                    text=command.title,
                    help=escape(command.help),
                )


def plain_highlight(matcher: Matcher, candidate: str) -> Content:
    """`Matcher.highlight` without parsing `candidate` as markup: view titles and file names are data."""
    content = Content(candidate)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
