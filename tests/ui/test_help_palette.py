"""`?` help and the `ctrl+p` palette: live bindings, views, templates and themes; theme choice persists."""

from __future__ import annotations

import tomllib
from pathlib import Path

from support.apps import make_app
from support.pilot import settle
from textual.command import CommandList, CommandPalette

from frontline import locations
from frontline.config import Settings
from frontline.ui.commands import (
    action_commands,
    template_commands,
    theme_commands,
    view_commands,
)
from frontline.ui.screens.help import HelpScreen
from frontline.ui.screens.queue import QueueScreen


async def test_themes_install_and_configured_theme_is_active() -> None:
    app = make_app(settings=Settings(ui={"theme": "frontline-high-contrast"}))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.theme == "frontline-high-contrast"
        assert {"frontline-dark", "frontline-light"} <= set(app.available_themes)
        assert app.theme_variables["sla-breached"] == "#ff5c5c"
        assert app.settings_problems == []


async def test_unknown_theme_and_broken_user_theme_fall_back_with_one_message() -> None:
    user_themes = locations.user_themes_dir()
    user_themes.mkdir(parents=True)
    (user_themes / "broken.toml").write_text('name = "broken"\nprimary = "#nothex"\n')
    app = make_app(settings=Settings(ui={"theme": "broken"}))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.theme == "frontline-dark"
        assert len(app.settings_problems) == 2
        assert "broken.toml" in app.settings_problems[0]
        assert "'broken' is not available" in app.settings_problems[1]


async def test_help_lists_screen_and_app_bindings_and_closes_with_q() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        ids = {row.binding_id for row in help_screen.rows}
        assert {"queue.refresh", "queue.filter", "queue.open", "app.quit", "app.help"} <= ids
        refresh = next(row for row in help_screen.rows if row.binding_id == "queue.refresh")
        assert (refresh.keys, refresh.description) == ("R", "Refresh")
        table = help_screen.query_one("#help-screen")
        assert table.row_count == len([row for row in help_screen.rows if not row.app_wide])

        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.is_running


async def test_palette_lists_actions_views_templates_and_themes() -> None:
    templates = locations.templates_dir()
    templates.mkdir(parents=True)
    (templates / "refund.md").write_text("Hi {{requester_name}}, the refund is on its way.")
    app = make_app(settings=Settings(keymap={"queue.refresh": "f5"}))
    async with app.run_test() as pilot:
        await settle(pilot)
        actions = {command.title: command for command in action_commands(app, app.screen)}
        views = [command.title for command in view_commands(app)]
        themes = [command.title for command in theme_commands(app)]
        titles = [command.title for command in template_commands(app)]

        assert "queue: refresh" in actions
        assert actions["queue: refresh"].help == "f5  queue.refresh"
        assert "queue: filter" in actions
        assert "app: quit" in actions
        assert views == ["view: All unsolved", "view: Your tickets", "view: Urgent & high"]
        assert titles == ["template: refund"]
        assert themes[:3] == [
            "theme: frontline-dark",
            "theme: frontline-high-contrast",
            "theme: frontline-light",
        ]


async def test_palette_view_entry_switches_the_view() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        urgent = next(c for c in view_commands(app) if c.title == "view: Urgent & high")
        urgent.run()
        await settle(pilot)
        assert queue.current_view_id == "urgent"


async def test_template_without_composer_explains_what_to_do() -> None:
    templates = locations.templates_dir()
    templates.mkdir(parents=True)
    (templates / "hello.md").write_text("Hello")
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        template_commands(app)[0].run()
        await pilot.pause()
        assert any("Open a reply" in n.message for n in app._notifications)


async def test_switching_theme_in_the_palette_persists(tmp_path: Path) -> None:
    config = locations.config_file()
    config.parent.mkdir(parents=True)
    config.write_text('# mine\n[ui]\ntheme = "frontline-dark"\nbell = true\n')
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"tline-light")
        results = app.screen.query_one(CommandList)
        for _ in range(100):
            await pilot.pause()
            first = results.get_option_at_index(0) if results.option_count else None
            if first is not None and "frontline-light" in str(first.prompt):
                break
        else:
            raise AssertionError("the palette did not offer the theme")
        await pilot.press("enter")
        await settle(pilot)

        assert app.theme == "frontline-light"
        assert app.settings.ui.theme == "frontline-light"
        assert config.read_text() == '# mine\n[ui]\ntheme = "frontline-light"\nbell = true\n'
        assert tomllib.loads(config.read_text())["ui"]["bell"] is True


async def test_palette_shows_names_as_plain_text_not_markup() -> None:
    templates = locations.templates_dir()
    templates.mkdir(parents=True)
    (templates / "[evil].md").write_text("body")
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"evil")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        shown = [str(option.prompt) for option in palette.query_one(CommandList).options]
        assert any("template: [evil]" in prompt for prompt in shown), shown
