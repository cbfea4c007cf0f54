"""Rebindable keys: every `Binding` carries a stable id (`queue.refresh`), the config's `[keymap]` maps
ids to keys, and `App.set_keymap` applies it.

Textual applies the keymap to the live bindings, so the footer, `?` help and the command palette all show
the person's keys without further work. This module collects the ids declared on the app and screen
classes, reports unknown ids (with the closest known ones), keys that cannot be typed, and keys that would
clash on one screen, and applies only the entries that make sense.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
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
    """Whether a keyboard can deliver `key` (after `_normalize_key_list`), e.g. `ctrl+r`, `f5`, `R`.

    A base named after a character must name a printable ASCII one (`question_mark`): Textual accepts any
    Unicode name, so `ctrl+shift+banana` would pass while no key sends it.
    """
    *modifiers, base = key.split("+") if key != "+" else ["+"]
    if not base or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    if len(set(modifiers)) != len(modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in _NAMED_KEYS:
        return True
    character = key_to_character(base)
    return character is not None and character.isascii() and character.isprintable()


def _typed_keys(keys: str) -> list[str]:
    """The comma-separated keys of one `[keymap]` entry, as Textual names them (`?` is `question_mark`)."""
    if not keys.strip():
        return []
    return [key for key in _normalize_key_list(keys).split(",") if key]


def validate_keymap(
    keymap: Mapping[str, str], known: Mapping[str, BindingInfo], classes: Iterable[type[DOMNode]] = ()
) -> tuple[dict[str, str], list[str]]:
    """Split `keymap` into the entries to apply and readable problems (one line each).

    Every rejected entry keeps its default keys. `classes` (the app class first, then screens and
    widgets) is used to reject entries whose keys clash after rebinding: both actions keep their keys.
    """
    valid: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, list(known), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}?" if close else "press ? in the app to see the ids"
            problems.append(f"keymap: unknown binding id {binding_id!r} ({hint})")
            continue
        key_list = _typed_keys(keys)
        if not key_list:
            problems.append(f"keymap: {binding_id!r} has no key; remove the line to keep the default")
            continue
        bad = [key for key in key_list if not is_valid_key(key)]
        if bad:
            problems.append(
                f"keymap: {binding_id!r}: {', '.join(repr(k) for k in bad)} is not a key "
                "(examples: r, R, ctrl+r, f5, question_mark); the default stays"
            )
            continue
        valid[binding_id] = ",".join(key_list)
    ordered = list(classes)
    while clashes := find_clashes(valid, ordered):  # a rejected entry's default key may clash anew
        for binding_id, message in clashes.items():
            valid.pop(binding_id, None)
            problems.append(message)
    return valid, problems


def _context_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """The bindings `node_class` has, as Textual merges them: a subclass's key replaces its base's."""
    by_key: dict[str, list[Binding]] = {}
    for klass in reversed(node_class.__mro__):
        if not isinstance(klass, type) or not issubclass(klass, DOMNode):
            continue
        declared: dict[str, list[Binding]] = {}
        for item in klass.__dict__.get("BINDINGS", ()):
            if isinstance(item, Binding):
                for key in _typed_keys(item.key):
                    declared.setdefault(key, []).append(item)
        by_key.update(declared)
    found: list[Binding] = []
    for bindings in by_key.values():
        found.extend(binding for binding in bindings if binding not in found)
    return found


def binding_contexts(classes: Sequence[type[DOMNode]]) -> list[tuple[str, list[type[DOMNode]]]]:
    """Where keys meet: each screen with the widgets it declares in `KEYMAP_WIDGETS` and the app (the
    first class); a widget no screen declares is checked with the app alone."""
    if not classes:
        return []
    app_class, *rest = classes
    claimed = {widget for node in rest for widget in getattr(node, "KEYMAP_WIDGETS", ())}
    contexts: list[tuple[str, list[type[DOMNode]]]] = [(app_class.__name__, [app_class])]
    for node_class in rest:
        if node_class in claimed:
            continue
        widgets = list(getattr(node_class, "KEYMAP_WIDGETS", ()))
        contexts.append((node_class.__name__, [*widgets, node_class, app_class]))
    return contexts


def find_clashes(keymap: Mapping[str, str], classes: Sequence[type[DOMNode]]) -> dict[str, str]:
    """The `keymap` entries that put a key on a binding where another action already has it (only one
    would fire), with the message for each. Aliases of the same action (`j` and `down`) never clash;
    a key an entry keeps from its defaults is not counted against it."""
    clashes: dict[str, str] = {}
    for where, members in binding_contexts(classes):
        by_key: dict[str, list[Binding]] = {}
        for node_class in members:
            for binding in _context_bindings(node_class):
                source = keymap.get(binding.id, binding.key) if binding.id else binding.key
                for key in _typed_keys(source):
                    if binding not in by_key.setdefault(key, []):
                        by_key[key].append(binding)
        for key, bindings in by_key.items():
            if len({binding.action for binding in bindings}) < 2:
                continue
            for binding in bindings:
                if binding.id not in keymap or key in _typed_keys(binding.key):
                    continue
                others = [_label(other) for other in bindings if other.action != binding.action]
                clashes.setdefault(
                    str(binding.id),
                    f"keymap: {binding.id!r} = {keymap[str(binding.id)]!r}: {key!r} is already "
                    f"{' and '.join(others)} on {where}; {binding.id} keeps its default "
                    f"{binding.key!r}",
                )
    return clashes


def _label(binding: Binding) -> str:
    """A binding as the person can name it: its id, or Textual's own action (`app.focus_next`)."""
    return binding.id or binding.action


def keymap_problems(keymap: Mapping[str, str]) -> list[str]:
    """The problems `[keymap]` has for the console's bindings, without starting it (`frontline doctor`)."""
    from frontline.ui.app import FrontlineApp, bound_classes

    classes: list[type[DOMNode]] = [FrontlineApp, *bound_classes()]
    return validate_keymap(keymap, collect_binding_ids(classes), classes)[1]


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
