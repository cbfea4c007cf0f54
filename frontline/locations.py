"""Where frontline keeps its files: platformdirs paths, overridable for tests and power users."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "frontline"


def config_dir() -> Path:
    """The config directory: holds config.toml, themes/ and templates/."""
    override = os.environ.get("FRONTLINE_CONFIG")
    if override:
        return Path(override).expanduser().parent
    return Path(user_config_dir(APP_NAME))


def config_file() -> Path:
    """`FRONTLINE_CONFIG`, else `<platform config dir>/frontline/config.toml`."""
    override = os.environ.get("FRONTLINE_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    """Local state (drafts, cache, shift journal): `FRONTLINE_DATA_DIR` or the platform data dir."""
    override = os.environ.get("FRONTLINE_DATA_DIR")
    path = Path(override).expanduser() if override else Path(user_data_dir(APP_NAME))
    return path


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def templates_dir() -> Path:
    return config_dir() / "templates"


def builtin_themes_dir() -> Path:
    """The `themes/` folder shipped with frontline (repo checkout or installed wheel)."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir.parent / "themes", package_dir / "_themes"):
        if candidate.is_dir():
            return candidate
    return package_dir.parent / "themes"
