"""Themes: built-ins load, user files override by name, broken files are reported and skipped."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.color import Color

from frontline import locations
from frontline.errors import ConfigError
from frontline.ui.themes import (
    APP_THEME_VARIABLE_DEFAULTS,
    load_themes,
    persist_theme,
    set_ui_theme,
)

BUILTINS = {"frontline-dark", "frontline-light", "frontline-high-contrast"}
REQUIRED = [
    "primary",
    "secondary",
    "accent",
    "background",
    "surface",
    "panel",
    "foreground",
    "warning",
    "error",
    "success",
]


def test_builtin_themes_load_complete() -> None:
    result = load_themes(locations.builtin_themes_dir(), None)

    assert result.problems == []
    assert set(result.names) >= BUILTINS
    by_name = {theme.name: theme for theme in result.themes}
    assert by_name["frontline-light"].dark is False
    for theme in by_name.values():
        for key in REQUIRED:
            assert getattr(theme, key), f"{theme.name} lacks {key}"
        assert set(APP_THEME_VARIABLE_DEFAULTS) <= set(theme.variables), theme.name


def test_defaults_are_colours() -> None:
    for value in APP_THEME_VARIABLE_DEFAULTS.values():
        Color.parse(value)


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_theme_overrides_builtin_and_adds_new(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    write(user, "mine.toml", 'name = "frontline-dark"\nprimary = "#123456"\n')
    write(
        user,
        "ocean.toml",
        'name = "ocean"\ndark = false\nprimary = "teal"\n[variables]\nsla-breached = "red 50%"\n',
    )

    result = load_themes(locations.builtin_themes_dir(), user)

    assert result.problems == []
    by_name = {theme.name: theme for theme in result.themes}
    assert by_name["frontline-dark"].primary == "#123456"
    assert by_name["ocean"].variables == {"sla-breached": "red 50%"}
    assert result.names.count("frontline-dark") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "x"\nprimary = \n', "not valid TOML"),
        ('name = "x"\nprimary = "#zzzzzz"\n', "primary: '#zzzzzz' is not a colour"),
        ('name = "x"\n', "missing key 'primary'"),
        ('name = "x"\nprimary = "red"\nprimry = "blue"\n', "unknown key 'primry'"),
        ('name = "x"\nprimary = "red"\n[variables]\nsla-breached = "reddish"\n', "sla-breached"),
    ],
)
def test_broken_user_theme_is_reported_and_skipped(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "themes", "broken.toml", text)

    result = load_themes(locations.builtin_themes_dir(), tmp_path / "themes")

    assert set(result.names) >= BUILTINS
    assert "x" not in result.names
    assert len(result.problems) == 1
    assert str(path) in result.problems[0]
    assert expected in result.problems[0]


def test_missing_user_dir_is_fine(tmp_path: Path) -> None:
    result = load_themes(locations.builtin_themes_dir(), tmp_path / "nope")
    assert result.problems == []


COMMENTED = """# my frontline config
profile = "acme"  # the default

[ui]
# keep it dark
theme = "frontline-dark"
bell = true

[profiles.acme.helpdesk]
base_url = "https://acme.zendesk.com"
"""


def test_persist_replaces_only_the_theme_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")

    persist_theme("frontline-light", path)

    text = path.read_text(encoding="utf-8")
    assert text == COMMENTED.replace('theme = "frontline-dark"', 'theme = "frontline-light"')


@pytest.mark.parametrize(
    "original",
    [
        "",
        'profile = "acme"',
        '[profiles.acme.helpdesk]\nkind = "zendesk"\n',
        '[ui]\nbell = true\n\n[profiles.a.helpdesk]\nkind = "jsm"\n',
        'ui.theme = "frontline-dark"\nprofile = "a"\n',
        '[ui]\nbell = true\n[[profiles.a.escalation]]\nkind = "jira"\n',
    ],
)
def test_set_ui_theme_keeps_other_settings(original: str) -> None:
    updated = set_ui_theme(original, "frontline-high-contrast")

    before = tomllib.loads(original)
    after = tomllib.loads(updated)
    assert after["ui"]["theme"] == "frontline-high-contrast"
    after["ui"].pop("theme")
    before.setdefault("ui", {}).pop("theme", None)
    if not after["ui"] and not before["ui"]:
        after.pop("ui")
        before.pop("ui")
    assert after == before


def test_persist_creates_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    persist_theme("frontline-light", path)
    assert tomllib.loads(path.read_text())["ui"]["theme"] == "frontline-light"


def test_persist_refuses_a_shape_it_cannot_edit(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = 'ui = "frontline-dark"\n'
    path.write_text(original)

    with pytest.raises(ConfigError, match="by hand"):
        persist_theme("frontline-light", path)
    assert path.read_text() == original


def test_persist_refuses_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[ui\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        persist_theme("frontline-light", path)
    assert path.read_text() == "[ui\n"
