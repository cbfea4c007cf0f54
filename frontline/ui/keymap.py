"""Rebindable keys: every `Binding` carries a stable id (`queue.refresh`), the config's `[keymap]` maps
ids to keys, and `App.set_keymap` applies it.

Textual applies the keymap to the live bindings, so the footer, `?` help and the command palette all show
the person's keys without further work. This module collects the ids declared on the app and screen
classes, reports unknown ids (with the closest known ones), keys that cannot be typed, and keys that would
clash on one screen, and applies only the entries that make sense.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode
from textual.keys import Keys, _normalize_key_list, key_to_character
from textual.screen import Screen

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(str(key.value).rpartition("+")[2] for key in Keys) | {
    "enter",
    "space",
    "tab",
    "backspace",
    "delete",
    "escape",
}


@dataclass(frozen=True)
class BindingInfo:
    """One declared binding: its id, default keys, action and description, and the class declaring it."""

    id: str
    key: str
    action: str
    description: str
    owner: str


def is_listed(binding: Binding) -> bool:
    """Whether help lists `binding`: ours (with an id), shown ones, the palette; not Textual's hidden ones."""
    return bool(binding.id) or binding.show or binding.action == "command_palette"


@dataclass(frozen=True)
class LiveBinding:
    """One listed action of a screen as it is bound now: every key the person has for it."""

    active: ActiveBinding
    keys: tuple[str, ...]

    @property
    def app_wide(self) -> bool:
        return isinstance(self.active.node, App)


def live_bindings(screen: Screen[object]) -> list[LiveBinding]:
    """The listed bindings of `screen`, one per action, screen ones before app-wide ones.

    Read from `Screen.active_bindings`, which Textual computes after the keymap is applied, so help and
    the palette show the person's keys, never the defaults.
    """
    keys: dict[tuple[int, str], list[str]] = {}
    first: dict[tuple[int, str], ActiveBinding] = {}
    ordered = sorted(screen.active_bindings.values(), key=lambda active: isinstance(active.node, App))
    for active in ordered:
        if not is_listed(active.binding):
            continue
        identity = (id(active.node), active.binding.id or active.binding.action)
        first.setdefault(identity, active)
        display = screen.app.get_key_display(active.binding)
        if display not in keys.setdefault(identity, []):
            keys[identity].append(display)
    return [LiveBinding(active, tuple(keys[identity])) for identity, active in first.items()]


def declared_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """The `Binding` objects in `BINDINGS` of `node_class` and its bases (most derived first)."""
    found: list[Binding] = []
    for klass in node_class.__mro__:
        for item in klass.__dict__.get("BINDINGS", ()):
            if isinstance(item, Binding):
                found.append(item)
    return found


def collect_binding_ids(classes: Iterable[type[DOMNode]]) -> dict[str, BindingInfo]:
    """Every binding id declared on `classes` (the app class, screens, focusable widgets), first wins."""
    known: dict[str, BindingInfo] = {}
    for node_class in classes:
        for binding in declared_bindings(node_class):
            if binding.id and binding.id not in known:
                known[binding.id] = BindingInfo(
                    id=binding.id,
                    key=binding.key,
                    action=binding.action,
                    description=binding.description,
                    owner=node_class.__name__,
                )
    return known


def is_valid_key(key: str) -> bool:
    """Whether Textual could ever deliver `key` (after `_normalize_key_list`), e.g. `ctrl+r`, `f5`, `R`."""
    *modifiers, base = key.split("+") if key != "+" else ["+"]
    if not base or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    return len(base) == 1 or base in _NAMED_KEYS or key_to_character(base) is not None


def validate_keymap(
    keymap: Mapping[str, str], known: Mapping[str, BindingInfo], classes: Iterable[type[DOMNode]] = ()
) -> tuple[dict[str, str], list[str]]:
    """Split `keymap` into the entries to apply and readable problems (one line each).

    `classes` (the app class first, then screens) is used to report keys that clash after rebinding.
    """
    valid: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, list(known), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}?" if close else "press ? in the app to see the ids"
            problems.append(f"keymap: unknown binding id {binding_id!r} ({hint})")
            continue
        normalized = _normalize_key_list(keys) if keys.strip() else ""
        key_list = [key for key in normalized.split(",") if key]
        if not key_list:
            problems.append(f"keymap: {binding_id!r} has no key; remove the line to keep the default")
            continue
        bad = [key for key in key_list if not is_valid_key(key)]
        if bad:
            problems.append(
                f"keymap: {binding_id!r}: {', '.join(repr(k) for k in bad)} is not a key "
                "(examples: r, R, ctrl+r, f5, question_mark)"
            )
            continue
        valid[binding_id] = ",".join(key_list)
    problems.extend(_clashes(valid, classes))
    return valid, problems


def _clashes(keymap: Mapping[str, str], classes: Iterable[type[DOMNode]]) -> list[str]:
    """A rebound key that another listed binding on the same screen (or the app) uses: only one would fire.

    The first class is taken to be the app: its bindings are active on every screen.
    """
    ordered = list(classes)
    if not ordered:
        return []
    app_bindings = declared_bindings(ordered[0])
    problems: list[str] = []
    for index, node_class in enumerate(ordered):
        by_key: dict[str, list[str]] = {}
        extra = app_bindings if index else []
        for binding in [*declared_bindings(node_class), *extra]:
            if not binding.id:
                continue  # unlisted aliases (arrows) and Textual's own keys: not the person's bindings
            label = binding.id
            source = keymap.get(binding.id, binding.key)
            for key in _normalize_key_list(source).split(","):
                if label not in by_key.setdefault(key, []):
                    by_key[key].append(label)
        for key, labels in by_key.items():
            message = f"keymap: {key!r} is bound to both {' and '.join(labels)} on {node_class.__name__}"
            if len(labels) > 1 and any(label in keymap for label in labels) and message not in problems:
                problems.append(message)
    return problems


def apply_keymap(app: App[Any], keymap: Mapping[str, str], classes: Iterable[type[DOMNode]]) -> list[str]:
    """Validate `keymap` against the bindings of `type(app)` and `classes`, apply what is valid.

    Returns the problems to show the person once (an empty list when everything applied).
    """
    all_classes = [type(app), *classes]
    known = collect_binding_ids(all_classes)
    valid, problems = validate_keymap(keymap, known, all_classes)
    app.set_keymap(valid)
    return problems


def key_for(screen: Screen[object], binding_id: str, default: str) -> str:
    """The key the person has for `binding_id` on `screen` now (after `[keymap]`), for hints in text."""
    for live in live_bindings(screen):
        if live.active.binding.id == binding_id and live.keys:
            return live.keys[0]
    return default
