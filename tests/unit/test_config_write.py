"""Config writes keep the person's file: comments and layout survive, and the README still works after."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from frontline.config import load_settings
from frontline.config_write import set_value, write_value
from frontline.errors import ConfigError
from frontline.ui.themes import persist_theme

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_config_block() -> str:
    """The first TOML block under "Connect your helpdesk": what a new user pastes into config.toml."""
    section = README.read_text(encoding="utf-8").split("## Connect your helpdesk", 1)[1]
    match = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_following_the_readme_after_picking_a_theme_works(tmp_path: Path) -> None:
    """`frontline demo`, pick a theme, then paste the README's config at the end, then pick another."""
    path = tmp_path / "config.toml"
    persist_theme("frontline-light", path)  # the palette, before any config file exists
    with path.open("a", encoding="utf-8") as file:
        file.write("\n" + readme_config_block())

    settings = load_settings(path)
    assert settings.profile == "acme"
    assert settings.ui.theme == "frontline-light"
    assert settings.ui.bell is False
    assert "acme" in settings.profiles

    persist_theme("frontline-high-contrast", path)
    text = path.read_text(encoding="utf-8")
    assert load_settings(path).ui.theme == "frontline-high-contrast"
    assert load_settings(path).profile == "acme"
    assert "# the default profile; or --profile / FRONTLINE_PROFILE" in text
    assert [line for line in text.splitlines() if line.startswith("ui.theme")] == [
        'ui.theme = "frontline-high-contrast"'
    ]


def test_a_top_level_line_appended_after_a_theme_pick_stays_top_level(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# mine\n\n[profiles.acme.helpdesk]\nkind = "zendesk"\n', encoding="utf-8")

    write_value("ui", "theme", "frontline-light", path)
    text = path.read_text(encoding="utf-8")

    assert text.index("ui.theme") < text.index("[profiles.acme.helpdesk]")
    assert text.startswith("# mine\n")
    assert tomllib.loads(text)["profiles"] == {"acme": {"helpdesk": {"kind": "zendesk"}}}


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (
            '# dark at night\nui.theme = "frontline-dark"  # mine\n',
            '# dark at night\nui.theme = "frontline-light"  # mine\n',
        ),
        (
            '[ui]\n# refresh less\nrefresh_seconds = 120\n\n[keymap]\n"ticket.reply" = "a"\n',
            '[ui]\n# refresh less\nrefresh_seconds = 120\ntheme = "frontline-light"\n\n'
            '[keymap]\n"ticket.reply" = "a"\n',
        ),
        ("ui = { bell = true }\n", 'ui = { bell = true, theme = "frontline-light"}\n'),
    ],
    ids=["dotted", "table", "inline"],
)
def test_set_value_edits_the_table_where_it_is(original: str, expected: str) -> None:
    assert set_value(original, "ui", "theme", "frontline-light") == expected


def test_write_refuses_a_value_where_a_table_belongs(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('ui = "dark"\n', encoding="utf-8")

    with pytest.raises(ConfigError, match="by hand"):
        write_value("ui", "theme", "frontline-light", path)

    assert path.read_text(encoding="utf-8") == 'ui = "dark"\n'
    assert [entry.name for entry in tmp_path.iterdir()] == ["config.toml"]


def test_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    write_value("ui", "bell", True, path)
    write_value("ui", "bell", False, path)

    assert path.read_text(encoding="utf-8") == "ui.bell = false\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["config.toml"]
