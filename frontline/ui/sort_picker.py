"""The sort picker (`s`): every column by name; choosing the sorted column again reverses it."""

from __future__ import annotations

from frontline.domain.queue_sort import SORT_LABELS, SORT_MODES, SortMode, sort_arrow


def sort_choices(current: SortMode, reverse: bool) -> list[tuple[str, str]]:
    """(column, label) for the picker; the current column says which way it sorts and what again does."""
    choices: list[tuple[str, str]] = []
    for mode in SORT_MODES:
        label = SORT_LABELS[mode]
        if mode == current:
            label += f" {sort_arrow(mode, reverse)}  · choose again for {sort_arrow(mode, not reverse)}"
        choices.append((mode, label))
    return choices


def chosen_sort(current: SortMode, reverse: bool, chosen: str) -> tuple[SortMode, bool] | None:
    """The sort after picking `chosen`: the same column reverses, another starts in its natural order."""
    for mode in SORT_MODES:
        if mode == chosen:
            return (mode, not reverse) if mode == current else (mode, False)
    return None
