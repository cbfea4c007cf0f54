"""Themes as TOML data files, turned into `textual.theme.Theme` objects.

Built-in themes ship in `themes/` (`locations.builtin_themes_dir()`); a person adds or overrides themes by
name with `*.toml` files in the config dir's `themes/`. A file that is not valid TOML, has a bad colour
(checked with `Color.parse`), lacks a key or has an unknown one is reported in `ThemeLoadResult.problems`
and skipped: a broken theme never stops the console.

The chosen theme persists as `ui.theme` in the config file itself, through `frontline.config_write`
(tomlkit), so the rest of the file, comments included, stays as the person wrote it. The normal
precedence therefore holds: `FRONTLINE_UI__THEME` and command-line settings still win over the saved
choice, and editing the file by hand keeps working.
"""

from __future__ import annotations

import asyncio
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from textual.app import App
from textual.color import Color, ColorParseError
from textual.theme import Theme

from frontline import locations
from frontline.config import Settings
from frontline.errors import ConfigError

DEFAULT_THEME = "frontline-dark"

APP_THEME_VARIABLE_DEFAULTS: dict[str, str] = {
    "sla-breached": "#e5534b",
    "sla-at-risk": "#d4a72c",
    "sla-paused": "#808080",
    "priority-urgent": "#e5534b",
    "priority-high": "#d4a72c",
    "note-internal": "#d4a72c",
    "note-internal-background": "#3a3220",
    "reply-public": "#4c9be8",
    "message-customer": "#57ab5a",
    "marker-new": "#57ab5a",
    "marker-changed": "#4c9be8",
}
"""frontline's own CSS variables (`$sla-breached` ...), for `App.get_theme_variable_defaults()`."""

_TEXT_STYLES = {"none", "bold", "italic", "underline", "reverse", "strike", "dim", "blink"}
_COLOUR_FIELDS = (
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
    "boost",
)


def _check_colour(value: str) -> str:
    """A Textual colour, optionally followed by an alpha percentage (`#ff0000 40%`)."""
    parts = value.split()
    if len(parts) == 2 and re.fullmatch(r"\d{1,3}%", parts[1]):
        parts = parts[:1]
    if len(parts) != 1:
        raise ValueError(f"{value!r} is not a colour")
    try:
        Color.parse(parts[0])
    except ColorParseError:
        raise ValueError(f"{value!r} is not a colour (try #rrggbb, rgb(r, g, b) or a colour name)") from None
    return value


class ThemeFile(BaseModel):
    """The contents of one theme file; its validator is built when the first theme file is read (at the
    app's mount), not when the console's modules are imported."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    dark: bool = True
    primary: str
    secondary: str | None = None
    accent: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    foreground: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    boost: str | None = None
    variables: dict[str, str] = {}

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator(*_COLOUR_FIELDS)
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        return None if value is None else _check_colour(value)

    @field_validator("variables")
    @classmethod
    def _variables(cls, values: dict[str, str]) -> dict[str, str]:
        for name, value in values.items():
            if name.endswith("text-style"):
                if not set(value.split()) <= _TEXT_STYLES:
                    raise ValueError(f"{name}: {value!r} is not a text style")
            else:
                try:
                    _check_colour(value)
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from None
        return values

    def to_textual_theme(self) -> Theme:
        colours = {key: getattr(self, key) for key in _COLOUR_FIELDS}
        return Theme(name=self.name, dark=self.dark, variables=dict(self.variables), **colours)


@dataclass
class ThemeLoadResult:
    """Themes that loaded (built-ins overridden by user files of the same name) and what went wrong."""

    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [theme.name for theme in self.themes]


def load_theme_file(path: Path) -> Theme:
    """Parse one theme file.

    Raises:
        ConfigError: unreadable, not TOML, or not a valid theme; the message names the file and the key.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}).") from None
    try:
        return ThemeFile.model_validate(data).to_textual_theme()
    except ValidationError as exc:
        details = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(f"{path}: {details}.") from None


def _describe(error: object) -> str:
    info = dict(error)  # type: ignore[call-overload]
    key = ".".join(str(part) for part in info["loc"]) or "file"
    if info["type"] == "missing":
        return f"missing key {key!r}"
    if info["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    message = str(info["msg"]).removeprefix("Value error, ")
    return f"{key}: {message}"


def load_themes(builtin_dir: Path, user_dir: Path | None) -> ThemeLoadResult:
    """Every `*.toml` theme in `builtin_dir`, then `user_dir` (a user theme replaces a built-in by name)."""
    by_name: dict[str, Theme] = {}
    result = ThemeLoadResult()
    for directory in (builtin_dir, user_dir):
        if directory is None or not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ConfigError as exc:
                result.problems.append(exc.message)
                continue
            by_name[theme.name] = theme
    result.themes = list(by_name.values())
    return result


def install_themes(app: App[Any], settings: Settings) -> list[str]:
    """Register built-in and user themes on `app` and activate `settings.ui.theme`; returns problems.

    Call from the app's `__init__` (before any CSS is parsed: set later, the theme makes Textual parse all
    of it again) and show the problems once mounted. An unknown theme name falls back to `frontline-dark`.
    """
    result = load_themes(locations.builtin_themes_dir(), locations.user_themes_dir())
    for theme in result.themes:
        app.register_theme(theme)
    wanted = settings.ui.theme
    if wanted in app.available_themes:
        app.theme = wanted
    else:
        fallback = DEFAULT_THEME if DEFAULT_THEME in app.available_themes else "textual-dark"
        known = ", ".join(result.names) or "none"
        result.problems.append(f"Theme {wanted!r} is not available (themes: {known}); using {fallback}.")
        app.theme = fallback
    return result.problems


def switch_theme(app: App[Any], name: str, *, config_path: Path | None = None) -> None:
    """Activate a registered theme now and remember it in the config file (written off the UI thread)."""
    app.theme = name
    settings = getattr(app, "settings", None)
    if isinstance(settings, Settings):
        settings.ui.theme = name

    async def save() -> None:
        try:
            await asyncio.to_thread(persist_theme, name, config_path)
        except ConfigError as exc:
            app.notify(exc.message, title="Theme not saved", severity="warning", markup=False)

    app.run_worker(save(), group="theme-persist", exit_on_error=False)


def persist_theme(name: str, config_path: Path | None = None) -> Path:
    """Save `ui.theme = name` in the config file, keeping everything else; returns the file's path.

    Raises:
        ConfigError: the file is not valid TOML, or has a shape this edit cannot handle safely.
    """
    from frontline.config_write import write_value  # tomlkit: only when a theme is saved

    try:
        return write_value("ui", "theme", name, config_path)
    except ConfigError as exc:
        raise ConfigError(f"Theme not saved: {exc.message}") from None


def set_ui_theme(text: str, name: str) -> str:
    """`text` with its `ui.theme` set to `name` (see `config_write.set_value`)."""
    from frontline.config_write import set_value

    return set_value(text, "ui", "theme", name)
