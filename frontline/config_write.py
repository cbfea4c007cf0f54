"""Every write frontline makes to the person's config file, through tomlkit so the file stays theirs.

The file is hand-written and commented, so a write edits one value in place: comments, key order, blank
lines and quoting elsewhere come back byte for byte. A value whose table does not exist yet goes in as a
top-level dotted key (`ui.theme = "..."`) above the first `[table]`, never as a new `[ui]` table at the
end: top-level lines a person appends afterwards (the README's `profile = "..."`) then still land at the
top level instead of inside `[ui]`. Each write is checked by reading the result back with `tomllib`, and
the file is replaced atomically, so a failed or odd edit never leaves a half-written config.
"""

from __future__ import annotations

import json
import os
import threading
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from frontline import locations
from frontline.errors import ConfigError

_WRITE_LOCK = threading.Lock()


def set_value(text: str, table: str, key: str, value: str | int | bool) -> str:
    """`text` with `[table] key = value` set, everything else kept as written.

    An existing table (a `[table]` header, dotted keys or an inline table) is edited in place; otherwise
    the value becomes a top-level dotted key placed before the first table.

    Raises:
        ConfigError: `text` is not valid TOML, or `table` is not a table in it.
    """
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"not valid TOML ({exc}).") from None
    if table in document:
        section = document[table]
        if not isinstance(section, dict):
            raise ConfigError(f"{table!r} is a value, not a table.")
        section[key] = value
    else:
        document.add(tomlkit.key([table, key]), value)
    return tomlkit.dumps(document)


def write_value(table: str, key: str, value: str | int | bool, path: Path | None = None) -> Path:
    """Set `[table] key = value` in the config file (created when missing); returns the file's path.

    Raises:
        ConfigError: the file is not valid TOML, or the edit would change anything but that one value.
    """
    path = path or locations.config_file()
    where = f"{table}.{key}"
    by_hand = f"Set `{key} = {json.dumps(value)}` under [{table}] in {path} by hand."
    with _WRITE_LOCK:
        try:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} cannot be read ({exc}). {by_hand}") from None
        try:
            before = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML ({exc}).") from None
        try:
            new_text = set_value(text, table, key, value)
            after = tomllib.loads(new_text)
        except (ConfigError, tomllib.TOMLDecodeError):
            raise ConfigError(f"frontline could not edit {path} safely. {by_hand}") from None
        if _without(after, table, key) != _without(before, table, key) or after[table][key] != value:
            raise ConfigError(f"frontline could not set {where} in {path} safely. {by_hand}")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(new_text, encoding="utf-8")
        os.replace(temporary, path)
    return path


def _without(data: dict[str, Any], table: str, key: str) -> dict[str, Any]:
    """`data` minus `[table] key` (and the table, if that left it empty): what a write must not touch."""
    copy = dict(data)
    section = copy.get(table)
    if isinstance(section, dict):
        rest = {name: value for name, value in section.items() if name != key}
        if rest:
            copy[table] = rest
        else:
            copy.pop(table)
    return copy
